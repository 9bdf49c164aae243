import Foundation
import Testing

@testable import StackCompiler

/// The generated alert rules (`prometheus/rules/stackc.yml`): `promtool check rules` accepts
/// them, the configuration loads them, and each rule fires exactly as its case in
/// `Tests/Monitoring/stackc-rules.test.yml` says (`promtool test rules`), for every manifest
/// with metrics; the desired tasks each stack's Prometheus records are the tasks its stack file
/// asks Swarm for.
@Suite struct MonitoringRulesTests {
    static let manifests = PrometheusTests.manifests.filter { manifest in
        BuildSupport.build(path: manifest.name, text: manifest.text)?.stack.monitoring.metrics == true
    }.map(\.name)

    @Test(arguments: manifests)
    func everyRuleFiresAsItsCaseSays(name: String) throws {
        let built = try #require(try PrometheusTests.build(name))
        let rules = try #require(built.tree.file("prometheus/rules/stackc.yml"), "\(name): no rules file")
        let beside = try PrometheusSandbox.filesBesideConfig(built)
        let config = try PrometheusSandbox.mountedConfig(built)
        // The configuration names the rules where the stack file mounts them.
        #expect(config.contains("rule_files:\n- rules/stackc.yml"), "\(name): \(config)")
        #expect(beside.contains { $0.path == "rules/stackc.yml" && $0.text == rules.contents }, "\(name)")
        let folder = try BuildSupport.makeTemporaryFolder("promtool-rules")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(rules.contents.utf8).write(to: folder.appendingPathComponent("rules.yml"))
        let cases = BuildSupport.repoRoot.appendingPathComponent("Tests/Monitoring/stackc-rules.test.yml")
        let testFile = folder.appendingPathComponent("stackc-rules.test.yml")
        try FileManager.default.copyItem(at: cases, to: testFile)
        let check = try #require(
            try Tools.run("promtool", ["check", "rules", folder.appendingPathComponent("rules.yml").path]))
        #expect(check.status == 0, "\(name): \(check.summary)")
        let test = try #require(try Tools.run("promtool", ["test", "rules", testFile.path], in: folder))
        #expect(test.status == 0, "\(name): \(test.summary)")
    }

    /// Prometheus, evaluating `prometheus/rules/desired-tasks.yml` (promtool test rules),
    /// records for each long-running service of `stack.yml` the tasks it asks for: its
    /// `replicas` (1 when unsaid), or for a global service the nodes of the cluster its role
    /// constraint allows; jobs are left out, and global services placed by other node labels
    /// (the model does not know those nodes).
    @Test(arguments: manifests)
    func desiredTasksAreTheStackFilesCounts(name: String) throws {
        let built = try #require(try PrometheusTests.build(name))
        let rules = try #require(built.tree.file("prometheus/rules/desired-tasks.yml"), "\(name)")
        let beside = try PrometheusSandbox.filesBesideConfig(built)
        #expect(beside.contains { $0.path == "rules/desired-tasks.yml" && $0.text == rules.contents }, "\(name)")
        #expect(
            try PrometheusSandbox.mountedConfig(built).contains("\n- rules/desired-tasks.yml\n"), "\(name): not loaded")
        let stackText = try #require(built.tree.file("stack.yml")?.contents)
        let services = try #require(try PyYAMLValue.read(stackText)?["services"]?.pairs)
        let cluster = built.stack.cluster
        var expected: [(service: String, tasks: Int)] = []
        for (key, service) in services.sorted(by: { $0.key < $1.key }) {
            let deploy = service["deploy"]
            let constraints = deploy?["placement"]?["constraints"]?.items?.compactMap(\.string) ?? []
            switch deploy?["mode"]?.string ?? "replicated" {
            case "replicated":
                // A scheduled job (zero replicas until its scheduler starts it) is not counted.
                if deploy?["replicas"]?.int == 0 { continue }
                expected.append((key, deploy?["replicas"]?.int ?? 1))
            case "global":
                if constraints.contains(where: { $0.hasPrefix("node.labels.stackc.node == ") }) {
                    expected.append((key, 1))
                } else if constraints.contains(where: { $0.hasPrefix("node.labels.") }) {
                    continue
                } else if constraints.contains("node.role == manager") {
                    expected.append((key, cluster.managers))
                } else if constraints.contains("node.role == worker") {
                    expected.append((key, cluster.workers))
                } else {
                    expected.append((key, cluster.managers + cluster.workers))
                }
            default: continue  // jobs
            }
        }
        #expect(!expected.isEmpty)
        let samples = expected.map { entry in
            "          - labels: 'stackc:service_tasks:desired{service=\"\(built.stack.name)_\(entry.service)\"}'\n            value: \(entry.tasks)"
        }.joined(separator: "\n")
        let test = """
            rule_files: [desired-tasks.yml]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series: []
                promql_expr_test:
                  - expr: stackc:service_tasks:desired
                    eval_time: 1m
                    exp_samples:
            \(samples)

            """
        let folder = try BuildSupport.makeTemporaryFolder("promtool-desired")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(rules.contents.utf8).write(to: folder.appendingPathComponent("desired-tasks.yml"))
        try Data(test.utf8).write(to: folder.appendingPathComponent("desired.test.yml"))
        let run = try #require(try Tools.run("promtool", ["test", "rules", "desired.test.yml"], in: folder))
        #expect(run.status == 0, "\(name): \(run.summary)\n\(test)")
    }

    /// Every rule the file has is exercised by a case (a rule without one would pass unseen).
    @Test func everyRuleHasACase() throws {
        let cases = try String(
            contentsOf: BuildSupport.repoRoot.appendingPathComponent("Tests/Monitoring/stackc-rules.test.yml"),
            encoding: .utf8)
        for rule in AlertRules.rules {
            #expect(
                cases.contains("alertname: \(rule.name)\n        exp_alerts:\n          - exp_labels"),
                "\(rule.name) has no firing case")
        }
        #expect(!Self.manifests.isEmpty)
    }
}
