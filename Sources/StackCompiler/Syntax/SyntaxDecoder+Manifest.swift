import StackDiagnostics
import YAML

/// Decoding of the manifest's top level and platform sections.
extension SyntaxDecoder {
    static let topKeys: YAMLKeySet = [
        "stackc", "name", "domain", "tls", "proxy", "cluster", "registry", "identity",
        "monitoring", "databases", "backup", "apps",
    ]
    // Made once, as they are asked for each database and app (a key set built at the call is
    // built again every time); the sections that appear once build theirs where they are read.
    static let databaseKeys: YAMLKeySet = ["engine", "version", "backup", "placement"]
    static let placementKeys: YAMLKeySet = ["role", "labels", "max_per_node", "node"]

    /// Decodes a whole manifest; every problem goes to `sink`.
    mutating func manifest(_ root: YAMLNode) -> ManifestSyntax? {
        guard let top = fields(root, in: "the manifest", known: Self.topKeys) else { return nil }
        var syntax = ManifestSyntax(rootSpan: root.span)
        for pair in top.pairs where !pair.isExtension {
            syntax.topKeySpans[pair.keyText] = pair.key.span
        }
        // A misspelt section (`databses:`) has its error, with the spelling, and is then read as
        // the section it was meant to be: what refers to it is not also reported as missing.
        var misspelt: [String: YAMLNode] = [:]
        let sectionNames = Self.topKeys.texts
        for index in top.pairs.indices
        where !top.pairs.key(at: index, isIn: Self.topKeys) && !top.pairs[index].isExtension {
            let pair = top.pairs[index]
            guard let meant = Suggestion.closest(to: pair.keyText, in: sectionNames), syntax.topKeySpans[meant] == nil,
                misspelt[meant] == nil
            else { continue }
            misspelt[meant] = pair.value
            syntax.topKeySpans[meant] = pair.key.span
        }
        func section(_ key: YAMLKeyName) -> YAMLNode? { top[key] ?? (misspelt.isEmpty ? nil : misspelt[key.text]) }
        if let node = section("stackc") {
            if let version = int(node, in: "'stackc'", range: Int.min...Int.max), version.value != 1 {
                error(
                    Codes.unsupportedVersion, "manifest format version \(version.value) is not supported",
                    at: version.span,
                    expected: "1", help: "this stackc reads 'stackc: 1'")
            } else {
                syntax.version = node.scalar?.int.map { Located(value: $0, span: node.span) }
            }
        } else {
            missing("stackc", in: top, example: "stackc: 1")
        }
        if let node = section("name") {
            syntax.name = name(node, in: "the stack")
        } else {
            missing("name", in: top, example: "name: mystack")
        }
        syntax.domain = section("domain").flatMap { host($0, in: "'domain'", isDomain: true) }
        syntax.tls = section("tls").flatMap { tls($0) }
        syntax.proxy = section("proxy").flatMap { proxy($0) }
        syntax.cluster = section("cluster").flatMap { cluster($0) }
        syntax.registry = section("registry").flatMap { registry($0) }
        syntax.identity = section("identity").flatMap { identity($0) }
        syntax.monitoring = section("monitoring").flatMap { monitoring($0) }
        if let node = section("databases") {
            let written = entries(node, in: "'databases'") ?? []
            syntax.databases = written.compactMap { database($0) }
            syntax.everyDatabaseDecoded = syntax.databases.count == written.count
        }
        syntax.backup = section("backup").flatMap { backupDefaults($0) }
        if let node = section("apps") {
            syntax.appsSpan = node.span
            syntax.apps = apps(entries(node, in: "'apps'") ?? [])
        } else {
            missing("apps", in: top, example: "apps: {}")
        }
        return syntax
    }

    /// The entries of `apps`. An empty app followed by entries named like app keys (`image`,
    /// `replicas`) is one mistake, keys not indented under the app, and one error.
    mutating func apps(_ pairs: [YAMLPair]) -> [AppSyntax] {
        var apps: [AppSyntax] = []
        apps.reserveCapacity(pairs.count)
        var index = 0
        while index < pairs.count {
            let pair = pairs[index]
            index += 1
            guard let app = app(pair) else { continue }
            apps.append(app)
            guard pair.value.scalar?.isLeftEmpty == true else { continue }
            var strays: [String] = []
            while index < pairs.count, pairs[index].value.pairs == nil, Self.appKeyTexts.contains(pairs[index].keyText)
            {
                strays.append("'\(pairs[index].keyText)'")
                index += 1
            }
            guard !strays.isEmpty else { continue }
            app.imageOrBuildWritten = true
            error(
                Codes.wrongType,
                "app '\(app.name.value)' is empty, and the app keys below it (\(strays.joined(separator: ", "))) are read as apps",
                at: pair.key.span, expected: "the app's keys indented under '\(pair.keyText):'",
                help: "indent \(strays.joined(separator: ", ")) two more spaces than '\(pair.keyText):'")
        }
        return apps
    }

    /// Reports a required key that is absent, pointing at the key that holds the mapping
    /// (`owner`) or, where it has none (the manifest, a list item), at the mapping's start.
    mutating func missing(_ key: String, in fields: Fields, under owner: SourceSpan? = nil, example: String) {
        error(
            Codes.missingKey, "\(fields.context) has no '\(key)'",
            at: owner ?? SourceSpan(file: fields.node.span.file, start: fields.node.span.start),
            expected: "the key '\(key)'", help: "add '\(example)'")
    }

    mutating func tls(_ node: YAMLNode) -> TLSSyntax? {
        if let scalar = node.scalar, let mode = TLSSettings.Mode(rawValue: scalar.text.lowercased()) {
            wrongType(
                node, expected: "a mapping", in: "'tls'",
                help: mode == .acme
                    ? "write 'tls: {mode: acme, email: you@example.org}'" : "write 'tls: {mode: \(mode.rawValue)}'")
            return nil
        }
        guard let f = fields(node, in: "'tls'", known: ["mode", "email"]) else { return nil }
        var tls = TLSSyntax(span: node.span)
        tls.mode = f["mode"].flatMap { choice($0, in: f.context("mode")) }
        tls.emailWritten = f["email"] != nil
        tls.email = f["email"].flatMap { email($0, in: f.context("email")) }
        return tls
    }

    mutating func proxy(_ node: YAMLNode) -> ProxySyntax? {
        if let scalar = node.scalar, let kind = ProxySettings.Kind(rawValue: scalar.text.lowercased()) {
            wrongType(node, expected: "a mapping", in: "'proxy'", help: "write 'proxy: {kind: \(kind.rawValue)}'")
            return nil
        }
        guard let f = fields(node, in: "'proxy'", known: ["kind", "dashboard", "replicas"]) else { return nil }
        var proxy = ProxySyntax(span: node.span)
        proxy.kind = f["kind"].flatMap { choice($0, in: f.context("kind")) }
        proxy.dashboard = f["dashboard"].flatMap { hostToggle($0, in: f.context("dashboard")) }
        proxy.replicas = f["replicas"].flatMap { replicas($0, in: f.context("replicas")) }
        return proxy
    }

    mutating func cluster(_ node: YAMLNode) -> ClusterSyntax? {
        let keys: YAMLKeySet = [
            "managers", "workers", "provision", "address", "vip", "box", "cpus", "memory", "disk",
            "storage_driver", "shared_storage", "ssh_keys", "docker",
        ]
        guard let f = fields(node, in: "'cluster'", known: keys) else { return nil }
        var cluster = ClusterSyntax(span: node.span)
        // One /24 holds at most 254 nodes; larger counts are mistakes, and bounding them here keeps
        // every later computation on node counts small.
        cluster.managers = f["managers"].flatMap { int($0, in: f.context("managers"), range: 1...254) }
        cluster.workers = f["workers"].flatMap { int($0, in: f.context("workers"), range: 0...253) }
        cluster.provisionWritten = f["provision"] != nil
        cluster.provision = f["provision"].flatMap { choice($0, in: f.context("provision")) }
        cluster.address = f["address"].flatMap { ipv4($0, in: f.context("address")) }
        cluster.vip = f["vip"].flatMap { ipv4($0, in: f.context("vip")) }
        cluster.box = f["box"].flatMap { string($0, in: f.context("box")) }
        cluster.cpus = f["cpus"].flatMap { int($0, in: f.context("cpus"), range: 1...256) }
        cluster.memory = f["memory"].flatMap { size($0, in: f.context("memory"), gigabytesBelow: 64) }
        cluster.disk = f["disk"].flatMap { size($0, in: f.context("disk"), gigabytesBelow: 10_000) }
        cluster.storageDriver = f["storage_driver"].flatMap { choice($0, in: f.context("storage_driver")) }
        cluster.sharedStorage = f["shared_storage"].flatMap { choice($0, in: f.context("shared_storage")) }
        if let keys = f["ssh_keys"] {
            cluster.sshKeys = strings(keys, in: f.context("ssh_keys")) ?? []
            for key in cluster.sshKeys where !Self.isSSHPublicKey(key.value) {
                error(
                    Codes.invalidFormat, "this is not an SSH public key", at: key.span,
                    expected: "a line such as 'ssh-ed25519 AAAA… user@host'",
                    help: "copy the line from your ~/.ssh/id_*.pub")
            }
        }
        if let docker = f["docker"], let d = fields(docker, in: "'cluster.docker'", known: ["metrics", "mirror"]) {
            cluster.dockerMetrics = d["metrics"].flatMap { bool($0, in: d.context("metrics")) }
            cluster.dockerMirror = d["mirror"].flatMap { bool($0, in: d.context("mirror")) }
        }
        return cluster
    }

    static func isSSHPublicKey(_ text: String) -> Bool {
        let parts = text.split(separator: " ")
        let types = [
            "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
        ]
        guard parts.count >= 2, types.contains(String(parts[0])), parts[1].count >= 16 else { return false }
        return parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }
    }

    mutating func registry(_ node: YAMLNode) -> RegistrySyntax? {
        guard let f = fields(node, in: "'registry'", known: ["host", "users", "mirror", "backup"]) else { return nil }
        var registry = RegistrySyntax(span: node.span)
        registry.host = f["host"].flatMap { host($0, in: f.context("host")) }
        registry.users = names(f["users"], in: f.context("users"))
        registry.mirror = f["mirror"].flatMap { hostToggle($0, in: f.context("mirror")) }
        registry.backup = f["backup"].flatMap { schedule($0, in: f.context("backup")) }
        return registry
    }

    mutating func identity(_ node: YAMLNode) -> IdentitySyntax? {
        let keys: YAMLKeySet = ["host", "realm", "database", "roles", "groups", "users", "replicas"]
        guard let f = fields(node, in: "'identity'", known: keys) else { return nil }
        var identity = IdentitySyntax(span: node.span)
        identity.host = f["host"].flatMap { host($0, in: f.context("host")) }
        identity.realm = f["realm"].flatMap { name($0, in: f.context("realm")) }
        identity.database = f["database"].flatMap { name($0, in: f.context("database")) }
        identity.roles = names(f["roles"], in: f.context("roles"))
        identity.replicas = f["replicas"].flatMap { int($0, in: f.context("replicas"), range: 1...100) }
        if let groups = f["groups"] {
            let example = groups.items?.first?.scalar.map { "\($0.text): [role, …]" } ?? "staff: [role, …]"
            for pair in entries(
                groups, in: f.context("groups"), help: "groups map a name to the roles it carries: '\(example)'") ?? []
            {
                guard let group = checkedName(Located(value: pair.keyText, span: pair.key.span), in: "a group") else {
                    continue
                }
                identity.groups.append((group, names(pair.value, in: "the roles of group '\(group.value)'")))
            }
        }
        if let users = f["users"] {
            identity.users = (items(users, in: f.context("users")) ?? .empty).compactMap { user($0) }
            duplicates(identity.users.compactMap(\.name), what: "user")
            // Keycloak takes an e-mail for one user only (case aside): the realm import fails.
            let emails = identity.users.compactMap(\.email).map { Located(value: $0.value.lowercased(), span: $0.span) }
            duplicates(emails, what: "a user's e-mail (Keycloak allows one user per address, in any case)")
        }
        if let realm = identity.realm, realm.value == "master" {
            error(
                Codes.invalidValue, "the realm 'master' is Keycloak's own administration realm", at: realm.span,
                expected: "a realm of the stack's own",
                help: "leave 'realm' out to use the stack's name, or choose another")
        }
        return identity
    }

    mutating func user(_ node: YAMLNode) -> UserSyntax? {
        let keys: YAMLKeySet = ["name", "email", "first_name", "last_name", "roles", "groups"]
        guard let f = fields(node, in: "a user of 'identity'", known: keys) else { return nil }
        var user = UserSyntax(span: node.span)
        if let nameNode = f["name"] {
            user.name = name(nameNode, in: "a user")
        } else {
            missing("name", in: f, example: "name: alice")
        }
        let context = user.name.map { "user '\($0.value)'" } ?? "a user"
        user.email = f["email"].flatMap { email($0, in: "'email' of \(context)") }
        user.firstName = f["first_name"].flatMap { string($0, in: "'first_name' of \(context)") }
        user.lastName = f["last_name"].flatMap { string($0, in: "'last_name' of \(context)") }
        user.roles = names(f["roles"], in: "'roles' of \(context)")
        user.groups = names(f["groups"], in: "'groups' of \(context)")
        return user
    }

    mutating func monitoring(_ node: YAMLNode) -> MonitoringSyntax? {
        let keys: YAMLKeySet = ["metrics", "logs", "alerts", "grafana", "retention", "log_retention"]
        guard let f = fields(node, in: "'monitoring'", known: keys) else { return nil }
        var monitoring = MonitoringSyntax(span: node.span)
        monitoring.metrics = f["metrics"].flatMap { bool($0, in: f.context("metrics")) }
        monitoring.logs = f["logs"].flatMap { bool($0, in: f.context("logs")) }
        monitoring.metricsWritten = f["metrics"] != nil
        monitoring.logsWritten = f["logs"] != nil
        monitoring.retention = f["retention"].flatMap { duration($0, in: f.context("retention"), likelyUnit: "d") }
        if let retention = monitoring.retention, retention.value.seconds == 0 {
            // Prometheus reads `--storage.tsdb.retention.time=0d` as "not set" and keeps its default.
            error(
                Codes.invalidValue,
                "\(f.context("retention")) is 0, which Prometheus reads as not set: it would keep metrics for its default 15 days",
                at: retention.span, expected: "a duration greater than 0, such as 15d",
                help: "write for example 'retention: 15d', or remove 'retention' for Prometheus's 15 days")
            monitoring.retention = nil
        }
        monitoring.logRetention = f["log_retention"].flatMap {
            duration($0, in: f.context("log_retention"), likelyUnit: "d")
        }
        if let retention = monitoring.logRetention,
            retention.value.seconds % 86_400 != 0 || retention.value.seconds == 0
        {
            // Loki's compactor deletes whole daily index tables, and keeps at least one.
            error(
                Codes.invalidValue,
                "\(f.context("log_retention")) is \(retention.value.goString), but Loki keeps logs by whole days, at least one",
                at: retention.span, expected: "a duration in days of at least 1d",
                help: "write for example 'log_retention: 7d'")
            monitoring.logRetention = nil
        }
        if let alerts = f["alerts"] {
            if let flag = alerts.scalar?.bool {
                monitoring.alerts = AlertsSyntax(span: alerts.span, enabled: flag)
            } else if alerts.pairs != nil,
                let a = fields(
                    alerts, in: "'monitoring.alerts'", known: ["email", "webhook", "smtp", "from", "user"])
            {
                var syntax = AlertsSyntax(span: alerts.span, enabled: true)
                syntax.email = a["email"].flatMap { email($0, in: a.context("email")) }
                syntax.webhook = a["webhook"].flatMap { url($0, in: a.context("webhook")) }
                syntax.smtp = a["smtp"].flatMap { smtpRelay($0, in: a.context("smtp")) }
                syntax.from = a["from"].flatMap { email($0, in: a.context("from")) }
                syntax.user = a["user"].flatMap { smtpUser($0, in: a.context("user")) }
                monitoring.alerts = syntax
            } else if alerts.pairs == nil {
                wrongType(
                    alerts, expected: "true, false or a mapping with 'email' and 'webhook'", in: f.context("alerts"),
                    help: yesNoHint(alerts))
            }
        }
        if let grafana = f["grafana"] {
            monitoring.grafana = self.grafana(grafana, context: f.context("grafana"))
        }
        return monitoring
    }

    mutating func grafana(_ node: YAMLNode, context: String) -> GrafanaSyntax? {
        if let flag = node.scalar?.bool { return GrafanaSyntax(span: node.span, enabled: flag) }
        guard node.pairs != nil else {
            wrongType(node, expected: "true, false or a mapping", in: context, help: yesNoHint(node))
            return nil
        }
        guard let g = fields(node, in: "'monitoring.grafana'", known: ["host", "auth", "admin_role", "editor_role"])
        else { return nil }
        var grafana = GrafanaSyntax(span: node.span, enabled: true)
        grafana.host = g["host"].flatMap { host($0, in: g.context("host")) }
        grafana.auth = g["auth"].flatMap { choice($0, in: g.context("auth")) }
        grafana.adminRole = g["admin_role"].flatMap { name($0, in: g.context("admin_role")) }
        grafana.editorRole = g["editor_role"].flatMap { name($0, in: g.context("editor_role")) }
        return grafana
    }

    mutating func database(_ pair: YAMLPair) -> DatabaseSyntax? {
        guard let name = checkedName(Located(value: pair.keyText, span: pair.key.span), in: "a database") else {
            return nil
        }
        let context = "database '\(name.value)'"
        var database = DatabaseSyntax(name: name)
        if pair.value.scalar?.kind == .null { return database }
        guard let f = fields(pair.value, in: context, known: Self.databaseKeys) else { return database }
        database.engine = f["engine"].flatMap { choice($0, in: f.context("engine")) }
        database.version = f["version"].flatMap { imageTag($0, in: f.context("version")) }
        database.backup = f["backup"].flatMap { node in
            if node.scalar?.bool == false {
                error(
                    Codes.invalidValue, "\(f.context("backup")) takes a schedule, not 'false'", at: node.span,
                    expected: "hourly, daily, weekly or a cron expression",
                    help: "leave 'backup' out: a database is backed up only on a schedule")
                return nil
            }
            return schedule(node, in: f.context("backup"))
        }
        database.placement = f["placement"].flatMap { placement($0, in: "'placement' of \(context)") }
        return database
    }

    mutating func backupDefaults(_ node: YAMLNode) -> BackupDefaultsSyntax? {
        guard let f = fields(node, in: "'backup'", known: ["target", "keep"]) else { return nil }
        var backup = BackupDefaultsSyntax(span: node.span)
        if let target = f["target"], let text = string(target, in: f.context("target")) {
            if text.value.hasPrefix("/") || Self.isS3Target(text.value) {
                backup.target = text
            } else {
                let bucket =
                    text.value.hasPrefix("s3://")
                    ? text.value.dropFirst(5).split(separator: "/", maxSplits: 1).first.map(String.init) ?? "" : ""
                invalidFormat(
                    target, text.value, in: f.context("target"),
                    expected: "an absolute path such as /backups, or s3://bucket/prefix",
                    help: !text.value.hasPrefix("s3://")
                        ? nil
                        : bucket.count < 3 || bucket.count > 63
                            ? "an S3 bucket name has 3 to 63 characters"
                            : "an S3 bucket name has lowercase letters, digits, '-' and '.' only: 's3://\(String(bucket.lowercased().map { $0 == "_" ? "-" : $0 }))/…'"
                )
            }
        }
        backup.keep = f["keep"].flatMap { int($0, in: f.context("keep"), range: 1...10_000) }
        return backup
    }

    /// For Compose's constraint list (`["node.labels.zone==eu"]`): the mapping stackc reads.
    static func labelsHint(_ node: YAMLNode) -> String? {
        guard let items = node.items else { return nil }
        let pairs = items.compactMap { item -> String? in
            let parts = item.scalar?.text.split(separator: "=", omittingEmptySubsequences: true) ?? []
            guard parts.count == 2 else { return nil }
            var key = Substring(parts[0].filter { $0 != " " })
            if key.hasPrefix("node.labels.") { key = key.dropFirst("node.labels.".count) }
            return "\(key): \(parts[1].filter { $0 != " " })"
        }
        return "node labels map a name to a value"
            + (pairs.isEmpty ? ": {zone: eu}" : ": {\(pairs.joined(separator: ", "))}")
    }

    static func isS3Target(_ text: String) -> Bool {
        guard text.hasPrefix("s3://") else { return false }
        let bucket = text.dropFirst(5).split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return bucket.count >= 3 && bucket.count <= 63
            && bucket.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }
    }

    // MARK: Shared shapes

    /// `false`, `true` or a host.
    mutating func hostToggle(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<HostToggle>? {
        if let flag = node.scalar?.bool { return Located(value: flag ? .defaultHost : .off, span: node.span) }
        // `yes` is a string in YAML 1.2, and a valid host label: almost surely meant as true.
        if let scalar = node.scalar, !scalar.quoted,
            (Self.yaml11Booleans + ["y", "n"]).contains(scalar.text.lowercased())
        {
            wrongType(
                node, expected: "true, false or a host", in: context(),
                help:
                    "YAML 1.2 reads '\(scalar.text)' as a string, which would be the host '\(scalar.text.lowercased())'; write true or false"
            )
            return nil
        }
        return host(node, in: context()).map { Located(value: .host($0.value), span: $0.span) }
    }

    /// An integer ≥ 0 or `global`.
    mutating func replicas(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<Replicas>? {
        if node.scalar?.text == "global" { return Located(value: .global, span: node.span) }
        if node.scalar?.kind == .int {
            return int(node, in: context(), range: 0...1000).map { Located(value: .count($0.value), span: $0.span) }
        }
        let text = node.scalar?.text ?? ""
        wrongType(
            node, expected: "an integer or 'global'", in: context(),
            help: text.lowercased() == "global"
                ? "write 'global' in lower case"
                : Double(text) != nil ? "replicas are whole tasks: write an integer" : nil)
        return nil
    }

    /// A list of names, each a DNS label, without repeats.
    mutating func names(_ node: YAMLNode?, in context: @autoclosure () -> String) -> [Located<String>] {
        guard let node, let items = items(node, in: context()) else { return [] }
        var result: [Located<String>] = []
        result.reserveCapacity(items.count)
        for item in items {
            if let name = name(item, in: "an entry of \(context())") { result.append(name) }
        }
        duplicates(result, what: "entry of \(context())")
        return result
    }

    /// Reports the second and later occurrences of the same name.
    mutating func duplicates(_ names: [Located<String>], what: @autoclosure () -> String) {
        guard names.count > 1 else { return }
        if names.count <= 16 {
            // Short lists, the usual case: comparing beats hashing.
            for (index, name) in names.enumerated() {
                if let first = names[..<index].first(where: { $0.value == name.value }) {
                    error(
                        Codes.duplicateEntry, "'\(name.value)' is listed twice as \(what())", at: name.span,
                        help: "remove one",
                        notes: [Diagnostic.Note("the first '\(name.value)' is here", at: first.span)])
                }
            }
            return
        }
        var seen: [String: SourceSpan] = [:]
        for name in names {
            if let first = seen[name.value] {
                error(
                    Codes.duplicateEntry, "'\(name.value)' is listed twice as \(what())", at: name.span,
                    help: "remove one", notes: [Diagnostic.Note("the first '\(name.value)' is here", at: first)])
            } else {
                seen[name.value] = name.span
            }
        }
    }

    /// `placement`: role, labels, max_per_node, node.
    mutating func placement(_ node: YAMLNode, in context: @autoclosure () -> String) -> PlacementSyntax? {
        guard let f = fields(node, in: context(), known: Self.placementKeys) else { return nil }
        var placement = PlacementSyntax(span: node.span)
        placement.role = f["role"].flatMap { choice($0, in: f.context("role")) }
        placement.maxPerNode = f["max_per_node"].flatMap { int($0, in: f.context("max_per_node"), range: 1...1000) }
        placement.node = f["node"].flatMap { name($0, in: f.context("node")) }
        if let labels = f["labels"] {
            for pair in entries(labels, in: f.context("labels"), help: Self.labelsHint(labels)) ?? [] {
                guard Self.isLabelKey(pair.keyText) else {
                    error(
                        Codes.invalidFormat, "'\(clip(pair.keyText))' is not a valid node label", at: pair.key.span,
                        expected: "letters, digits, '.', '-' and '_'")
                    continue
                }
                guard let value = text(pair.value, in: "the node label '\(pair.keyText)'") else { continue }
                placement.labels.append((Located(value: pair.keyText, span: pair.key.span), value.value))
            }
        }
        return placement
    }

    static func isLabelKey(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 128
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// An e-mail address (a light check: something@domain).
    mutating func email(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        guard let text = string(node, in: context()) else { return nil }
        let parts = text.value.split(separator: "@", omittingEmptySubsequences: false)
        // The domain as 'domain' takes it: one label (`localdomain`) is a domain too.
        guard parts.count == 2, !parts[0].isEmpty, Self.isHostName(String(parts[1])),
            !text.value.contains(where: \.isWhitespace)
        else {
            invalidFormat(node, text.value, in: context(), expected: "an e-mail address such as ops@example.org")
            return nil
        }
        return text
    }

    /// An SMTP relay: a host name or IPv4 address, and optionally `:port` (default 587).
    mutating func smtpRelay(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<SMTPRelay>? {
        let expected = "a mail relay as host or host:port, such as smtp.example.org:587"
        guard let text = formatText(node, in: context(), expected: expected) else { return nil }
        var host = Substring(text.value)
        var port = SMTPRelay.defaultPort
        if let colon = host.lastIndex(of: ":") {
            let digits = host[host.index(after: colon)...]
            guard digits.count <= 5, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
                let number = Int(digits), (1...65_535).contains(number)
            else {
                invalidFormat(
                    node, text.value, in: context(), expected: expected, help: "the port is a number from 1 to 65535")
                return nil
            }
            port = number
            host = host[..<colon]
        }
        guard Self.isHostName(String(host)) else {
            invalidFormat(
                node, text.value, in: context(), expected: expected,
                help: text.value.contains("://") ? "give the host and port only, without a scheme" : nil)
            return nil
        }
        return Located(value: SMTPRelay(host: host.lowercased(), port: port), span: text.span)
    }

    /// The user name the relay authenticates: printable, no spaces (Alertmanager sends it as is).
    mutating func smtpUser(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        guard let text = string(node, in: context()) else { return nil }
        guard !text.value.isEmpty, text.value.count <= 256,
            text.value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else {
            invalidFormat(
                node, text.value, in: context(), expected: "a user name without spaces, such as alerts@example.org")
            return nil
        }
        return text
    }

    /// An http(s) URL.
    mutating func url(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        guard let text = string(node, in: context()) else { return nil }
        guard text.value.hasPrefix("http://") || text.value.hasPrefix("https://"), text.value.count > 8,
            !text.value.contains(where: { $0.isWhitespace })
        else {
            invalidFormat(node, text.value, in: context(), expected: "an http:// or https:// URL")
            return nil
        }
        return text
    }

    /// An image tag: `16`, `16-alpine`, `11.4`.
    mutating func imageTag(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        guard let text = text(node, in: context()) else { return nil }
        guard !text.value.isEmpty, text.value.count <= 128,
            text.value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else {
            invalidFormat(node, text.value, in: context(), expected: "an image tag such as 16 or 16-alpine")
            return nil
        }
        return text
    }
}
