/// The runbook's last section, where things live: every file of this folder, every volume and
/// where its data is, which node holds pinned state, and the tools that deploy the stack.
enum RunbookLayoutSection {
    static func lines(_ facts: RunbookFacts) -> [String] {
        var lines = ["## Where things live", ""]
        lines += fileLines(facts)
        lines += volumeLines(facts)
        lines += pinLines(facts)
        lines += toolLines(facts)
        return lines
    }

    // MARK: Files

    static func fileLines(_ facts: RunbookFacts) -> [String] {
        var lines = [
            "### This folder", "",
            "Everything here is generated from \(Markdown.code(facts.plan.context.sourcePath)): edit the manifest, "
                + "never these files (`stackc check` fails when they differ from what the manifest makes).",
            "",
        ]
        let mounts = RunbookFileRoles.mounts(facts)
        lines += Markdown.table(
            ["file", "what it is"],
            facts.paths.map { path in
                [Markdown.code(path), RunbookFileRoles.describe(path, facts, mounts: mounts)]
            })
        lines.append("")
        return lines
    }

    // MARK: Volumes

    static func volumeLines(_ facts: RunbookFacts) -> [String] {
        guard !facts.volumes.isEmpty else { return [] }
        var lines = [
            "### Volumes", "",
            "Swarm names each volume `\(facts.stack)_<volume>`. A volume on a node's own disk is at "
                + "`/var/lib/docker/volumes/<name>/_data` on that node; one on the shared storage is a folder under "
                + "`/data`, the same on every node.",
            "",
        ]
        lines += Markdown.table(
            ["volume", "mounted by", "where its data is"],
            facts.volumes.map { name, volume in
                let services = facts.services(mountingVolume: name)
                return [
                    Markdown.code(facts.swarmName(name)), services.isEmpty ? "–" : Markdown.codes(services),
                    location(name, volume, services, facts),
                ]
            })
        lines.append("")
        return lines
    }

    static func location(_ name: String, _ volume: PlannedVolume, _ services: [String], _ facts: RunbookFacts)
        -> String
    {
        if let folder = volume.sharedFolder { return "the shared storage, \(Markdown.code(folder))" }
        let placed = services.compactMap(facts.service)
        if !placed.isEmpty, placed.allSatisfy({ $0.kind == .global }) { return "each node's own disk" }
        guard let service = placed.first(where: { $0.kind != .global }) else { return "–" }
        if let node = service.placement.node { return "the disk of the node \(Markdown.code(node))" }
        if let pin = service.placement.pin {
            let label = "\(PlatformNames.pinLabel(stack: facts.stack, group: pin))=true"
            return "the disk of the node labelled \(Markdown.code(label))"
                + (facts.modelNode(forPin: pin).map { " (\(Markdown.code($0)))" } ?? "")
        }
        return "the disk of the node that runs it"
    }

    // MARK: Pins

    static func pinLines(_ facts: RunbookFacts) -> [String] {
        var groups: [(pin: String, services: [String], placement: PlannedPlacement)] = []
        var positions: [String: Int] = [:]
        for (name, service) in facts.services {
            guard let pin = service.placement.pin else { continue }
            if let index = positions[pin] {
                groups[index].services.append(name)
            } else {
                positions[pin] = groups.count
                groups.append((pin, [name], service.placement))
            }
        }
        guard !groups.isEmpty else { return [] }
        var lines = [
            "### State pinned to a node", "",
            "A service that keeps state on a node's own disk runs on one node, with every service that shares its "
                + "volumes: the node carrying the group's label, which "
                + (facts.plan.nodes != nil ? "`nodes/form-swarm.sh` or " : "")
                + "`deploy.sh` puts on one eligible node the first time. The label stays, and so does the data.",
            "",
        ]
        lines += Markdown.table(
            ["label", "services", "eligible nodes", "node"],
            groups.map { group in
                var unpinned = group.placement
                unpinned.pin = nil
                let constraints = StackFileRenderer.constraints(unpinned, stackName: facts.stack)
                return [
                    Markdown.code("\(PlatformNames.pinLabel(stack: facts.stack, group: group.pin))=true"),
                    Markdown.codes(group.services), constraints.isEmpty ? "any" : Markdown.codes(constraints),
                    facts.modelNode(forPin: group.pin).map(Markdown.code) ?? "chosen at the first deploy",
                ]
            })
        lines += ["", "Which node carries each:", ""]
        lines += Markdown.shell(
            groups.map {
                let label = PlatformNames.pinLabel(stack: facts.stack, group: $0.pin)
                return "docker node ls --filter \(ShellQuoting.quote("node.label=\(label)=true"))"
            })
        lines += [
            "",
            "To move a group on purpose: remove its services (or scale them to 0), copy the volumes to the other "
                + "node, move the label (`docker node update --label-rm` on the old node, `--label-add` on the new), "
                + "and run `./deploy.sh`.",
            "",
        ]
        return lines
    }

    // MARK: Tools

    static func toolLines(_ facts: RunbookFacts) -> [String] {
        var lines = ["### The tools", ""]
        lines.append(
            "- `deploy.sh`: run on a manager from this folder; checks what you provide, makes missing secrets"
                + (facts.volumes.contains { $0.volume.sharedFolder != nil }
                    ? " and the volumes' folders on `/data`" : "")
                + ", labels the pins"
                + (facts.plan.buildsImages ? ", builds and pushes the images" : "")
                + ", deploys `stack.yml` and waits for every service. Environment: `STACKC_CREDENTIALS_DIR`, "
                + "`STACKC_DEPLOY_TIMEOUT` (seconds, default 600), `STACKC_RESOLVE_IMAGE` (always, changed or never).")
        if let nodes = facts.plan.nodes {
            var files = ["`nodes/setup-node.sh`", "`nodes/form-swarm.sh`"]
            switch nodes.cluster.provision {
            case .vagrant: files.insert("`nodes/Vagrantfile`", at: 0)
            case .ignition:
                files.insert("`nodes/ignition/`", at: 0)
                files.append("`nodes/join-nodes.sh`")
            case .none: break
            }
            lines.append("- \(files.joined(separator: ", ")): bring the nodes up and form the swarm.")
        }
        lines.append(
            "- `stackc build`, `stackc check`, `stackc lint` on \(Markdown.code(facts.plan.context.sourcePath)), "
                + "from the repository's root.")
        lines += [
            "- `docker stack rm \(facts.stack)` removes the services and networks; volumes and secrets stay.", "",
        ]
        return lines
    }
}
