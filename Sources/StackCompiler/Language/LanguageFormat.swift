/// A format of text the manifest takes in many places (names, hosts, durations): how the
/// reference names it, what it is, and the pattern the schema holds it to.
///
/// Patterns are ECMA-262 regular expressions (JSON Schema's dialect) and describe the shape
/// only; what a pattern cannot say (a cron field's range, an address being loopback, a size
/// of zero) the checker still reports.
struct LanguageFormat: Sendable {
    /// The name of its schema definition, `dnsLabel`; nil for text of any form.
    var id: String?
    /// The type as the reference names it: "name", "duration".
    var words: String
    /// What it is, for the reference's list of formats and the schema's description.
    var description: String
    /// The pattern a string of the format matches; nil when any string goes.
    var pattern: String?
    /// The most characters it may have.
    var maxLength: Int?

    /// Any text.
    static let text = LanguageFormat(id: nil, words: "string", description: "any text", pattern: nil)

    /// One label of a host name: letters, digits and `-`, not at either end.
    private static let hostLabel = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    private static let hostName = "\(hostLabel)(\\.\(hostLabel))*"
    /// A port from 1 to 65535, with leading zeros as the checker reads them (`080`).
    private static let port = "0*([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"

    static let name = LanguageFormat(
        id: "name", words: "name",
        description:
            "a DNS label: a lowercase letter, then lowercase letters, digits or `-`, at most 63 characters, not ending in `-`",
        pattern: "^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", maxLength: 63)
    static let host = LanguageFormat(
        id: "host", words: "host",
        description:
            "one label (`cloud`, meaning `cloud.<domain>`) or a full name (`cloud.example.org`): labels of letters, digits and `-`, at most 253 characters; lowercased; a YAML string, so a name of digits only is quoted (`\"8080\"`)",
        pattern: "^\(hostName)$", maxLength: 253)
    static let email = LanguageFormat(
        id: "email", words: "e-mail address",
        description: "`someone@host`, where the host is what `domain` accepts",
        pattern: "^[^@\\s]+@\(hostName)$")
    static let url = LanguageFormat(
        id: "url", words: "URL", description: "an `http://` or `https://` URL without spaces",
        pattern: "^https?://\\S+$")
    static let ipv4 = LanguageFormat(
        id: "ipv4", words: "IPv4 address",
        description:
            "four decimal numbers 0–255 without leading zeros or a prefix length; not loopback, `0.0.0.0/8`, multicast or reserved",
        pattern: "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$")
    static let image = LanguageFormat(
        id: "image", words: "image reference",
        description:
            "`[registry/]path[:tag][@sha256:…]` with a lowercase path; the registry part has a dot, a port or is `localhost`",
        pattern:
            "^([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9._-]+(/[a-z0-9._-]+)*(:[A-Za-z0-9._-]{1,128})?(@sha256:[A-Za-z0-9]{64})?$",
        maxLength: 255)
    static let imageTag = LanguageFormat(
        id: "imageTag", words: "image tag", description: "letters, digits, `.`, `_` and `-`, at most 128 characters",
        pattern: "^[A-Za-z0-9._-]{1,128}$")
    static let buildContext = LanguageFormat(
        id: "buildContext", words: "folder", description: "a folder relative to the manifest (`./api`), not absolute",
        pattern: "^[^/\\n][^\\n]*$")
    static let routePath = LanguageFormat(
        id: "routePath", words: "path",
        description: "starts with `/`, without whitespace, control characters, `?`, `#`, quotes, `` ` `` or `\\`",
        pattern: "^/[^\\s\\u0000-\\u001f\\u007f?#`\"'\\\\]*$")
    static let containerPath = LanguageFormat(
        id: "containerPath", words: "container path",
        description:
            "an absolute path in the container, not `/` itself, without `..`, `:`, spaces or control characters",
        pattern: "^/[^\\s\\u0000-\\u001f\\u007f:]*[^\\s\\u0000-\\u001f\\u007f:/][^\\s\\u0000-\\u001f\\u007f:]*$")
    static let containerFile = LanguageFormat(
        id: "containerFile", words: "container file path",
        description: "an absolute path to a file in the container: not ending in `/`, without `..`, `:` or spaces",
        pattern: "^/[^\\s\\u0000-\\u001f\\u007f:]*[^\\s\\u0000-\\u001f\\u007f:/]$")
    static let fileSource = LanguageFormat(
        id: "fileSource", words: "file",
        description:
            "a file relative to the manifest's folder (`./nginx/nginx.conf`, `../config/app.ini`): not absolute, not `~…`, not a folder",
        pattern: "^[^/~\\s\\\\]([^\\s\\\\]*[^/\\s\\\\])?$")
    static let secretName = LanguageFormat(
        id: "secretName", words: "secret name",
        description: "letters, digits, `_`, `-` and `.`, starting with a letter or digit, at most 64 characters",
        pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    static let environmentName = LanguageFormat(
        id: "environmentName", words: "variable name",
        description: "letters, digits and `_`, not starting with a digit",
        pattern: "^[A-Za-z_][A-Za-z0-9_]{0,255}$")
    static let labelName = LanguageFormat(
        id: "labelName", words: "label name", description: "letters, digits, `.`, `-` and `_`",
        pattern: "^[A-Za-z0-9._-]{1,128}$")
    static let labelValue = LanguageFormat(
        id: "labelValue", words: "label value",
        description: "any scalar, kept as written: not empty, without spaces, `=`, `!` or line breaks",
        pattern: "^[^\\s=!]+$")
    static let sshKey = LanguageFormat(
        id: "sshKey", words: "SSH public key",
        description:
            "one public key line: a type (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-*`, `sk-*`), base64 data, an optional comment",
        pattern:
            "^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com) +[A-Za-z0-9+/=]{16,}( .*)?$"
    )
    static let smtpRelay = LanguageFormat(
        id: "smtpRelay", words: "`host` or `host:port`", description: "a mail relay, `smtp.example.org:587`",
        pattern: "^\(hostName)(:\(port))?$")
    static let smtpUser = LanguageFormat(
        id: "smtpUser", words: "user name", description: "printable, without spaces, at most 256 characters",
        pattern: "^\\S{1,256}$")
    static let backupTarget = LanguageFormat(
        id: "backupTarget", words: "path or `s3://bucket/prefix`",
        description:
            "an absolute path on the node, or `s3://bucket/prefix` with a 3–63 character lowercase bucket name",
        pattern: "^(/.*|s3://[a-z0-9.-]{3,63}(/.*)?)$")
    static let schedule = LanguageFormat(
        id: "schedule", words: "schedule",
        description:
            "`hourly` (on the hour), `daily` (03:00), `weekly` (Sunday 03:00), or five cron fields (minute 0–59, hour 0–23, day 1–31, month 1–12, weekday 0–7), each `*`, `*/n`, `a`, `a-b`, `a-b/n` or a comma list of those",
        pattern: "^(hourly|daily|weekly| *[0-9*,/-]+( +[0-9*,/-]+){4} *)$")
    static let duration = LanguageFormat(
        id: "duration", words: "duration",
        description:
            "numbers with a unit `s`, `m`, `h` or `d`, one or several joined: `30s`, `5m`, `1h30m`, `7d`; no fractions, at most a century",
        pattern: "^([0-9]{1,9}[smhd])+$")
    static let size = LanguageFormat(
        id: "size", words: "size",
        description:
            "a number, possibly with a fraction, and a binary unit `K`, `M`, `G` or `T`, optionally followed by `B` or `iB`, any case: `512M`, `2G`, `10GB`, `256MiB`",
        pattern: "^([0-9]+\\.?[0-9]*|\\.[0-9]+)[KMGTkmgt]([Ii]?[Bb])?$")
    static let portShorthand = LanguageFormat(
        id: "portShorthand", words: "`\"published:target[/udp]\"`",
        description: "the published port, `:`, the container's port, and optionally `/tcp` or `/udp`: `\"53:53/udp\"`",
        pattern: "^\(port):\(port)(/(tcp|udp))?$")

    /// Every format with a definition, in the order the reference lists them.
    static let all: [LanguageFormat] = [
        name, host, email, url, ipv4, image, imageTag, buildContext, routePath, containerPath, containerFile,
        fileSource, secretName, environmentName, labelName, labelValue, sshKey, smtpRelay, smtpUser, backupTarget,
        schedule, duration, size, portShorthand,
    ]
}
