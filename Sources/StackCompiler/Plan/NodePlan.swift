/// What the nodes of the cluster are given (`nodes/`): the machines, how they are brought up,
/// their Docker daemon settings, the storage under Docker and `/data`, and the virtual IP. Set by
/// `NodesPass` when the manifest describes the cluster; rendered once the plan is finished, since
/// the labels that pin state to a node are decided then.
struct NodePlan {
    /// One `/etc/hosts` line the nodes get: names the engines must reach that no DNS may know.
    struct HostsEntry: Equatable {
        var address: String
        var names: [String]
    }

    var stack: String
    /// The machines and how they are brought up, storage and the VIP, as resolved.
    var cluster: Cluster
    /// VRRP's router id of the stack on the nodes' network (1–255), the same on every manager.
    var virtualRouterID: Int
    /// The port of the engines' metrics (on each node's own address), nil when they are off.
    var engineMetricsPort: Int?
    /// `registry-mirrors` of the engines, nil without the stack's mirror.
    var mirrorURL: String?
    /// The registry and the mirror, when the domain cannot be in public DNS: the engines reach
    /// them through the VIP, else through the first manager (the edge proxy runs on managers).
    var hosts: [HostsEntry]
    /// Where a node's edge proxy answers plain HTTP on the node itself (keepalived's check).
    var edgeCheckURL: String
    /// The folder of the backups' repositories, made on every node; nil without backups to a
    /// folder.
    var backupFolder: String? = nil

    var nodes: [Node] { cluster.nodes }
    /// The node that initialises the swarm; the others join it.
    var firstManager: Node { nodes[0] }
    var managers: [Node] { nodes.filter { $0.role == .manager } }

    /// The nodes that hold a brick of the GlusterFS volume: three when there are three or more
    /// nodes (replica 3), else every node.
    var glusterBricks: [Node] { Array(nodes.prefix(3)) }
}
