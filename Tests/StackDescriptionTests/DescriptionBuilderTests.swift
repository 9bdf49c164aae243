import Foundation
import Testing

@testable import StackDescription

/// Ordinary Swift inside the builders: loops, conditions, `switch`, constants and functions.
@Suite struct DescriptionBuilderTests {
    enum Environment { case lab, production }

    /// Apps a function builds, as a user would share them between stacks.
    @AppsBuilder func sites(_ names: [String], withAdmin: Bool) -> [App] {
        for name in names {
            App(name, image: "wordpress:6.6-apache", port: 80, host: name)
        }
        if withAdmin {
            App("admin", image: "admin:2.1", port: 8080, host: "admin", auth: .basic)
        }
    }

    func stack(_ environment: Environment, monitored: Bool) -> Stack {
        let common: Mapping<EnvironmentValue> = ["TZ": "UTC", "WORKERS": 4]
        return Stack("shop", domain: "shop.test") {
            switch environment {
            case .lab: Cluster(provision: .vagrant)
            case .production: Cluster(managers: 3, workers: 3, sharedStorage: .nfs)
            }
            if monitored {
                Monitoring(metrics: true, alerts: true)
            }
            Databases {
                Database("pg")
                if environment == .production { Database("cache", engine: .redis) }
            }
            Apps {
                sites(["blog", "news"], withAdmin: environment == .production)
                App("api", image: "api:1.0", env: common + ["WORKERS": 8, "DEBUG": false])
            }
        }
    }

    @Test func loopsAndFunctionsAddEveryApp() throws {
        let lab = try DescriptionJSON(StackInterchange.encode(stack(.lab, monitored: false)))
        let production = try DescriptionJSON(StackInterchange.encode(stack(.production, monitored: true)))
        #expect(Set((lab.value("apps") as? [String: Any] ?? [:]).keys) == ["blog", "news", "api"])
        #expect(Set((production.value("apps") as? [String: Any] ?? [:]).keys) == ["blog", "news", "admin", "api"])
        #expect(production.keyOrder(of: ["blog", "news", "admin", "api"]) == ["blog", "news", "admin", "api"])
        #expect(production.value("apps", "admin", "auth") as? String == "basic")
    }

    @Test func conditionsChooseSections() throws {
        let lab = try DescriptionJSON(StackInterchange.encode(stack(.lab, monitored: false)))
        let production = try DescriptionJSON(StackInterchange.encode(stack(.production, monitored: true)))
        #expect(lab.texts("cluster") == ["provision": "vagrant"])
        #expect(production.texts("cluster") == ["managers": "3", "workers": "3", "shared_storage": "nfs"])
        #expect(lab.value("monitoring") == nil)
        #expect(production.value("monitoring", "metrics") as? Bool == true)
        #expect(production.value("monitoring", "alerts") as? Bool == true)
        #expect(Set((lab.value("databases") as? [String: Any] ?? [:]).keys) == ["pg"])
        #expect((lab.value("databases", "pg") as? [String: Any])?.isEmpty == true)
        #expect(production.value("databases", "cache", "engine") as? String == "redis")
    }

    @Test func mappingsMergeInOrder() throws {
        let json = try DescriptionJSON(StackInterchange.encode(stack(.lab, monitored: false)))
        // Every environment value is text; a later key replaces an earlier one where it stood.
        #expect(
            json.value("apps", "api", "env") as? [String: String] == ["TZ": "UTC", "WORKERS": "8", "DEBUG": "false"])
        #expect(json.keyOrder(of: ["TZ", "WORKERS", "DEBUG"]) == ["TZ", "WORKERS", "DEBUG"])
        let sorted = Mapping<String>(["b": "2", "a": "1"])
        #expect(sorted.entries.map(\.key) == ["a", "b"])
    }

    @Test func aStackWithoutAppsHasAnEmptyApps() throws {
        let json = try DescriptionJSON(
            StackInterchange.encode(Stack(unregistered: "empty", domain: nil, position: here(), sections: [])))
        #expect(json.manifest.keys.sorted() == ["apps", "name", "stackc"])
        #expect((json.value("apps") as? [String: Any])?.isEmpty == true)
    }

    /// Sections a function of one's own builds, as a team would share its platform part.
    @StackBuilder func platform(monitored: Bool) -> [StackSection] {
        Proxy(kind: .traefik)
        if monitored { Monitoring(metrics: true) }
    }

    @Test func sectionFunctionsAndInterpolatedValues() throws {
        let port = 8080
        let seconds = 15
        let json = try DescriptionJSON(
            StackInterchange.encode(
                Stack("shop") {
                    platform(monitored: true)
                    Apps {
                        App(
                            "api", image: "api:1.0", port: port, host: "api-\(port)", health: "/health/\(port)",
                            ports: ["\(port + 1):\(port)"], command: "serve --port \(port)")
                        App(
                            "worker", image: "api:1.0",
                            resources: Resources(memory: "\(seconds * 16)M"),
                            update: Update(delay: "\(seconds)s"))
                    }
                }))
        #expect(json.value("proxy", "kind") as? String == "traefik")
        #expect(json.value("monitoring", "metrics") as? Bool == true)
        #expect(json.value("apps", "api", "host") as? String == "api-8080")
        #expect(json.value("apps", "api", "health") as? String == "/health/8080")
        #expect(json.value("apps", "api", "ports") as? [String] == ["8081:8080"])
        #expect(json.value("apps", "api", "command") as? String == "serve --port 8080")
        #expect(json.value("apps", "worker", "update", "delay") as? String == "15s")
        #expect(json.value("apps", "worker", "resources", "memory") as? String == "240M")
    }
}
