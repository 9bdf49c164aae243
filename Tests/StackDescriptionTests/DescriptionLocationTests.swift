import Foundation
import Testing

@testable import StackDescription

/// Every key of the JSON form names the Swift call that wrote it: the line of this file and
/// the column of the call.
@Suite struct DescriptionLocationTests {
    func stack() -> Stack {
        Stack(  // 1️⃣
            "campus", domain: "campus.test"
        ) {
            Cluster(managers: 3, docker: Cluster.Docker(metrics: true))  // 2️⃣
            Identity(roles: ["staff"]) {
                User("alice", roles: ["staff"])  // 3️⃣
            }
            Apps {
                for name in ["a", "b"] { App(name, image: "nginx:1.27-alpine", port: 80, host: name) }  // 4️⃣
                App(
                    "shop", image: "shop:1.4", port: 8080,
                    health: Health(path: "/healthz", retries: 5),  // 5️⃣
                    metrics: 9100)  // 6️⃣
            }
        }
    }

    @Test func keysAreLocatedAtTheCallsThatWroteThem() throws {
        let locations = try DescriptionJSON(StackInterchange.encode(stack())).locations
        func expectAt(_ path: String, _ marker: String, call: String) throws {
            let expected = try markedPosition(marker, call: call)
            let location = try #require(locations[path], "no location for \(path)")
            #expect(location.line == expected.line, "\(path)")
            #expect(location.column == expected.column, "\(path)")
            #expect(location.file == #filePath)
            #expect(location.fileID == #fileID)
        }
        try expectAt("name", "1️⃣", call: "Stack(")
        try expectAt("domain", "1️⃣", call: "Stack(")
        try expectAt("cluster", "2️⃣", call: "Cluster(")
        try expectAt("cluster.managers", "2️⃣", call: "Cluster(")
        try expectAt("cluster.docker.metrics", "2️⃣", call: "Cluster.Docker(")
        try expectAt("identity.users.0", "3️⃣", call: "User(")
        try expectAt("identity.users.0.roles.0", "3️⃣", call: "User(")
        try expectAt("apps.a.image", "4️⃣", call: "App(")
        try expectAt("apps.b.host", "4️⃣", call: "App(")
        try expectAt("apps.shop.health.retries", "5️⃣", call: "Health(")
        // A literal (the metrics port) is located at the call around it: the app, a line up.
        let app = try #require(locations["apps.shop"])
        #expect(locations["apps.shop.metrics"]?.line == app.line)
        #expect(app.line == (try markedPosition("5️⃣", call: "Health(")).line - 2)
    }

    @Test func everyKeyAndItemHasALocation() throws {
        let json = try DescriptionJSON(StackInterchange.encode(stack()))
        var paths: [String] = []
        func collect(_ value: Any, _ path: [String]) {
            if !path.isEmpty { paths.append(path.joined(separator: ".")) }
            if let map = value as? [String: Any] {
                for (key, child) in map { collect(child, path + [key]) }
            } else if let list = value as? [Any] {
                for (index, child) in list.enumerated() { collect(child, path + [String(index)]) }
            }
        }
        collect(json.manifest, [])
        #expect(Set(paths) == Set(json.locations.keys))
        #expect(paths.count == (json.object["locations"] as? [Any])?.count)
    }
}
