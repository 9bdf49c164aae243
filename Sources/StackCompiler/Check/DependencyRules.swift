import StackDiagnostics

/// `depends_on` must not loop: each app's entrypoint waits for its targets, so a cycle would
/// wait forever.
enum DependencyRules: CheckRule {
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        // Apps by position, and each app's dependencies on other apps (databases and platform
        // services depend on nothing, so they close no cycle): names are hashed once, not at
        // every step of the search.
        let apps = syntax.apps
        var position: [String: Int] = [:]
        position.reserveCapacity(apps.count)
        for (index, app) in apps.enumerated() where position[app.name.value] == nil {
            position[app.name.value] = index
        }
        let edges: [[(target: Int, span: SourceSpan)]] = apps.map { app in
            app.dependsOn.compactMap { dependency in position[dependency.value].map { ($0, dependency.span) } }
        }
        var state = [UInt8](repeating: 0, count: apps.count)  // 1: on the current path, 2: done
        var reported = Set<String>()
        for start in apps.indices where state[start] == 0 {
            // Iterative depth-first search, so that a long chain cannot exhaust the stack.
            var path: [(app: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = path.last {
                let targets = edges[top.app]
                guard top.next < targets.count else {
                    state[top.app] = 2
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let (target, span) = targets[top.next]
                switch state[target] {
                case 1:
                    let cycle = (path.map(\.app).drop { $0 != target } + [target]).map { apps[$0].name.value }
                    let key = Set(cycle).sorted().joined(separator: ",")
                    if reported.insert(key).inserted {
                        report.error(
                            Codes.dependencyCycle,
                            "'depends_on' forms a cycle: " + cycle.map { "'\($0)'" }.joined(separator: " → "),
                            at: span,
                            help: "each app would wait for the other forever; remove one of these dependencies")
                    }
                case 0:
                    state[target] = 1
                    path.append((target, 0))
                default:
                    break
                }
            }
        }
    }
}
