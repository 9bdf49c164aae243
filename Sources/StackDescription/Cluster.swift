/// `cluster`: the nodes (default: one manager, not provisioned by stackc).
///
/// ```swift
/// Cluster(managers: 3, workers: 2, provision: .vagrant, vip: "192.168.56.100", memory: .gigabytes(4))
/// ```
public struct Cluster: Sendable {
    /// `cluster.provision`: what brings the nodes up.
    public enum Provision: String, Sendable, ManifestValue {
        /// A multi-machine Vagrantfile.
        case vagrant
        /// One Ignition config per node (Fedora CoreOS).
        case ignition
        /// Nothing: the nodes exist already (`provision: none`, the default).
        case manual = "none"
    }

    /// `cluster.storage_driver`: Docker's storage driver.
    public enum StorageDriver: String, Sendable, ManifestValue {
        /// The default.
        case overlay2
        /// ZFS on the node's extra `disk`.
        case zfs
        /// Btrfs on the node's extra `disk`.
        case btrfs
    }

    /// `cluster.shared_storage`: a folder `/data` that is the same on every node.
    public enum SharedStorage: String, Sendable, ManifestValue {
        /// No shared folder: each node has its own volumes (`shared_storage: none`, the default).
        case local = "none"
        /// NFS.
        case nfs
        /// GlusterFS.
        case glusterfs
        /// CephFS.
        case cephfs
    }

    /// `cluster.docker`: the nodes' Docker daemon.
    public struct Docker: Sendable, ManifestValue {
        let manifestNode: ManifestNode

        /// Engine `metrics` on port 9323 (default: on with `monitoring.metrics`), and whether the
        /// daemon uses the stack's registry `mirror` (default: on with `registry.mirror`).
        public init(
            metrics: Bool? = nil, mirror: Bool? = nil, fileID: StaticString = #fileID,
            filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
        ) {
            var map = ManifestMap()
            map.add("metrics", metrics)
            map.add("mirror", mirror)
            manifestNode = map.node(
                at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
        }
    }

    let section: StackSection

    /// The cluster's nodes: `managers` and `workers`, how they are provisioned, the `address`
    /// of `manager-1` (the others follow), a keepalived `vip`, the base image (`box`), `cpus`
    /// and `memory` per node (Vagrant), an extra `disk`, the `storageDriver`, `sharedStorage`,
    /// the admin user's `sshKeys`, and the Docker daemon's settings.
    public init(
        managers: Int? = nil, workers: Int? = nil, provision: Provision? = nil, address: String? = nil,
        vip: String? = nil, box: String? = nil, cpus: Int? = nil, memory: Size? = nil, disk: Size? = nil,
        storageDriver: StorageDriver? = nil, sharedStorage: SharedStorage? = nil, sshKeys: [String]? = nil,
        docker: Docker? = nil, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
        line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("managers", managers)
        map.add("workers", workers)
        map.add("provision", provision)
        map.add("address", address)
        map.add("vip", vip)
        map.add("box", box)
        map.add("cpus", cpus)
        map.add("memory", memory)
        map.add("disk", disk)
        map.add("storage_driver", storageDriver)
        map.add("shared_storage", sharedStorage)
        map.add("ssh_keys", sshKeys)
        map.add("docker", docker)
        let position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        section = StackSection(key: "cluster", node: map.node(at: position))
    }
}
