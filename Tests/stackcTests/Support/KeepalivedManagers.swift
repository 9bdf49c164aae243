import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's keepalived on a cluster's managers, each in a node of `BridgedNamespaces`, set up by
/// the generated `setup-node.sh vip NODE` as on a real manager: the node's config is
/// `/etc/keepalived/keepalived.conf` (as the provisioner installs it), a folder of the test
/// bind-mounted over `/etc/keepalived` in the node's own mount namespace, and the script writes
/// the two files it includes there, `stackc-interface.conf` (the interface that holds the
/// node's address, found by `ip`) and `stackc-auth.conf` (the VRRP password from the node's
/// channel folder); `systemctl` is a stand-in that records what the script asks of it. Each manager also gets
/// a stand-in edge proxy (Python's http.server on 127.0.0.1:80), which its track script checks.
///
/// Every process here is started and ended by its process id; `end()` ends them all, then the
/// namespaces, then removes the folder.
final class KeepalivedManagers {
    /// One manager: its name, address, generated config, the generated `setup-node.sh` and the
    /// VRRP password in its channel.
    struct Manager {
        var name: String
        var address: String
        var config: String
        var setupScript: String
        var password: String
    }

    /// Why the managers could not be set up.
    struct SetupFailure: Error, CustomStringConvertible {
        var description: String
    }

    let managers: [Manager]
    /// The virtual address the managers share.
    let vip: String
    /// The holders of the VIP at each look, in order, from every wait (for "never held by").
    private(set) var sightings: [[String]] = []
    private let folder: URL
    private let lan: BridgedNamespaces
    private let tools: (keepalived: String, python: String, curl: String)
    private var edgeProxies: [String: ChildProcess] = [:]
    /// Each node's keepalived runs, the last one the current (kept for their logs).
    private var keepaliveds: [String: [ChildProcess]] = [:]
    /// Every keepalived and edge proxy ever started here, to end each in every case.
    private var started: [ChildProcess] = []

    /// The managers on one /24, their files written and mounted; nothing runs yet.
    init(_ managers: [Manager], vip: String) throws {
        self.managers = managers
        self.vip = vip
        guard let keepalived = ChildProcess.locate("keepalived"), let curl = ChildProcess.locate("curl"),
            let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
                ? "/usr/bin/python3" : ChildProcess.locate("python3")
        else {
            throw SetupFailure(
                description: "keepalived, curl and python3 must be installed: run scripts/setup.sh (make test does)")
        }
        tools = (keepalived, python, curl)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stackc-vip-\(UUID().uuidString)")
        let logs = folder.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        do {
            lan = try BridgedNamespaces(managers.map { ($0.name, $0.address) }, logs: logs)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        do {
            for manager in managers { try install(manager) }
        } catch {
            end()
            throw error
        }
    }

    /// `keepalived -t` on the node's config, in the node (where its interface exists).
    func configTest(_ name: String) throws -> (status: Int32?, output: String) {
        let result = try lan.run(in: lan.node(name), [tools.keepalived, "-t", "-f", "/etc/keepalived/keepalived.conf"])
        return (result.status, result.stdout + result.stderr)
    }

    /// Starts the node's stand-in edge proxy and waits (bounded) until it answers on
    /// 127.0.0.1:80 in the node, as the track script asks it.
    func startEdgeProxy(_ name: String) throws {
        let www = folder.appendingPathComponent("\(name)/www")
        let proxy = try lan.start(
            in: lan.node(name),
            [tools.python, "-m", "http.server", "80", "--bind", "127.0.0.1", "--directory", www.path],
            label: "edge-proxy")
        started.append(proxy)
        edgeProxies[name] = proxy
        let answers = ChildProcess.poll(seconds: 15, interval: 0.1) {
            guard proxy.isRunning else { return false }
            let check = try? lan.run(
                in: lan.node(name), [tools.curl, "-s", "-o", "/dev/null", "--max-time", "2", "http://127.0.0.1:80/"])
            return check?.status == 0
        }
        guard answers else {
            throw SetupFailure(description: "the edge proxy of \(name) does not answer:\n\(proxy.summary)")
        }
    }

    /// Ends the node's edge proxy (SIGTERM, by its process id); its exit status.
    @discardableResult
    func stopEdgeProxy(_ name: String) -> Int32? {
        edgeProxies.removeValue(forKey: name)?.stop(SIGTERM)
    }

    /// Starts keepalived in the node, in the foreground, logging to its streams, with pid files
    /// of its own (none in the host's /run).
    func startKeepalived(_ name: String) throws {
        let run = folder.appendingPathComponent("\(name)/run")
        let keepalived = try lan.start(
            in: lan.node(name),
            [
                tools.keepalived, "--dont-fork", "--log-console", "--log-detail", "--no-syslog",
                "--use-file=/etc/keepalived/keepalived.conf",
                "--pid=\(run.appendingPathComponent("keepalived.pid").path)",
                "--vrrp_pid=\(run.appendingPathComponent("vrrp.pid").path)",
                "--checkers_pid=\(run.appendingPathComponent("checkers.pid").path)",
            ],
            label: "keepalived-\(started.count)")
        started.append(keepalived)
        keepaliveds[name, default: []].append(keepalived)
    }

    /// Ends the node's keepalived (SIGTERM, by its process id, as systemd stops it); its exit
    /// status, nil when it did not end in time.
    @discardableResult
    func stopKeepalived(_ name: String) -> Int32? {
        keepaliveds[name]?.last?.stop(SIGTERM, seconds: 15)
    }

    /// What each keepalived started in the node has logged, but its gratuitous ARPs (several
    /// lines at each change, saying nothing the states around them do not).
    func log(_ name: String) -> String {
        (keepaliveds[name] ?? []).map { run in
            run.summary.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains("gratuitous ARP") }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Every node's keepalived log, for failure messages.
    var logs: String {
        managers.map { "=== \($0.name): \(log($0.name))" }.joined(separator: "\n")
    }

    /// The managers that hold the VIP now (`ip -4 addr show` in each), in manager order.
    func holders() throws -> [String] {
        try managers.filter { manager in
            let shown = try lan.run(in: lan.node(manager.name), ["ip", "-4", "addr", "show"])
            guard shown.status == 0 else {
                throw SetupFailure(description: "ip -4 addr show in \(manager.name): \(shown.stderr)")
            }
            return shown.stdout.contains("inet \(vip)/")
        }.map(\.name)
    }

    /// Looks every 200 ms, at most `seconds` (a bound, not what is checked), until exactly
    /// `expected` hold the VIP; what held it at the last look.
    func waitForHolders(_ expected: [String], seconds: Double = 30) throws -> [String] {
        var last: [String] = []
        var failure: Error?
        _ = ChildProcess.poll(seconds: seconds, interval: 0.2) {
            do {
                last = try holders()
            } catch {
                failure = error
                return true
            }
            sightings.append(last)
            return last == expected
        }
        if let failure { throw failure }
        return last
    }

    /// Ends every process started here by its process id, then the namespaces, and removes the
    /// folder (with the mounts gone, it is only the test's files).
    func end() {
        for process in started.reversed() { process.end() }
        started = []
        edgeProxies = [:]
        keepaliveds = [:]
        lan.end()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The manager's `/etc/keepalived` (its config, mounted in its namespace, then the files
    /// `setup-node.sh vip` writes), its channel, its edge proxy's folder and its pid-file folder.
    private func install(_ manager: Manager) throws {
        let node = lan.node(manager.name)
        let home = folder.appendingPathComponent(manager.name)
        let etc = home.appendingPathComponent("etc")
        for sub in ["etc", "www", "run", "channel", "bin"] {
            try FileManager.default.createDirectory(
                at: home.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try Data(manager.config.utf8).write(to: etc.appendingPathComponent("keepalived.conf"))
        try lan.bindMount(etc, over: "/etc/keepalived", in: node)
        let channel = home.appendingPathComponent("channel")
        try Data(manager.password.utf8).write(to: channel.appendingPathComponent("vrrp-password"))
        let script = home.appendingPathComponent("setup-node.sh")
        try Data(manager.setupScript.utf8).write(to: script)
        let calls = home.appendingPathComponent("systemctl.calls")
        let systemctl = home.appendingPathComponent("bin/systemctl")
        try Data("#!/bin/sh\nprintf '%s\\n' \"$*\" >>\(calls.path)\n".utf8).write(to: systemctl)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: systemctl.path)
        let path = home.appendingPathComponent("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
        let setup = try lan.run(
            in: node,
            [
                "env", "PATH=\(path)", "STACKC_SWARM_CHANNEL=\(channel.path)", "bash", script.path, "vip",
                manager.name,
            ])
        let asked = (try? String(contentsOf: calls, encoding: .utf8)) ?? ""
        guard setup.status == 0, asked.contains("restart keepalived.service") else {
            throw SetupFailure(
                description:
                    "setup-node.sh vip \(manager.name): exit \(setup.status ?? -1)\n\(setup.stdout)\(setup.stderr)"
                    + "\nsystemctl was asked: \(asked)")
        }
        for file in ["stackc-interface.conf", "stackc-auth.conf"] {
            guard FileManager.default.fileExists(atPath: etc.appendingPathComponent(file).path) else {
                throw SetupFailure(description: "setup-node.sh vip \(manager.name) wrote no \(file)")
            }
        }
    }
}
