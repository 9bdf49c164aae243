/// The closed choices of the manifest that the model keeps as Swarm's own words (the storage
/// settings of the nodes); the other choices decode straight into the model's enums
/// (`TLSSettings.Mode`, `App.Auth`, `Database.Engine`, `UpdateOrder`, …).
///
/// A case's raw value is the word written in the manifest; the order of the cases is the order
/// messages list them in.
enum StorageDriver: String, CaseIterable, Sendable {
    case overlay2, zfs, btrfs
}

/// `cluster.shared_storage`: what several nodes mount so that a volume is the same everywhere.
enum SharedStorage: String, CaseIterable, Sendable {
    case none, nfs, glusterfs, cephfs
}
