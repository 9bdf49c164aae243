import StackDiagnostics

/// Docker builds service names as `<stack>_<name>`; Swarm rejects names longer than 63
/// characters, because they become DNS names on the overlay network.
enum NameLengthRules: CheckRule {
    static let limit = 63
    /// Platform services stackc adds, by the longest name each feature needs.
    static func platformServices(_ stack: ResolvedStack) -> [String] {
        var names = [stack.proxy.kind.rawValue]
        if stack.identity != nil { names.append("keycloak") }
        if stack.registry != nil { names.append("registry-mirror") }
        if stack.monitoring.metrics { names += ["prometheus", "node-exporter", "cadvisor"] }
        if stack.monitoring.alerts != nil { names.append("alertmanager") }
        if stack.monitoring.logs { names += ["loki", "fluent-bit"] }
        return names
    }

    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout SyntaxDecoder) {
        guard let stackName = syntax.name else { return }
        let owned: [(String, SourceSpan)] = syntax.apps.map { ($0.name.value, $0.name.span) }
            + syntax.databases.map { ($0.name.value, $0.name.span) }
        for (name, span) in owned where stackName.value.count + 1 + name.count > limit {
            report.error(Codes.nameTooLong, "the service name '\(stackName.value)_\(name)' has \(stackName.value.count + 1 + name.count) characters; Swarm allows \(limit)",
                         at: span, help: "shorten the stack name or this name by \(stackName.value.count + 1 + name.count - limit) characters")
        }
        if let longest = platformServices(stack).max(by: { $0.count < $1.count }), stackName.value.count + 1 + longest.count > limit {
            report.error(Codes.nameTooLong, "the stack name is too long for its platform service '\(stackName.value)_\(longest)' (\(limit) characters at most)",
                         at: stackName.span, help: "shorten the stack name to \(limit - 1 - longest.count) characters")
        }
    }
}
