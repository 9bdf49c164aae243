import Foundation

/// Inputs for the `stackc lint` tests: the repository's examples, and large or hostile
/// manifests generated on the spot (none is checked in).
enum LintInputs {
    /// The text of a file of the repository.
    static func repositoryFile(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: StackcCLI.repoRoot.appendingPathComponent(path)), as: UTF8.self)
    }

    /// A valid manifest with `count` routed apps, each with environment, a volume, a health
    /// check, metrics, OIDC, the database and a dependency on the app before it.
    static func apps(_ count: Int) -> String {
        var text = """
            stackc: 1
            name: bench
            domain: example.org
            cluster: {managers: 3, workers: 4, shared_storage: nfs}
            identity: {roles: [staff]}
            monitoring: {metrics: true, logs: true}
            databases: {pg: {backup: daily}}
            apps:

            """
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
                    env: {LOG_LEVEL: info, APP_INDEX: "\(index)", FEATURE_SIGNUP: "no"}
                    volumes: {data: /var/lib/app\(index)}
                    health: {path: /healthz, interval: 15s}
                    metrics: 9100
                    depends_on: [\(index == 0 ? "pg" : "pg, app\(index - 1)")]

                """
        }
        return text
    }

    /// Bytes from a fixed-seed generator (SplitMix64): NULs, control characters, invalid UTF-8.
    static func garbage(count: Int, seed: UInt64) -> Data {
        var state = seed
        return Data(
            (0..<count).map { _ in
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return UInt8(truncatingIfNeeded: z ^ (z >> 31))
            })
    }

    /// The billion laughs: ten levels of ten aliases each.
    static var billionLaughs: String {
        var text = "stackc: 1\nname: lol\nx-0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text +=
                "x-\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        return text + "apps: {}\n"
    }
}
