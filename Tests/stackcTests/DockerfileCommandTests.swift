import Foundation
import Testing

/// The Dockerfiles of `build:` apps from the command line: `build` and `lint` read
/// `<build>/Dockerfile` beside the manifest (from its repository only, a regular file only), so
/// the start-up wrapper hands over to the final stage's start; a Dockerfile they cannot read is
/// `W322` at the app's `build` key, the same from both.
@Suite struct DockerfileCommandTests {
    static let manifest = """
        stackc: 1
        name: ci
        domain: ci.test
        registry: {users: [deploy]}
        databases: {pg: {engine: postgres}}
        apps:
          api:
            build: ./api
            port: 8000
            depends_on: [pg]

        """

    static func workspace(_ label: String) throws -> Workspace {
        let workspace = try Workspace(label)
        try FileManager.default.createDirectory(at: workspace.url(".git"), withIntermediateDirectories: true)
        try workspace.write("stack/ci.yml", manifest)
        return workspace
    }

    @Test func buildAndLintReadTheDockerfile() throws {
        let workspace = try Self.workspace("dockerfile")
        defer { workspace.remove() }
        try workspace.write(
            "stack/api/Dockerfile",
            """
            # syntax=docker/dockerfile:1
            FROM python:3.12-slim AS base
            RUN pip install gunicorn
            FROM base
            ENTRYPOINT ["gunicorn", \\
                "--bind", "0.0.0.0:8000"]
            CMD ["app:server"]

            """)
        let built = try workspace.stackc("build", "stack/ci.yml", "-o", "out")
        #expect(built.status == 0, "\(built)")
        #expect(!built.stderr.contains("W308") && !built.stderr.contains("W322"), "\(built)")
        let stackFile = try workspace.read("out/ci/stack.yml")
        #expect(
            stackFile.contains("command:\n    - gunicorn\n    - '--bind'\n    - '0.0.0.0:8000'\n    - app:server\n"),
            "\(stackFile)")
        #expect(try workspace.read("out/ci/entrypoints/api.sh").contains("wait_for_tcp pg 5432"))
        let check = try workspace.stackc("check", "stack/ci.yml", "-o", "out")
        #expect(check.status == 0, "\(check)")
        let lint = try workspace.stackc("lint", "--format", "json", "stack/ci.yml")
        let buildJSON = try workspace.stackc("build", "--format", "json", "stack/ci.yml", "-o", "out")
        #expect(lint.status == 0 && lint.stdout == buildJSON.stdout, "\(lint) \(buildJSON)")
        #expect(!lint.stdout.contains("W308") && !lint.stdout.contains("W322"), "\(lint)")

        // An edited Dockerfile makes the committed output stale.
        try workspace.write("stack/api/Dockerfile", "FROM python:3.12-slim\nCMD [\"python3\", \"other.py\"]\n")
        let stale = try workspace.stackc("check", "stack/ci.yml", "-o", "out")
        #expect(stale.status == 1 && stale.stderr.contains("stale:   out/ci/stack.yml"), "\(stale)")
    }

    @Test func anUnreadableDockerfileIsW322AtTheBuildKey() throws {
        let workspace = try Self.workspace("dockerfile-unreadable")
        defer { workspace.remove() }
        // Missing.
        for command in [["lint", "stack/ci.yml"], ["build", "stack/ci.yml", "-o", "out"]] {
            let run = try StackcCLI.run(command, in: workspace.root)
            #expect(run.status == 0, "warnings only: \(run)")
            #expect(
                run.stderr.contains(
                    "stack/ci.yml:8:12: warning[W322]: the Dockerfile './api/Dockerfile' of app 'api' cannot be read: no such file"
                ), "\(run)")
            #expect(run.stderr.contains("stack/ci.yml:7:3: warning[W308]: "), "\(run)")
            #expect(run.stderr.contains("its Dockerfile './api/Dockerfile' cannot be read"), "\(run)")
        }
        // A folder, and a link out of the repository.
        try FileManager.default.createDirectory(
            at: workspace.url("stack/api/Dockerfile"), withIntermediateDirectories: true)
        let folder = try workspace.stackc("lint", "stack/ci.yml")
        #expect(
            folder.stderr.contains("8:12: warning[W322]") && folder.stderr.contains("is not a regular file"),
            "\(folder)")
        try FileManager.default.removeItem(at: workspace.url("stack/api/Dockerfile"))
        // 'build' naming the Dockerfile itself rather than its folder.
        try workspace.write("stack/ci.yml", Self.manifest.replacingOccurrences(of: "./api", with: "./api/Dockerfile"))
        try workspace.write("stack/api/Dockerfile", "FROM python:3.12-slim\n")
        let file = try workspace.stackc("lint", "stack/ci.yml")
        #expect(
            file.stderr.contains("warning[W322]")
                && file.stderr.contains("'build' names a file, not the folder that holds the Dockerfile"), "\(file)")
        try workspace.write("stack/ci.yml", Self.manifest)
        try FileManager.default.removeItem(at: workspace.url("stack/api/Dockerfile"))
        try FileManager.default.createSymbolicLink(
            at: workspace.url("stack/api/Dockerfile"), withDestinationURL: URL(fileURLWithPath: "/etc/hostname"))
        let outside = try workspace.stackc("build", "stack/ci.yml", "-o", "out")
        #expect(
            outside.stderr.contains("8:12: warning[W322]")
                && outside.stderr.contains("outside the manifest's repository"),
            "\(outside)")
        // With errors of its own, the manifest's Dockerfile problems come in the same run.
        try workspace.write("stack/ci.yml", Self.manifest + "    replicas: many\n")
        let broken = try workspace.stackc("lint", "stack/ci.yml")
        #expect(broken.status == 1 && broken.stderr.contains("8:12: warning[W322]"), "\(broken)")
    }
}
