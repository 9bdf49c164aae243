import Foundation
import Testing

@testable import StackDescription

/// Descriptions built in Swift, emitted as the JSON form `stackc` reads, and read back.
@Suite struct StackInterchangeTests {
    /// The campus example of the issue: every section kind, a loop of apps, a preset.
    func campus() -> Stack {
        Stack("campus", domain: "campus.test") {  // stack
            Cluster(managers: 3, workers: 2, provision: .vagrant)  // cluster
            Identity(roles: ["staff", "admin"]) { User("alice", roles: ["admin"]) }  // identity
            Databases { Database("pg", engine: .postgres, backup: .daily) }  // databases
            Apps {
                for name in ["a", "b"] { App(name, image: "nginx:1.27-alpine", port: 80, host: name) }  // loop
                App(  // nextcloud
                    "nextcloud", preset: .nextcloud, replicas: 2, host: "cloud", auth: .oidc, database: "pg",
                    volumes: ["data": "/var/www/html"], backup: .daily)
            }
        }
    }

    @Test func theManifestHoldsExactlyWhatWasWritten() throws {
        let json = try DescriptionJSON(StackInterchange.encode(campus()))
        #expect(json.object["stackDescription"] as? Int == 1)
        #expect(json.value("stackc") as? Int == 1)
        #expect(json.value("name") as? String == "campus")
        #expect(json.value("domain") as? String == "campus.test")
        #expect(json.texts("cluster") == ["managers": "3", "workers": "2", "provision": "vagrant"])
        #expect(json.value("identity", "roles") as? [String] == ["staff", "admin"])
        #expect(json.value("identity", "users", "0", "name") as? String == "alice")
        #expect(json.value("identity", "users", "0", "roles") as? [String] == ["admin"])
        #expect(json.value("databases", "pg") as? [String: String] == ["engine": "postgres", "backup": "daily"])
        for name in ["a", "b"] {
            #expect(json.texts("apps", name) == ["image": "nginx:1.27-alpine", "port": "80", "host": name])
        }
        let nextcloud = try #require(json.value("apps", "nextcloud") as? [String: Any])
        #expect(Set(nextcloud.keys) == ["preset", "replicas", "host", "auth", "database", "volumes", "backup"])
        #expect(nextcloud["replicas"] as? Int == 2)
        #expect(nextcloud["auth"] as? String == "oidc")
        #expect(nextcloud["volumes"] as? [String: String] == ["data": "/var/www/html"])
        // Nothing the description left out: no defaults restated.
        #expect(Set(json.manifest.keys) == ["stackc", "name", "domain", "cluster", "identity", "databases", "apps"])
    }

    @Test func keysFollowTheManifestsOrder() throws {
        // Sections written in another order than the manifest's.
        let stack = Stack(
            unregistered: "s", domain: "s.test", position: here(),
            sections: [
                Apps { App("web", image: "web:1", replicas: .global, port: 8080, host: "www") }.section,
                Monitoring(metrics: true).section,
                TLS(mode: .acme, email: "ops@s.org").section,
            ])
        let json = try DescriptionJSON(StackInterchange.encode(stack))
        #expect(
            json.keyOrder(of: ["stackc", "name", "domain", "tls", "monitoring", "apps"])
                == ["stackc", "name", "domain", "tls", "monitoring", "apps"])
        #expect(json.keyOrder(of: ["image", "replicas", "port", "host"]) == ["image", "replicas", "port", "host"])
        #expect(json.value("apps", "web", "replicas") as? String == "global")
    }
}

/// A position for stacks made without registering them.
func here(fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line) -> SourcePosition {
    SourcePosition(fileID: fileID, filePath: filePath, line: line, column: 1)
}
