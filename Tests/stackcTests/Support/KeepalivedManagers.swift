import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's keepalived on a cluster's managers, each in a node of `BridgedNamespaces`, set up as
/// `setup-node.sh` sets up a real manager: the node's config as `/etc/keepalived/keepalived.conf`
/// and beside it the two files it includes, `stackc-interface.conf` (the interface that holds
/// the node's address) and `stackc-auth.conf` (the VRRP password), all in a folder of the test's
/// bind-mounted over `/etc/keepalived` in the node's own mount namespace. Each manager also gets
/// a stand-in edge proxy (Python's http.server on 127.0.0.1:80), which its track script checks.
///
/// Every process here is started and ended by its process id; `end()` ends them all, then the
/// namespaces, then removes the folder.
final class KeepalivedManagers {
    /// One manager: its name, address, generated config and VRRP password.
    struct Manager {
        var name: String
        var address: String
        var config: String
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

    /// The manager's `/etc/keepalived` (config, interface, password), its edge proxy's folder and
    /// its pid-file folder, with the first mounted in its namespace.
    private func install(_ manager: Manager) throws {
        let node = lan.node(manager.name)
        let etc = folder.appendingPathComponent("\(manager.name)/etc")
        for sub in ["etc", "www", "run"] {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("\(manager.name)/\(sub)"), withIntermediateDirectories: true)
        }
        let files = [
            "keepalived.conf": manager.config,
            "stackc-interface.conf": "$STACKC_INTERFACE=\(node.interface)\n",
            "stackc-auth.conf": """
            authentication {
                auth_type PASS
                auth_pass \(manager.password)
            }

            """,
        ]
        for (name, text) in files {
            try Data(text.utf8).write(to: etc.appendingPathComponent(name))
        }
        try lan.bindMount(etc, over: "/etc/keepalived", in: node)
    }
}
