import Foundation
import Testing

/// How `deploy.sh` reads `docker service ls`, found on a real swarm (SwarmAcceptanceTests): a
/// job (the database init) shows "0/1 (1/1 completed)" once done, and "1/1 (0/1 completed)"
/// while it runs. Run here against a stand-in docker CLI, as root or not.
@Suite struct DeployConvergenceTests {
    /// A docker CLI that keeps secrets as files, answers `service ls` from a file, has one node
    /// that already holds the database's pin, and talks to no engine.
    static let standin = #"""
        #!/usr/bin/env bash
        set -euo pipefail
        state=$STANDIN_STATE
        mkdir -p "$state/secrets"
        case "${1:-} ${2:-}" in
          "info --format") echo true ;;
          "secret inspect") [ -f "$state/secrets/$3" ] ;;
          "secret create") args=("$@"); cat >"$state/secrets/${args[$((${#args[@]} - 2))]}" ;;
          "stack deploy") echo "Creating services" ;;
          "service ls") cat "$state/services" ;;
          "service ps") echo "  ${*: -1}.1 Running" ;;
          "node ls") if [ "${3:-}" = "-q" ]; then echo n1; else echo "node-1 n1 Ready Active"; fi ;;
          "node inspect") case "$4" in *Labels*) echo "stackc.pin.shop.pg=true" ;; *) echo manager ;; esac ;;
          *) echo "docker stand-in: unexpected call: $*" >&2; exit 2 ;;
        esac
        """#

    static let manifest = """
        stackc: 1
        name: shop
        domain: shop.test
        cluster: {managers: 1, workers: 2}
        databases:
          pg: {}
        apps:
          web:
            image: nginx:1.27-alpine
            replicas: 3
            port: 8080
            host: www
            database: pg
            placement: {max_per_node: 1}
        """

    /// Runs the stack's deploy.sh with `docker service ls` answering `services`.
    func deploy(services: String) throws -> (status: Int32, stderr: String) {
        let workspace = try Workspace("deploy-convergence")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.manifest)
        let build = try workspace.stackc("build", "shop.yml", "-o", "out")
        try #require(build.status == 0, "\(build)")
        try workspace.write("state/services", services)
        let bin = workspace.url("state/bin")
        try workspace.write("state/bin/docker", Self.standin + "\n")
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("docker").path)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "PATH=\(path)", "STANDIN_STATE=\(workspace.url("state").path)", "HOME=\(workspace.url("state").path)",
            "STACKC_CREDENTIALS_DIR=\(workspace.url("credentials").path)", "STACKC_DEPLOY_TIMEOUT=1", "bash",
            "deploy.sh",
        ]
        process.currentDirectoryURL = workspace.url("out/shop")
        let errors = workspace.url("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let handle = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: errors), as: UTF8.self))
    }

    @Test func aCompletedJobAndAMaxPerNodeServiceHaveConverged() throws {
        let run = try deploy(services: "shop_web 3/3 (max 1 per node)\nshop_pg 1/1\nshop_pg-init 0/1 (1/1 completed)\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("every service of shop has its replicas"), "\(run.stderr)")
    }

    @Test func aRunningJobHasNotConverged() throws {
        let run = try deploy(services: "shop_web 3/3 (max 1 per node)\nshop_pg 1/1\nshop_pg-init 1/1 (0/1 completed)\n")
        #expect(run.status == 1)
        #expect(
            run.stderr.contains("not converged") && run.stderr.contains("shop_pg-init (1/1 (0/1 completed))"),
            "\(run.stderr)")
        #expect(!run.stderr.contains("shop_web ("), "\(run.stderr)")
    }
}
