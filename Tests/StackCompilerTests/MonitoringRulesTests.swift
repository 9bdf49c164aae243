import Foundation
import Testing

@testable import StackCompiler

/// The generated alert rules (`prometheus/rules/stackc.yml`): `promtool check rules` accepts
/// them, the configuration loads them, and each rule fires exactly as its case in
/// `Tests/Monitoring/stackc-rules.test.yml` says (`promtool test rules`), for every manifest
/// with metrics.
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
