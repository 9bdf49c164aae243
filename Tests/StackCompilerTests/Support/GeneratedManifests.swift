/// Large and hostile inputs, generated so that no multi-megabyte file is checked in.
enum GeneratedManifests {
    /// A realistic, valid manifest with `apps` apps: routed, with environment, volumes, health
    /// checks, metrics, OIDC, a database and dependencies on the app before; plus identity,
    /// monitoring and a registry. It checks clean.
    static func apps(_ count: Int, name: String = "bench") -> String {
        var text = """
            stackc: 1
            name: \(name)
            domain: example.org
            cluster:
              managers: 3
              workers: 4
              shared_storage: nfs
            registry:
              users: [ci]
            identity:
              roles: [staff, admin]
              users:
                - {name: alice, email: alice@example.org, roles: [admin]}
            monitoring:
              metrics: true
              logs: true
            databases:
              pg:
                backup: daily
              cache:
                engine: redis
            apps:

            """
        text.reserveCapacity(count * 420 + text.utf8.count)
        for index in 0..<count {
            text += """
                  app\(index):
                    image: registry.example.org/team/app\(index):1.\(index % 100)
                    replicas: \(1 + index % 3)
                    port: 8080
                    host: app\(index)
                    auth: oidc
                    roles: [staff]
                    database: pg
                    env:
                      LOG_LEVEL: info
                      APP_INDEX: "\(index)"
                      FEATURE_SIGNUP: "no"
                    volumes:
                      data: /var/lib/app\(index)
                    backup: daily
                    health:
                      path: /healthz
                      interval: 15s
                    metrics: 9100
                    resources: {cpus: 0.5, memory: 256M}
                    depends_on: [\(index == 0 ? "pg, identity" : "pg, cache, app\(index - 1)")]

                """
        }
        return text
    }

    /// At least `bytes` bytes of valid manifest (many apps).
    static func atLeast(bytes: Int) -> String {
        let perApp = apps(1).utf8.count - apps(0).utf8.count
        return apps(bytes / perApp + 1)
    }

    /// Bytes from a fixed-seed generator (SplitMix64), with NULs and every other byte value.
    static func garbage(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return UInt8(truncatingIfNeeded: z ^ (z >> 31))
        }
    }

    /// `levels` nested flow sequences: `[[[…]]]`.
    static func nestedFlow(_ levels: Int) -> String {
        String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "\n"
    }

    /// `levels` nested flow mappings: `{a: {a: …1}}`.
    static func nestedFlowMappings(_ levels: Int) -> String {
        String(repeating: "{a: ", count: levels) + "1" + String(repeating: "}", count: levels) + "\n"
    }

    /// `levels` nested block sequences in compact form: `- - - … x`.
    static func nestedBlock(_ levels: Int) -> String {
        String(repeating: "- ", count: levels) + "x\n"
    }

    /// The billion laughs: ten levels of ten aliases each.
    static let billionLaughs: String = {
        var text = "stackc: 1\nname: lol\nx-0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text +=
                "x-\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        return text + "apps: {}\n"
    }()
}
