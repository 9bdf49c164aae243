import StackDiagnostics
import Testing

@testable import StackCompiler

/// The two phases of a build: passes contribute to the plan in any order, renderers read the
/// finished plan. Each test adds a pass of its own where the old single-phase build would have
/// lost what it contributed (the proxy had already read the routes, the cron companion had
/// already copied its app, the wrapper had already looked for the services).
@Suite struct BuildPlanTests {
    /// A platform service with a route, contributed by a pass listed after every pass of the
    /// pipeline (as a Keycloak or Grafana pass would be).
    struct LatePlatformPass: BuildPass {
        var service = "keycloak"
        var host = "auth.late.test"

        func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
            var service = PlannedService(image: "quay.io/keycloak/keycloak:26.0")
            service.port = 8080
            service.networks = [PlatformNames.publicNetwork]
            plan.addService(self.service, service)
            plan.addRoute(
                ProxyRoute(
                    service: self.service, host: host, path: "/", port: 8080, https: true, sticky: false,
                    auth: .none, healthPath: nil, healthInterval: nil, expectedTasks: 1))
        }
    }

    static func stack(_ text: String) throws -> ResolvedStack {
        let checked = StackCompiler.check(SourceFile(path: "late.yml", bytes: Array(text.utf8)))
        return try #require(checked.stack, "\(checked.diagnostics.map(\.message))")
    }

    static let manifest = """
        stackc: 1
        name: late
        domain: late.test
        proxy: {kind: PROXY}
        cluster: {managers: 1, workers: 1, shared_storage: nfs}
        databases:
          db: {engine: postgres}
          other: {engine: postgres}
        apps:
          web:
            image: nginx:1.27-alpine
            port: 80
            host: www
            depends_on: [identity]
          cloud:
            preset: nextcloud
            image: nextcloud:29-apache
            replicas: 2
            host: cloud
            database: db
            volumes: {data: /var/www/html}
            depends_on: [other]

        """

    static func build(proxy: String, extra: [any BuildPass]) throws -> BuildPipeline.Result {
        // `identity` in depends_on needs the section; the stack here only needs the app to ask.
        let text = manifest.replacingOccurrences(of: "PROXY", with: proxy)
            .replacingOccurrences(of: "    depends_on: [identity]\n", with: "")
        let stack = try stack(text)
        var stackWithWait = stack
        if let index = stackWithWait.apps.firstIndex(where: { $0.name == "web" }) {
            stackWithWait.apps[index].dependsOn = [Dependency(kind: .identity, name: "identity")]
        }
        return BuildPipeline.build(stackWithWait, passes: BuildPipeline.passes + extra)
    }

    @Test func aRouteFromTheLastPassReachesTraefik() throws {
        let result = try Self.build(proxy: "traefik", extra: [LatePlatformPass()])
        let stackFile = try #require(result.tree.file("stack.yml")?.contents)
        #expect(stackFile.contains("traefik.http.routers.keycloak.rule: Host(`auth.late.test`)"))
        #expect(stackFile.contains("traefik.http.services.keycloak.loadbalancer.server.port: '8080'"))
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning })
    }

    @Test func aRouteFromTheLastPassReachesHAProxy() throws {
        let result = try Self.build(proxy: "haproxy", extra: [LatePlatformPass()])
        let config = try #require(result.tree.file("haproxy/haproxy.cfg")?.contents)
        #expect(config.contains("acl host_keycloak hdr(host),field(1,:) -i auth.late.test"))
        #expect(config.contains("server-template keycloak- 10 tasks.late_keycloak:8080"))
    }

    @Test func withoutTheLatePassThereIsNoSuchRoute() throws {
        let result = try Self.build(proxy: "traefik", extra: [])
        let stackFile = try #require(result.tree.file("stack.yml")?.contents)
        #expect(!stackFile.contains("auth.late.test"))
    }

    /// A wait for a platform service is written only when some pass, at any place in the list,
    /// adds that service.
    @Test func aWaitFindsAServiceAddedByALaterPass() throws {
        let without = try Self.build(proxy: "traefik", extra: [])
        #expect(without.tree.file("entrypoints/web.sh") == nil)
        let with = try Self.build(proxy: "traefik", extra: [LatePlatformPass()])
        let wrapper = try #require(with.tree.file("entrypoints/web.sh")?.contents)
        #expect(wrapper.contains("wait_for_tcp keycloak 8080"))
    }

    /// The cron companion is made from its app once every amendment is in, so it also joins the
    /// network of a database the app waits for (added by a pass after the preset's).
    @Test func theCompanionSeesAmendmentsOfLaterPasses() throws {
        let result = try Self.build(proxy: "traefik", extra: [])
        let stackFile = try #require(result.tree.file("stack.yml")?.contents)
        let lines = stackFile.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "  cloud-cron:"))
        let networks = lines[(start + 1)...].prefix { $0.hasPrefix("    ") }.joined(separator: "\n")
        #expect(networks.contains("- db-other"))
        #expect(networks.contains("- db-db"))
        #expect(!networks.contains("- public"))
    }

    /// Contributions that contradict each other are reported as errors, not a crash.
    @Test func contradictionsAreErrors() throws {
        struct Contradicting: BuildPass {
            func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
                plan.addService("web", PlannedService(image: "busybox"))
                plan.amend("nowhere", .joinNetwork("apps"))
                plan.addCompanion(Companion(name: "ghost", of: "missing", entrypoint: [], leavesNetworks: []))
                plan.addFile("stack-notes.txt", "one")
                plan.addFile("stack-notes.txt", "two")
                plan.addRoute(
                    ProxyRoute(
                        service: "phantom", host: "phantom.late.test", path: "/", port: 80, https: true, sticky: false,
                        auth: .none, healthPath: nil, healthInterval: nil, expectedTasks: 1))
            }
        }
        let result = try Self.build(proxy: "traefik", extra: [Contradicting()])
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.message)
        #expect(errors.contains("internal error: two passes add the service 'web'"))
        #expect(errors.contains("internal error: a pass changes the service 'nowhere', which no pass adds"))
        #expect(errors.contains("internal error: the companion 'ghost' is made from 'missing', which no pass adds"))
        #expect(errors.contains("internal error: two passes write 'stack-notes.txt'"))
        #expect(
            errors.contains(
                "internal error: a route to 'phantom.late.test/' names the service 'phantom', which no pass adds"))
        #expect(!(result.tree.file("stack.yml")?.contents.contains("phantom") ?? true))
        #expect(result.diagnostics.filter { $0.severity == .error }.allSatisfy { $0.code == Codes.internalConflict })
    }

    /// Passes never change what an earlier one said about its own service: amendments apply in
    /// the order they were made, after every pass, whatever the order of the services.
    @Test func amendmentsApplyInTheOrderMade() {
        var plan = BuildPlan(
            context: BuildContext(sourcePath: "x.yml", manifestPath: "x.yml", stackName: "x", sourceDirectory: "."))
        plan.amend("late", .environment([("A", "1"), ("B", "1")]))
        plan.amend("late", .environment([("A", "2")]))
        var service = PlannedService(image: "busybox")
        service.environment = [("A", "0"), ("C", "0")]
        plan.addService("late", service)
        let finished = plan.finish()
        let environment = finished.service("late")?.environment.map { "\($0.key)=\($0.value)" }
        #expect(environment == ["C=0", "B=1", "A=2"])
        #expect(finished.conflicts.isEmpty)
    }

    /// Nextcloud and its cron companion mount the same node-local volume: they are pinned
    /// together, and the database to a node of its own choosing.
    @Test func servicesSharingANodeLocalVolumeArePinnedTogether() throws {
        let stack = try Self.stack(
            """
            stackc: 1
            name: pinned
            domain: pinned.test
            cluster: {managers: 1, workers: 2}
            databases:
              pg: {}
            apps:
              cloud:
                preset: nextcloud
                image: nextcloud:29-apache
                host: cloud
                database: pg
                volumes: {data: /var/www/html}
            """)
        let result = BuildPipeline.build(stack)
        let document = try #require(try PyYAMLValue.read(try Self.stackText(result)))
        func constraints(_ service: String) -> [String] {
            document["services"]?[service]?["deploy"]?["placement"]?["constraints"]?.items?.compactMap(\.string) ?? []
        }
        #expect(constraints("cloud") == ["node.labels.stackc.pin.pinned.cloud == true"])
        #expect(constraints("cloud-cron") == ["node.labels.stackc.pin.pinned.cloud == true"])
        #expect(constraints("pg") == ["node.labels.stackc.pin.pinned.pg == true"])
        #expect(constraints("cloud-redis").isEmpty && constraints("pg-init").isEmpty)
    }

    /// A global service's node-local volume is each node's own (a log shipper's positions): it
    /// runs everywhere, unpinned, while a replicated service with a local volume is pinned.
    @Test func aGlobalServiceWithANodeLocalVolumeIsNotPinned() {
        var agent = PlannedService(image: "agent:1")
        agent.kind = .global
        agent.volumes = [("agent-state", "/state")]
        var store = PlannedService(image: "store:1")
        store.volumes = [("store-data", "/data")]
        var services: [(name: String, service: PlannedService)] = [("agent", agent), ("store", store)]
        let conflicts = BuildPlan.pinNodeLocalState(
            &services, volumes: [("agent-state", PlannedVolume()), ("store-data", PlannedVolume())])
        #expect(conflicts.isEmpty)
        #expect(services[0].service.placement.pin == nil)
        #expect(services[1].service.placement.pin == "store")
    }

    static func stackText(_ result: BuildPipeline.Result) throws -> String {
        try #require(result.tree.file("stack.yml")).contents
    }
}

/// `lint` runs only the passes that affect diagnostics and renders nothing; what it reports
/// must be exactly what `build` reports, for every manifest the build tests compile.
@Suite struct LintAgreesWithBuildTests {
    @Test(arguments: BuildCase.all)
    func lintReportsWhatBuildReports(_ buildCase: BuildCase) throws {
        let checked = StackCompiler.check(SourceFile(path: buildCase.path, bytes: Array(buildCase.text.utf8)))
        let stack = try #require(checked.stack)
        let built = BuildPipeline.build(stack).diagnostics
        let linted = BuildPipeline.diagnostics(stack, deliveredFiles: [:])
        func summary(_ diagnostics: [Diagnostic]) -> [String] {
            diagnostics.map { "\($0.code) \($0.span?.start.description ?? "-") \($0.message)" }.sorted()
        }
        #expect(summary(linted) == summary(built))
    }
}
