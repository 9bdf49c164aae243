import Foundation
import Testing

@testable import StackCompiler

/// `nodes/form-swarm.sh` against a stand-in docker CLI (one per node, each with its own state):
/// the first manager initialises on its address and hands out tokens, the others join it with
/// the token of their role, a rerun does nothing, and labels go on once, by host name, leaving
/// a pin another node has and a name label someone changed. The real multi-node swarm runs the
/// same script (`MultiNodeSwarmTests`).
@Suite struct SwarmFormingScriptTests {
    static let manifest = """
        stackc: 1
        name: farm
        domain: farm.test
        cluster: {managers: 3, workers: 2, provision: vagrant}
        databases:
          main: {engine: postgres}
        apps:
          web: {image: "nginx:1.27", port: 80, host: www, database: main}
        """

    /// A built stack in a folder, with a channel folder and a stand-in docker per node.
    struct Lab {
        var folder: URL
        var channel: URL
        var script: String

        init() throws {
            let built = try #require(BuildSupport.build(path: "farm.yml", text: SwarmFormingScriptTests.manifest))
            folder = try BuildSupport.makeTemporaryFolder("form-swarm")
            try BuildSupport.write(built.tree, to: folder)
            channel = folder.appendingPathComponent("channel")
            script = folder.appendingPathComponent("nodes/form-swarm.sh").path
        }

        /// The stand-in state of node `name`: its swarm state and the nodes it sees.
        func state(_ name: String, swarm: String, nodes: [String] = []) throws -> URL {
            let state = folder.appendingPathComponent("state-\(name)")
            _ = try DockerStandin.install(in: state)
            try Data((swarm + "\n").utf8).write(to: state.appendingPathComponent("swarm-state"))
            if !nodes.isEmpty {
                try Data((nodes.joined(separator: "\n") + "\n").utf8).write(to: state.appendingPathComponent("nodes"))
            }
            return state
        }

        func run(_ arguments: [String], state: URL, manager: Bool = true, wait: Int = 30) throws -> ToolRun? {
            let path = try DockerStandin.install(in: state)
            return try Tools.run(
                "env",
                [
                    "PATH=\(path)", "STANDIN_STATE=\(state.path)", "STANDIN_CONTROL=\(manager)",
                    "STACKC_SWARM_CHANNEL=\(channel.path)", "STACKC_SWARM_WAIT=\(wait)", "bash", script,
                ] + arguments, in: folder)
        }

        func calls(_ state: URL) -> [String] {
            let text = (try? String(contentsOf: state.appendingPathComponent("calls"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map(String.init)
        }

        func labels(_ state: URL, _ id: String) -> [String] {
            let text =
                (try? String(contentsOf: state.appendingPathComponent("labels/\(id)"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map(String.init)
        }
    }

    static let allNodes = [
        "n1 manager-1 manager Ready Active", "n2 manager-2 manager Ready Active", "n3 manager-3 manager Ready Active",
        "n4 worker-1 worker Ready Active", "n5 worker-2 worker Ready Active",
    ]

    @Test func theFirstManagerInitialisesOnceAndHandsOutTokens() throws {
        let lab = try Lab()
        defer { try? FileManager.default.removeItem(at: lab.folder) }
        let state = try lab.state("m1", swarm: "inactive", nodes: ["n1 manager-1 manager Ready Active"])
        let first = try #require(try lab.run(["join", "manager-1"], state: state))
        #expect(first.status == 0, "\(first.summary)")
        #expect(
            lab.calls(state).contains("swarm init --advertise-addr 192.168.56.101 --listen-addr 192.168.56.101:2377"),
            "\(lab.calls(state))")
        for role in ["manager", "worker"] {
            let token = lab.channel.appendingPathComponent("\(role).token")
            #expect((try? String(contentsOf: token, encoding: .utf8)) == "SWMTKN-standin-\(role)\n")
            let mode = try FileManager.default.attributesOfItem(atPath: token.path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(role).token is readable by others")
        }
        #expect(lab.labels(state, "n1").contains("stackc.node=manager-1"))
        // The database keeps state on a node-local volume: its pin goes on the first node by
        // host name, as deploy.sh would choose.
        #expect(lab.labels(state, "n1").contains("stackc.pin.farm.main=true"), "\(lab.labels(state, "n1"))")

        let callsBefore = lab.calls(state).count
        let again = try #require(try lab.run(["join", "manager-1"], state: state))
        #expect(again.status == 0, "\(again.summary)")
        let rerun = lab.calls(state).dropFirst(callsBefore)
        #expect(
            !rerun.contains {
                $0.hasPrefix("swarm init") || $0.hasPrefix("swarm join ") || $0.hasPrefix("node update")
            }, "\(rerun)")
        #expect(again.stdout.contains("manager-1 is in the swarm already"))
    }

    @Test func othersJoinTheFirstManagerWithTheTokenOfTheirRole() throws {
        let lab = try Lab()
        defer { try? FileManager.default.removeItem(at: lab.folder) }
        try FileManager.default.createDirectory(at: lab.channel, withIntermediateDirectories: true)
        for role in ["manager", "worker"] {
            try Data("SWMTKN-\(role)-from-the-channel\n".utf8).write(
                to: lab.channel.appendingPathComponent("\(role).token"))
        }
        let worker = try lab.state("w2", swarm: "inactive")
        let joined = try #require(try lab.run(["join", "worker-2"], state: worker, manager: false))
        #expect(joined.status == 0, "\(joined.summary)")
        #expect(
            lab.calls(worker).contains(
                "swarm join --token SWMTKN-worker-from-the-channel --advertise-addr 192.168.56.105 --listen-addr 192.168.56.105:2377 192.168.56.101:2377"
            ), "\(lab.calls(worker))")
        #expect(!lab.calls(worker).contains { $0.hasPrefix("node ") }, "a worker cannot label")

        let manager = try lab.state("m3", swarm: "inactive", nodes: Self.allNodes)
        let managerRun = try #require(try lab.run(["join", "manager-3"], state: manager))
        #expect(managerRun.status == 0, "\(managerRun.summary)")
        #expect(lab.calls(manager).contains { $0.hasPrefix("swarm join --token SWMTKN-manager-from-the-channel ") })
        // The last manager is in: the manager token leaves the channel, the worker token stays.
        #expect(!FileManager.default.fileExists(atPath: lab.channel.appendingPathComponent("manager.token").path))
        #expect(FileManager.default.fileExists(atPath: lab.channel.appendingPathComponent("worker.token").path))
        // A manager labels every node present, the workers included.
        for (id, name) in [("n1", "manager-1"), ("n4", "worker-1"), ("n5", "worker-2")] {
            #expect(lab.labels(manager, id).contains("stackc.node=\(name)"), "\(id)")
        }
    }

    @Test func aNodeWithoutItsTokenStopsWithAReason() throws {
        let lab = try Lab()
        defer { try? FileManager.default.removeItem(at: lab.folder) }
        let state = try lab.state("w1", swarm: "inactive")
        let run = try #require(try lab.run(["join", "worker-1"], state: state, manager: false, wait: 0))
        #expect(run.status == 1)
        #expect(run.stderr.contains("no worker token in \(lab.channel.path)/worker.token after 0s"), "\(run.summary)")
        #expect(!lab.calls(state).contains { $0.hasPrefix("swarm join") })
        let unknown = try #require(try lab.run(["join", "worker-9"], state: state, manager: false))
        #expect(unknown.status == 1 && unknown.stderr.contains("'worker-9' is not a node of this cluster"))
    }

    /// A pin another node carries stays there (the database's files are on that node), and a
    /// name label someone set differently is reported and left.
    @Test func labelsLeaveWhatIsThere() throws {
        let lab = try Lab()
        defer { try? FileManager.default.removeItem(at: lab.folder) }
        let state = try lab.state("m2", swarm: "active", nodes: Self.allNodes)
        let labels = state.appendingPathComponent("labels")
        try FileManager.default.createDirectory(at: labels, withIntermediateDirectories: true)
        try Data("stackc.pin.farm.main=true\n".utf8).write(to: labels.appendingPathComponent("n4"))
        try Data("stackc.node=old-name\n".utf8).write(to: labels.appendingPathComponent("n2"))
        let run = try #require(try lab.run(["label"], state: state))
        #expect(run.status == 0, "\(run.summary)")
        #expect(!lab.labels(state, "n1").contains("stackc.pin.farm.main=true"), "a second node got the pin")
        #expect(lab.labels(state, "n2") == ["stackc.node=old-name"])
        #expect(
            run.stdout.contains("manager-2 has stackc.node=old-name, not manager-2: left as it is"), "\(run.summary)")
        #expect(lab.labels(state, "n3") == ["stackc.node=manager-3"])

        let notManager = try #require(try lab.run(["label"], state: state, manager: false))
        #expect(notManager.status == 1 && notManager.stderr.contains("labels are put by a manager"))
    }
}
