import Foundation
import Testing

@testable import StackCompiler

/// The run-once step of a replicated Nextcloud's entrypoint wrapper, run as several processes at
/// once on a shared folder (standing in for the volume on shared storage) with a stand-in image
/// entrypoint that installs unless installed: exactly one installs and every one starts; an
/// installer that crashes is taken over after the stale timeout; a done installation starts at
/// once. The wrapper and the before-starting hook are the generated ones, with only the volume's
/// path replaced by the test's folder.
@Suite(.serialized) struct RunOnceTests {
    static let manifest = """
        stackc: 1
        name: cloud
        domain: cloud.test
        cluster:
          managers: 1
          workers: 2
          shared_storage: nfs
        apps:
          files:
            preset: nextcloud
            image: nextcloud:29-apache
            replicas: 3
            host: files
            volumes:
              html: /var/www/html
        """

    /// The generated wrapper and hook in a temporary folder, and the shared folder.
    struct Harness {
        var folder: URL
        var shared: URL
        var wrapper: URL
        var hook: URL
        var locks: URL { shared.appendingPathComponent(".stackc-install.lock") }
        var marker: URL { shared.appendingPathComponent(".stackc-installed") }

        init() throws {
            let built = try #require(BuildSupport.build(path: "cloud.yml", text: RunOnceTests.manifest))
            let wrapper = try #require(GeneratedScript.text(built, "entrypoints/files.sh"))
            let hook = try #require(GeneratedScript.text(built, "nextcloud/files-installed.sh"))
            #expect(wrapper.contains("\nrun_once /var/www/html\n"))
            #expect(
                !wrapper.split(separator: "\n").contains { $0.hasPrefix("wait_for_") && !$0.contains("()") },
                "no depends_on, so no waits")
            folder = try BuildSupport.makeTemporaryFolder("run-once")
            shared = folder.appendingPathComponent("shared")
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
            self.wrapper = try GeneratedScript.write(
                GeneratedScript.rewrite(wrapper, [("/var/www/html", shared.path)]), to: folder, as: "wrapper.sh")
            self.hook = try GeneratedScript.write(hook, to: folder, as: "hook.sh")
        }

        /// Starts one task: `sh wrapper.sh sh <fake entrypoint> serve "two words"`.
        func start(_ environment: [String: String] = [:]) throws -> RunningProcess? {
            let fake = Repository.root.appendingPathComponent(
                "Tests/StackCompilerTests/Support/Scripts/fake_nextcloud_entrypoint.sh")
            return try RunningProcess.start(
                "sh", [wrapper.path, "/bin/sh", fake.path, "serve", "two words"],
                environment: [
                    "STACKC_RUN_ONCE_DIR": shared.path, "STACKC_WAIT_TIMEOUT": "5",
                    "FAKE_SHARED": shared.path, "FAKE_HOOK": hook.path,
                ].merging(environment) { $1 })
        }

        /// Starts `count` tasks at once and waits (at most `seconds` in all) until each ended;
        /// kills any left running. Returns each one's exit status (nil: killed) and output.
        func runTogether(_ count: Int, seconds: Double, _ environment: [String: String] = [:]) throws -> [(
            status: Int32?, summary: String
        )] {
            var tasks: [RunningProcess] = []
            defer { for task in tasks { task.end() } }
            for _ in 0..<count { tasks.append(try #require(try start(environment))) }
            let statuses = RunningProcess.waitAll(tasks, seconds: seconds)
            return zip(statuses, tasks).map { ($0, $1.summary) }
        }

        /// The lines of the shared log that begin with `word`.
        func logLines(_ word: String) -> [String] {
            let text = (try? String(contentsOf: shared.appendingPathComponent("log"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(word + " ") }
        }

        /// Whether the lock folder is gone, waiting a little for the installer's heartbeat.
        func locksRemoved() -> Bool {
            RunningProcess.poll(seconds: 10) { !FileManager.default.fileExists(atPath: locks.path) }
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    @Test func exactlyOneOfSixInstallsAndEveryOneStarts() throws {
        let harness = try Harness()
        defer { harness.remove() }
        let results = try harness.runTogether(6, seconds: 60)
        for result in results { #expect(result.status == 0, "\(result.summary)") }
        #expect(harness.logLines("install").count == 1, "\(harness.logLines("install"))")
        let started = harness.logLines("started")
        #expect(started.count == 6, "\(started)")
        // The image's entrypoint got the command unchanged: two arguments, one with a space.
        #expect(started.allSatisfy { $0.hasSuffix(" 2:serve two words") }, "\(started)")
        #expect(results.filter { $0.summary.contains("installing; other tasks wait") }.count == 1)
        #expect(FileManager.default.fileExists(atPath: harness.marker.path))
        #expect(harness.locksRemoved(), "the lock folder is left behind")
    }

    @Test func aCrashedInstallerIsTakenOverAfterTheStaleTimeout() throws {
        let harness = try Harness()
        defer { harness.remove() }
        let results = try harness.runTogether(6, seconds: 60, ["FAKE_CRASH_FIRST": "1", "STACKC_RUN_ONCE_STALE": "3"])
        #expect(
            results.allSatisfy { $0.status != nil }, "a task still waited at the deadline: \(results.map(\.summary))")
        #expect(results.filter { $0.status == 1 }.count == 1, "\(results.map(\.summary))")
        #expect(results.filter { $0.status == 0 }.count == 5, "\(results.map(\.summary))")
        #expect(harness.logLines("crash").count == 1)
        #expect(harness.logLines("install").count == 1, "\(harness.logLines("install"))")
        #expect(harness.logLines("started").count == 5)
        #expect(results.contains { $0.summary.contains("stopped refreshing its lock") })
        #expect(
            results.filter { $0.summary.contains("installing; other tasks wait") }.count == 2,
            "the crashed one and the one that took over")
        #expect(harness.locksRemoved(), "the lock folder is left behind")
    }

    @Test func aDoneInstallationStartsAtOnceWithoutTheLock() throws {
        let harness = try Harness()
        defer { harness.remove() }
        try Data().write(to: harness.marker)
        try Data().write(to: harness.shared.appendingPathComponent("installed"))
        let task = try #require(try harness.start())
        defer { task.end() }
        #expect(task.wait(seconds: 30) == 0, "\(task.summary)")
        #expect(task.stderr.contains("installation already done"), "\(task.summary)")
        #expect(!task.stderr.contains("installing") && !task.stderr.contains("waiting"), "\(task.summary)")
        #expect(harness.logLines("install").isEmpty)
        #expect(harness.logLines("started").count == 1)
        #expect(!FileManager.default.fileExists(atPath: harness.locks.path))
    }

    @Test func theHookMarksTheInstallationDoneInTheRunOnceFolder() throws {
        let harness = try Harness()
        defer { harness.remove() }
        let run = try #require(
            try Tools.run("env", ["STACKC_RUN_ONCE_DIR=\(harness.shared.path)", "sh", harness.hook.path]))
        #expect(run.status == 0, "\(run.summary)")
        #expect(FileManager.default.fileExists(atPath: harness.marker.path))
    }
}
