/// `nodes/keepalived/<manager>.conf`: VRRP for the virtual IP on the managers, by unicast to
/// the other managers, highest priority on the first. A manager whose edge proxy does not
/// answer on its own port 80 drops to FAULT, so the VIP always leads to a proxy that answers
/// (with one proxy task, to the node that runs it). Preemptive: a healthy first manager takes
/// the VIP back. The password and the interface come from files `setup-node.sh` writes, so
/// that no secret is in the output and the interface is the one that holds the node's address.
enum KeepalivedRenderer {
    static let folder = "/etc/keepalived"
    /// Defines `$STACKC_INTERFACE`.
    static let interfaceFile = "\(folder)/stackc-interface.conf"
    /// The `authentication` block, with the password from the channel.
    static let authenticationFile = "\(folder)/stackc-auth.conf"

    /// The priority of the manager at `index` (0 for the first).
    static func priority(_ index: Int) -> Int { max(1, 150 - 10 * index) }

    static func render(_ nodes: NodePlan, node: Node, header: [String]) -> String {
        let managers = nodes.managers
        let index = managers.firstIndex(of: node) ?? 0
        let peers = managers.filter { $0 != node }.map { "        \($0.address)" }
        // Unicast to the other managers; a lone manager has nobody to tell (keepalived refuses
        // unicast without peers), and holds the VIP while its proxy answers.
        let unicast =
            peers.isEmpty
            ? ""
            : "\n    unicast_src_ip \(node.address)\n    unicast_peer {\n\(peers.joined(separator: "\n"))\n    }"
        return """
            \(header.map { "# " + $0 }.joined(separator: "\n"))
            # The virtual IP \(nodes.cluster.vip ?? "") of stack \(nodes.stack) on \(node.name) (priority \(priority(index))).
            # setup-node.sh writes the two files included here: the interface that holds \(node.address),
            # and the VRRP password from the channel.
            include \(interfaceFile)

            global_defs {
                router_id \(nodes.stack)-\(node.name)
                enable_script_security
                script_user root
                vrrp_version 2
            }

            # The edge proxy on this node answers HTTP (any status; a refused or silent port fails).
            vrrp_script edge_proxy {
                script "/usr/bin/curl -s -o /dev/null --max-time 2 \(nodes.edgeCheckURL)"
                interval 2
                timeout 3
                fall 2
                rise 2
            }

            vrrp_instance \(nodes.stack) {
                state BACKUP
                interface ${STACKC_INTERFACE}
                virtual_router_id \(nodes.virtualRouterID)
                priority \(priority(index))
                advert_int 1\(unicast)
                include \(authenticationFile)
                virtual_ipaddress {
                    \(nodes.cluster.vip ?? "")/24 dev ${STACKC_INTERFACE}
                }
                track_script {
                    edge_proxy
                }
            }

            """
    }
}
