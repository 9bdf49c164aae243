import Foundation
import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// `StackCompiler.convert`: a manifest written as the `stack.swift` that says the same, with the
/// library's calls, enums and literals, laid out to be read.
@Suite struct ConvertTests {
    /// A manifest that gives every key of every mapping, each mapping with a line `# zzz:<name>`
    /// where a test puts an unknown key.
    static let everyKey = MarkedManifest(
        """
        stackc: 1
        name: full
        domain: full.example.org
        # zzz:top
        tls:
          mode: acme
          email: ops@full.example.org
          # zzz:tls
        proxy:
          kind: traefik
          dashboard: traefik
          replicas: 1
          # zzz:proxy
        cluster:
          managers: 3
          workers: 2
          provision: vagrant
          address: 10.0.0.11
          vip: 10.0.0.10
          box: bento/debian-12
          cpus: 4
          memory: 4G
          disk: 20G
          storage_driver: zfs
          shared_storage: nfs
          ssh_keys:
            - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBhKrXZKJnaB6O+7lcvHCaR8ZTltNDfGTGMRTOgfPaTv admin@full
          docker:
            metrics: true
            mirror: true
            # zzz:docker
          # zzz:cluster
        registry:
          host: images
          users: [ci]
          mirror: hub
          backup: 30 2 * * *
          # zzz:registry
        identity:
          host: sso
          realm: people
          database: pg
          roles: [staff, admin]
          groups:
            team: [staff]
          users:
            - name: bob
              email: bob@full.example.org
              first_name: Bob
              last_name: Byte
              roles: [staff]
              groups: [team]
              # zzz:user
          replicas: 2
          # zzz:identity
        monitoring:
          metrics: true
          logs: true
          alerts:
            email: ops@full.example.org
            webhook: https://hooks.full.example.org/a
            smtp: mail.full.example.org:465
            from: alerts@full.example.org
            user: alerts
            # zzz:alerts
          grafana:
            host: dash
            auth: oidc
            admin_role: admin
            editor_role: staff
            # zzz:grafana
          retention: 30d
          log_retention: 7d
          # zzz:monitoring
        databases:
          pg:
            engine: postgres
            version: 17
            backup: weekly
            placement:
              role: manager
              labels:
                disk: ssd
              max_per_node: 1
              node: manager-1
              # zzz:placement
            # zzz:database
        backup:
          target: s3://full-backups/prod
          keep: 14
          # zzz:backup
        apps:
          web:
            image: ghcr.io/full/web:1.0
            replicas: 2
            port: 8080
            host: www
            path: /
            https: true
            sticky: true
            auth: oidc
            roles: [staff]
            database: pg
            env:
              TZ: UTC
              PORT: 8080
            secrets: [api-key]
            volumes:
              data: /data
            backup: daily
            depends_on: [pg]
            health:
              path: /healthz
              interval: 10s
              timeout: 2s
              retries: 3
              start_period: 1m
              # zzz:health
            metrics:
              port: 9100
              path: /m
              interval: 15s
              # zzz:metrics
            placement:
              role: worker
            ports:
              - "5432:5432"
              - target: 53
                published: 53
                protocol: udp
                mode: host
                # zzz:port
            files:
              /etc/web.conf: ./web.conf
            extra_hosts:
              www.full.example.org: vip
            resources:
              cpus: 0.5
              memory: 512M
              reserve:
                cpus: 0.25
                memory: 256M
                # zzz:reserve
              # zzz:resources
            update:
              order: stop-first
              parallelism: 2
              failure_action: continue
              delay: 10s
              monitor: 30s
              # zzz:update
            command: [web, --serve]
            entrypoint: /entrypoint.sh
            # zzz:app
          builder:
            build: ./builder
            preset: generic
            replicas: global
            port: 80
            host: build
            auth: basic
            backup: false
            health:
              command: [pg_isready, -q]
            metrics: 9101

        """)

    /// YAML's own features, which the Swift writes out: anchors, aliases and merge keys
    /// resolved, `x-` keys left out, nulls, flow and block styles, quoted and awkward strings.
    static let yamlFeatures = #"""
        stackc: 1
        name: features
        domain: features.test
        x-defaults: &defaults
          image: nginx:1.27-alpine
          port: 80
          env: &env
            TZ: UTC
            GREETING: "Hello, \"world\" \\(not interpolated)"
        x-note: ignored
        identity:
          roles: [staff]
          groups:
          users:
            - name: zoe
              first_name: Zoë
              last_name: "O'Brien ☃"
              roles:
        databases:
          pg:
          cache: {engine: redis}
        apps:
          x-ignored: {image: nope}
          one:
            <<: *defaults
            host: one
            x-note: ignored too
          two:
            <<: *defaults
            host: two
            env:
              <<: *env
              EXTRA: "tab\there"
              x-skip: yes
              MULTI: "line1\nline2"
              PATH_LIKE: 'C:\temp\"quoted"#'
              CONTROL: "bell\a nul\0 del\x7F sep\u2028 nbsp\u00A0"
            health:
              command: "curl -fs http://localhost/ || exit 1"
              interval: 1h30m
          three:
            image: alpine:3.20
            command: sh -c 'echo "$HOME" \( done'
            health: none

        """#

    /// Every section given, and empty: each is a call without arguments.
    static let emptySections = """
        stackc: 1
        name: empty
        domain: empty.test
        tls: {}
        proxy: {}
        cluster: {docker: {}}
        registry: {}
        identity: {groups: {}, users: []}
        monitoring: {alerts: {}, grafana: {}}
        databases: {pg: }
        backup: {}
        apps: {}

        """

    @Test func emptySectionsAreCallsWithoutArguments() {
        let swift = Self.swift(Self.emptySections)
        for call in [
            "TLS()", "Proxy()", "Cluster(docker: Cluster.Docker())", "Registry()", "Identity(groups: [:])",
            "Monitoring(alerts: Alerts(), grafana: Grafana())", "Backup()", "Apps {}", "Database(\"pg\")",
        ] {
            #expect(swift.contains("    \(call)\n"), "\(call)")
        }
    }

    /// `text` converted; records an issue when it does not convert.
    static func swift(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let result = StackCompiler.convert(SourceFile(path: "manifests/test.yml", text: text))
        #expect(result.swift != nil, "\(result.diagnostics.map(\.message))", sourceLocation: sourceLocation)
        return result.swift ?? ""
    }

    /// The keys the checker accepts in each mapping, from its own "unknown key" error, are the
    /// keys the writer has a parameter for: a key added to the language and not to `convert`
    /// fails here.
    @Test func everyKeyTheCheckerAcceptsHasAParameter() throws {
        let schema = DescriptionSchema.self
        let app = schema.app
        let calls: [(name: String, keys: [String])] = [
            ("top", schema.stackKeys + schema.sections.map(\.key)), ("tls", schema.tls.keys),
            ("proxy", schema.proxy.keys), ("cluster", schema.cluster.keys),
            ("docker", try nested(schema.cluster, "docker").keys), ("registry", schema.registry.keys),
            ("identity", schema.identity.keys), ("user", schema.user.keys), ("monitoring", schema.monitoring.keys),
            ("alerts", schema.alerts.keys), ("grafana", schema.grafana.keys), ("database", schema.database.keys),
            ("placement", schema.placement.keys), ("backup", schema.backup.keys), ("app", app.keys),
            ("health", schema.health.keys), ("metrics", schema.metrics.keys), ("port", schema.port.keys),
            ("resources", schema.resources.keys), ("reserve", try nested(schema.resources, "reserve").keys),
            ("update", schema.update.keys),
        ]
        #expect(StackCompiler.check(Self.everyKey.source()).diagnostics.filter { $0.severity == .error }.isEmpty)
        var named = Set<String>()
        for line in Self.everyKey.text.split(separator: "\n") where line.contains("# zzz:") {
            named.insert(String(line.split(separator: ":").last ?? ""))
        }
        #expect(named == Set(calls.map(\.name)), "every mapping of the manifest is compared")
        for call in calls {
            let text = Self.everyKey.text.replacingOccurrences(of: "# zzz:\(call.name)\n", with: "zzz: 1\n")
            let unknown = StackCompiler.check(SourceFile(path: "test.yml", text: text)).diagnostics.first {
                $0.code == Codes.unknownKey && $0.message.contains("'zzz'")
            }
            let expected = try #require(unknown?.expected, "\(call.name): no unknown-key error for 'zzz'")
            let accepted = expected.replacingOccurrences(of: "one of ", with: "").components(separatedBy: ", ")
            #expect(Set(accepted) == Set(call.keys), "\(call.name): the checker accepts \(accepted)")
            #expect(call.keys.count == Set(call.keys).count, "\(call.name): a key twice")
        }
    }

    /// The mapping a parameter of `call` is written as.
    func nested(_ call: DescriptionSchema.Call, _ key: String) throws -> DescriptionSchema.Call {
        guard case .call(let nested) = try #require(call.parameter(key)).value else {
            Issue.record("'\(key)' of \(call.callee) is not a call")
            throw CancellationError()
        }
        return nested
    }

    /// Each choice has exactly the checker's words.
    @Test func choicesHaveTheCheckersWords() {
        func words<Choice: CaseIterable & RawRepresentable>(_: Choice.Type) -> [String]
        where Choice.RawValue == String {
            Choice.allCases.map(\.rawValue)
        }
        let checker: [String: [String]] = [
            "TLS.Mode": words(TLSSettings.Mode.self), "Proxy.Kind": words(ProxySettings.Kind.self),
            "Cluster.Provision": words(Cluster.Provision.self), "Cluster.StorageDriver": words(StorageDriver.self),
            "Cluster.SharedStorage": words(SharedStorage.self),
            "Grafana.Auth": words(MonitoringSettings.Grafana.Auth.self), "Database.Engine": words(Database.Engine.self),
            "Placement.Role": words(Node.Role.self), "App.Preset": words(App.Preset.self),
            "App.Auth": words(App.Auth.self), "Port.Transport": words(PublishedPort.Transport.self),
            "Port.Mode": words(PublishedPort.Mode.self), "Update.Order": words(UpdateOrder.self),
            "Update.FailureAction": words(UpdateFailureAction.self),
        ]
        let choices = Self.choices
        #expect(Set(choices.map(\.type)) == Set(checker.keys))
        for choice in choices {
            #expect(choice.members.map(\.word) == checker[choice.type], "\(choice.type)")
        }
    }

    /// Every choice of the schema.
    static var choices: [DescriptionSchema.Choice] {
        var found: [DescriptionSchema.Choice] = []
        var seen = Set<String>()
        func walk(_ call: DescriptionSchema.Call) {
            guard seen.insert(call.callee).inserted else { return }
            if case .items(_, let element) = call.block { walk(element) }
            for parameter in call.parameters { walk(parameter.value) }
        }
        func walk(_ value: DescriptionSchema.Value) {
            switch value {
            case .choice(let choice): if !found.contains(where: { $0.type == choice.type }) { found.append(choice) }
            case .call(let call), .flagOrCall(let call), .integerOrCall(let call), .health(let call),
                .shorthandsOrCalls(let call):
                walk(call)
            default: break
            }
        }
        for section in DescriptionSchema.sections {
            switch section.section {
            case .call(let call), .named(_, let call): walk(call)
            }
        }
        return found
    }

    /// Each member the writer names is the library's, and stands for the word: a program that
    /// prints their raw values compiles and prints the words.
    @Test func choicesAreTheLibrarysMembers() throws {
        let choices = Self.choices
        let lines = choices.flatMap { choice in
            choice.members.map { #"print("\#(choice.type) \#($0.word)", \#(choice.type).\#($0.member).rawValue)"# }
        }
        let outcome = try SwiftDescriptions.compileAndRun("import StackDescription\n" + lines.joined(separator: "\n"))
        #expect(outcome.compiled && outcome.status == 0, "\(outcome)")
        let printed = outcome.stdout.split(separator: "\n").map(String.init)
        let expected = choices.flatMap { choice in choice.members.map { "\(choice.type) \($0.word) \($0.word)" } }
        #expect(printed == expected)
    }

    /// Strings that need escapes, quotes, backslashes or `#`, and non-ASCII text: the literal
    /// the writer makes is, to the Swift compiler, the same text.
    @Test func stringLiteralsReadBackAsTheirText() throws {
        let texts = [
            "plain", "", "quote \" inside", "back\\slash", "\\(interpolation)", "\\#(raw interpolation)",
            "ends with a backslash \\", "\"#", "\"##\\##", "line\nbreak", "tab\tand\rreturn", "nul\0",
            "bell\u{7} del\u{7F} c1\u{85}", "separator\u{2028}and\u{2029}", "nbsp\u{A0}", "bidi\u{202E}x",
            "café ☃ 🚀 👨‍👩‍👧", "\\\"\n", "$HOME ${X} `cmd`", "#\"", "a\u{301}\"b",
        ]
        let literals = texts.map(SwiftLiteral.string)
        #expect(literals[0] == "\"plain\"")
        #expect(literals[3] == ##"#"back\slash"#"##)
        #expect(literals[16] == "\"café ☃ 🚀 👨‍👩‍👧\"", "non-ASCII text is kept")
        #expect(!literals[4].contains("\"\\(") || literals[4].hasPrefix("#"), "no interpolation")
        let source =
            "let texts: [String] = [\n" + literals.map { "    " + $0 + ",\n" }.joined() + "]\n"
            + "for text in texts { print(text.unicodeScalars.map { String($0.value) }.joined(separator: \" \")) }\n"
        let outcome = try SwiftDescriptions.compileAndRun(source)
        #expect(outcome.compiled && outcome.status == 0, "\(outcome)\n\(source)")
        #expect(!outcome.compilerOutput.contains("warning"), "\(outcome.compilerOutput)")
        let printed = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let expected = texts.map { $0.unicodeScalars.map { String($0.value) }.joined(separator: " ") }
        #expect(printed.map(String.init) == expected, "\(source)")
    }

    @Test func aManifestWithErrorsIsNotConverted() {
        let result = StackCompiler.convert(
            SourceFile(
                path: "bad.yml", text: "stackc: 1\nname: bad\napps:\n  web:\n    image: nginx:1.27\n    prot: 80\n"))
        #expect(result.swift == nil)
        #expect(result.hasErrors)
        #expect(result.diagnostics.contains { $0.code == Codes.unknownKey })
    }

    /// Warnings do not stop a conversion; they are the check's.
    @Test func warningsComeWithTheSwift() {
        let text =
            "stackc: 1\nname: warn\ndomain: warn.test\napps:\n  web:\n    image: nginx:1.27\n"
            + "    port: 80\n    host: www\n    https: false\n"
        let result = StackCompiler.convert(SourceFile(path: "warn.yml", text: text))
        #expect(result.swift != nil)
        #expect(result.diagnostics.map(\.code) == [Codes.plainHTTP])
        #expect(!result.hasErrors)
    }

    /// A key the writer does not know is an error of stackc's own, never a key left out.
    @Test func anUnknownKeyIsAMistakeOfStackc() throws {
        let root = try #require(
            YAMLTestReading.root("stackc: 1\nname: s\napps:\n  web:\n    image: a:1\n    novel: 1\n", path: "s.yml"))
        #expect(throws: SwiftDescriptionWriter.Problem.self) {
            try SwiftDescriptionWriter(sourcePath: "s.yml").write(root)
        }
        do {
            _ = try SwiftDescriptionWriter(sourcePath: "s.yml").write(root)
        } catch let problem as SwiftDescriptionWriter.Problem {
            #expect(problem.message.contains("'novel'"))
            #expect(problem.span.start.line == 6)
        }
    }

    @Test func convertingIsDeterministic() {
        let first = Self.swift(Self.yamlFeatures)
        #expect(!first.isEmpty)
        for _ in 0..<3 { #expect(Self.swift(Self.yamlFeatures) == first) }
    }

    /// The output reads like the library's examples: the header, the import, the stack with its
    /// name and domain, enums and the library's values rather than words, lines under 120
    /// characters, and a final newline.
    @Test func theOutputReadsLikeTheLibrary() throws {
        let swift = Self.swift(try Repository.text("manifests/campus.yml"))
        let lines = swift.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "// Converted by stackc from manifests/test.yml.")
        #expect(lines.dropFirst().first == "import StackDescription")
        #expect(lines.contains("let stack = Stack(\"campus\", domain: \"campus.test\") {"))
        for member in [".selfsigned", ".vagrant", ".nfs", ".postgres", ".daily", ".nextcloud", ".oidc"] {
            #expect(swift.contains(member), "\(member)")
        }
        #expect(swift.hasSuffix("}\n"))
        #expect(!swift.contains("\t"))
        let everyKey = Self.swift(Self.everyKey.text)
        for line in everyKey.split(separator: "\n") {
            #expect(line.count <= 120, "\(line)")
        }
        // A call too long for its line has one argument per line.
        let web = try #require(everyKey.range(of: "        App(\n            \"web\",\n            image: "))
        #expect(everyKey[web.upperBound...].hasPrefix("\"ghcr.io/full/web:1.0\",\n            replicas: 2,\n"))
    }

    /// `none` is the library's `.off`, `.manual` or `.local`; `false` of an app's backup is `.off`.
    @Test func theWordNoneIsAMember() {
        let swift = Self.swift(
            """
            stackc: 1
            name: none
            cluster: {provision: none, shared_storage: none}
            apps:
              web: {image: "nginx:1.27", auth: none, backup: false, health: none}

            """)
        #expect(swift.contains("Cluster(provision: .manual, sharedStorage: .local)"))
        #expect(swift.contains("App(\"web\", image: \"nginx:1.27\", auth: .off, backup: .off, health: .off)"))
    }

    /// A number with one unit is the library's function for it; anything else stays text.
    @Test func quantitiesUseTheLibrarysFunctions() {
        let swift = Self.swift(
            """
            stackc: 1
            name: quantities
            domain: quantities.test
            cluster: {provision: vagrant, memory: 512M, disk: 10GB}
            monitoring: {metrics: true, logs: true, retention: 1h30m, log_retention: 7d}
            apps:
              web:
                image: nginx:1.27
                port: 80
                health: {path: /, interval: 30s, timeout: 05s, start_period: 2h}
                resources: {cpus: 1.5, memory: 1.5T, reserve: {cpus: 1, memory: 1T}}

            """)
        #expect(swift.contains("memory: .megabytes(512), disk: \"10GB\""))
        #expect(swift.contains("retention: \"1h30m\", logRetention: .days(7)"))
        #expect(swift.contains("interval: .seconds(30), timeout: \"05s\", startPeriod: .hours(2)"))
        #expect(
            swift.contains(
                "Resources(cpus: 1.5, memory: \"1.5T\", reserve: Reservation(cpus: 1, memory: .terabytes(1)))"))
    }

    /// An environment value is a literal whose text is the YAML's: a number or boolean where
    /// Swift writes it back the same, a string otherwise.
    @Test func environmentValuesKeepTheirText() {
        let swift = Self.swift(
            """
            stackc: 1
            name: env
            apps:
              web:
                image: nginx:1.27
                env: {PORT: 8080, MODE: 0777, ON: true, OFF: False, RATIO: 1.5, VERSION: 1.10, NONE: ~, HEX: 0x1F}

            """)
        let entries = [
            #""PORT": 8080"#, #""MODE": "0777""#, #""ON": true"#, #""OFF": "False""#, #""RATIO": "1.5""#,
            #""VERSION": "1.10""#, #""NONE": """#, #""HEX": "0x1F""#,
        ]
        #expect(swift.contains("env: [\n" + entries.map { "                \($0),\n" }.joined() + "            ]\n"))
    }

    /// Anchors, aliases and merge keys are resolved, `x-` keys left out, nulls written empty.
    @Test func yamlFeaturesAreResolved() {
        let swift = Self.swift(Self.yamlFeatures)
        #expect(!swift.contains("x-"))
        #expect(!swift.contains("nope"))
        #expect(swift.components(separatedBy: "image: \"nginx:1.27-alpine\"").count == 3)
        #expect(swift.contains(#"Identity(roles: ["staff"], groups: [:]) {"#))
        #expect(swift.contains(#"User("zoe", firstName: "Zoë", lastName: "O'Brien ☃", roles: [])"#))
        #expect(swift.contains("Database(\"pg\")\n"))
        #expect(swift.contains(##""GREETING": #"Hello, "world" \(not interpolated)"#"##))
        #expect(swift.contains(###""PATH_LIKE": ##"C:\temp\"quoted"#"##"###))
    }

    /// A single literal longer than a line stays whole; the call around it is broken.
    @Test func aLongLiteralStaysWhole() {
        let long = String(repeating: "a", count: 150)
        let lines = SwiftLayout().lines(
            .call(
                "App",
                [SwiftCode.Argument(label: nil, value: .text("\"web\"")), .init(label: "image", value: .text(long))]),
            indent: 1)
        #expect(lines == ["    App(", "        \"web\",", "        image: " + long, "    )"])
    }
}
