import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Machines on one LAN, made of namespaces, for tests that run real daemons as if each were on
/// a node of its own: each node is a network and mount namespace of its own (held by a
/// `sleep` started with `unshare`), with loopback and one veth interface carrying the node's
/// address; the other ends of the veths are ports of a bridge that lives in one more network
/// namespace (the switch), so the host's own network is never touched.
///
/// Nothing is named or mounted outside the namespaces: `end()` ends the holders by their
/// process ids, and the kernel then removes the namespaces with their interfaces, the bridge and
/// any mount made inside them. The holders and what `start` runs also get SIGKILL should the
/// test process itself die (`setpriv --pdeathsig`), so that not even a crashed run leaves them.
/// Needs root (`unshare`, `nsenter`, `setpriv` and `ip` from util-linux and iproute2).
final class BridgedNamespaces {
    /// One machine: its name, address and interface, and the process that holds its namespaces.
    struct Node {
        var name: String
        /// Its address on the LAN, without the prefix length.
        var address: String
        /// The interface that holds `address` inside its namespace.
        var interface: String
        fileprivate var holder: ChildProcess
        /// The process id to enter its namespaces by.
        var pid: pid_t { holder.pid }
    }

    /// Why the namespaces could not be made.
    struct SetupFailure: Error, CustomStringConvertible {
        var description: String
    }

    private(set) var nodes: [Node] = []
    /// Holds the network namespace of the bridge.
    private var switchHolder: ChildProcess?
    /// Streams of the holders and of the commands run here.
    private let logs: URL
    private let tools: (unshare: String, nsenter: String, ip: String, sleep: String, setpriv: String)

    /// Makes a node for each name and address (`interface` inside every one of them, on a /`prefixLength`
    /// LAN); the streams of what runs go to `logs`, a folder the caller owns and removes.
    init(
        _ machines: [(name: String, address: String)], prefixLength: Int = 24, interface: String = "eth1",
        logs: URL
    ) throws {
        self.logs = logs
        var found: [String] = []
        for name in ["unshare", "nsenter", "ip", "sleep", "setpriv"] {
            guard let path = ChildProcess.locate(name) else {
                throw SetupFailure(description: "'\(name)' is not installed: run scripts/setup.sh (make test does)")
            }
            found.append(path)
        }
        tools = (found[0], found[1], found[2], found[3], found[4])
        do {
            switchHolder = try hold(label: "switch")
            try ip(in: switchHolder!.pid, "link", "add", "br0", "type", "bridge")
            try ip(in: switchHolder!.pid, "link", "set", "br0", "up")
            for (index, machine) in machines.enumerated() {
                let holder = try hold(label: machine.name)
                nodes.append(Node(name: machine.name, address: machine.address, interface: interface, holder: holder))
                let port = "port\(index + 1)"
                try ip(in: switchHolder!.pid, "link", "add", interface, "type", "veth", "peer", "name", port)
                try ip(in: switchHolder!.pid, "link", "set", interface, "netns", String(holder.pid))
                try ip(in: switchHolder!.pid, "link", "set", port, "master", "br0", "up")
                try ip(in: holder.pid, "link", "set", "lo", "up")
                try ip(in: holder.pid, "addr", "add", "\(machine.address)/\(prefixLength)", "dev", interface)
                try ip(in: holder.pid, "link", "set", interface, "up")
            }
        } catch {
            end()
            throw error
        }
    }

    /// The node named `name`.
    func node(_ name: String) -> Node {
        guard let node = nodes.first(where: { $0.name == name }) else {
            preconditionFailure("internal error: no node \(name) among \(nodes.map(\.name))")
        }
        return node
    }

    /// `arguments` run to their end inside `node`'s namespaces (bounded by `seconds`).
    func run(
        in node: Node, _ arguments: [String], seconds: Double = 20
    ) throws -> (status: Int32?, stdout: String, stderr: String) {
        try ChildProcess.run(tools.nsenter, enter(node.pid) + arguments, logs: logs, seconds: seconds)
    }

    /// `arguments` started inside `node`'s namespaces; the caller ends it.
    func start(in node: Node, _ arguments: [String], label: String) throws -> ChildProcess {
        try ChildProcess(
            tools.nsenter, enter(node.pid) + diesWithTheTest + arguments, logs: logs, label: "\(node.name)-\(label)")
    }

    /// Mounts `folder` over `target` in `node`'s mount namespace only (gone with the namespace).
    func bindMount(_ folder: URL, over target: String, in node: Node) throws {
        let result = try run(in: node, ["mount", "--bind", folder.path, target])
        guard result.status == 0 else {
            throw SetupFailure(
                description: "mount --bind \(folder.path) \(target) in \(node.name): exit \(result.status ?? -1)\n"
                    + result.stderr)
        }
    }

    /// Ends every holder by its process id (the caller has ended what it started inside), which
    /// removes the namespaces, their interfaces, the bridge and the mounts.
    func end() {
        for node in nodes { node.holder.end() }
        switchHolder?.end()
        nodes = []
        switchHolder = nil
    }

    /// `setpriv` before a command: it gets SIGKILL when the test process ends (the thread that
    /// started it, which a test keeps until it has ended what it started).
    private var diesWithTheTest: [String] { [tools.setpriv, "--pdeathsig", "KILL", "--"] }

    /// The `nsenter` options that enter the network and mount namespaces of `pid`.
    private func enter(_ pid: pid_t) -> [String] {
        ["--target", String(pid), "--net", "--mount", "--"]
    }

    /// A `sleep` in new network and mount namespaces (mounts private), once it runs there: the
    /// namespaces exist and the mounts are private only when `unshare` has become `sleep`, and
    /// nothing may be entered before (it would act on the host's).
    private func hold(label: String) throws -> ChildProcess {
        let holder = try ChildProcess(
            tools.setpriv,
            diesWithTheTest.dropFirst()
                + [tools.unshare, "--net", "--mount", "--propagation", "private", "--", tools.sleep, "infinity"],
            logs: logs, label: "holder-\(label)")
        let sleep = URL(fileURLWithPath: tools.sleep).resolvingSymlinksInPath().path
        let ownNetwork = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        let ready = ChildProcess.poll(seconds: 10) {
            guard holder.isRunning,
                let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(holder.pid)/exe"),
                let network = try? FileManager.default.destinationOfSymbolicLink(
                    atPath: "/proc/\(holder.pid)/ns/net")
            else { return false }
            return exe == sleep && network != ownNetwork
        }
        guard ready else {
            let summary = holder.summary
            holder.end()
            throw SetupFailure(description: "the namespace holder for \(label) did not start:\n\(summary)")
        }
        return holder
    }

    /// `ip arguments…` inside the network namespace of `pid`; throws when it fails.
    private func ip(in pid: pid_t, _ arguments: String...) throws {
        let result = try ChildProcess.run(
            tools.nsenter, ["--target", String(pid), "--net", "--", tools.ip] + arguments, logs: logs)
        guard result.status == 0 else {
            throw SetupFailure(
                description: "ip \(arguments.joined(separator: " ")): exit \(result.status ?? -1)\n\(result.stderr)")
        }
    }
}
