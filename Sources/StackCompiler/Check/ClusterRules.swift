import StackDiagnostics

/// The nodes: a quorum-friendly manager count, addresses that fit in the /24, a virtual IP in
/// the nodes' network, a disk for the storage drivers that need one, a mirror to point at.
enum ClusterRules: CheckRule {
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        guard let cluster = syntax.cluster else { return }
        if let managers = cluster.managers, managers.value % 2 == 0 || managers.value > 7 {
            report.warning(
                Codes.managerCount,
                managers.value > 7
                    ? "\(managers.value) managers slow down Raft without tolerating more failures than 7"
                    : "\(managers.value) managers tolerate no more failures than \(managers.value - 1) would (Raft needs a majority)",
                at: managers.span, help: "use an odd number of managers, at most 7 (1, 3, 5 or 7)")
        }
        let base = cluster.address?.value ?? [192, 168, 56, 101]
        let count = stack.cluster.managers + stack.cluster.workers
        let overflows = base[3] + count - 1 > 254
        if overflows {
            report.error(
                Codes.addressOverflow,
                "\(count) node\(count == 1 ? "" : "s") starting at \(base.map(String.init).joined(separator: ".")) do not fit in its /24",
                at: cluster.address?.span ?? cluster.span,
                expected: "a first address whose last number is at most \(max(1, 255 - count))",
                help: count <= 253
                    ? "start lower, for example \(base[0]).\(base[1]).\(base[2]).\(min(101, 255 - count))"
                    : "a stack of this size needs fewer nodes")
        }
        if base[3] == 0 {
            report.error(
                Codes.invalidValue, "a node address cannot end in .0", at: cluster.address?.span ?? cluster.span)
        }
        // Checked against the node addresses, which do not exist when they overflow the /24.
        if let vip = cluster.vip, !overflows, base[3] != 0 {
            checkVIP(vip, base: base, nodes: stack.cluster.nodes, &report)
        }
        checkProvisioningKeys(cluster, &report)
        if let driver = cluster.storageDriver, driver.value != .overlay2, cluster.disk == nil {
            report.error(
                Codes.storageDriverNeedsDisk,
                "'storage_driver: \(driver.value.rawValue)' needs a data 'disk' to hold its pool",
                at: driver.span, help: "add 'disk: 20G' under 'cluster', or use 'storage_driver: overlay2'")
        }
        if let driver = cluster.storageDriver, driver.value == .zfs, cluster.provision?.value == .ignition {
            report.error(
                Codes.driverNotOnCoreOS, "'storage_driver: zfs' cannot be provisioned on Fedora CoreOS: it has no ZFS",
                at: driver.span, expected: "'btrfs' or 'overlay2' with 'provision: ignition'",
                help:
                    "use 'storage_driver: btrfs' (Fedora CoreOS formats the data disk with it), or 'provision: vagrant'"
            )
        }
        if let provision = cluster.provision, provision.value == .ignition, cluster.sshKeys.isEmpty {
            report.error(
                Codes.ignitionWithoutKeys,
                "'provision: ignition' without 'ssh_keys': nobody could log in to the nodes, and join-nodes.sh could not bring them their join tokens",
                at: provision.span, expected: "'ssh_keys' under 'cluster', with at least one public key",
                help: "add 'ssh_keys: [\"ssh-ed25519 AAAA… you@host\"]' under 'cluster'")
        }
        if let mirror = cluster.dockerMirror, mirror.value, stack.registry?.mirrorHost == nil {
            report.error(
                Codes.mirrorWithoutRegistry, "'cluster.docker.mirror' is on, but the stack runs no registry mirror",
                at: mirror.span, help: "set 'registry.mirror: true', or remove 'docker.mirror'")
        }
    }

    /// `box` is for a provisioner; `cpus` and `memory` size Vagrant's machines only.
    static func checkProvisioningKeys(_ cluster: ClusterSyntax, _ report: inout DiagnosticSink) {
        // A provisioner that did not decode has its error; what it would have used is not idle.
        if cluster.provisionWritten, cluster.provision == nil { return }
        let provision = cluster.provision?.value ?? Cluster.Provision.none
        var idle: [(String, SourceSpan)] = []
        if provision == .none, let box = cluster.box { idle.append(("box", box.span)) }
        if provision != .vagrant {
            if let cpus = cluster.cpus { idle.append(("cpus", cpus.span)) }
            if let memory = cluster.memory { idle.append(("memory", memory.span)) }
        }
        for (key, span) in idle {
            report.warning(
                Codes.noEffect, "'cluster.\(key)' does nothing with 'provision: \(provision.rawValue)'", at: span,
                help: key == "box"
                    ? "set 'provision: vagrant' or 'ignition', or remove 'box'"
                    : "'\(key)' sizes the Vagrant machines: set 'provision: vagrant', or remove '\(key)'")
        }
    }

    static func checkVIP(_ vip: Located<[Int]>, base: [Int], nodes: [Node], _ report: inout DiagnosticSink) {
        let text = vip.value.map(String.init).joined(separator: ".")
        let network = "\(base[0]).\(base[1]).\(base[2])"
        if Array(vip.value.prefix(3)) != Array(base.prefix(3)) || vip.value[3] == 0 || vip.value[3] == 255 {
            let inNetwork = Array(vip.value.prefix(3)) == Array(base.prefix(3))
            let what =
                !inNetwork
                ? "is not in the nodes' network \(network).0/24"
                : vip.value[3] == 0
                    ? "is the address of the nodes' network \(network).0/24 itself"
                    : "is the broadcast address of the nodes' network \(network).0/24"
            report.error(
                Codes.vipOutsideNetwork, "the virtual IP \(text) \(what)",
                at: vip.span, expected: "an unused address \(network).1 to \(network).254",
                help: "for example \(network).\(base[3] > 1 ? base[3] - 1 : 254)")
        } else if let node = nodes.first(where: { $0.address == text }) {
            report.error(
                Codes.vipIsNodeAddress, "the virtual IP \(text) is the address of \(node.name)",
                at: vip.span, expected: "an address no node has",
                help:
                    "nodes take \(nodes.first?.address ?? "")…\(nodes.last?.address ?? ""); for example \(network).\(base[3] > 1 ? base[3] - 1 : 254)"
            )
        }
    }
}
