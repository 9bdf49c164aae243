import StackDiagnostics
import YAML

/// Decoding of one entry of `apps`.
extension SyntaxDecoder {
    static let appKeys: YAMLKeySet = [
        "image", "build", "preset", "replicas", "port", "host", "path", "https", "sticky", "auth",
        "roles", "database", "env", "secrets", "volumes", "backup", "depends_on", "health",
        "metrics", "placement", "resources", "update", "command", "entrypoint", "ports", "files",
        "extra_hosts",
    ]
    /// The app keys as text, for messages about keys that are not where they belong.
    static let appKeyTexts = appKeys.texts
    // The keys of the mappings inside an app, made once: a key set built at the call would be
    // built again for every app.
    static let healthKeys: YAMLKeySet = ["path", "command", "interval", "timeout", "retries", "start_period"]
    static let portKeys: YAMLKeySet = ["target", "published", "protocol", "mode"]
    static let metricsKeys: YAMLKeySet = ["port", "path", "interval"]
    static let resourcesKeys: YAMLKeySet = ["cpus", "memory", "reserve"]
    static let reserveKeys: YAMLKeySet = ["cpus", "memory"]
    static let updateKeys: YAMLKeySet = ["order", "parallelism", "failure_action", "delay", "monitor"]

    mutating func app(_ pair: YAMLPair) -> AppSyntax? {
        guard let name = checkedName(Located(value: pair.keyText, span: pair.key.span), in: "an app") else {
            return nil
        }
        let context = "app '\(name.value)'"
        let app = AppSyntax(name: name, span: pair.key.span)
        // An empty app is reported once, for having no image (or with the keys meant for it).
        if pair.value.scalar?.isLeftEmpty == true { return app }
        guard let f = fields(pair.value, in: context, known: Self.appKeys) else {
            app.imageOrBuildWritten = true
            return app
        }
        // A misspelt `image` or `build` has its own error, with the spelling to use; the app is
        // not also reported for having neither.
        app.imageOrBuildWritten =
            f["image"] != nil || f["build"] != nil
            || f.pairs.indices.contains { index in
                !f.pairs.key(at: index, isIn: Self.appKeys)
                    && Suggestion.closest(to: f.pairs[index].keyText, in: ["image", "build"]) != nil
            }
        app.image = f["image"].flatMap { image($0, in: f.context("image")) }
        app.build = f["build"].flatMap { buildContext($0, in: f.context("build")) }
        app.preset = f["preset"].flatMap { choice($0, in: f.context("preset")) }
        app.replicas = f["replicas"].flatMap { replicas($0, in: f.context("replicas")) }
        let port = f["port"]
        app.portWritten = port != nil
        app.port = port.flatMap { appPort($0, in: f.context("port")) }
        app.host = f["host"].flatMap { host($0, in: f.context("host")) }
        app.path = f["path"].flatMap { routePath($0, in: f.context("path")) }
        app.https = f["https"].flatMap { bool($0, in: f.context("https")) }
        app.sticky = f["sticky"].flatMap { bool($0, in: f.context("sticky")) }
        app.auth = f["auth"].flatMap { choice($0, in: f.context("auth")) }
        app.roles = names(f["roles"], in: f.context("roles"))
        app.database = f["database"].flatMap { self.name($0, in: f.context("database")) }
        app.env = f["env"].map { environment($0, in: f.context("env")) } ?? []
        app.secrets = secretNames(f["secrets"], in: f.context("secrets"))
        app.volumes = f["volumes"].map { volumes($0, in: f.context("volumes")) } ?? []
        app.backup = f["backup"].flatMap { appBackup($0, in: f.context("backup")) }
        app.dependsOn = dependsOn(f["depends_on"], in: f.context("depends_on"))
        app.health = f["health"].flatMap { health($0, in: f.context("health"), under: f.keySpan("health")) }
        app.metrics = f["metrics"].flatMap { metrics($0, in: f.context("metrics"), under: f.keySpan("metrics")) }
        app.placement = f["placement"].flatMap { placement($0, in: f.context("placement")) }
        app.resources = f["resources"].flatMap { resources($0, in: f.context("resources")) }
        app.update = f["update"].flatMap { update($0, in: f.context("update")) }
        app.ports = f["ports"].map { ports($0, in: f.context("ports")) } ?? []
        app.files = f["files"].map { files($0, in: f.context("files"), volumes: app.volumes) } ?? []
        app.extraHosts = f["extra_hosts"].map { extraHosts($0, in: f.context("extra_hosts")) } ?? []
        if let command = f["command"] { decodeCommand(command, into: app, in: f.context("command")) }
        app.entrypoint = f["entrypoint"].flatMap { entrypoint($0, in: f.context("entrypoint")) }
        return app
    }

    /// `port`: the one port the container serves. Compose's `"8080:80"` gets the stackc forms.
    mutating func appPort(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<Int>? {
        if let scalar = node.scalar, scalar.kind == .string, scalar.text.contains(":") {
            let target = scalar.text.split(separator: ":").last.map { $0.split(separator: "/").first ?? $0 } ?? ""
            wrongType(
                node, expected: "an integer", in: context(),
                help:
                    "'port' is the port the container serves, which the proxy routes to: 'port: \(Self.clip(String(target)))'; to publish a port on the nodes, use 'ports: [\"\(Self.clip(scalar.text))\"]'"
            )
            return nil
        }
        return int(node, in: context(), range: 1...65535)
    }

    /// `depends_on`: a list of names. Compose's map of conditions gets the list.
    mutating func dependsOn(_ node: YAMLNode?, in context: @autoclosure () -> String) -> [Located<String>] {
        if let node, let pairs = node.pairs {
            let names = pairs.indices.map { pairs[$0].keyText }
            wrongType(
                node, expected: "a list of names", in: context(),
                help:
                    "write the names alone: 'depends_on: [\(Self.clip(names.joined(separator: ", ")))]'; stackc waits until each is reachable, so no condition is needed"
            )
            return []
        }
        return names(node, in: context())
    }

    /// An image reference: `[registry/]path[:tag][@digest]`, lowercase path.
    mutating func image(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        guard let text = string(node, in: context()) else { return nil }
        guard Self.isImageReference(text.value) else {
            invalidFormat(
                node, text.value, in: context(),
                expected: "an image reference such as nginx:1.27-alpine or ghcr.io/org/app:1.2",
                help: text.value.hasSuffix(":")
                    ? "the tag after ':' is empty: write one, such as '\(text.value)1.27'"
                    : text.value.contains("://")
                        ? "an image reference has no scheme: write 'registry.example.org/app:1.0'"
                        : text.value != text.value.lowercased() ? "image names are lowercase" : nil)
            return nil
        }
        return text
    }

    static func isImageReference(_ text: String) -> Bool {
        // Every character allowed is ASCII: bytes, not Characters (grapheme breaking is slow),
        // and in place, without arrays.
        var text = text
        return text.withUTF8 { all in
            var bytes = all[...]
            guard !bytes.isEmpty, bytes.count <= 255, bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            func alnum(_ b: UInt8) -> Bool {
                (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
            }
            if let at = bytes.firstIndex(of: 0x40) {
                let digest = bytes[(at + 1)...]
                guard digest.starts(with: "sha256:".utf8), digest.count == 71 else { return false }
                bytes = bytes[..<at]
            }
            let lastSlash = bytes.lastIndex(of: 0x2F)
            if let colon = bytes.lastIndex(of: 0x3A), lastSlash.map({ colon > $0 }) ?? true {
                let tag = bytes[(colon + 1)...]
                guard !tag.isEmpty, tag.count <= 128,
                    tag.allSatisfy({ alnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D })
                else { return false }
                bytes = bytes[..<colon]
            }
            // Components between slashes; the first is a registry when more follow and it has
            // a dot, a port or is localhost.
            var start = bytes.startIndex
            var first = true
            while true {
                let end = bytes[start...].firstIndex(of: 0x2F) ?? bytes.endIndex
                let component = bytes[start..<end]
                guard !component.isEmpty else { return false }
                let isRegistry =
                    first && end != bytes.endIndex
                    && (component.contains(0x2E) || component.contains(0x3A)
                        || component.elementsEqual("localhost".utf8))
                let valid = component.allSatisfy { b in
                    isRegistry
                        ? alnum(b) || b == 0x2E || b == 0x2D || b == 0x3A
                        : (0x30...0x39).contains(b) || (0x61...0x7A).contains(b) || b == 0x2E || b == 0x5F || b == 0x2D
                }
                guard valid else { return false }
                if end == bytes.endIndex { return true }
                start = end + 1
                first = false
            }
        }
    }

    /// A relative build context path.
    mutating func buildContext(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        if let pairs = node.pairs {
            // Compose's long form: only the folder is read here.
            let folder = pairs.value(forKey: "context")?.scalar?.text ?? "./app"
            wrongType(
                node, expected: "a folder", in: context(),
                help: "'build' is the folder alone, with its Dockerfile in it: 'build: \(folder)'")
            return nil
        }
        guard let text = string(node, in: context()) else { return nil }
        guard !text.value.isEmpty, !text.value.hasPrefix("/"), !text.value.contains("\n") else {
            invalidFormat(node, text.value, in: context(), expected: "a folder relative to the manifest, such as ./api")
            return nil
        }
        return text
    }

    /// A route path prefix: starts with `/`, no spaces, no query.
    mutating func routePath(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        guard let text = string(node, in: context()) else { return nil }
        if let problem = Self.routePathProblem(text.value) {
            error(
                Codes.invalidFormat, "'\(clip(text.value))' is not valid for \(context()): it \(problem.what)",
                at: node.span,
                expected: Self.routePathExpected, help: problem.help)
            return nil
        }
        return text
    }

    /// What a route path may hold, for the expected note.
    static let routePathExpected =
        "a path starting with '/', such as /api: any characters but whitespace, control characters and ? # ` \" ' \\"

    /// What keeps `text` from being a route path, and how to mend it; nil when it is one. The
    /// proxies, Prometheus and health checks take a path alone: a query or fragment would be
    /// read as part of it, and quotes, '`' and '\\' would end the strings it is written into.
    static func routePathProblem(_ text: String) -> (what: String, help: String)? {
        guard text.utf8.first == 0x2F else {
            return ("does not start with '/'", "write '/\(clip(text))'")
        }
        guard containsSpaceOrControl(text, orAnyOf: "?#`\"'\\") else { return nil }
        let scalars = text.unicodeScalars
        for index in scalars.indices {
            let scalar = scalars[index]
            switch scalar {
            case "?", "#":
                let rest = clip(String(scalars[index...]))
                let part = scalar == "?" ? "a query string" : "a fragment"
                return ("has \(part) ('\(rest)'), which a path cannot carry", "remove '\(rest)'")
            case "`", "\"", "'", "\\":
                return ("holds '\(scalar)'", "remove the '\(scalar)'")
            case " ":
                return ("holds a space", "remove the space")
            default:
                if scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F {
                    let code = "U+" + String(scalar.value, radix: 16, uppercase: true)
                    return ("holds whitespace or a control character (\(code))", "remove it")
                }
            }
        }
        preconditionFailure("internal error: a route path refused without a character to refuse")
    }

    /// `env`: names → scalars, every value kept as the text written.
    mutating func environment(_ node: YAMLNode, in context: @autoclosure () -> String) -> [(
        key: Located<String>, value: String
    )] {
        let pairs = entries(node, in: context(), help: Self.environmentHint(node)) ?? []
        var result: [(key: Located<String>, value: String)] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            let name = pair.keyText
            guard Self.isEnvName(name) else {
                error(
                    Codes.invalidName,
                    "'\(clip(name))' in \(context()) is not a valid environment variable name", at: pair.key.span,
                    expected: "letters, digits and '_', not starting with a digit")
                continue
            }
            guard let scalar = pair.value.scalar else {
                wrongType(pair.value, expected: "a string, number or boolean", in: "the variable '\(name)'")
                continue
            }
            if Self.appKeyTexts.contains(name) {
                // `env: {TZ: UTC, host: www}`: an app key that lost its indentation.
                warning(
                    Codes.envLooksLikeAppKey,
                    "'\(name)' in \(context()) is named like the app key '\(name)'",
                    at: pair.key.span,
                    help:
                        "environment variables are usually upper case; if '\(name)' is meant for the app, move it out of 'env' to the app's own keys"
                )
            }
            result.append((Located(value: name, span: pair.key.span), scalar.kind == .null ? "" : scalar.text))
        }
        return result
    }

    /// For Compose's list of `NAME=value`: the mapping stackc reads.
    static func environmentHint(_ node: YAMLNode) -> String? {
        guard let items = node.items else { return nil }
        let pairs = items.prefix(3).compactMap { item -> String? in
            let parts = item.scalar?.text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false) ?? []
            return parts.count == 2 ? "\(parts[0]): \(parts[1])" : nil
        }
        return "env maps a name to its value: "
            + (pairs.isEmpty ? "'{TZ: Europe/Paris}'" : "'{\(clip(pairs.joined(separator: ", ")))}'")
    }

    static func isEnvName(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = bytes.first, !(0x30...0x39).contains(first), bytes.count <= 256 else { return false }
            return bytes.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F
            }
        }
    }

    /// Docker secret names: letters, digits, `_`, `-`, `.`.
    mutating func secretNames(_ node: YAMLNode?, in context: @autoclosure () -> String) -> [Located<String>] {
        guard let node, let items = strings(node, in: context()) else { return [] }
        let valid = items.filter { item in
            if item.value.count > 64 {
                // Swarm's limit for secret names; the manifest's names are used as they are.
                error(
                    Codes.nameTooLong,
                    "the secret name '\(clip(item.value))' has \(item.value.count) characters; Swarm allows 64",
                    at: item.span,
                    help: "shorten it by \(item.value.count - 64) character\(item.value.count == 65 ? "" : "s")")
                return false
            }
            let ok =
                item.value.first.map { $0.isLetter || $0.isNumber } == true
                && item.value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
            if !ok {
                error(
                    Codes.invalidName, "'\(clip(item.value))' is not a valid secret name", at: item.span,
                    expected:
                        "letters, digits, '_', '-' and '.', starting with a letter or digit, at most 64 characters")
            }
            return ok
        }
        duplicates(valid, what: "entry of \(context())")
        return valid
    }

    /// `volumes`: volume name → absolute container path.
    mutating func volumes(_ node: YAMLNode, in context: @autoclosure () -> String) -> [(
        name: Located<String>, path: Located<String>
    )] {
        if let items = node.items {
            // Compose's list of `name:/path`; say how the same is written here.
            let example =
                items.first?.scalar.map { item -> String in
                    let parts = item.text.split(separator: ":", maxSplits: 1)
                    return parts.count == 2 ? "\(parts[0]): \(parts[1])" : "data: /var/lib/app"
                } ?? "data: /var/lib/app"
            wrongType(
                node, expected: "a mapping", in: context(),
                help: "volumes map a name to the path in the container, one per line: '\(example)'")
            return []
        }
        let pairs = entries(node, in: context()) ?? []
        var result: [(name: Located<String>, path: Located<String>)] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let name = checkedName(Located(value: pair.keyText, span: pair.key.span), in: "a volume"),
                let path = containerPath(pair.value, in: "the path of volume '\(pair.keyText)'")
            else { continue }
            let folder = Self.withoutTrailingSlashes(path.value)
            if let first = result.first(where: { Self.withoutTrailingSlashes($0.path.value) == folder }) {
                error(
                    Codes.duplicateEntry,
                    "volumes '\(first.name.value)' and '\(name.value)' of \(context()) are both mounted at '\(folder)'",
                    at: path.span, help: "give each volume its own path (Docker refuses two mounts on one point)")
                continue
            }
            result.append((name, path))
        }
        return result
    }

    static func withoutTrailingSlashes(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }

    /// `backup`: a schedule or `false`.
    mutating func appBackup(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<Schedule?>? {
        if let flag = node.scalar?.bool {
            if flag {
                error(
                    Codes.invalidValue, "\(context()) takes a schedule, not 'true'", at: node.span,
                    expected: "hourly, daily, weekly, a cron expression, or false", help: "write 'backup: daily'")
                return nil
            }
            return Located(value: nil, span: node.span)
        }
        if let scalar = node.scalar, !scalar.quoted, ["off", "no", "none", "never"].contains(scalar.text.lowercased()) {
            error(
                Codes.invalidValue, "\(context()) takes a schedule or false, not '\(scalar.text)'", at: node.span,
                expected: "hourly, daily, weekly, a cron expression, or false", help: "write 'backup: false'")
            return nil
        }
        return schedule(node, in: context()).map { Located(value: $0.value, span: $0.span) }
    }

    /// `health`: a path, `none`, or a map with a path or a command.
    mutating func health(
        _ node: YAMLNode, in context: @autoclosure () -> String,
        under owner: @autoclosure () -> SourceSpan?
    ) -> HealthSyntax? {
        var health = HealthSyntax(span: node.span)
        if let scalar = node.scalar, scalar.kind == .int {
            // A port where the path goes: the check is sent to the app's own 'port'.
            wrongType(
                node, expected: "a path such as /healthz, or a mapping", in: context(),
                help: "the check is sent to the app's 'port'; write the path here, for example 'health: /healthz'")
            return nil
        }
        // Quoted or not: YAML reads both as the same string, and JSON, the form a stack.swift hands
        // over, quotes every string (`health: .off` is `"health": "none"`).
        if let scalar = node.scalar, scalar.kind == .string, scalar.text == "none" {
            health.isNone = true
            return health
        }
        if let scalar = node.scalar, scalar.kind == .string || scalar.kind == .null,
            scalar.text.lowercased() == "none" || scalar.text.lowercased() == "null"
        {
            // `None`, `NONE`, `null`: meant no check, written as another language spells it.
            invalidFormat(
                node, scalar.text, in: context(),
                expected: "a path such as /healthz, 'none', or a mapping with 'path' or 'command'",
                help: "write 'health: none' (lower case) for no health check")
            return nil
        }
        if let scalar = node.scalar, scalar.kind == .string, scalar.text.utf8.first != 0x2F,
            scalar.text.contains(where: \.isWhitespace)
        {
            // A command where the path goes (Compose's `test:`): say where a command goes.
            let command = scalar.text.count > 120 ? String(scalar.text.prefix(117)) + "..." : scalar.text
            let quoted = command.reduce(into: "") { out, character in
                if character == "\"" || character == "\\" { out.append("\\") }
                out.append(character)
            }
            invalidFormat(
                node, scalar.text, in: context(),
                expected: "a path such as /healthz, 'none', or a mapping with 'path' or 'command'",
                help:
                    "'health' takes the path of an HTTP check; a command goes under 'command': 'health: {command: \"\(quoted)\"}'"
            )
            return nil
        }
        if node.scalar != nil {
            health.path = routePath(node, in: context())
            return health
        }
        guard let f = fields(node, in: context(), known: Self.healthKeys) else { return nil }
        health.path = f["path"].flatMap { routePath($0, in: f.context("path")) }
        health.command = f["command"].flatMap { healthCommand($0, in: f.context("command")) }
        health.interval = f["interval"].flatMap { duration($0, in: f.context("interval")) }
        health.timeout = f["timeout"].flatMap { duration($0, in: f.context("timeout")) }
        health.retries = f["retries"].flatMap { int($0, in: f.context("retries"), range: 1...100) }
        health.startPeriod = f["start_period"].flatMap { duration($0, in: f.context("start_period")) }
        if let path = f["path"], let command = f["command"] {
            error(
                Codes.invalidValue, "\(context()) has both 'path' and 'command'", at: command.span,
                expected: "either 'path' (an HTTP check) or 'command' (run inside the container)",
                help: "keep one of them",
                notes: [Diagnostic.Note("the 'path' is here", at: path.span)])
            health.path = nil
        }
        if f["path"] == nil, f["command"] == nil {
            missing("path", in: f, under: owner(), example: "path: /health', or 'command: …")
        }
        return health
    }

    /// `health.command`: one string the image's shell runs, or a list of words run as they are.
    mutating func healthCommand(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<HealthCommand>? {
        if let scalar = node.scalar, scalar.kind != .null {
            guard !scalar.text.allSatisfy(\.isWhitespace) else {
                invalidFormat(node, scalar.text, in: context(), expected: "a command such as 'pg_isready -q'")
                return nil
            }
            return Located(value: .shell(scalar.text), span: node.span)
        }
        guard let items = node.items else {
            wrongType(node, expected: "a string or a list of strings", in: context())
            return nil
        }
        let words = items.compactMap { text($0, in: "a word of \(context())")?.value }
        guard words.count == items.count else { return nil }
        guard let first = words.first, !first.isEmpty else {
            invalidFormat(
                node, "[]", in: context(), expected: "a command such as [pg_isready, -q]",
                help: "write 'health: none' for no health check")
            return nil
        }
        // Compose's `test: [CMD, ...]`: stackc writes CMD or CMD-SHELL itself, and Docker would
        // run a program called `CMD`.
        if first == "CMD" || first == "CMD-SHELL" {
            let rest = words.dropFirst()
            let suggestion =
                first == "CMD-SHELL"
                ? "command: \"\(rest.joined(separator: " "))\"" : "command: [\(rest.joined(separator: ", "))]"
            sink.error(
                Codes.invalidValue, "\(context()) starts with '\(first)', which Docker would run as a program",
                at: items[0].span, expected: "the command itself: stackc adds CMD (a list) or CMD-SHELL (a string)",
                help: "write '\(suggestion)'")
            return nil
        }
        return Located(value: .words(words), span: node.span)
    }

    /// Prometheus forgets a series 5 minutes after its last sample (its lookback delta): an
    /// interval of 5m or more leaves the target's series, `up` included, gone between scrapes;
    /// above 2m (Prometheus's own advice) one missed scrape does the same.
    static let scrapeIntervalLimit = 5 * 60
    static let scrapeIntervalAdvice = 2 * 60

    /// A scrape interval under Prometheus's lookback; warned above the advised 2m.
    mutating func scrapeInterval(_ interval: Located<TimeSpan>, in context: @autoclosure () -> String) -> Located<
        TimeSpan
    >? {
        let written = interval.value.goString
        if interval.value.seconds >= Self.scrapeIntervalLimit {
            error(
                Codes.invalidValue,
                "\(context()) is \(written), but Prometheus forgets a series 5m after its last sample, so the app's series and its 'up' would vanish between scrapes",
                at: interval.span, expected: "a duration under 5m (at most 4m59s), best at most 2m",
                help: "write for example 'interval: 1m'")
            return nil
        }
        if interval.value.seconds > Self.scrapeIntervalAdvice {
            warning(
                Codes.longScrapeInterval,
                "\(context()) is \(written): one missed scrape leaves the app's series and its 'up' gone until the next, as Prometheus forgets a series 5m after its last sample",
                at: interval.span, help: "use at most 2m, so that a missed scrape leaves no gap")
        }
        return interval
    }

    /// `metrics`: a port, or a map.
    mutating func metrics(
        _ node: YAMLNode, in context: @autoclosure () -> String,
        under owner: @autoclosure () -> SourceSpan?
    ) -> MetricsSyntax? {
        var metrics = MetricsSyntax(span: node.span)
        if let scalar = node.scalar, scalar.kind == .string, Int(scalar.text) == nil {
            wrongType(
                node, expected: "a port, or a mapping", in: context(),
                help: scalar.text.hasPrefix("/")
                    ? "give the port, and the path beside it: 'metrics: {port: 9100, path: \(scalar.text)}'" : nil)
            return nil
        }
        if node.scalar != nil {
            metrics.port = int(node, in: context(), range: 1...65535)
            return metrics
        }
        guard let f = fields(node, in: context(), known: Self.metricsKeys) else { return nil }
        metrics.port = f["port"].flatMap { int($0, in: f.context("port"), range: 1...65535) }
        metrics.path = f["path"].flatMap { routePath($0, in: f.context("path")) }
        metrics.interval = f["interval"].flatMap { duration($0, in: f.context("interval")) }
        if let interval = metrics.interval, interval.value.seconds == 0 {
            // Prometheus drops a target whose scrape interval is zero.
            error(
                Codes.invalidValue, "\(f.context("interval")) is 0, so Prometheus would never scrape it",
                at: interval.span, expected: "a duration of at least 1s", help: "write for example 'interval: 15s'")
            metrics.interval = nil
        }
        if let interval = metrics.interval { metrics.interval = scrapeInterval(interval, in: f.context("interval")) }
        if f["port"] == nil { missing("port", in: f, under: owner(), example: "port: 9100") }
        return metrics
    }

    /// `resources`: limits, and reservations under `reserve`.
    mutating func resources(_ node: YAMLNode, in context: @autoclosure () -> String) -> ResourcesSyntax? {
        guard let f = fields(node, in: context(), known: Self.resourcesKeys) else { return nil }
        var resources = ResourcesSyntax(span: node.span)
        resources.cpus = f["cpus"].flatMap { positiveNumber($0, in: f.context("cpus"), maximum: 1024) }
        resources.memory = f["memory"].flatMap { size($0, in: f.context("memory")) }
        if let reserve = f["reserve"], let r = fields(reserve, in: f.context("reserve"), known: Self.reserveKeys) {
            resources.reserveCPUs = r["cpus"].flatMap { positiveNumber($0, in: r.context("cpus"), maximum: 1024) }
            resources.reserveMemory = r["memory"].flatMap { size($0, in: r.context("memory")) }
        }
        // Docker refuses a container with less than 6 MiB of memory, or a reservation above
        // its limit: every task would fail to start.
        if let memory = resources.memory, memory.value.bytes < 6 << 20 {
            error(
                Codes.invalidValue, "\(f.context("memory")) is below Docker's minimum of 6M", at: memory.span,
                expected: "a limit of at least 6M", help: "a limit is the most the app may use; try '256M'")
        }
        if let limit = resources.memory, let reserve = resources.reserveMemory, reserve.value.bytes > limit.value.bytes
        {
            error(
                Codes.invalidValue,
                "the memory reservation of \(context()) is above its limit \(limit.value.dockerString)",
                at: reserve.span,
                expected: "a reservation at most the limit", help: "lower 'reserve.memory', or raise 'memory'")
        }
        if let limit = resources.cpus, let reserve = resources.reserveCPUs, reserve.value > limit.value {
            error(
                Codes.invalidValue,
                "the CPU reservation of \(context()) is above its limit \(limit.value == limit.value.rounded() ? String(Int(limit.value)) : String(limit.value))",
                at: reserve.span,
                expected: "a reservation at most the limit", help: "lower 'reserve.cpus', or raise 'cpus'")
        }
        return resources
    }

    /// `update`: rolling update settings.
    mutating func update(_ node: YAMLNode, in context: @autoclosure () -> String) -> UpdateSyntax? {
        guard let f = fields(node, in: context(), known: Self.updateKeys) else { return nil }
        var update = UpdateSyntax(span: node.span)
        update.order = f["order"].flatMap { choice($0, in: f.context("order")) }
        update.parallelism = f["parallelism"].flatMap { int($0, in: f.context("parallelism"), range: 0...1000) }
        update.failureAction = f["failure_action"].flatMap { choice($0, in: f.context("failure_action")) }
        update.delay = f["delay"].flatMap { duration($0, in: f.context("delay")) }
        update.monitor = f["monitor"].flatMap { duration($0, in: f.context("monitor")) }
        return update
    }

    /// `command`: a string (run by a shell) or a list of arguments.
    mutating func decodeCommand(_ node: YAMLNode, into app: AppSyntax, in context: @autoclosure () -> String) {
        if let scalar = node.scalar, scalar.kind != .null {
            app.command = Located(value: [scalar.text], span: node.span)
            app.commandIsShell = true
        } else if let items = node.items {
            let arguments = items.compactMap { text($0, in: "an argument of \(context())")?.value }
            if arguments.count == items.count { app.command = Located(value: arguments, span: node.span) }
        } else {
            wrongType(node, expected: "a string or a list of strings", in: context())
        }
    }

    /// `entrypoint`: the image's own entrypoint (an executable, or a list of words), which
    /// stackc needs when it wraps the app's start and does not know the image.
    mutating func entrypoint(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<[String]>? {
        if node.scalar != nil {
            return string(node, in: context()).map { Located(value: [$0.value], span: $0.span) }
        }
        guard let words = strings(node, in: context()) else { return nil }
        return Located(value: words.map(\.value), span: node.span)
    }
}
