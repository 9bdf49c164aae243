/// `nodes/ignition/<node>.ign`: the Ignition config (spec 3.3.0) of one Fedora CoreOS node: host
/// name, SSH keys, the daemon settings (and Fedora's `OPTIONS` cleared, so that no flag
/// contradicts them), the data disk with its filesystem and mount units, the scripts, Docker
/// enabled, and one-shot units that prepare the node before Docker starts, form the swarm (the
/// first manager at once, the others when `join-nodes.sh` brings their token) and start
/// keepalived on managers (when it brings the VRRP password).
///
/// 3.3.0 because Debian's `ignition-validate` checks it fully (it knows 3.4.0 only as
/// experimental) and every current Fedora CoreOS accepts it (Ignition takes any 3.x up to its own).
enum IgnitionRenderer {
    static let specVersion = "3.3.0"
    /// The data disk: the second virtio disk (QEMU, libvirt).
    static let dataDisk = "/dev/vdb"
    static let diskLabel = "stackc-data"

    static func render(
        _ nodes: NodePlan, node: Node, daemonConfig: String, formScript: String, setupScript: String,
        keepalived: String?
    ) -> String {
        var storage: [(String, JSONValue)] = []
        var units: [JSONValue] = []
        if nodes.cluster.disk != nil {
            storage.append(
                (
                    "disks",
                    .array([
                        .object([
                            ("device", .string(dataDisk)), ("wipeTable", .bool(false)),
                            (
                                "partitions",
                                .array([
                                    .object([
                                        ("label", .string(diskLabel)), ("number", .int(1)), ("sizeMiB", .int(0)),
                                    ])
                                ])
                            ),
                        ])
                    ])
                ))
            storage.append(
                (
                    "filesystems",
                    .array([
                        .object([
                            ("device", .string("/dev/disk/by-partlabel/\(diskLabel)")),
                            ("format", .string(nodes.cluster.storageDriver == .btrfs ? "btrfs" : "xfs")),
                            ("label", .string(diskLabel)), ("path", .string(NodeChannel.diskMount)),
                            ("wipeFilesystem", .bool(false)),
                        ])
                    ])
                ))
            units.append(
                unit(
                    NodeChannel.diskMountUnit, enabled: true,
                    """
                    [Unit]
                    Description=stackc: the data disk
                    Before=local-fs.target

                    [Mount]
                    What=/dev/disk/by-partlabel/\(diskLabel)
                    Where=\(NodeChannel.diskMount)
                    Type=\(nodes.cluster.storageDriver == .btrfs ? "btrfs" : "xfs")

                    [Install]
                    RequiredBy=local-fs.target

                    """))
            units.append(
                unit(
                    "var-lib-docker.mount", enabled: true,
                    """
                    [Unit]
                    Description=stackc: Docker's folder on the data disk
                    Requires=\(NodeChannel.diskMountUnit)
                    After=\(NodeChannel.diskMountUnit)
                    Before=local-fs.target

                    [Mount]
                    What=\(NodeChannel.diskMount)/docker
                    Where=/var/lib/docker
                    Options=bind

                    [Install]
                    RequiredBy=local-fs.target

                    """))
        }
        var directories: [JSONValue] = [directory(NodeChannel.path)]
        if nodes.cluster.disk != nil { directories.insert(directory("\(NodeChannel.diskMount)/docker"), at: 0) }
        storage.append(("directories", .array(directories)))
        var files: [JSONValue] = [
            file("/etc/hostname", node.name + "\n", mode: 0o644),
            file("/etc/docker/daemon.json", daemonConfig, mode: 0o644),
            // Fedora's packaging passes flags here (journald logs, live restore) that contradict
            // daemon.json and stop the daemon; Swarm needs neither.
            file(
                "/etc/sysconfig/docker", "# stackc: the daemon reads /etc/docker/daemon.json\nOPTIONS=\"\"\n",
                mode: 0o644),
            file(NodeChannel.formScript, formScript, mode: 0o755),
            file(NodeChannel.setupScript, setupScript, mode: 0o755),
        ]
        if let keepalived { files.append(file("/etc/keepalived/keepalived.conf", keepalived, mode: 0o644)) }
        storage.append(("files", .array(files)))

        units.append(.object([("enabled", .bool(true)), ("name", .string("docker.service"))]))
        units.append(
            unit(
                "stackc-setup-node.service", enabled: true,
                """
                [Unit]
                Description=stackc: prepare the node (packages, shared storage) before Docker
                Wants=network-online.target
                After=network-online.target local-fs.target
                Before=docker.service
                ConditionPathExists=!/var/lib/stackc/prepared

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                # Packages come from the network, and peers may still be starting: try again.
                Restart=on-failure
                RestartSec=30
                ExecStart=\(NodeChannel.setupScript) prepare \(node.name)
                ExecStartPost=/usr/bin/touch /var/lib/stackc/prepared

                [Install]
                WantedBy=multi-user.target

                """))
        let isFirst = node == nodes.firstManager
        units.append(
            unit(
                "stackc-form-swarm.service", enabled: isFirst,
                """
                [Unit]
                Description=stackc: make this node a member of the swarm
                Requires=docker.service
                After=docker.service stackc-setup-node.service

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=\(NodeChannel.formScript) join \(node.name)
                \(isFirst ? "\n[Install]\nWantedBy=multi-user.target\n" : "")
                """))
        if !isFirst {
            units.append(
                unit(
                    "stackc-form-swarm.path", enabled: true,
                    """
                    [Unit]
                    Description=stackc: join the swarm once join-nodes.sh brings the token

                    [Path]
                    PathExists=\(NodeChannel.path)/\(node.role.rawValue).token

                    [Install]
                    WantedBy=multi-user.target

                    """))
        }
        if keepalived != nil {
            units.append(
                unit(
                    "stackc-vip.service", enabled: false,
                    """
                    [Unit]
                    Description=stackc: keepalived for the virtual IP
                    After=stackc-setup-node.service

                    [Service]
                    Type=oneshot
                    RemainAfterExit=yes
                    ExecStart=\(NodeChannel.setupScript) vip \(node.name)

                    """))
            units.append(
                unit(
                    "stackc-vip.path", enabled: true,
                    """
                    [Unit]
                    Description=stackc: start keepalived once join-nodes.sh brings the VRRP password

                    [Path]
                    PathExists=\(NodeChannel.path)/vrrp-password

                    [Install]
                    WantedBy=multi-user.target

                    """))
        }
        var document: [(String, JSONValue)] = [("ignition", .object([("version", .string(specVersion))]))]
        if !nodes.cluster.sshKeys.isEmpty {
            document.append(
                (
                    "passwd",
                    .object([
                        (
                            "users",
                            .array([
                                .object([
                                    ("name", .string("core")),
                                    ("sshAuthorizedKeys", .array(nodes.cluster.sshKeys.map { .string($0) })),
                                ])
                            ])
                        )
                    ])
                ))
        }
        document.append(("storage", .object(storage)))
        document.append(("systemd", .object([("units", .array(units))])))
        return JSONWriter.write(.object(document))
    }

    static func unit(_ name: String, enabled: Bool, _ contents: String) -> JSONValue {
        var members: [(String, JSONValue)] = [("contents", .string(contents))]
        if enabled { members.append(("enabled", .bool(true))) }
        members.append(("name", .string(name)))
        return .object(members)
    }

    static func directory(_ path: String) -> JSONValue {
        .object([("mode", .int(0o700)), ("path", .string(path))])
    }

    static func file(_ path: String, _ contents: String, mode: Int) -> JSONValue {
        .object([
            ("contents", .object([("source", .string(dataURL(contents)))])),
            ("mode", .int(mode)), ("overwrite", .bool(true)), ("path", .string(path)),
        ])
    }

    /// A `data:` URL (RFC 2397) holding `text` percent-encoded rather than in base64: its words
    /// stay searchable in the config (and in a diff), and nothing in it looks like a key.
    static func dataURL(_ text: String) -> String {
        var out = "data:,"
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
