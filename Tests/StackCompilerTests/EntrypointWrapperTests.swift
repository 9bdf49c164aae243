import Foundation
import Testing

@testable import StackCompiler

/// A generic app's generated entrypoint wrapper, run with the environment the stack file gives
/// its service: it reads the database password from its secret into DATABASE_PASSWORD and
/// DATABASE_URL, waits for the app it depends on (a listener on 127.0.0.1 stands in), logging
/// one line per wait, gives up after STACKC_WAIT_TIMEOUT, and then replaces itself (same process)
/// with the image's entrypoint and command, arguments unchanged. It finds the dependency with
/// whichever of bash, curl or wget the image has.
@Suite struct EntrypointWrapperTests {
    static let manifest = """
        stackc: 1
        name: shop
        domain: shop.test
        databases:
          pg: {}
        apps:
          web:
            image: nginx:1.27-alpine
            port: 8080
            database: pg
            depends_on: [api]
          api:
            image: nginx:1.27-alpine
            port: 9000
        """

    /// The command the wrapper is given, as the stack file's `command` would: awkward arguments.
    static let command = ["nginx", "-g", "daemon off;", "two  spaces", "", "$HOME", "*", "it's"]

    static let scripts = Repository.root.appendingPathComponent("Tests/StackCompilerTests/Support/Scripts")

    /// The wrapper (waiting for `127.0.0.1:<port>` instead of `api:9000`), the password secret
    /// and the service's environment from stack.yml, pointed at the secret.
    struct Harness {
        var folder: URL
        var wrapper: URL
        var environment: [String: String]
        var password = "s3cret-0123456789abcdef"

        init(port: Int) throws {
            let built = try #require(BuildSupport.build(path: "shop.yml", text: EntrypointWrapperTests.manifest))
            let script = try #require(GeneratedScript.text(built, "entrypoints/web.sh"))
            folder = try BuildSupport.makeTemporaryFolder("entrypoint")
            wrapper = try GeneratedScript.write(
                GeneratedScript.rewrite(script, [("\nwait_for_tcp api 9000\n", "\nwait_for_tcp 127.0.0.1 \(port)\n")]),
                to: folder, as: "wrapper.sh")
            let stackFile = try #require(GeneratedScript.text(built, "stack.yml"))
            let service = try #require(try PyYAMLValue.read(stackFile)?["services"]?["web"])
            #expect(service["entrypoint"]?.items?.compactMap(\.string) == ["/bin/sh", "/stackc/entrypoint.sh"])
            #expect(
                service["command"]?.items?.compactMap(\.string) == [
                    "/docker-entrypoint.sh", "nginx", "-g", "daemon off;",
                ],
                "the image's own entrypoint and command follow the wrapper")
            let pairs = try #require(service["environment"]?.pairs)
            environment = pairs.compactMapValues(\.string)
            #expect(environment["DATABASE_PASSWORD_FILE"] == "/run/secrets/pg-web-password")
            #expect(environment["DATABASE_PASSWORD"] == nil, "no password in the stack file")
            let secrets = folder.appendingPathComponent("secrets")
            try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
            try Data(password.utf8).write(to: secrets.appendingPathComponent("pg-web-password"))
            environment["DATABASE_PASSWORD_FILE"] = secrets.appendingPathComponent("pg-web-password").path
        }

        /// Starts `sh wrapper.sh sh show_start.sh <command>` with the service's environment.
        func start(_ extra: [String: String] = [:]) throws -> RunningProcess? {
            try RunningProcess.start(
                "sh",
                [wrapper.path, "/bin/sh", scripts.appendingPathComponent("show_start.sh").path]
                    + EntrypointWrapperTests.command,
                environment: environment.merging(extra) { $1 })
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// A listener on 127.0.0.1 (on `port`, or a free one) and the port it listens on.
    static func listen(on port: Int? = nil) throws -> (RunningProcess, Int)? {
        guard
            let listener = try RunningProcess.start(
                "python3", [scripts.appendingPathComponent("tcp_listener.py").path] + (port.map { [String($0)] } ?? []))
        else { return nil }
        guard RunningProcess.poll(seconds: 15, { listener.stdout.hasSuffix("\n") || !listener.isRunning }),
            let bound = Int(listener.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            Issue.record("the listener did not start: \(listener.summary)")
            listener.end()
            return nil
        }
        return (listener, bound)
    }

    /// The lines of `text` that contain `fragment`.
    static func lines(_ text: String, containing fragment: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.contains(fragment) }
    }

    @Test func exportsTheConnectionWaitsAndExecsTheCommandUnchanged() throws {
        let (listener, port) = try #require(try Self.listen())
        defer { listener.end() }
        let harness = try Harness(port: port)
        defer { harness.remove() }
        let task = try #require(try harness.start(["STACKC_WAIT_TIMEOUT": "20"]))
        defer { task.end() }
        #expect(task.wait(seconds: 60) == 0, "\(task.summary)")
        let output = task.stdout
        #expect(output.contains("DATABASE_PASSWORD=\(harness.password)\n"), "\(task.summary)")
        #expect(output.contains("DATABASE_URL=postgres://web:\(harness.password)@pg:5432/web\n"), "\(task.summary)")
        let arguments = output.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("arg: [") }.map { String($0.dropFirst(6).dropLast()) }
        #expect(arguments == Self.command)
        // exec: the command runs in the wrapper's own process, as the container's main process.
        #expect(output.hasPrefix("pid: \(task.pid)\n"), "\(task.summary)")
    }

    @Test func givesUpAfterTheTimeoutWithOneLinePerWait() throws {
        let port = try Loopback.freePort()
        let harness = try Harness(port: port)
        defer { harness.remove() }
        let task = try #require(try harness.start(["STACKC_WAIT_TIMEOUT": "3"]))
        defer { task.end() }
        #expect(task.wait(seconds: 60) == 1, "\(task.summary)")
        #expect(Self.lines(task.stderr, containing: ": waiting for 127.0.0.1:\(port)").count == 1, "\(task.summary)")
        #expect(
            Self.lines(task.stderr, containing: "gave up waiting for 127.0.0.1:\(port) after").count == 1,
            "\(task.summary)")
        #expect(task.stdout.isEmpty, "the command must not start: \(task.summary)")
    }

    @Test func goesOnWhenTheDependencyComesUpLater() throws {
        let port = try Loopback.freePort()
        let harness = try Harness(port: port)
        defer { harness.remove() }
        let task = try #require(try harness.start(["STACKC_WAIT_TIMEOUT": "60"]))
        defer { task.end() }
        #expect(
            RunningProcess.poll(seconds: 30) { task.stderr.contains("waiting for 127.0.0.1:\(port)") },
            "\(task.summary)")
        let (listener, _) = try #require(try Self.listen(on: port))
        defer { listener.end() }
        #expect(task.wait(seconds: 60) == 0, "\(task.summary)")
        #expect(
            Self.lines(task.stderr, containing: ": waiting for").count == 1,
            "one line however many attempts: \(task.summary)")
        #expect(Self.lines(task.stderr, containing: "127.0.0.1:\(port) is ready after").count == 1, "\(task.summary)")
        #expect(task.stdout.contains("arg: [daemon off;]"))
    }

    @Test func stopsWhenTheSecretCannotBeRead() throws {
        let harness = try Harness(port: try Loopback.freePort())
        defer { harness.remove() }
        let task = try #require(
            try harness.start(["DATABASE_PASSWORD_FILE": harness.folder.appendingPathComponent("missing").path]))
        defer { task.end() }
        #expect(task.wait(seconds: 30) == 1, "\(task.summary)")
        #expect(task.stderr.contains("cannot read") && task.stderr.contains("DATABASE_PASSWORD"), "\(task.summary)")
        #expect(task.stdout.isEmpty)
    }

    /// With only one way to open a connection on the PATH (as in a slim image), an open port is
    /// found open and a closed one closed.
    @Test(arguments: ["bash", "curl", "wget"])
    func findsTheDependencyWithWhatTheImageHas(tool: String) throws {
        let bin = try BuildSupport.makeTemporaryFolder("entrypoint-bin")
        defer { try? FileManager.default.removeItem(at: bin) }
        for name in ["date", "cat", "sleep", "timeout", tool] {
            let target = try #require(Tools.locate(name), "'\(name)' is not installed")
            try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent(name), withDestinationURL: target)
        }
        let (listener, open) = try #require(try Self.listen())
        defer { listener.end() }
        let closed = try Loopback.freePort()
        for (port, expected) in [(open, Int32(0)), (closed, Int32(1))] {
            let harness = try Harness(port: port)
            defer { harness.remove() }
            let task = try #require(try harness.start(["PATH": bin.path, "STACKC_WAIT_TIMEOUT": "2"]))
            defer { task.end() }
            #expect(
                task.wait(seconds: 60) == expected, "\(tool), port \(port == open ? "open" : "closed"): \(task.summary)"
            )
        }
    }
}
