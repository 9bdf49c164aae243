import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Acceptance on a real multi-node Swarm (`Tests/Acceptance/swarm-nodes.sh`): the cluster of
/// `Tests/Acceptance/manifests/cluster.yml` (3 managers, 2 workers) as five engines, each in
/// its own network, UTS and mount namespace on one bridge at the model's addresses, started
/// with the generated `nodes/daemon.json`; the swarm formed by running the generated
/// `nodes/form-swarm.sh` on every node; the stack deployed by its `deploy.sh` and converged with
/// its placement as written; the database's node drained.
///
/// The harness runs once for all the tests here. It needs root, as the single-node swarm
/// acceptance test does (the run fails with the reason otherwise).
@Suite(.serialized) struct MultiNodeSwarmTests {
    static let manifest = "Tests/Acceptance/manifests/cluster.yml"

    /// The cluster model of the manifest: `manager-1`… then `worker-1`…, from 192.168.56.101 on.
    static let managers = ["manager-1", "manager-2", "manager-3"]
    static let workers = ["worker-1", "worker-2"]
    static let nodes = managers + workers
    static func address(of node: String) -> String {
        "192.168.56.\(101 + (nodes.firstIndex(of: node) ?? 0))"
    }

    /// Every engine reads its generated daemon settings (`nodes/daemon.json`, or its own
    /// `nodes/daemon/<node>.json` when the nodes' differ): `docker info` lists the mirror they
    /// name, and the metrics address they give answers `/metrics` on port 9323 at the node's
    /// address from another node over the bridge; each engine's host name is its node's model
    /// name, at its model address.
    @Test func everyEngineReadsTheGeneratedDaemonConfig() throws {
        let run = try MultiNodeRun.shared.get()
        for node in Self.nodes {
            let (file, config) = try #require(run.daemonConfigs[node], "no daemon settings for \(node)")
            let mirrors = try #require(config["registry-mirrors"] as? [String], "\(file): \(config)")
            #expect(!mirrors.isEmpty, "\(file) names no mirror: \(config)")
            let metricsAddress = config["metrics-addr"] as? String
            #expect(
                metricsAddress == "\(Self.address(of: node)):9323" || metricsAddress == "0.0.0.0:9323",
                "\(file): \(config)")
            #expect(
                run.line(startingWith: "engine \(node): host name \(node), \(Self.address(of: node))/24 on eth0")
                    .hasSuffix("storage vfs, config file \(file)"),
                "\(run.log)")
            let shown = run.line(startingWith: "engine \(node): docker info: registry mirrors ")
            for mirror in mirrors {
                #expect(shown.contains("\"\(mirror)/\"") || shown.contains("\"\(mirror)\""), "\(shown)\n\(run.log)")
            }
            let metrics = run.line(
                startingWith: "engine \(node): metrics http://\(Self.address(of: node)):9323/metrics ")
            #expect(
                metrics.contains(" answered ")
                    && metrics.contains("engine_daemon_engine_info: graphdriver=\"vfs\" version=\""),
                "\(metrics)\n\(run.log)")
        }
    }

    /// The generated form-swarm.sh, run on each node (managers first), forms the swarm: three
    /// managers and two workers, each by its model name, each labelled with it.
    @Test func theGeneratedScriptFormsTheSwarm() throws {
        let run = try MultiNodeRun.shared.get()
        for node in Self.nodes {
            #expect(run.log.contains("form-swarm: on \(node), form-swarm.sh join \(node): exit 0"), "\(run.log)")
        }
        #expect(run.log.contains("form-swarm: on manager-1, form-swarm.sh label: exit 0"), "\(run.log)")
        let formed = run.swarmNodes
        #expect(formed.map(\.hostname) == Self.nodes.sorted(), "\(run.log)")
        for node in formed {
            let role = Self.managers.contains(node.hostname) ? "manager" : "worker"
            #expect(node.role == role, "\(node.hostname) is a \(node.role), not a \(role):\n\(run.log)")
            #expect(node.labels.contains("stackc.node=\(node.hostname)"), "\(node)\n\(run.log)")
        }
        #expect(
            run.log.contains("    | manager-1 ") && run.log.contains(" Leader Ready Active"),
            "manager-1 does not lead:\n\(run.log)")
    }

    /// form-swarm.sh again on every formed node (and `label` again): node IDs, roles, labels,
    /// node versions and every engine's swarm state are as before.
    @Test func aRerunOfTheScriptChangesNothing() throws {
        let run = try MultiNodeRun.shared.get()
        for node in Self.nodes {
            #expect(
                run.log.components(separatedBy: "form-swarm: on \(node), form-swarm.sh join \(node): exit 0").count
                    == 3,
                "form-swarm.sh did not run twice on \(node), both times successfully:\n\(run.log)")
        }
        let rerun = run.line(startingWith: "rerun: ")
        #expect(rerun.contains(": unchanged: 5 nodes (IDs, roles, availability, labels, node versions)"), "\(run.log)")
    }

    /// The stack converges on the five nodes, deployed by its own deploy.sh.
    @Test func theStackConverges() throws {
        let run = try MultiNodeRun.shared.get()
        #expect(run.log.contains("deploy.sh: exit 0"), "\(run.log)")
        for service in [
            "spread", "control", "pinned", "api", "db", "db-init", "registry", "registry-mirror", "traefik",
        ] {
            #expect(
                run.line(startingWith: "service cluster_\(service): ").hasPrefix(
                    "service cluster_\(service): converged"),
                "\(run.log)")
        }
        #expect(!run.log.contains("NOT as written") && !run.log.contains("FAILED"), "\(run.log)")
        #expect(run.status == 0, "exit \(run.status):\n\(run.log)")
    }

    /// `spread` (4 replicas, `max_per_node: 2`, workers only) runs two on each worker; with one
    /// worker drained, the other takes no more than two and the rest wait.
    @Test func replicasAreSpreadByMaxPerNode() throws {
        let run = try MultiNodeRun.shared.get()
        let placed = run.line(startingWith: "placement cluster_spread: ")
        #expect(
            placed.hasPrefix(
                "placement cluster_spread: as written (node.role == worker, max_replicas_per_node 2): 4 running on worker-1 x2, worker-2 x2"
            ), "\(run.log)")
        let drained = run.line(startingWith: "drain: cluster_spread (max_replicas_per_node) ")
        let node = try #require(run.databaseNode, "\(run.log)")
        let other = try #require(Self.workers.first { $0 != node }, "\(run.log)")
        #expect(
            drained.contains("now runs on \(other) x2; 2 Pending (no suitable node (")
                && drained.contains("max replicas per node limit exceed"),
            "\(drained)\n\(run.log)")
    }

    /// `control` and the proxy run on managers only; `pinned` on `manager-2`, the node it names.
    @Test func roleConstraintsAndTheNamedNodeHold() throws {
        let run = try MultiNodeRun.shared.get()
        for service in ["control", "traefik"] {
            let line = run.line(startingWith: "placement cluster_\(service): ")
            #expect(line.hasPrefix("placement cluster_\(service): as written (node.role == manager)"), "\(run.log)")
            let nodes = line.components(separatedBy: " running on ").last?.components(separatedBy: ";").first ?? ""
            #expect(!nodes.isEmpty && !nodes.contains("worker"), "\(line)")
        }
        #expect(
            run.line(startingWith: "placement cluster_pinned: ").hasPrefix(
                "placement cluster_pinned: as written (node.labels.stackc.node == manager-2): 1 running on manager-2 x1"
            ),
            "\(run.log)")
    }

    /// The database (`placement.role: worker`) runs on the first worker of the model, which
    /// carries its pin label: form-swarm.sh put it there before deploy.sh ran, and deploy.sh
    /// changed no node's labels.
    @Test func theDatabaseRunsOnTheNodeItsPinLabelNames() throws {
        let run = try MultiNodeRun.shared.get()
        let first = try #require(Self.workers.first)
        #expect(
            run.line(startingWith: "pin stackc.pin.cluster.db: ")
                == "pin stackc.pin.cluster.db: carried by \(first); cluster_db runs on \(first) x1",
            "\(run.log)")
        #expect(run.line(startingWith: "placement cluster_db: ").contains(": as written ("), "\(run.log)")
        let labelled = run.swarmNodes.filter { $0.labels.contains("stackc.pin.cluster.db=true") }.map(\.hostname)
        #expect(labelled == [first], "form-swarm.sh did not pin the database before deploy.sh ran:\n\(run.log)")
        #expect(
            run.line(startingWith: "labels: ").hasPrefix(
                "labels: deploy.sh, run after form-swarm.sh, changed no node: unchanged"),
            "\(run.log)")
        let deployOutput = run.section(from: "deploy.sh: exit ", to: "service ")
        #expect(!deployOutput.contains("deploy: pinned "), "deploy.sh had to pin:\n\(deployOutput)")
        #expect(!deployOutput.contains("of the cluster model (label"), "deploy.sh had to label:\n\(deployOutput)")
    }

    /// Drained, the database's node keeps the database pending: no other node starts it on an
    /// empty volume (its volume stays on that node only).
    @Test func drainingTheDatabasesNodeLeavesItPending() throws {
        let run = try MultiNodeRun.shared.get()
        let node = try #require(run.databaseNode, "\(run.log)")
        let line = run.line(startingWith: "drain: cluster_db stayed pending ")
        #expect(
            line.contains("after \(node) was drained, never started elsewhere: Pending on no node: ")
                && line.contains("no suitable node") && line.hasSuffix("its volumes still only on \(node)"),
            "\(run.log)")
        #expect(
            run.log.contains("drain: cluster_db runs on \(node); volume cluster_db-data is on \(node)"), "\(run.log)")
    }

    /// No engine process, mount, cgroup or folder of the run is left.
    @Test func nothingIsLeftBehind() throws {
        let run = try MultiNodeRun.shared.get()
        #expect(run.log.contains("engines: stopping every node's dockerd and its containers"), "\(run.log)")
        SwarmAcceptanceTests.expectNothingLeft(temporary: run.temporary, cgroupParent: run.cgroupParent)
    }

    /// Stopped (TERM) once the swarm is formed, the run still stops every engine and removes
    /// everything.
    @Test func anInterruptedRunLeavesNothingBehind() throws {
        _ = try MultiNodeRun.shared.get()  // the same preconditions, and never two runs at once
        let workspace = try Workspace("nodes-interrupted")
        defer { workspace.remove() }
        let folder = try SwarmRun.build(MultiNodeSwarmTests.manifest, into: workspace.url("out"))
        let log = workspace.url("harness.log")
        let status = try SwarmRun.runHarness(MultiNodeRun.arguments(folder: folder.path), log: log) { text in
            text.contains("form-swarm: swarm formed")
        }
        let text = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
        #expect(status == 130, "exit \(status) after the interruption:\n\(text)")
        #expect(
            text.contains("swarm-nodes: interrupted (TERM): stopping the engines and removing everything"), "\(text)")
        let temporary = try #require(MultiNodeRun.temporaryFolder(in: text), "\(text)")
        SwarmAcceptanceTests.expectNothingLeft(
            temporary: temporary, cgroupParent: MultiNodeRun.cgroupParent(of: temporary))
    }
}

/// The one run of the multi-node harness, and what it said.
struct MultiNodeRun: Sendable {
    /// A node as the harness listed it once the swarm was formed.
    struct Node: Sendable {
        var hostname: String
        var role: String
        var labels: [String]
    }

    var log: String
    var status: Int32
    var folder: String
    /// Node → the generated daemon settings it was started with: the file's path and its text.
    var daemonFiles: [String: (path: String, text: String)]
    var temporary: String
    var cgroupParent: String

    /// Node → the path and the settings of its daemon file.
    var daemonConfigs: [String: (String, [String: Any])] {
        daemonFiles.mapValues { file in
            (file.path, (try? JSONSerialization.jsonObject(with: Data(file.text.utf8))) as? [String: Any] ?? [:])
        }
    }

    static let shared: Result<MultiNodeRun, SwarmRun.Failure> = Result { try MultiNodeRun.start() }.mapError {
        ($0 as? SwarmRun.Failure) ?? SwarmRun.Failure(description: "\($0)")
    }

    static func start() throws -> MultiNodeRun {
        guard geteuid() == 0 else {
            throw SwarmRun.Failure(
                description:
                    "the multi-node swarm acceptance test must run as root: it starts five of Debian's dockerd in private namespaces on a bridge (CI runs it as root); run `make test` as root"
            )
        }
        let workspace = try Workspace("nodes")
        defer { workspace.remove() }
        let folder = try SwarmRun.build(MultiNodeSwarmTests.manifest, into: workspace.url("out"))
        var daemonFiles: [String: (path: String, text: String)] = [:]
        for node in MultiNodeSwarmTests.nodes {
            let own = folder.appendingPathComponent("nodes/daemon/\(node).json")
            let file =
                FileManager.default.fileExists(atPath: own.path)
                ? own : folder.appendingPathComponent("nodes/daemon.json")
            daemonFiles[node] = (file.path, try String(contentsOf: file, encoding: .utf8))
        }
        let logURL = workspace.url("harness.log")
        let status = try SwarmRun.runHarness(arguments(folder: folder.path), log: logURL)
        let log = String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self)
        guard status != 2 else { throw SwarmRun.Failure(description: "the harness could not run (exit 2):\n\(log)") }
        let temporary = temporaryFolder(in: log) ?? "/nonexistent"
        return MultiNodeRun(
            log: log, status: status, folder: folder.path, daemonFiles: daemonFiles, temporary: temporary,
            cgroupParent: cgroupParent(of: temporary))
    }

    static func arguments(folder: String) -> [String] {
        [
            StackcCLI.repoRoot.appendingPathComponent("Tests/Acceptance/swarm-nodes.sh").path, "--drain", "db",
            StackcCLI.repoRoot.appendingPathComponent(MultiNodeSwarmTests.manifest).path, folder,
        ]
    }

    static func temporaryFolder(in log: String) -> String? {
        log.firstMatch(of: /nodes: temporary folder (\S+)/).map { String($0.1) }
    }

    static func cgroupParent(of temporary: String) -> String {
        "stackc-nodes-" + (temporary.split(separator: ".").last.map(String.init) ?? "")
    }

    /// The first line that starts with `prefix` (empty when there is none).
    func line(startingWith prefix: String) -> String {
        log.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) ?? ""
    }

    /// The lines from the first that starts with `start` up to the next that starts with `end`.
    func section(from start: String, to end: String) -> String {
        var lines: [Substring] = []
        for line in log.split(separator: "\n") {
            if lines.isEmpty {
                if line.hasPrefix(start) { lines.append(line) }
            } else if line.hasPrefix(end) {
                break
            } else {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The node the database ran on before the drain.
    var databaseNode: String? {
        log.firstMatch(of: /drain: cluster_db runs on (\S+);/).map { String($0.1) }
    }

    /// The nodes as the harness listed them once the swarm was formed and labelled, before
    /// deploy.sh ran ("node NAME: ROLE, AVAILABILITY, id ID, labels K=V,…").
    var swarmNodes: [Node] {
        log.split(separator: "\n").compactMap { line in
            guard let match = line.wholeMatch(of: /node ([\w-]+): (\w+), \w+, id \w+, labels (\S*)/) else { return nil }
            return Node(
                hostname: String(match.1), role: String(match.2),
                labels: match.3.split(separator: ",").map(String.init))
        }
    }
}
