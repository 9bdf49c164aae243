import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// `nodes/`: every file is accepted by the tool that consumes it (shellcheck, `ruby -c`,
/// `vagrant validate`, `ignition-validate` and the strict Ignition schema), the files that must
/// agree do (addresses, the VIP, the labels the placement reads, what Ignition embeds), and the
/// swarm-forming script initialises, joins and labels once, against a stand-in docker CLI. The
/// real multi-node swarm and the VIP's failover have suites of their own.
@Suite struct NodesTests {
    /// A manifest with a cluster section.
    struct Case: Sendable, CustomTestStringConvertible {
        var path: String
        var text: String
        var testDescription: String { path }
    }

    /// The examples with a cluster, and one case per provisioner, storage and shared storage
    /// not in them.
    static var cases: [Case] {
        let examples = BuildSupport.repoManifestPaths().compactMap { path -> Case? in
            let url = BuildSupport.repoRoot.appendingPathComponent(path)
            guard let text = try? String(contentsOf: url, encoding: .utf8), text.contains("\ncluster:") else {
                return nil
            }
            return Case(path: path, text: text)
        }
        return examples + synthetic
    }

    static let synthetic = [
        Case(
            path: "vagrant-btrfs-gluster.yml",
            text: """
                stackc: 1
                name: farm
                domain: farm.test
                cluster:
                  managers: 3
                  workers: 2
                  provision: vagrant
                  vip: 192.168.56.100
                  disk: 20G
                  storage_driver: btrfs
                  shared_storage: glusterfs
                  memory: 3G
                monitoring: {metrics: true}
                registry: {mirror: true}
                databases:
                  main: {engine: postgres}
                apps:
                  web: {image: "nginx:1.27", port: 80, host: www, replicas: 3, volumes: {data: /srv}}
                  api: {image: "nginx:1.27", port: 80, host: api, placement: {role: worker}, database: main}
                """),
        Case(
            path: "ignition-btrfs-nfs.yml",
            text: """
                stackc: 1
                name: fleet
                domain: fleet.example.org
                cluster:
                  managers: 1
                  workers: 2
                  provision: ignition
                  address: 10.0.0.11
                  disk: 30G
                  storage_driver: btrfs
                  shared_storage: nfs
                  ssh_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetKeyForTestsOnly ops@fleet"]
                apps:
                  web: {image: "nginx:1.27", port: 80, host: www, replicas: 2}
                """),
        Case(
            path: "ignition-ceph-vip.yml",
            text: """
                stackc: 1
                name: sea
                domain: sea.test
                cluster:
                  managers: 3
                  provision: ignition
                  vip: 192.168.56.200
                  shared_storage: cephfs
                  ssh_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISeaKeyForTestsOnly ops@sea"]
                apps:
                  web: {image: "nginx:1.27", port: 80, host: www}
                """),
        Case(
            path: "one-manager-vip.yml",
            text: """
                stackc: 1
                name: solo
                domain: solo.test
                cluster: {managers: 1, workers: 2, provision: vagrant, address: 10.1.2.250, vip: 10.1.2.249}
                apps:
                  web: {image: "nginx:1.27", port: 80, host: www}
                """),
        Case(
            path: "none-vip.yml",
            text: """
                stackc: 1
                name: bare
                domain: bare.test
                cluster: {managers: 3, workers: 1, vip: 192.168.56.150}
                databases:
                  cache: {engine: redis}
                apps:
                  web: {image: "nginx:1.27", port: 80, host: www, database: cache}
                """),
    ]

    /// The built tree of `testCase`, written to a new folder (removed by the caller).
    static func write(_ testCase: Case) throws -> (built: BuildSupport.Built, folder: URL) {
        let built = try #require(BuildSupport.build(path: testCase.path, text: testCase.text))
        let folder = try BuildSupport.makeTemporaryFolder("nodes")
        try BuildSupport.write(built.tree, to: folder)
        return (built, folder)
    }

    static func files(_ tree: OutputTree, under prefix: String) -> [OutputTree.File] {
        tree.files.filter { $0.path.hasPrefix(prefix) }
    }

    // MARK: The tools that consume the files

    @Test(arguments: cases)
    func everyNodeFilePassesItsTool(_ testCase: Case) throws {
        let (built, folder) = try Self.write(testCase)
        defer { try? FileManager.default.removeItem(at: folder) }
        let nodes = folder.appendingPathComponent("nodes")
        let scripts = Self.files(built.tree, under: "nodes/").filter { $0.path.hasSuffix(".sh") }
        #expect(scripts.count >= 2, "\(built.tree.files.map(\.path))")
        for script in scripts {
            #expect(script.executable, "\(script.path) is not executable")
            let run = try #require(try Tools.run("shellcheck", ["-x", script.path], in: folder))
            #expect(run.status == 0, "\(testCase.path): \(script.path): \(run.summary)")
        }
        let provision = built.stack.cluster.provision
        if provision == .vagrant {
            let syntax = try #require(try Tools.run("ruby", ["-c", "Vagrantfile"], in: nodes))
            #expect(syntax.status == 0 && syntax.stdout.contains("Syntax OK"), "\(syntax.summary)")
            // Vagrant before 2.4 knows data disks only as an experimental feature.
            let validate = try #require(
                try Tools.run(
                    "env",
                    [
                        "VAGRANT_EXPERIMENTAL=disks", "VAGRANT_CHECKPOINT_DISABLE=1", "HOME=\(folder.path)", "vagrant",
                        "validate", "-p",
                    ],
                    in: nodes))
            #expect(
                validate.status == 0 && validate.stdout.contains("Vagrantfile validated successfully"),
                "\(testCase.path): \(validate.summary)")
        } else {
            #expect(built.tree.file("nodes/Vagrantfile") == nil)
        }
        let ignition = Self.files(built.tree, under: "nodes/ignition/")
        #expect(ignition.count == (provision == .ignition ? built.stack.cluster.nodes.count : 0))
        guard !ignition.isEmpty else { return }
        for file in ignition {
            let run = try #require(try Tools.run("ignition-validate", [file.path], in: folder))
            #expect(run.status == 0 && run.stderr.isEmpty, "\(testCase.path): \(file.path): \(run.summary)")
        }
        // The strict schema (unknown keys rejected) is for 3.4.0, a superset of 3.3.0: the same
        // document with that version must pass it.
        var copies: [String] = []
        for file in ignition {
            let name = file.path.replacingOccurrences(of: "/", with: "-") + ".v34.json"
            let text = file.contents.replacingOccurrences(
                of: "\"version\": \"\(IgnitionRenderer.specVersion)\"", with: "\"version\": \"3.4.0\"")
            #expect(text != file.contents)
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
            copies.append(name)
        }
        let run = try #require(
            try Tools.run("check-jsonschema", ["--schemafile", Self.strictIgnitionSchema.path] + copies, in: folder))
        #expect(run.status == 0, "\(testCase.path): \(run.summary)")
    }

    static var strictIgnitionSchema: URL {
        BuildSupport.repoRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/schemas/derived/ignition-v3.4.0.strict.schema.json")
    }

    /// A misspelt key is what the strict schema is for: it must refuse one.
    @Test func theStrictIgnitionSchemaRefusesAMisspeltKey() throws {
        let testCase = Self.synthetic[1]
        let (built, folder) = try Self.write(testCase)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try #require(Self.files(built.tree, under: "nodes/ignition/").first)
        let text = file.contents.replacingOccurrences(of: "\"version\": \"3.3.0\"", with: "\"version\": \"3.4.0\"")
            .replacingOccurrences(of: "\"wipeTable\"", with: "\"wipeTables\"")
        try Data(text.utf8).write(to: folder.appendingPathComponent("bad.json"))
        let run = try #require(
            try Tools.run("check-jsonschema", ["--schemafile", Self.strictIgnitionSchema.path, "bad.json"], in: folder))
        #expect(run.status != 0, "\(run.summary)")
    }

    // MARK: daemon.json

    @Test(arguments: cases)
    func daemonConfigSaysWhatTheStackNeeds(_ testCase: Case) throws {
        let built = try #require(BuildSupport.build(path: testCase.path, text: testCase.text))
        let cluster = built.stack.cluster
        let files = Self.files(built.tree, under: "nodes/daemon")
        // One file when the nodes' settings are the same, one per node when they differ.
        #expect(files.count == (cluster.dockerMetrics ? cluster.nodes.count : 1), "\(files.map(\.path))")
        for node in cluster.nodes {
            let path = cluster.dockerMetrics ? "nodes/daemon/\(node.name).json" : "nodes/daemon.json"
            let text = try #require(built.tree.file(path)).contents
            let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(json["live-restore"] as? Bool == false)
            #expect(json["log-driver"] as? String == "json-file")
            let options = try #require(json["log-opts"] as? [String: Any])
            #expect(options.values.allSatisfy { $0 is String }, "log options must all be strings: \(options)")
            // Keys a provisioner or a harness passes as flags would stop the daemon if set twice.
            for key in ["data-root", "hosts", "iptables", "bridge", "exec-root", "pidfile"] {
                #expect(json[key] == nil, "\(key) in \(text)")
            }
            // The engine's metrics have no login: on the node's cluster address only, where
            // Prometheus scrapes them (`__meta_dockerswarm_node_address`).
            #expect(
                (json["metrics-addr"] as? String) == (cluster.dockerMetrics ? "\(node.address):9323" : nil), "\(text)")
            let mirrors = json["registry-mirrors"] as? [String]
            if cluster.dockerMirror, let mirror = built.stack.registry?.mirrorHost {
                #expect(mirrors == ["https://\(mirror)"], "\(text)")
            } else {
                #expect(mirrors == nil, "\(text)")
            }
            let driver = json["storage-driver"] as? String
            #expect(driver == (cluster.storageDriver == .overlay2 ? nil : cluster.storageDriver.rawValue), "\(text)")
            let features = try #require(json["features"] as? [String: Any])
            #expect(features["containerd-snapshotter"] as? Bool == false)
        }
        if cluster.dockerMetrics {
            let prometheus = try #require(built.tree.file("prometheus/prometheus.yml")).contents
            #expect(prometheus.contains("replacement: $1:9323"), "Prometheus scrapes another port")
        }
    }

    // MARK: Files that must agree

    /// The node table: the Vagrantfile's machines, the scripts' tables and keepalived's peers
    /// name the same nodes at the same addresses; the VIP is the manifest's, the first manager
    /// has the highest priority.
    @Test(arguments: cases)
    func nodeAddressesAgreeEverywhere(_ testCase: Case) throws {
        let built = try #require(BuildSupport.build(path: testCase.path, text: testCase.text))
        let nodes = built.stack.cluster.nodes
        let rows = nodes.map { "'\($0.name) \($0.role.rawValue) \($0.address)'" }
        var scripts = ["nodes/form-swarm.sh", "nodes/setup-node.sh"]
        if built.stack.cluster.provision == .ignition { scripts.append("nodes/join-nodes.sh") }
        for path in scripts {
            let script = try #require(built.tree.file(path)).contents
            let table = try #require(Self.array("nodes", in: script), "\(path)")
            #expect(table == rows, "\(path)")
        }
        if let vagrantfile = built.tree.file("nodes/Vagrantfile")?.contents {
            let machines = vagrantfile.split(separator: "\n").filter { $0.contains("{ name: ") }.map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            #expect(
                machines
                    == nodes.map {
                        "{ name: \"\($0.name)\", role: \"\($0.role.rawValue)\", address: \"\($0.address)\" },"
                    })
        }
        let managers = nodes.filter { $0.role == .manager }
        guard let vip = built.stack.cluster.vip else {
            #expect(Self.files(built.tree, under: "nodes/keepalived/").isEmpty)
            return
        }
        var priorities: [Int] = []
        for manager in managers {
            let config = try #require(built.tree.file("nodes/keepalived/\(manager.name).conf")).contents
            // A lone manager tells nobody: keepalived refuses unicast without peers.
            #expect(config.contains("unicast_src_ip \(manager.address)\n") == (managers.count > 1), "\(config)")
            for peer in managers where peer != manager {
                #expect(config.contains("        \(peer.address)\n"), "\(manager.name) lacks peer \(peer.name)")
            }
            #expect(!config.contains("        \(manager.address)\n"), "\(manager.name) is its own peer")
            #expect(config.contains("        \(vip)/24 dev ${STACKC_INTERFACE}\n"))
            let priority = try #require(Self.value(after: "priority ", in: config).flatMap { Int($0) })
            priorities.append(priority)
            #expect(config.contains("include \(KeepalivedRenderer.authenticationFile)"))
            #expect(!config.contains("auth_pass"), "a password in the output")
            #expect(!config.contains("nopreempt"))
        }
        #expect(priorities == priorities.sorted(by: >) && Set(priorities).count == priorities.count, "\(priorities)")
        #expect(Self.files(built.tree, under: "nodes/keepalived/").count == managers.count)
    }

    /// Ignition embeds the same daemon settings, scripts and keepalived config as `nodes/`, names
    /// the host, and starts the swarm-forming unit at once only on the first manager.
    @Test(arguments: cases.filter { $0.text.contains("provision: ignition") })
    func ignitionCarriesTheNodeFiles(_ testCase: Case) throws {
        let built = try #require(BuildSupport.build(path: testCase.path, text: testCase.text))
        for node in built.stack.cluster.nodes {
            let file = try #require(built.tree.file("nodes/ignition/\(node.name).ign"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(file.contents.utf8)) as? [String: Any])
            let storage = try #require(json["storage"] as? [String: Any])
            var embedded: [String: String] = [:]
            for entry in try #require(storage["files"] as? [[String: Any]]) {
                let path = try #require(entry["path"] as? String)
                let source = try #require((entry["contents"] as? [String: Any])?["source"] as? String)
                #expect(source.hasPrefix("data:,"), "\(path): \(source.prefix(40))")
                embedded[path] = String(source.dropFirst("data:,".count)).removingPercentEncoding
            }
            #expect(embedded["/etc/hostname"] == node.name + "\n")
            #expect(
                embedded["/etc/docker/daemon.json"]
                    == built.tree.file(
                        built.stack.cluster.dockerMetrics ? "nodes/daemon/\(node.name).json" : "nodes/daemon.json")?
                    .contents)
            #expect(embedded[NodeChannel.formScript] == built.tree.file("nodes/form-swarm.sh")?.contents)
            #expect(embedded[NodeChannel.setupScript] == built.tree.file("nodes/setup-node.sh")?.contents)
            #expect(
                embedded["/etc/keepalived/keepalived.conf"]
                    == built.tree.file("nodes/keepalived/\(node.name).conf")?.contents)
            let units = try #require((json["systemd"] as? [String: Any])?["units"] as? [[String: Any]])
            func unit(_ name: String) -> [String: Any]? { units.first { $0["name"] as? String == name } }
            #expect(unit("docker.service")?["enabled"] as? Bool == true)
            let isFirst = node == built.stack.cluster.nodes[0]
            #expect((unit("stackc-form-swarm.service")?["enabled"] as? Bool ?? false) == isFirst, "\(node.name)")
            #expect((unit("stackc-form-swarm.path") != nil) == !isFirst, "\(node.name)")
            for entry in units where entry["enabled"] as? Bool == true {
                guard let contents = entry["contents"] as? String else { continue }
                #expect(contents.contains("[Install]"), "\(entry["name"] ?? "") is enabled without [Install]")
            }
            #expect((unit("var-lib-docker.mount") != nil) == (built.stack.cluster.disk != nil))
            let keys = (json["passwd"] as? [String: Any]).flatMap { ($0["users"] as? [[String: Any]])?.first }
            #expect((keys?["sshAuthorizedKeys"] as? [String] ?? []) == built.stack.cluster.sshKeys)
        }
    }

    /// systemd's own check of the units Ignition installs, beside Docker's socket and service as
    /// Fedora's moby-engine orders them (the socket in `sockets.target`, the service after it and
    /// the network): no unknown key, and no ordering cycle (a unit before `docker.socket` would
    /// close one through `basic.target`, and systemd would drop a job at boot).
    @Test(arguments: cases.filter { $0.text.contains("provision: ignition") })
    func ignitionUnitsPassSystemdsCheck(_ testCase: Case) throws {
        let built = try #require(BuildSupport.build(path: testCase.path, text: testCase.text))
        let folder = try BuildSupport.makeTemporaryFolder("units")
        defer { try? FileManager.default.removeItem(at: folder) }
        let standins = [
            "docker.socket": "[Unit]\nDescription=Docker Socket for the API\nPartOf=docker.service\n\n[Socket]\n"
                + "ListenStream=/run/docker.sock\nSocketMode=0660\n\n[Install]\nWantedBy=sockets.target\n",
            "docker.service":
                "[Unit]\nDescription=Docker\nAfter=network-online.target docker.socket containerd.service\n"
                + "Wants=network-online.target\nRequires=docker.socket\n\n[Service]\nType=notify\nExecStart=/bin/true\n\n"
                + "[Install]\nWantedBy=multi-user.target\n",
        ]
        for node in built.stack.cluster.nodes {
            let file = try #require(built.tree.file("nodes/ignition/\(node.name).ign"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(file.contents.utf8)) as? [String: Any])
            let units = try #require((json["systemd"] as? [String: Any])?["units"] as? [[String: Any]])
            let nodeFolder = folder.appendingPathComponent(node.name)
            try FileManager.default.createDirectory(at: nodeFolder, withIntermediateDirectories: true)
            var names: [String] = []
            for unit in units {
                guard let name = unit["name"] as? String, let contents = unit["contents"] as? String else { continue }
                try Data(contents.utf8).write(to: nodeFolder.appendingPathComponent(name))
                names.append(name)
            }
            for (name, contents) in standins {
                try Data(contents.utf8).write(to: nodeFolder.appendingPathComponent(name))
            }
            let target =
                "[Unit]\nDescription=every unit of \(node.name) at boot\nWants=sockets.target docker.socket "
                + "basic.target docker.service \(names.joined(separator: " "))\n"
            try Data(target.utf8).write(to: nodeFolder.appendingPathComponent("stackc-boot.target"))
            let run = try #require(
                try Tools.run(
                    "env",
                    ["SYSTEMD_UNIT_PATH=\(nodeFolder.path):", "systemd-analyze", "verify", "stackc-boot.target"],
                    in: nodeFolder))
            let output = run.stdout + run.stderr
            #expect(
                run.status == 0 && !output.contains("cycle") && !output.contains("Unknown"),
                "\(testCase.path): \(node.name): \(run.summary)")
        }
    }

    /// Every node label a constraint of the stack reads is put by `form-swarm.sh`: each node's
    /// model name, and each pin `deploy.sh` would place, on the node it would choose.
    @Test(arguments: cases)
    func labelsCoverThePlacement(_ testCase: Case) throws {
        let built = try #require(BuildSupport.build(path: testCase.path, text: testCase.text))
        let script = try #require(built.tree.file("nodes/form-swarm.sh")).contents
        let labels = try #require(Self.array("labels", in: script))
        for node in built.stack.cluster.nodes {
            #expect(labels.contains("'\(node.name) stackc.node=\(node.name) node'"), "\(labels)")
        }
        let stackFile = try #require(built.tree.file("stack.yml")).contents
        let pins = Set(
            stackFile.split(separator: "\n").compactMap { line -> String? in
                guard let range = line.range(of: "node.labels.stackc.pin.") else { return nil }
                return String(line[range.lowerBound...].dropFirst("node.labels.".count).prefix { $0 != " " })
            })
        let deploy = try #require(built.tree.file("deploy.sh")).contents
        for pin in pins {
            let pinned = labels.filter { $0.contains(" \(pin)=true pin'") }
            #expect(pinned.count == 1, "\(pin): \(labels)")
            #expect(
                deploy.contains("ensure_pin \(pin) ") || deploy.contains("ensure_pin \(pin)\n"),
                "deploy.sh does not place \(pin) either")
        }
        #expect(labels.count == built.stack.cluster.nodes.count + pins.count)
    }

    /// The elements of the bash array `name` in `script`, one per line as written.
    static func array(_ name: String, in script: String) -> [String]? {
        guard let start = script.range(of: "\n\(name)=(\n") else { return nil }
        let rest = script[start.upperBound...]
        guard let end = rest.range(of: "\n)\n") else { return nil }
        return rest[..<end.lowerBound].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The word after the first `prefix` at the start of a (trimmed) line.
    static func value(after prefix: String, in text: String) -> String? {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)) }
    }

    // MARK: The checker

    @Test func zfsCannotBeProvisionedOnCoreOS() {
        let diagnostics = StackCompiler.check(
            SourceFile(
                path: "z.yml",
                bytes: Array(
                    """
                    stackc: 1
                    name: z
                    cluster: {provision: ignition, disk: 10G, storage_driver: zfs}
                    apps: {web: {image: "nginx:1.27"}}
                    """.utf8))
        ).diagnostics
        let error = diagnostics.first { $0.code == Codes.driverNotOnCoreOS }
        #expect(error?.severity == .error, "\(diagnostics)")
        #expect(error?.span?.start.line == 3)
    }

    @Test func ignitionWithoutSSHKeysIsAnError() {
        let diagnostics = StackCompiler.check(
            SourceFile(
                path: "k.yml",
                bytes: Array(
                    """
                    stackc: 1
                    name: k
                    cluster: {managers: 3, provision: ignition}
                    apps: {web: {image: "nginx:1.27"}}
                    """.utf8))
        ).diagnostics
        let error = diagnostics.first { $0.code == Codes.ignitionWithoutKeys }
        #expect(error?.severity == .error, "\(diagnostics)")
        #expect(error?.span?.start.line == 3, "\(String(describing: error?.span))")
    }

    /// keepalived's own test on every generated config, each in a network namespace where its
    /// interface has the node's address, with the two files `setup-node.sh` writes beside it
    /// (the failover test has the script write them). Needs root, as CI runs the tests.
    @Test(arguments: cases.filter { $0.text.contains("vip:") })
    func keepalivedAcceptsEveryConfig(_ testCase: Case) throws {
        guard geteuid() == 0 else {
            Issue.record("keepalived's config test needs root (a network namespace per node): run `make test` as root")
            return
        }
        let (built, folder) = try Self.write(testCase)
        defer { try? FileManager.default.removeItem(at: folder) }
        for manager in built.stack.cluster.nodes where manager.role == .manager {
            let config = folder.appendingPathComponent("nodes/keepalived/\(manager.name).conf").path
            let script = """
                set -e
                ip link add eth1 type veth peer name eth9
                ip addr add \(manager.address)/24 dev eth1
                ip link set eth1 up
                mount -t tmpfs stackc-keepalived-test /etc/keepalived
                printf '%s\\n' '$STACKC_INTERFACE=eth1' >/etc/keepalived/stackc-interface.conf
                printf 'authentication {\\n    auth_type PASS\\n    auth_pass abcdefgh\\n}\\n' >/etc/keepalived/stackc-auth.conf
                keepalived -t -f \(config)
                """
            let run = try #require(
                try Tools.run("unshare", ["--net", "--mount", "--propagation", "private", "bash", "-c", script]))
            #expect(run.status == 0, "\(testCase.path): \(manager.name): \(run.summary)")
        }
    }

    @Test func noNodeFilesWithoutACluster() throws {
        let built = try #require(
            BuildSupport.build(
                path: "plain.yml", text: "stackc: 1\nname: plain\napps: {web: {image: \"nginx:1.27\"}}\n"))
        #expect(Self.files(built.tree, under: "nodes/").isEmpty)
    }
}
