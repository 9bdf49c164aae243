import StackDiagnostics

/// Tasks must have somewhere to run: a role with nodes in it, enough nodes for `max_per_node`
/// (and for the proxy, one per manager), and one shared volume for several replicas.
enum PlacementRules: CheckRule {
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        for (app, resolved) in zip(syntax.apps, stack.apps) {
            checkPlacement(
                app.placement, replicas: resolved.replicas, replicasSpan: app.replicas?.span,
                owner: "app '\(app.name.value)'", stack, &report)
            checkSharedVolumes(app, resolved, stack, &report)
        }
        for database in syntax.databases {
            checkPlacement(
                database.placement, replicas: .count(1), replicasSpan: nil,
                owner: "database '\(database.name.value)'", stack, &report)
            if let maxPerNode = database.placement?.maxPerNode {
                report.warning(
                    Codes.noEffect,
                    "'max_per_node' does nothing for database '\(database.name.value)', which runs one task",
                    at: maxPerNode.span, help: "remove 'max_per_node'; pin the server with 'role' or 'labels'")
            }
        }
        checkProxy(syntax, stack, &report)
    }

    /// The proxy runs on managers, one task per node (it binds 80 and 443 on the host).
    static func checkProxy(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        guard let replicas = syntax.proxy?.replicas, case .count(let count) = replicas.value else { return }
        let managers = stack.cluster.managers
        if count > managers {
            report.error(
                Codes.unplaceableReplicas,
                "the proxy wants \(count) replicas, but it runs on the managers, one per node (it binds ports 80 and 443 on the host), and the cluster has \(managers) manager\(managers == 1 ? "" : "s")",
                at: replicas.span,
                help: "lower 'proxy.replicas' to \(managers), or leave it out for one on every manager")
        }
        if count > 1, syntax.tls?.mode?.value == .acme {
            report.error(
                Codes.invalidValue,
                "'proxy.replicas: \(count)' with 'tls.mode: acme': Traefik keeps its ACME account and certificates in one file that only one instance may use, and a challenge may reach an instance that does not hold its token",
                at: replicas.span, expected: "1 with ACME",
                help: "set 'proxy.replicas: 1' (or leave it out), or use 'tls.mode: provided' for several proxies")
        }
        if count == 0,
            syntax.apps.contains(where: { $0.host != nil }) || syntax.identity != nil || syntax.registry != nil
        {
            report.error(
                Codes.invalidValue, "'proxy.replicas: 0' leaves nothing to serve the routes of the stack",
                at: replicas.span,
                expected: "at least 1 while anything is routed",
                help: "leave 'replicas' out for one proxy on every manager")
        }
    }

    static func checkPlacement(
        _ placement: PlacementSyntax?, replicas: Replicas, replicasSpan: SourceSpan?,
        owner: String, _ stack: ResolvedStack, _ report: inout DiagnosticSink
    ) {
        guard let placement else { return }
        for (key, value) in placement.labels where !Self.isConstraintValue(value) {
            report.error(
                Codes.invalidValue,
                "the value '\(value)' of the label '\(key.value)' in the placement of \(owner) cannot be matched by a Swarm constraint",
                at: key.span, expected: "a value without spaces, '=', '!' or line breaks, and not empty",
                help: "label the nodes with a simple value, for example 'zone: eu-1'")
        }
        if let node = placement.node {
            let names = stack.cluster.nodes.map(\.name)
            guard
                ReferenceRules.reference(
                    node, kind: "node", among: names, in: owner, &report,
                    help: "nodes are named \(Self.range("manager", stack.cluster.managers))"
                        + (stack.cluster.workers > 0 ? ", \(Self.range("worker", stack.cluster.workers))" : "")
                        + " by 'cluster.managers' and 'cluster.workers'")
            else { return }
            if let role = placement.role, let pinned = stack.cluster.nodes.first(where: { $0.name == node.value }),
                pinned.role != role.value
            {
                report.error(
                    Codes.invalidValue,
                    "\(owner) is placed on '\(node.value)', a \(pinned.role.rawValue), but also on the role '\(role.value.rawValue)'",
                    at: role.span, expected: "a 'role' that '\(node.value)' has, or no 'role'",
                    help: "remove 'role': 'node' alone says where it runs",
                    notes: [Diagnostic.Note("the node is named here", at: node.span)])
                return
            }
        }
        let eligible = eligibleNodes(placement, stack)
        if let role = placement.role, role.value == .worker, stack.cluster.workers == 0 {
            report.error(
                Codes.noWorkers, "\(owner) is placed on workers, but the cluster has none", at: role.span,
                help: "set 'cluster.workers', or use 'role: manager'")
            return
        }
        guard let maxPerNode = placement.maxPerNode, case .count(let count) = replicas,
            maxPerNode.value * eligible < count
        else { return }
        let nodes =
            placement.node.map { "the node '\($0.value)'" }
            ?? "\(eligible) \(placement.role.map { "\($0.value.rawValue) " } ?? "")node\(eligible == 1 ? "" : "s")"
        report.error(
            Codes.unplaceableReplicas,
            "\(owner) wants \(count) replicas, but 'max_per_node: \(maxPerNode.value)' on \(nodes) allows only \(maxPerNode.value * eligible)",
            at: replicasSpan ?? maxPerNode.span,
            help: placement.node != nil
                ? "lower 'replicas' to \(maxPerNode.value), raise 'max_per_node', or remove 'node'"
                : "lower 'replicas' to \(maxPerNode.value * eligible), raise 'max_per_node', or add nodes")
    }

    /// How many nodes a placement allows: the named node, the nodes of a role, or all.
    static func eligibleNodes(_ placement: PlacementSyntax?, _ stack: ResolvedStack) -> Int {
        if let node = placement?.node { return stack.cluster.nodes.contains { $0.name == node.value } ? 1 : 0 }
        switch placement?.role?.value {
        case .worker?: return stack.cluster.workers
        case .manager?: return stack.cluster.managers
        case nil: return stack.cluster.managers + stack.cluster.workers
        }
    }

    static func checkSharedVolumes(
        _ app: AppSyntax, _ resolved: App, _ stack: ResolvedStack, _ report: inout DiagnosticSink
    ) {
        // On one node, or pinned to one, every task mounts the same local volume.
        guard let volume = app.volumes.first, !stack.cluster.hasSharedStorage,
            stack.cluster.managers + stack.cluster.workers > 1, app.placement?.node == nil
        else { return }
        let tasks = stack.taskCount(resolved.replicas)
        guard tasks > 1 else { return }
        report.error(
            Codes.volumeNeedsSharedStorage,
            "app '\(app.name.value)' runs \(tasks) tasks with the volume '\(volume.name.value)', but there is no shared storage, so each would see a different volume",
            at: volume.name.span,
            help: "set 'cluster.shared_storage' (nfs, glusterfs or cephfs), or run one replica")
    }

    /// `manager-1`, or `manager-1 … manager-3`: the names of `count` nodes of one role.
    static func range(_ role: String, _ count: Int) -> String {
        count == 1 ? "\(role)-1" : "\(role)-1 … \(role)-\(count)"
    }

    /// Whether Swarm can match `value` in `node.labels.KEY == value`: its parser splits on `==`
    /// and `!=` and trims spaces, so those, and an empty value, cannot be meant.
    static func isConstraintValue(_ value: String) -> Bool {
        !value.isEmpty
            && !value.unicodeScalars.contains {
                $0 == "=" || $0 == "!" || $0.properties.isWhitespace || $0.value < 0x20
            }
    }
}
