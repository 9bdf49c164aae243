import StackDiagnostics

/// `depends_on` must not loop: each app's entrypoint waits for its targets, so a cycle would
/// wait forever.
enum DependencyRules: CheckRule {
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout SyntaxDecoder) {
        let edges = Dictionary(syntax.apps.map { ($0.name.value, $0.dependsOn) }, uniquingKeysWith: { first, _ in first })
        var state: [String: Int] = [:]  // 1: on the current path, 2: done
        var reported = Set<String>()
        for app in syntax.apps where state[app.name.value] == nil {
            // Iterative depth-first search, so that a long chain cannot exhaust the stack.
            var path: [(name: String, next: Int)] = [(app.name.value, 0)]
            state[app.name.value] = 1
            while let top = path.last {
                let targets = edges[top.name] ?? []
                guard top.next < targets.count else {
                    state[top.name] = 2
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let target = targets[top.next]
                guard edges[target.value] != nil else { continue }
                switch state[target.value] {
                case 1:
                    let cycle = path.map(\.name).drop { $0 != target.value } + [target.value]
                    let key = Set(cycle).sorted().joined(separator: ",")
                    if reported.insert(key).inserted {
                        report.error(Codes.dependencyCycle, "'depends_on' forms a cycle: " + cycle.map { "'\($0)'" }.joined(separator: " → "),
                                     at: target.span, help: "each app would wait for the other forever; remove one of these dependencies")
                    }
                case nil:
                    state[target.value] = 1
                    path.append((target.value, 0))
                default:
                    break
                }
            }
        }
    }
}
