import Foundation
import Testing

/// `files` from the command line: stackc reads each file relative to the manifest, only from the
/// manifest's repository (a link out of it, or `..` past its root, is refused), only a regular
/// file (a FIFO would block forever), and writes the copy into the output folder.
@Suite struct DeliveredFilesCommandTests {
    @Test func buildsWithARepositoryFileAndRefusesTheRest() throws {
        let workspace = try Workspace("files")
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.url(".git"), withIntermediateDirectories: true)
        try workspace.write("conf/site.conf", "server { listen 80; }\n")
        try workspace.write(
            "manifests/web.yml",
            """
            stackc: 1
            name: web
            apps:
              web:
                image: nginx:1.27-alpine
                files:
                  /etc/nginx/conf.d/site.conf: ../conf/site.conf

            """)
        let built = try workspace.stackc("build", "manifests/web.yml", "-o", "out")
        #expect(built.status == 0, "\(built)")
        #expect(try workspace.read("out/web/files/web/etc/nginx/conf.d/site.conf") == "server { listen 80; }\n")
        let check = try workspace.stackc("check", "manifests/web.yml", "-o", "out")
        #expect(check.status == 0, "\(check)")
        // An edited file makes the committed output stale.
        try workspace.write("conf/site.conf", "server { listen 8080; }\n")
        let stale = try workspace.stackc("check", "manifests/web.yml", "-o", "out")
        #expect(stale.status != 0, "\(stale)")

        try FileManager.default.createSymbolicLink(
            at: workspace.url("conf/link.conf"), withDestinationURL: URL(fileURLWithPath: "/etc/hostname"))
        #expect(mkfifo(workspace.url("conf/fifo").path, 0o600) == 0)
        try workspace.write(
            "manifests/bad.yml",
            """
            stackc: 1
            name: bad
            apps:
              web:
                image: nginx:1.27-alpine
                files:
                  /etc/a: ../../../../../../../../etc/hostname
                  /etc/b: ../conf/link.conf
                  /etc/c: ../conf/fifo
                  /etc/d: ../conf/missing.conf
                replicas: many

            """)
        for command in [["lint", "manifests/bad.yml"], ["build", "manifests/bad.yml", "-o", "out"]] {
            let run = try StackcCLI.run(command, in: workspace.root)
            #expect(run.status == 1, "\(run)")
            let output = run.stdout + run.stderr
            #expect(output.contains("7:15: error[F002]") && output.contains("is outside the manifest's repository"))
            #expect(output.contains("8:15: error[F002]"), "a link out of the repository is followed: \(output)")
            #expect(output.contains("9:15: error[F002]") && output.contains("is not a regular file"), "\(output)")
            #expect(output.contains("10:15: error[F002]") && output.contains("no such file"), "\(output)")
            // The manifest's own error, in the same run.
            #expect(output.contains("11:15: error[E102]"), "\(output)")
        }
        #expect(!workspace.exists("out/bad"))
    }
}
