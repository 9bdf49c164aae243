import Foundation
import Testing

@testable import StackCompiler

/// A real Prometheus on loopback (Debian's `/usr/bin/prometheus`) running a build's generated
/// `prometheus.yml` against a stand-in Swarm manager (`swarm_discovery_standin.py`).
///
/// The file is the one the stack file mounts on the `prometheus` service at the path its
/// `--config.file` names; the only change is the Docker endpoint of every Swarm discovery,
/// `unix:///var/run/docker.sock` (which the service must bind-mount), replaced by the stand-in's
/// `http://127.0.0.1:<port>`. The test describes the Swarm the stand-in serves (`Swarm`), with
/// service labels taken from the generated stack file (`deployLabels`).
final class PrometheusSandbox {
    /// What the stand-in serves; encoded as its `--swarm` file.
    struct Swarm: Encodable {
        struct Node: Encodable {
            var id: String
            var hostname: String
            var address: String
            var role: String
        }
        struct Service: Encodable {
            var name: String
            var labels: [String: String]
            var global = false
            var published: [Int] = []
        }
        struct Task: Encodable {
            var id: String
            var service: String
            var node: String
            var slot: Int
            var desired = "running"
            var state = "running"
            /// CIDR address by network name.
            var addresses: [String: String]
        }
        var networks: [String] = []
        var nodes: [Node] = []
        var services: [Service] = []
        var tasks: [Task] = []
    }

    /// One entry of `/api/v1/targets`.
    struct Target: Decodable {
        var discoveredLabels: [String: String]
        var labels: [String: String]?
        /// Absent from dropped targets in Prometheus 2.42.
        var scrapePool: String?
        var scrapeUrl: String?
        var scrapeInterval: String?
        var scrapeTimeout: String?
    }

    struct Targets: Decodable {
        var activeTargets: [Target]
        var droppedTargets: [Target]
    }

    static let dockerSocket = "unix:///var/run/docker.sock"

    let folder: URL
    /// The configuration as generated.
    let generatedConfig: String
    /// The other files mounted beside it (the rules).
    let besideConfig: [(path: String, text: String)]
    private(set) var port = 0
    private var processes: [SandboxProcess] = []

    private init(_ built: BuildSupport.Built) throws {
        folder = try BuildSupport.makeTemporaryFolder("prometheus-sandbox")
        generatedConfig = try Self.mountedConfig(built)
        besideConfig = try Self.filesBesideConfig(built)
    }

    /// Starts the stand-in serving `swarm` and Prometheus on the generated configuration, and
    /// waits until Prometheus is ready (bounded); on any failure stops what it started and throws.
    static func start(_ built: BuildSupport.Built, swarm: Swarm) throws -> PrometheusSandbox {
        let sandbox = try PrometheusSandbox(built)
        do {
            try sandbox.launch(swarm)
            return sandbox
        } catch {
            sandbox.stop()
            throw error
        }
    }

    /// Ends every process (Prometheus first, by PID) and removes the sandbox's folder.
    func stop() {
        for process in processes.reversed() { process.stop() }
        processes = []
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }

    // MARK: The generated files

    /// The text of the configuration the stack file mounts on `prometheus` at `--config.file`,
    /// after checking the service binds the Docker socket discovery reads.
    static func mountedConfig(_ built: BuildSupport.Built) throws -> String {
        guard let stackText = built.tree.file("stack.yml")?.contents,
            let stack = try PyYAMLValue.read(stackText)
        else { throw SandboxError("the build has no readable stack.yml") }
        guard let service = stack["services"]?["prometheus"] else {
            throw SandboxError("stack.yml has no 'prometheus' service")
        }
        let words = service["command"]?.items?.compactMap(\.string) ?? []
        guard let flag = words.first(where: { $0.hasPrefix("--config.file=") }) else {
            throw SandboxError("the prometheus command names no --config.file: \(words)")
        }
        let target = String(flag.dropFirst("--config.file=".count))
        guard
            let mount = (service["configs"]?.items ?? []).first(where: { $0["target"]?.string == target }),
            let source = mount["source"]?.string, let file = stack["configs"]?[source]?["file"]?.string
        else { throw SandboxError("no config is mounted on 'prometheus' at \(target), the path --config.file names") }
        let path = file.hasPrefix("./") ? String(file.dropFirst(2)) : file
        guard let text = built.tree.file(path)?.contents else { throw SandboxError("the build has no \(path)") }
        let socket = (service["volumes"]?.items ?? []).contains {
            $0["type"]?.string == "bind" && $0["source"]?.string == "/var/run/docker.sock"
                && $0["target"]?.string == "/var/run/docker.sock"
        }
        guard socket else {
            throw SandboxError("'prometheus' does not bind /var/run/docker.sock, which discovery reads")
        }
        return text
    }

    /// Every other file the stack file mounts on `prometheus` beside its configuration (the
    /// rules, which the configuration names relative to its own folder), as (path relative to
    /// the configuration's folder, text).
    static func filesBesideConfig(_ built: BuildSupport.Built) throws -> [(path: String, text: String)] {
        guard let stackText = built.tree.file("stack.yml")?.contents,
            let stack = try PyYAMLValue.read(stackText),
            let service = stack["services"]?["prometheus"]
        else { throw SandboxError("the build has no prometheus service") }
        let words = service["command"]?.items?.compactMap(\.string) ?? []
        guard let flag = words.first(where: { $0.hasPrefix("--config.file=") }) else {
            throw SandboxError("the prometheus command names no --config.file: \(words)")
        }
        let configTarget = String(flag.dropFirst("--config.file=".count))
        let folder = String(configTarget[..<(configTarget.lastIndex(of: "/") ?? configTarget.endIndex)]) + "/"
        var files: [(path: String, text: String)] = []
        for mount in service["configs"]?.items ?? [] {
            guard let target = mount["target"]?.string, target != configTarget, target.hasPrefix(folder),
                let source = mount["source"]?.string, let file = stack["configs"]?[source]?["file"]?.string
            else { continue }
            let path = file.hasPrefix("./") ? String(file.dropFirst(2)) : file
            guard let text = built.tree.file(path)?.contents else { throw SandboxError("the build has no \(path)") }
            files.append((String(target.dropFirst(folder.count)), text))
        }
        return files
    }

    /// Writes `files` under `folder`, making their folders.
    static func write(_ files: [(path: String, text: String)], under folder: URL) throws {
        for file in files {
            let url = folder.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url)
        }
    }

    /// `deploy.labels` of every service of the generated stack file, by key.
    static func deployLabels(_ built: BuildSupport.Built) throws -> [String: [String: String]] {
        guard let stackText = built.tree.file("stack.yml")?.contents,
            let stack = try PyYAMLValue.read(stackText)
        else { throw SandboxError("the build has no readable stack.yml") }
        return (stack["services"]?.pairs ?? [:]).mapValues { service in
            service["deploy"]?["labels"]?.pairs?.compactMapValues(\.string) ?? [:]
        }
    }

    // MARK: Launching

    private func launch(_ swarm: Swarm) throws {
        guard generatedConfig.contains(Self.dockerSocket) else {
            throw SandboxError("the configuration never names \(Self.dockerSocket):\n\(generatedConfig)")
        }
        let apiPort = try startStandIn(swarm)
        try Self.write(besideConfig, under: folder)
        let config = folder.appendingPathComponent("prometheus.yml")
        try Data(
            generatedConfig.replacingOccurrences(of: Self.dockerSocket, with: "http://127.0.0.1:\(apiPort)").utf8
        ).write(to: config)
        try startPrometheus(config)
    }

    private func startStandIn(_ swarm: Swarm) throws -> Int {
        let swarmFile = folder.appendingPathComponent("swarm.json")
        let portFile = folder.appendingPathComponent("docker-api.port")
        try JSONEncoder().encode(swarm).write(to: swarmFile)
        let process = try SandboxProcess(
            name: "swarm stand-in", executable: try SupportTool.require("python3"),
            arguments: [
                try SupportTool.script("swarm_discovery_standin.py").path, "--swarm", swarmFile.path,
                "--port-file", portFile.path,
            ],
            log: folder.appendingPathComponent("docker-api.log"))
        processes.append(process)
        var port: Int?
        try Waiting.until("the Swarm stand-in to listen", timeout: 10, context: { process.logTail() }) {
            guard process.isRunning else { throw SandboxError("the Swarm stand-in stopped:\n\(process.logTail())") }
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return port != nil
        }
        return port ?? 0
    }

    private func startPrometheus(_ config: URL) throws {
        port = try Loopback.freePort()
        let storage = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let process = try SandboxProcess(
            name: "prometheus", executable: try SupportTool.require("prometheus"),
            arguments: [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(storage.path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ],
            log: folder.appendingPathComponent("prometheus.log"), in: folder,
            environment: [
                "HTTP_PROXY": nil, "http_proxy": nil, "HTTPS_PROXY": nil, "https_proxy": nil, "NO_PROXY": nil,
                "no_proxy": nil, "ALL_PROXY": nil, "all_proxy": nil,
            ])
        processes.append(process)
        try Waiting.until("Prometheus to be ready", timeout: 60, interval: 0.5, context: { self.diagnostics }) {
            guard process.isRunning else { throw SandboxError("Prometheus stopped:\n\(self.diagnostics)") }
            return (try? get("/-/ready"))?.status == 200
        }
    }

    // MARK: Asking Prometheus

    func get(_ path: String) throws -> HTTPExchange {
        try Curl.get("http://127.0.0.1:\(port)\(path)", host: "127.0.0.1", port: port)
    }

    /// `/api/v1/targets`.
    func targets() throws -> Targets {
        struct Response: Decodable {
            var status: String
            var data: Targets
        }
        let exchange = try get("/api/v1/targets")
        guard exchange.status == 200 else { throw SandboxError("/api/v1/targets: \(exchange)") }
        return try JSONDecoder().decode(Response.self, from: Data(exchange.body.utf8)).data
    }

    /// Polls the targets until `done` holds for them (every 0.5 s, bounded); returns the last
    /// targets seen either way, so the caller's expectations say what differs.
    func awaitTargets(timeout: Double = 45, _ done: (Targets) -> Bool) -> Targets? {
        let deadline = Date().addingTimeInterval(timeout)
        var last: Targets?
        while true {
            if let targets = try? targets() {
                last = targets
                if done(targets) { return targets }
            }
            if Date() >= deadline { return last }
            usleep(500_000)
        }
    }

    /// The end of both processes' logs, for failure messages.
    var diagnostics: String {
        processes.map { "--- \($0.name) log (tail)\n" + $0.logTail(25) }.joined(separator: "\n")
    }
}
