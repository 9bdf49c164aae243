import StackDiagnostics

/// `depends_on` must not loop: each app's entrypoint waits for its targets, so a cycle would
/// wait forever.
///
/// One error per group of apps that wait for each other (a strongly connected component of
/// the `depends_on` graph), with one short example cycle through its first app: however many
/// dependencies a group has, the report stays one line per group, so time and output grow with
/// the manifest, not with the number of cycles in it (450 apps that all depend on each other are
/// one error, not 100,000).
enum DependencyRules: CheckRule {
    /// The longest example cycle spelled out in a message; a longer one is shortened in the
    /// middle.
    static let longestShownCycle = 12

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
        let components = stronglyConnectedComponents(edges)
        for members in components {
            let first = members.min()!
            let looping =
                members.count > 1 || edges[first].contains { $0.target == first }
            guard looping, let (cycle, span) = shortestCycle(through: first, within: Set(members), edges: edges) else {
                continue
            }
            let names = cycle.map { "'\(apps[$0].name.value)'" }
            var shown = names
            if names.count > longestShownCycle {
                let half = longestShownCycle / 2
                shown = names.prefix(half) + ["… (\(names.count - longestShownCycle) more)"] + names.suffix(half)
            }
            var message = "'depends_on' forms a cycle: " + shown.joined(separator: " → ")
            if members.count > cycle.count - 1 {
                message += "; \(members.count) apps wait for each other"
            }
            report.error(
                Codes.dependencyCycle, message, at: span,
                help: members.count > 2
                    ? "each app would wait for the others forever; remove dependencies until no app waits for itself"
                    : "each app would wait for the other forever; remove one of these dependencies")
        }
    }

    /// The strongly connected components of the graph (Tarjan's algorithm, iterative so that a
    /// long chain cannot exhaust the stack), each a list of node indices; linear in nodes and
    /// edges.
    static func stronglyConnectedComponents(_ edges: [[(target: Int, span: SourceSpan)]]) -> [[Int]] {
        let count = edges.count
        var index = [Int](repeating: -1, count: count)
        var lowLink = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int] = []
        var components: [[Int]] = []
        var nextIndex = 0
        for root in 0..<count where index[root] < 0 {
            var frames: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = nextIndex
            lowLink[root] = nextIndex
            nextIndex += 1
            stack.append(root)
            onStack[root] = true
            while let top = frames.last {
                let node = top.node
                if top.edge < edges[node].count {
                    frames[frames.count - 1].edge += 1
                    let target = edges[node][top.edge].target
                    if index[target] < 0 {
                        index[target] = nextIndex
                        lowLink[target] = nextIndex
                        nextIndex += 1
                        stack.append(target)
                        onStack[target] = true
                        frames.append((target, 0))
                    } else if onStack[target] {
                        lowLink[node] = min(lowLink[node], index[target])
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last?.node { lowLink[parent] = min(lowLink[parent], lowLink[node]) }
                guard lowLink[node] == index[node] else { continue }
                var component: [Int] = []
                while let member = stack.popLast() {
                    onStack[member] = false
                    component.append(member)
                    if member == node { break }
                }
                components.append(component)
            }
        }
        return components
    }

    /// The shortest cycle from `start` back to itself inside `members` (breadth-first), as the
    /// apps in order with `start` at both ends, and the place of the dependency that closes it.
    static func shortestCycle(
        through start: Int, within members: Set<Int>, edges: [[(target: Int, span: SourceSpan)]]
    ) -> (cycle: [Int], closing: SourceSpan)? {
        var parent: [Int: Int] = [start: start]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for (target, span) in edges[node] where members.contains(target) {
                if target == start {
                    var cycle = [start]
                    var step = node
                    while step != start {
                        cycle.append(step)
                        step = parent[step]!
                    }
                    cycle.append(start)
                    // Built backwards from the closing edge: start, node, …, start.
                    return ([start] + cycle.dropFirst().dropLast().reversed() + [start], span)
                }
                if parent[target] == nil {
                    parent[target] = node
                    queue.append(target)
                }
            }
        }
        return nil
    }
}
