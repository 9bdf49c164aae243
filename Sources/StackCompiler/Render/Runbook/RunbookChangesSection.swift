/// The runbook's everyday changes: adding an app (edit the manifest, build, check, commit,
/// deploy) and adding a node (through `nodes/` when the manifest describes the cluster, else
/// with a join token).
enum RunbookChangesSection {
    static func lines(_ facts: RunbookFacts) -> [String] {
        ["## Changes", ""] + appLines(facts) + nodeLines(facts)
    }

    // MARK: Add an app

    static func appLines(_ facts: RunbookFacts) -> [String] {
        let source = facts.plan.context.sourcePath
        let name = exampleName(facts)
        var lines = ["### Add an app", ""]
        let database = facts.overview.databases.first(where: { $0.engine != .redis })
        if isSwift(source) {
            // A stack.swift: the same app as a call in its `Apps { … }` block.
            lines += ["1. Add it to `Apps { … }` in \(Markdown.code(source)), for example:", ""]
            var arguments = "\"\(name)\", image: \"nginx:1.27-alpine\", replicas: 2, port: 80"
            if facts.overview.domain != nil { arguments += ", host: \"\(name)\"" }
            var swift = ["App(\(arguments), health: \"/\")"]
            if let database {
                swift.append("// database: \"\(database.name)\" (after host) gives it a database and user of its own")
            }
            lines += Markdown.block("swift", swift) + [""]
        } else {
            lines += ["1. Add it under `apps:` in \(Markdown.code(source)), for example:", ""]
            var yaml = ["  \(name):", "    image: nginx:1.27-alpine", "    replicas: 2", "    port: 80"]
            if facts.overview.domain != nil { yaml.append("    host: \(name)") }
            yaml.append("    health: /")
            if let database {
                yaml.append("    # database: \(database.name)  # a database and user of its own on '\(database.name)'")
            }
            lines += Markdown.block("yaml", yaml) + [""]
        }
        if let domain = facts.overview.domain {
            lines += [
                "   `host: \(name)` serves it at that name under \(Markdown.code(domain)), over HTTPS; the name "
                    + "needs DNS like the other hosts (see [DNS](#dns))"
                    + (facts.overview.tls.mode == .selfsigned
                        ? "; the wildcard certificate covers it." : "."),
                "",
            ]
        }
        lines += [
            "2. Build the output, check it is what is committed, and commit both (from the repository's root; "
                + "`out/\(facts.stack)` is this folder):",
            "",
        ]
        lines += Markdown.shell([
            "stackc build \(ShellQuoting.quote(source))",
            "stackc check \(ShellQuoting.quote(source))",
            "git add \(ShellQuoting.quote(source)) \(ShellQuoting.quote("out/\(facts.stack)"))",
            "git commit -m \(ShellQuoting.quote("\(facts.stack): add the app \(name)"))",
        ])
        lines += ["", "3. On the manager, in this folder of an up-to-date checkout:", ""]
        lines += Markdown.shell(["git pull", "./deploy.sh"])
        lines += [
            "",
            "`deploy.sh` makes the new app's secrets, and only services whose definition changed are updated. "
                + "Removing an app is the same: `--prune` removes its service; its volumes and secrets stay until "
                + "you remove them (`docker volume rm`, `docker secret rm`).",
            "",
        ]
        return lines
    }

    /// Whether the stack is described by a `stack.swift` rather than a YAML manifest.
    static func isSwift(_ source: String) -> Bool { source.hasSuffix(".swift") }

    /// A name for the example app that no service of the stack has.
    static func exampleName(_ facts: RunbookFacts) -> String {
        let taken = Set(facts.services.map(\.name))
        var name = "hello"
        var counter = 2
        while taken.contains(name) {
            name = "hello-\(counter)"
            counter += 1
        }
        return name
    }

    // MARK: Add a node

    static func nodeLines(_ facts: RunbookFacts) -> [String] {
        var lines = ["### Add a node", ""]
        guard let nodes = facts.plan.nodes else {
            lines += ["On a manager, print the join command, and run it on the new node:", ""]
            lines += Markdown.shell(["docker swarm join-token worker"])
            lines += ["", afterJoining(facts), ""]
            return lines
        }
        let cluster = nodes.cluster
        let name = "worker-\(cluster.workers + 1)"
        let address = nextAddress(nodes.nodes.last?.address)
        lines += [
            "1. In \(Markdown.code(facts.plan.context.sourcePath)), raise "
                + (isSwift(facts.plan.context.sourcePath) ? "`workers:` of `Cluster(…)`" : "`cluster.workers`") + " to "
                + "\(cluster.workers + 1): the new node is \(Markdown.code(name))"
                + (address.map { " at \(Markdown.code($0))" } ?? "")
                + ". Add workers: nodes are numbered managers first, so a new manager would take the first "
                + "worker's address.",
            "2. Build, check and commit as for an app.",
        ]
        switch cluster.provision {
        case .vagrant:
            lines += ["3. Bring it up; it joins the swarm with the worker token in `nodes/.swarm/`:", ""]
            lines += Markdown.shell(["(cd nodes && vagrant up \(name))"])
        case .ignition:
            lines += [
                "3. Boot it with its Ignition config, which the build adds to `nodes/ignition/`, then bring it its "
                    + "token:",
                "",
            ]
            lines += Markdown.shell([
                facts.credentialsDirectoryLine, "STACKC_CREDENTIALS_DIR=\"$CREDENTIALS_DIR\" nodes/join-nodes.sh",
            ])
        case .none:
            lines += [
                "3. On the new node, as root, with the worker token from `\(NodeChannel.path)` of "
                    + "`\(nodes.firstManager.name)` copied into the same folder there:",
                "",
            ]
            // The node's own settings are a file of the next build: named through the variable.
            let daemon = DaemonConfigRenderer.differsByNode(nodes) ? "\"nodes/daemon/$NODE.json\"" : "nodes/daemon.json"
            lines += Markdown.shell([
                "NODE=\(name)",
                "files=$(mktemp -d)",
                "cp \(daemon) \"$files/daemon.json\"",
                "cp nodes/form-swarm.sh nodes/setup-node.sh \"$files/\"",
                "STACKC_NODE_FILES=\"$files\" bash nodes/setup-node.sh all \"$NODE\"",
            ])
        }
        lines += ["", afterJoining(facts), ""]
        return lines
    }

    /// What happens once a node has joined.
    static func afterJoining(_ facts: RunbookFacts) -> String {
        var text =
            (facts.plan.nodes != nil
                ? "The managers label it within a minute (`\(PlatformNames.nodeNameLabel)`). " : "")
            + "Services on every node start a task there at once; replicated services use it when their tasks are "
            + "next placed (`docker service update --force \(facts.stack)_<service>` spreads them now). "
            + "State pinned to a node stays where it is."
        if facts.services.contains(where: { !$0.service.placement.labels.isEmpty }) {
            text +=
                " Give it the node labels placements ask for (see [Node labels](#node-labels)) if it is to run those."
        }
        return text
    }

    /// The address after `address` on its /24, nil past `.254`.
    static func nextAddress(_ address: String?) -> String? {
        guard let address else { return nil }
        let octets = address.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4, octets[3] < 254 else { return nil }
        return "\(octets[0]).\(octets[1]).\(octets[2]).\(octets[3] + 1)"
    }
}
