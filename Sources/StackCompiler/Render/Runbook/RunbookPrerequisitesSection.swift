/// The runbook's prerequisites: Docker as the stack needs it, the nodes (and what brings them
/// up), the node labels placements ask for, DNS for every host, the certificate, and the tools
/// `deploy.sh` checks for.
enum RunbookPrerequisitesSection {
    static func lines(_ facts: RunbookFacts) -> [String] {
        var lines = ["## Prerequisites", ""]
        lines += dockerLines(facts)
        lines += nodeLines(facts)
        lines += labelLines(facts)
        lines += dnsLines(facts)
        lines += toolLines(facts)
        return lines
    }

    // MARK: Docker

    static func dockerLines(_ facts: RunbookFacts) -> [String] {
        var lines = ["### Docker", ""]
        var text =
            "Docker Engine 20.10 or newer on every node, in swarm mode (`docker stack deploy` of this stack "
            + "runs on a manager)."
        if !facts.jobs.isEmpty {
            text +=
                " The `docker` CLI on the manager that runs `./deploy.sh` must be 23 or newer: older ones refuse the "
                + "`replicated-job` mode of the jobs \(Markdown.codes(facts.jobs)), which run once per deploy."
        }
        if facts.plan.nodes != nil {
            text +=
                " `nodes/setup-node.sh` installs it: Docker CE from Docker's repository on Debian, Fedora's own "
                + "engine on Fedora CoreOS."
        }
        lines += [text, ""]
        lines += Markdown.shell([
            "docker version --format 'client {{.Client.Version}}, engine {{.Server.Version}}'",
            "docker info --format 'swarm: {{.Swarm.LocalNodeState}}, manager: {{.Swarm.ControlAvailable}}'",
        ])
        lines.append("")
        return lines
    }

    // MARK: Nodes

    static func nodeLines(_ facts: RunbookFacts) -> [String] {
        let cluster = facts.overview.cluster
        var lines = ["### Nodes", ""]
        guard cluster.isDescribed, let nodes = facts.plan.nodes else {
            lines += [
                "The manifest does not describe the cluster (no `cluster` section), so nothing here brings nodes up: "
                    + "bring your own swarm, at least one manager (`docker swarm init`). "
                    + (facts.volumes.contains { $0.volume.sharedFolder != nil }
                        ? "Every node mounts the shared storage at `/data`."
                        : "Volumes stay on the disk of the node that runs their service (see "
                            + "[Where things live](#where-things-live))."),
                "",
            ]
            return lines
        }
        lines += [
            "The manifest describes \(cluster.managers) manager\(cluster.managers == 1 ? "" : "s") and "
                + "\(cluster.workers) worker\(cluster.workers == 1 ? "" : "s"); `nodes/` brings them up "
                + "(\(provisionWords(cluster.provision))). Each node must have the address below: "
                + "`nodes/setup-node.sh` stops on a node that does not.",
            "",
        ]
        lines += Markdown.table(
            ["node", "role", "address"],
            nodes.nodes.map { [Markdown.code($0.name), $0.role.rawValue, Markdown.code($0.address)] })
        lines.append("")
        var notes: [String] = []
        if let vip = cluster.vip {
            notes.append(
                "The virtual IP \(Markdown.code(vip)) is held by keepalived on a manager whose edge proxy answers "
                    + "(`nodes/keepalived/`).")
        }
        switch cluster.sharedStorage {
        case .none:
            break
        case .nfs:
            notes.append(
                "Shared storage: NFS, exported by `\(nodes.firstManager.name)` from `\(NodeChannel.diskMount)/nfs` "
                    + "and mounted at `/data` on every node, `\(nodes.firstManager.name)` included.")
        case .glusterfs:
            notes.append(
                "Shared storage: a GlusterFS volume `\(facts.stack)-data` with bricks on "
                    + "\(Markdown.codes(nodes.glusterBricks.map(\.name))), mounted at `/data` on every node.")
        case .cephfs:
            notes.append(
                "Shared storage: CephFS from an existing Ceph cluster whose monitors run on the managers (stackc "
                    + "does not deploy Ceph), as the client `client.\(facts.stack)`; its key goes into the "
                    + "credentials folder as `ceph.secret` before the nodes join.")
        }
        if let disk = cluster.disk {
            notes.append(
                "Each node has a data disk of \(disk.dockerString) (under Docker and the shared storage), "
                    + "storage driver `\(cluster.storageDriver.rawValue)`.")
        }
        switch cluster.provision {
        case .vagrant:
            notes.append(
                "Vagrant with VirtualBox or vagrant-libvirt, box \(Markdown.code(cluster.box)), "
                    + "\(cluster.cpus) CPUs and \(cluster.memory.dockerString) memory per machine"
                    + (cluster.disk != nil
                        ? "; Vagrant before 2.4 needs `VAGRANT_EXPERIMENTAL=disks` for the disk" : "")
                    + ". VirtualBox allows host-only addresses in `192.168.56.0/21` only, unless "
                    + "`/etc/vbox/networks.conf` lists more.")
        case .ignition:
            notes.append(
                "Fedora CoreOS machines (stream \(Markdown.code(cluster.box))) that boot with their Ignition config, "
                    + "get their address from a DHCP reservation, reach the Fedora repositories at first boot, and "
                    + "let you in over SSH as `core` with one of the manifest's `ssh_keys`"
                    + (cluster.disk != nil
                        ? "; the data disk is the second virtio disk, `/dev/vdb` (QEMU/libvirt)." : "."))
        case .none:
            notes.append(
                "Debian or Fedora CoreOS machines you bring up yourself, with these addresses; you run "
                    + "`nodes/setup-node.sh` on each as root.")
        }
        for note in notes { lines += ["- " + note] }
        lines.append("")
        return lines
    }

    static func provisionWords(_ provision: Cluster.Provision) -> String {
        switch provision {
        case .vagrant: return "`nodes/Vagrantfile`"
        case .ignition: return "one Ignition config per node in `nodes/ignition/`, then `nodes/join-nodes.sh`"
        case .none: return "`nodes/setup-node.sh`, which you run on each node"
        }
    }

    // MARK: Labels

    /// Node labels some placement asks for (the operator's: the model does not say which node
    /// has them), and nodes placements name.
    static func labelLines(_ facts: RunbookFacts) -> [String] {
        var groups: [(labels: [(key: String, value: String)], services: [String])] = []
        var named: [(node: String, services: [String])] = []
        for (name, service) in facts.services {
            let labels = service.placement.labels
            if !labels.isEmpty {
                if let index = groups.firstIndex(where: { $0.labels.elementsEqual(labels, by: { $0 == $1 }) }) {
                    groups[index].services.append(name)
                } else {
                    groups.append((labels, [name]))
                }
            }
            if let node = service.placement.node {
                if let index = named.firstIndex(where: { $0.node == node }) {
                    named[index].services.append(name)
                } else {
                    named.append((node, [name]))
                }
            }
        }
        guard !groups.isEmpty || !named.isEmpty else { return [] }
        var lines = ["### Node labels", ""]
        for group in groups {
            let pairs = group.labels.map { "\($0.key)=\($0.value)" }
            lines += [
                "\(Markdown.codes(group.services)) \(group.services.count == 1 ? "runs" : "run") only on a node "
                    + "labelled \(Markdown.codes(pairs)); "
                    + "`deploy.sh` stops until one is:",
                "",
            ]
            lines += Markdown.shell(
                [
                    "NODE='' # fill in: the node to carry the labels (docker node ls)",
                    "docker node update "
                        + pairs.map { "--label-add \(ShellQuoting.quote($0))" }.joined(separator: " ")
                        + " \"${NODE:?fill in NODE above}\"",
                ])
            lines.append("")
        }
        for entry in named {
            lines += [
                "\(Markdown.codes(entry.services)) \(entry.services.count == 1 ? "runs" : "run") on the node "
                    + "\(Markdown.code(entry.node)) of the cluster model: "
                    + "the node labelled `\(PlatformNames.nodeNameLabel)=\(entry.node)`, which "
                    + (facts.plan.nodes != nil
                        ? "`nodes/form-swarm.sh` sets."
                        : "`deploy.sh` sets on the node whose host name is \(Markdown.code(entry.node)).")
            ]
        }
        if !named.isEmpty { lines.append("") }
        return lines
    }

    // MARK: DNS

    static func dnsLines(_ facts: RunbookFacts) -> [String] {
        guard !facts.hosts.isEmpty else { return [] }
        var lines = ["### DNS", ""]
        let addresses = facts.hostAddresses
        let target: String
        if let vip = facts.overview.cluster.vip {
            target = "the virtual IP \(Markdown.code(vip))"
        } else if let addresses {
            target =
                "the managers, where the edge proxy answers on ports 80 and 443: \(Markdown.codes(addresses))"
        } else {
            target = "the managers that run the edge proxy (it answers on ports 80 and 443 of its nodes)"
        }
        lines += ["Every host the proxy serves must lead to \(target):", ""]
        lines += Markdown.table(
            ["host", "address"], facts.hosts.map { [Markdown.code($0), addresses.map(Markdown.codes) ?? "a manager"] })
        lines.append("")
        let domain = facts.overview.domain ?? ""
        if facts.overview.domainIsPrivate {
            lines += [
                "No public DNS serves \(Markdown.code(domain)): give the names on each machine that uses the stack "
                    + "(or in your local DNS)"
                    + (facts.plan.nodes?.hosts.isEmpty == false
                        ? "; the nodes get the registry's from `nodes/setup-node.sh`." : "."),
                "",
            ]
            var block: [String] = []
            let names = facts.hosts.joined(separator: " ")
            if let address = addresses?.first {
                block.append("echo \(ShellQuoting.quote("\(address) \(names)")) | sudo tee -a /etc/hosts")
            } else {
                // Host names are letters, digits, dots and dashes: safe in double quotes.
                block += [
                    "ADDRESS='' # fill in: the address of a manager that runs the edge proxy",
                    "echo \"${ADDRESS:?fill in ADDRESS above} \(names)\" | sudo tee -a /etc/hosts",
                ]
            }
            lines += Markdown.shell(block) + [""]
        } else {
            lines += ["One A record each, or a wildcard `*.\(domain)` for those under the domain.", ""]
        }
        if facts.overview.tls.mode == .acme {
            lines += [
                "With ACME, Let's Encrypt must reach port 80 of those addresses from the internet for every host "
                    + "(the HTTP challenge).",
                "",
            ]
        }
        return lines
    }

    // MARK: Tools

    /// What `deploy.sh` checks for before it changes anything (`need`), and what it runs.
    static func toolLines(_ facts: RunbookFacts) -> [String] {
        var tools: [(name: String, why: String)] = [
            ("bash", "`deploy.sh` is a bash script"), ("docker", "the Docker CLI"),
            ("openssl", "passwords and certificates"),
        ]
        if facts.secrets.contains(where: { if case .htpasswd? = $0.recipe { return true } else { return false } }) {
            tools.append(("htpasswd", "login passwords (Debian: `apache2-utils`)"))
        }
        if facts.plan.buildsImages {
            tools += [("tar", "GNU tar, to hash build contexts"), ("sha256sum", "to hash build contexts")]
        }
        if facts.volumes.contains(where: { $0.volume.sharedFolder != nil }) {
            tools.append(("mountpoint", "to check that `/data` is mounted (util-linux)"))
        }
        var lines = ["### Tools on the manager that runs `deploy.sh`", ""]
        lines += tools.map { "- `\($0.name)`: \($0.why)" }
        lines.append("")
        lines += Markdown.shell([
            "for tool in \(tools.map(\.name).joined(separator: " ")); do",
            "  command -v \"$tool\" >/dev/null || echo \"missing: $tool\"",
            "done",
        ])
        lines.append("")
        return lines
    }
}
