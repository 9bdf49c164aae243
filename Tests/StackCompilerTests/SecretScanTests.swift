import Foundation
import Testing

@testable import StackCompiler

/// No generated file holds a secret value: every file built from the committed and the synthetic
/// manifests, and every file of the committed out/ tree, is scanned for anything that looks like
/// one (PEM blocks, password hashes, long random-looking tokens, a password given literally,
/// cloud access keys). Secrets reach services only as Swarm secrets, files under /run/secrets,
/// that deploy.sh creates. A planted secret of each kind in a copy proves the scanner bites.
@Suite struct SecretScanTests {
    @Test(arguments: BuildSupport.repoManifestPaths())
    func committedManifestsBuildNoSecret(path: String) throws {
        let text = try String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(path), encoding: .utf8)
        let built = try #require(BuildSupport.build(path: path, text: text))
        let findings = SecretScanner.scan(built.tree.files.map { ($0.path, $0.contents) })
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test(arguments: SyntheticManifests.all.map(\.name))
    func syntheticManifestsBuildNoSecret(name: String) throws {
        let text = try #require(SyntheticManifests.all.first { $0.name == name }?.text)
        let built = try #require(BuildSupport.build(path: name, text: text))
        let findings = SecretScanner.scan(built.tree.files.map { ($0.path, $0.contents) })
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test func theCommittedOutTreeHoldsNoSecret() throws {
        let out = BuildSupport.repoRoot.appendingPathComponent("out")
        let files = try SecretScanner.files(under: out)
        #expect(files.contains { $0.path.hasSuffix("/stack.yml") }, "no out/ tree to scan")
        let findings = SecretScanner.scan(files)
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    /// In every stack file, a variable naming a password, secret or key is a `_FILE` variable
    /// whose file is a secret the service mounts (or a reference), never the value itself. (A
    /// `_URL` names where a token is fetched, not a token: Grafana's `..._TOKEN_URL`.)
    @Test(arguments: BuildSupport.repoManifestPaths() + SyntheticManifests.all.map(\.name))
    func secretVariablesAreFilesTheServiceMounts(name: String) throws {
        let text =
            try SyntheticManifests.all.first { $0.name == name }?.text
            ?? String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(name), encoding: .utf8)
        let built = try #require(BuildSupport.build(path: name, text: text))
        let stackFile = try #require(built.tree.file("stack.yml"))
        let document = try #require(try PyYAMLValue.read(stackFile.contents))
        for (serviceName, service) in try #require(document["services"]?.pairs) {
            let mounted = Set((service["secrets"]?.items ?? []).compactMap { $0["target"]?.string })
            for (key, value) in (service["environment"]?.pairs ?? [:]).compactMapValues(\.string)
            where key.range(of: "PASSWORD|SECRET|TOKEN|_KEY", options: .regularExpression) != nil
                && !key.hasSuffix("_URL")
            {
                if key.hasSuffix("_FILE") {
                    let secret = value.hasPrefix("/run/secrets/") ? String(value.dropFirst("/run/secrets/".count)) : nil
                    #expect(
                        secret.map(mounted.contains) == true,
                        "\(name): \(serviceName) \(key)=\(value) is not a mounted secret")
                } else {
                    #expect(value.hasPrefix("$"), "\(name): \(serviceName) has \(key) with a value")
                }
            }
        }
    }

    /// Each kind of secret, planted in a written copy of a generated tree, is found, by the rule
    /// for its kind; the unplanted copy is clean.
    @Test func theScannerFindsPlantedSecrets() throws {
        let text = try #require(SyntheticManifests.all.first { $0.name == "engines.yml" }?.text)
        let built = try #require(BuildSupport.build(path: "engines.yml", text: text))
        let folder = try BuildSupport.makeTemporaryFolder("secret-scan")
        defer { try? FileManager.default.removeItem(at: folder) }
        try BuildSupport.write(built.tree, to: folder)
        #expect(SecretScanner.scan(try SecretScanner.files(under: folder)).isEmpty)

        let stackFile = folder.appendingPathComponent("stack.yml")
        let configName = try #require(
            String(contentsOf: stackFile, encoding: .utf8)
                .split(separator: "\n").first { $0.contains("name: engines_api-entrypoint_") })
        let planted: [(rule: String, file: String, line: String)] = [
            ("pem", "deploy.sh", "-----BEGIN PRIVATE KEY-----"),
            ("pem", "traefik/dynamic.yml", "# -----BEGIN CERTIFICATE-----"),
            ("pem", "postgres/pg-init.sh", "-----BEGIN OPENSSH PRIVATE KEY-----"),
            ("password-hash", "stack.yml", "# admin:$2y$05$abcdefghijklmnopqrstuuOBq0hXq3eYLW1v0a3mWaD0Ttn3f1QrGe"),
            ("password-hash", "deploy.sh", "# admin:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/"),
            (
                "password-hash", "entrypoints/api.sh",
                "# root:$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/"
            ),
            (
                "token", "entrypoints/worker.sh",
                "export API_KEY_HEX=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            ),
            ("token", "mariadb/maria-init.sh", "# c2VjcmV0LXZhbHVlLTEyMzQ1Njc4OTAtYWJjZGVmZ2hpams="),
            (
                "token", "stack.yml",
                String(
                    configName.replacingOccurrences(
                        of: #"_[0-9a-f]{12}$"#, with: "_0123456789ab", options: .regularExpression))
            ),
            ("literal-password", "stack.yml", "      DATABASE_PASSWORD: hunter2"),
            ("literal-password", "deploy.sh", "ADMIN_PASSWORD=hunter2"),
            ("literal-password", "traefik/traefik.yml", "  secret: 'plain words'"),
            ("access-key", "entrypoints/my-app.sh", "# AKIAIOSFODNN7EXAMPLE"),
            ("access-key", "postgres/pg-init.sh", "# aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ]
        for plant in planted {
            let url = folder.appendingPathComponent(plant.file)
            let original = try String(contentsOf: url, encoding: .utf8)
            try (original + plant.line + "\n").write(to: url, atomically: true, encoding: .utf8)
            let findings = SecretScanner.scan(try SecretScanner.files(under: folder))
            #expect(
                findings.contains { $0.rule == plant.rule && $0.path == plant.file },
                "\(plant.line) in \(plant.file) not found as \(plant.rule): \(findings)")
            try original.write(to: url, atomically: true, encoding: .utf8)
        }
    }
}

/// Finds what looks like a secret value in text files. Each rule says what it looks for; the
/// exceptions are exact shapes of things that are not secrets.
enum SecretScanner {
    /// One suspicious spot.
    struct Finding: CustomStringConvertible {
        var path: String
        var line: Int
        var rule: String
        var excerpt: String
        var description: String { "\(path):\(line): [\(rule)] \(excerpt)" }
    }

    /// Every file under `folder`, as (path relative to it, text).
    static func files(under folder: URL) throws -> [(path: String, text: String)] {
        let base = folder.standardizedFileURL.path + "/"
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var files: [(path: String, text: String)] = []
        for case let url as URL in walker
        where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let path = url.standardizedFileURL.path
            files.append(
                (
                    path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path,
                    String(decoding: try Data(contentsOf: url), as: UTF8.self)
                ))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The findings in a set of files (one tree: config names are checked against its files).
    static func scan(_ files: [(path: String, text: String)]) -> [Finding] {
        let configNames = contentHashedConfigNames(files).union(versionedSecretNames(files))
        var findings: [Finding] = []
        for file in files {
            for (index, line) in file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                findings += scan(String(line), configNames: configNames).map {
                    Finding(path: file.path, line: index + 1, rule: $0, excerpt: String(line.prefix(160)))
                }
            }
        }
        return findings
    }

    /// The rules `line` breaks.
    static func scan(_ line: String, configNames: Set<String>) -> [String] {
        var rules: [String] = []
        // A PEM block: private keys, certificates, anything armoured.
        if matches(line, #"-----BEGIN [A-Z0-9 ]+-----"#) { rules.append("pem") }
        // bcrypt, Apache MD5, MD5/SHA-256/SHA-512 crypt, yescrypt.
        if matches(line, #"\$(2[abxy]\$[0-9]{2}|apr1|1|5|6|y|gy|7)\$[./A-Za-z0-9=$]{16,}"#) {
            rules.append("password-hash")
        }
        if matches(line, #"\b(AKIA|ASIA)[0-9A-Z]{16}\b"#) || matches(line, #"(?i)aws_secret_access_key"#)
            || matches(line, #"\bgh[pousr]_[A-Za-z0-9]{36,}"#) || matches(line, #"\bxox[abprs]-[A-Za-z0-9-]{10,}"#)
        {
            rules.append("access-key")
        }
        if tokens(line).contains(where: { !isAllowedToken($0, in: line, configNames: configNames) }) {
            rules.append("token")
        }
        if literalPasswords(line).count > 0 { rules.append("literal-password") }
        return rules
    }

    /// Runs of 32 or more characters from a hex, base64 or base64url alphabet that mix letters
    /// and digits and are as varied as random text (at least 3.5 bits a character).
    static func tokens(_ line: String) -> [String] {
        let urlSafe = all(line, #"[A-Za-z0-9_-]{32,}"#)
        // Standard base64 only counts with capitals, lower case and digits: paths are not that.
        let standard = all(line, #"[A-Za-z0-9+/]{32,}={0,2}"#).filter {
            $0.contains(where: \.isUppercase) && $0.contains(where: \.isLowercase)
        }
        return (urlSafe + standard).filter { token in
            token.contains(where: \.isNumber) && token.contains(where: \.isLetter) && entropy(token) >= 3.5
        }
    }

    /// Not secrets: a config name `<stack>_<key>_<12 hex>` whose hash is that of the file the
    /// stack file delivers under that key; an SSH public key; an image digest; the name of an
    /// environment variable (`OAUTH2_PROXY_PROVIDER_DISPLAY_NAME:`) as the key of a setting.
    static func isAllowedToken(_ token: String, in line: String, configNames: Set<String>) -> Bool {
        if configNames.contains(token) { return true }
        if matches(token, #"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$"#),
            matches(line, #"(^|[\s"'])"# + token + #"["']?(:|=)"#)
        {
            return true
        }
        if matches(
            line,
            #"(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) "# + NSRegularExpression.escapedPattern(for: token))
        {
            return true
        }
        if matches(line, "@sha256:" + token + #"\b"#), matches(token, #"^[0-9a-f]{64}$"#) { return true }
        return false
    }

    /// `key: value` (YAML) or `key=value` (shell, environment) where the key names a password,
    /// secret, token or key and the value is given literally. Allowed: `*_FILE` keys, values that
    /// are references (`$…`), files under /run/secrets/, and printf's `%s`.
    static func literalPasswords(_ line: String) -> [String] {
        let pattern =
            #"(?i)(?<![\w.-])([\w.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key))(?:=|:[ \t]+)(\S+)"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { preconditionFailure("bad pattern") }
        let range = NSRange(line.startIndex..., in: line)
        return regex.matches(in: line, range: range).compactMap { match in
            guard let keyRange = Range(match.range(at: 1), in: line),
                let valueRange = Range(match.range(at: 2), in: line)
            else { return nil }
            let key = line[keyRange]
            let value = line[valueRange]
            if matches(String(key), #"(?i)[_-]?file$"#) { return nil }
            if matches(String(value), #"^["']?(\$|/run/secrets/|%s(["'\\]|$))"#) { return nil }
            return String(line[keyRange.lowerBound..<valueRange.upperBound])
        }
    }

    /// The config names stack.yml declares whose 12-character hash is that of the file the
    /// config delivers, as `BuildOutput.addConfigFile` makes them.
    static func contentHashedConfigNames(_ files: [(path: String, text: String)]) -> Set<String> {
        var names: Set<String> = []
        for stackFile in files where stackFile.path == "stack.yml" || stackFile.path.hasSuffix("/stack.yml") {
            let folder = String(stackFile.path.dropLast("stack.yml".count))
            guard
                let regex = try? NSRegularExpression(
                    pattern: #"(?m)^  ([a-z0-9][a-z0-9-]*):\n    file: \./(\S+)\n    name: ([a-z0-9][a-z0-9_-]*)$"#)
            else { continue }
            let text = stackFile.text
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let key = Range(match.range(at: 1), in: text).map({ String(text[$0]) }),
                    let file = Range(match.range(at: 2), in: text).map({ String(text[$0]) }),
                    let name = Range(match.range(at: 3), in: text).map({ String(text[$0]) }),
                    let contents = files.first(where: { $0.path == folder + file })?.text
                else { continue }
                let suffix = "_\(key)_" + SHA256.hex(contents).prefix(12)
                if name.hasSuffix(suffix), matches(String(name.dropLast(suffix.count)), #"^[a-z0-9][a-z0-9-]*$"#) {
                    names.insert(name)
                }
            }
        }
        return names
    }

    /// The names of htpasswd secrets deploy.sh makes, `<kept>-<8 hex>`, whose hash is that of
    /// the users the same line of deploy.sh names, as `PlatformNames.secretName` makes them.
    static func versionedSecretNames(_ files: [(path: String, text: String)]) -> Set<String> {
        var names: Set<String> = []
        for script in files where script.path == "deploy.sh" || script.path.hasSuffix("/deploy.sh") {
            for line in script.text.split(separator: "\n") where line.hasPrefix("ensure_htpasswd_secret ") {
                let words = line.split(separator: " ").dropFirst().map(String.init)
                guard words.count >= 3 else { continue }
                let version = SHA256.hex(words.dropFirst(2).joined(separator: "\n")).prefix(8)
                if words[0] == "\(words[1])-\(version)" { names.insert(words[0]) }
            }
        }
        return names
    }

    static func entropy(_ text: String) -> Double {
        var counts: [Character: Int] = [:]
        for character in text { counts[character, default: 0] += 1 }
        let total = Double(text.count)
        return -counts.values.reduce(0) { $0 + Double($1) / total * log2(Double($1) / total) }
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    static func all(_ text: String, _ pattern: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else {
            preconditionFailure("bad pattern \(pattern)")
        }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }
}
