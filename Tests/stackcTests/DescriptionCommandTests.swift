import Foundation
import Testing

/// `stackc lint|build|check stack.swift` as users run it: the description is compiled with the
/// real `swiftc` against the build folder's StackDescription, run, and its stack checked and
/// built; each kind of wrong description says what and where, with exit status 1 and nothing
/// written.
@Suite struct DescriptionCommandTests {
    static let twoRoutes = """
        import StackDescription

        let stack = Stack("demo", domain: "demo.test") {
            Apps {
                App("web", image: "nginx:1.27-alpine", port: 80, host: "www")
                App(
                    "shop", image: "nginx:1.27-alpine",
                    port: 80, host: "www", database: "nope")
            }
        }

        """

    static let clean = """
        import StackDescription

        let stack = Stack("demo", domain: "demo.test") {
            Apps {
                for name in ["web", "blog"] {
                    App(name, image: "nginx:1.27-alpine", port: 80, host: name)
                }
            }
        }

        """

    @Test func aCheckerErrorPointsAtTheSwiftCall() throws {
        let workspace = try Workspace("description-errors")
        defer { workspace.remove() }
        try workspace.write("stack.swift", Self.twoRoutes)
        let run = try workspace.stackc(["build", "stack.swift"], environment: [:])
        #expect(run.status == 1, "\(run)")
        // The route clash at the second App( call (line 6, column 9), the first route as a
        // note at line 5, the unknown database at the same call; the caret under `App`.
        #expect(run.stderr.contains("stack.swift:6:9: error[E203]: app 'shop' and app 'web' are both routed"), "\(run)")
        #expect(run.stderr.contains(" --> stack.swift:5:9"), "\(run)")
        #expect(run.stderr.contains("stack.swift:6:9: error[E201]: app 'shop' names the database 'nope'"), "\(run)")
        #expect(run.stderr.contains(" 6 |         App(\n   |         ^^^\n"), "\(run)")
        #expect(run.stderr.contains("stack.swift: 2 errors, 0 warnings"), "\(run)")
        #expect(!workspace.exists("out"))

        let json = try workspace.stackc(["lint", "--format", "json", "stack.swift"], environment: [:])
        #expect(json.status == 1)
        let items = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json)")
        #expect(items.map { $0["code"] as? String } == ["E203", "E201"])
        #expect(items.allSatisfy { $0["file"] as? String == "stack.swift" && $0["line"] as? Int == 6 })
    }

    /// Apps made by one helper share their Swift line: each still gets its own diagnostic,
    /// naming it (two at one place would otherwise read as one repeated).
    @Test func appsFromOneHelperLineEachGetTheirDiagnostics() throws {
        let workspace = try Workspace("description-helper")
        defer { workspace.remove() }
        try workspace.write(
            "stack.swift",
            """
            import StackDescription
            func site(_ name: String) -> App { App(name, image: "nginx:1.27-alpine", env: ["bad-name": "x"]) }
            let stack = Stack("demo") { Apps { site("a"); site("b") } }

            """)
        let run = try workspace.stackc(["lint", "stack.swift"], environment: [:])
        #expect(run.status == 1, "\(run)")
        for app in ["a", "b"] {
            #expect(
                run.stderr.contains(
                    "stack.swift:2:36: error[E105]: 'bad-name' in 'env' of app '\(app)' is not a valid environment variable name"
                ), "\(run)")
        }
    }

    @Test func aCompileErrorIsLocatedInJSON() throws {
        let workspace = try Workspace("description-compile-json")
        defer { workspace.remove() }
        try workspace.write(
            "stack.swift",
            "import StackDescription\nlet stack = Stack(\"demo\") { Apps { App(\"a\", imag: \"x:1\") } }\n")
        let run = try workspace.stackc(["lint", "--format", "json", "stack.swift"], environment: [:])
        #expect(run.status == 1, "\(run)")
        let items = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run)")
        #expect(items.count == 1)
        #expect(items.first?["code"] as? String == "E110")
        #expect(items.first?["line"] as? Int == 2 && items.first?["column"] as? Int == 39)
        #expect((items.first?["message"] as? String)?.hasPrefix("swiftc: incorrect argument label in call") == true)
    }

    @Test func aCompileErrorIsSwiftcsOwnDiagnostic() throws {
        let workspace = try Workspace("description-compile")
        defer { workspace.remove() }
        try workspace.write(
            "stack.swift",
            "import StackDescription\nlet stack = Stack(\"demo\") { Apps { App(\"a\", imag: \"x:1\") } }\n")
        let run = try workspace.stackc(["build", "stack.swift"], environment: [:])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("stack.swift:2:39: error: incorrect argument label in call"), "\(run)")
        #expect(run.stderr.contains("stack.swift: error[E110]: the description does not compile"), "\(run)")
        #expect(!workspace.exists("out"))
        // Nothing half-compiled is left in the cache.
        let cached = try FileManager.default.contentsOfDirectory(atPath: workspace.url(".stackc-cache").path)
        #expect(cached.allSatisfy { $0.hasPrefix("library-") }, "\(cached)")
    }

    @Test func aCrashAndAnEndlessLoopAreTheDescriptionsFailure() throws {
        let workspace = try Workspace("description-crash")
        defer { workspace.remove() }
        try workspace.write(
            "crash.swift",
            """
            import StackDescription
            let regions = ["eu"]
            guard regions.count > 1 else { fatalError("need two regions") }
            let stack = Stack("demo") { Apps { App("a", image: "x:1") } }

            """)
        let crash = try workspace.stackc(["build", "crash.swift"], environment: [:])
        #expect(crash.status == 1, "\(crash)")
        // The runtime's line, naming the file as the user did (not the module), then E111 at
        // that line; the address-only stack trace is left out.
        #expect(crash.stderr.hasPrefix("crash.swift:3: Fatal error: need two regions\n"), "\(crash)")
        #expect(
            crash.stderr.contains(
                "crash.swift:3:1: error[E111]: the description failed: it crashed: Fatal error: need two regions"),
            "\(crash)")
        #expect(!crash.stderr.contains("Current stack trace"), "\(crash)")

        // A runtime error inside the standard library names no line of the description.
        try workspace.write(
            "index.swift",
            "import StackDescription\nlet names = [\"a\"]\nlet stack = Stack(\"demo\") { Apps { App(names[3], image: \"x:1\") } }\n"
        )
        let index = try workspace.stackc(["lint", "index.swift"], environment: [:])
        #expect(index.status == 1, "\(index)")
        #expect(
            index.stderr.contains(
                "index.swift: error[E111]: the description failed: it crashed: Fatal error: Index out of range"),
            "\(index)")

        // A process the description leaves running holds neither stackc nor the descriptor
        // (else the run would end at the time limit, with E111), and is ended with it.
        try workspace.write(
            "fork.swift",
            """
            import Glibc
            import StackDescription
            if fork() == 0 {
                let file = fopen("child.tmp", "w")
                fputs("\\(getpid())", file)
                fclose(file)
                rename("child.tmp", "child.pid")
                sleep(30)
                _exit(0)
            }
            while access("child.pid", F_OK) != 0 { usleep(1000) }
            let stack = Stack("demo") { Apps { App("a", image: "nginx:1.27-alpine") } }

            """)
        let forked = try workspace.stackc(["lint", "fork.swift"], environment: ["STACKC_DESCRIPTION_TIMEOUT": "20"])
        #expect(forked.status == 0, "\(forked)")
        if let leftover = Int32(try workspace.read("child.pid")) {
            var attempts = 0
            while kill(leftover, 0) == 0 && attempts < 100 {
                usleep(50_000)
                attempts += 1
            }
            #expect(kill(leftover, 0) != 0, "the description's leftover process \(leftover) still runs")
            if kill(leftover, 0) == 0 { kill(leftover, SIGKILL) }
        } else {
            Issue.record("the forked child wrote no pid")
        }

        try workspace.write("loop.swift", "import StackDescription\nwhile true {}\n")
        let loop = try workspace.stackc(["lint", "loop.swift"], environment: ["STACKC_DESCRIPTION_TIMEOUT": "1"])
        #expect(loop.status == 1, "\(loop)")
        #expect(loop.stderr.contains("error[E111]: the description failed: it did not finish within 1 s"), "\(loop)")

        try workspace.write("exit.swift", "import Glibc\nimport StackDescription\nexit(3)\n")
        let exited = try workspace.stackc(["lint", "exit.swift"], environment: [:])
        #expect(exited.status == 1, "\(exited)")
        #expect(exited.stderr.contains("error[E111]: the description failed: it exited with status 3"), "\(exited)")
        #expect(!workspace.exists("out"))
    }

    @Test func aStackThatCannotBeAManifestIsLocated() throws {
        let workspace = try Workspace("description-invalid")
        defer { workspace.remove() }
        try workspace.write("none.swift", "import StackDescription\nlet port = 80\n")
        let none = try workspace.stackc(["lint", "none.swift"], environment: [:])
        #expect(none.status == 1, "\(none)")
        #expect(none.stderr.contains("none.swift:1:1: error[E112]: the description makes no Stack"), "\(none)")

        try workspace.write(
            "twice.swift",
            """
            import StackDescription
            let stack = Stack("demo") {
                Apps {
                    App("a", image: "x:1")
                    App("a", image: "y:1")
                }
            }

            """)
        let twice = try workspace.stackc(["lint", "twice.swift"], environment: [:])
        #expect(twice.status == 1, "\(twice)")
        #expect(twice.stderr.contains("twice.swift:5:9: error[E112]: 'apps' has 'a' twice"), "\(twice)")

        try workspace.write(
            "two.swift",
            "import StackDescription\nlet a = Stack(\"a\") { Apps {} }\nlet b = Stack(\"b\") { Apps {} }\n")
        let two = try workspace.stackc(["lint", "two.swift"], environment: [:])
        #expect(two.status == 1, "\(two)")
        #expect(two.stderr.contains("two.swift:3:9: error[E112]: the description makes a second Stack ('b')"), "\(two)")
    }

    @Test func printingDoesNotDisturbTheOutput() throws {
        let workspace = try Workspace("description-print")
        defer { workspace.remove() }
        try workspace.write(
            "stack.swift", Self.clean.replacingOccurrences(of: "let stack", with: "print(\"[1, 2]\")\nlet stack"))
        let json = try workspace.stackc(["lint", "--format", "json", "stack.swift"], environment: [:])
        #expect(json.status == 0, "\(json)")
        // stdout is the diagnostics' JSON only; the description's print went to stderr.
        #expect(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(json)")
        #expect(json.stderr.contains("[1, 2]"), "\(json)")
        let build = try workspace.stackc(["build", "stack.swift"], environment: [:])
        #expect(build.status == 0, "\(build)")
        #expect(build.stdout.wholeMatch(of: /out\/demo: [0-9]+ written, 0 unchanged, 0 removed\n/) != nil, "\(build)")
        #expect(
            try workspace.read("out/demo/stack.yml").hasPrefix("# Generated by stackc from stack.swift; do not edit.\n")
        )
    }

    @Test func aSecondRunUsesTheCompiledDescription() throws {
        let workspace = try Workspace("description-cache")
        defer { workspace.remove() }
        try workspace.write("stack.swift", Self.clean)
        let first = try workspace.stackc(["build", "stack.swift"], environment: [:])
        #expect(first.status == 0, "\(first)")
        // One compiled program, named by its 64-digit key, beside the library's remembered digest.
        let cached = try FileManager.default.contentsOfDirectory(atPath: workspace.url(".stackc-cache").path)
        let programs = cached.filter { !$0.hasPrefix("library-") }
        #expect(programs.count == 1 && programs[0].count == 64, "\(cached)")
        #expect(cached.count == 2, "\(cached)")
        // With no compiler at all, the same source still checks: it was not compiled again.
        let noCompiler = ["STACKC_SWIFTC": "/bin/false"]
        let again = try workspace.stackc(["check", "stack.swift"], environment: noCompiler)
        #expect(again.status == 0, "\(again)")
        // A changed source is compiled again (and here cannot be).
        try workspace.write("stack.swift", Self.clean.replacingOccurrences(of: "\"blog\"", with: "\"wiki\""))
        let changed = try workspace.stackc(["check", "stack.swift"], environment: noCompiler)
        #expect(changed.status == 1, "\(changed)")
        #expect(changed.stderr.contains("error[E110]: the description does not compile (swiftc exit status 1)"))
        // With the compiler back: the committed output is stale.
        let stale = try workspace.stackc(["check", "stack.swift"], environment: [:])
        #expect(stale.status == 1, "\(stale)")
        #expect(stale.stderr.contains("out/demo/ is not what 'stackc build stack.swift' writes"), "\(stale)")
        #expect(stale.stderr.contains("stale:   out/demo/stack.yml"), "\(stale)")
    }

    @Test func theCacheRecoversAndStaysSmall() throws {
        let workspace = try Workspace("description-cache-tidy")
        defer { workspace.remove() }
        try workspace.write("stack.swift", Self.clean)
        let cache = workspace.url(".stackc-cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        // Thirty programs used long ago, and the folder of a compile that was stopped.
        let old = Date(timeIntervalSinceNow: -7200)
        for index in 0..<30 {
            let url = cache.appendingPathComponent(String(repeating: "0", count: 62) + String(format: "%02d", index))
            try Data("old".utf8).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: url.path)
        }
        let stopped = cache.appendingPathComponent("compile-AbC123")
        try FileManager.default.createDirectory(at: stopped, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: stopped.path)
        let first = try workspace.stackc(["lint", "stack.swift"], environment: [:])
        #expect(first.status == 0, "\(first)")
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        let programs = names.filter { $0.count == 64 }
        #expect(programs.count == 24, "\(names.sorted())")
        #expect(!names.contains("compile-AbC123"))
        // The new program is among the ones kept. Damage it: it is compiled again.
        let compiled = try #require(programs.first { !$0.hasPrefix("0000000000") }, "\(programs)")
        let compiledURL = cache.appendingPathComponent(compiled)
        try Data(count: 100).write(to: compiledURL)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: compiledURL.path)
        let again = try workspace.stackc(["lint", "stack.swift"], environment: [:])
        #expect(again.status == 0, "\(again)")
        #expect(((try? Data(contentsOf: compiledURL))?.count ?? 0) > 1000)
    }

    @Test func aMissingLibraryOrCompilerIsASetupError() throws {
        let workspace = try Workspace("description-setup")
        defer { workspace.remove() }
        try workspace.write("stack.swift", Self.clean)
        let library = try workspace.stackc(
            ["lint", "stack.swift"], environment: ["STACKC_DESCRIPTION_LIBRARY": workspace.url("nowhere").path])
        #expect(library.status == 2, "\(library)")
        #expect(
            library.stderr.contains("stackc: cannot compile 'stack.swift': the StackDescription library is not beside"))
        let compiler = try workspace.stackc(
            ["lint", "stack.swift"], environment: ["PATH": "/nonexistent", "STACKC_SWIFTC": ""])
        #expect(compiler.status == 2, "\(compiler)")
        #expect(compiler.stderr.contains("no swiftc on PATH"), "\(compiler)")
        let timeout = try workspace.stackc(["lint", "stack.swift"], environment: ["STACKC_DESCRIPTION_TIMEOUT": "1.5"])
        #expect(timeout.status == 2, "\(timeout)")
        #expect(timeout.stderr.contains("STACKC_DESCRIPTION_TIMEOUT is '1.5'; it takes a whole number of seconds"))
        // The library's folder is not written to (swiftc leaves a file beside the archive it
        // is given: it is given a link in a folder of its own).
        let buildFolder = try StackcCLI.binary().deletingLastPathComponent()
        #expect(!FileManager.default.fileExists(atPath: buildFolder.appendingPathComponent("StackFile.autolink").path))
    }
}

/// `make install`'s layout: stackc finds StackDescription relative to its own binary.
@Suite struct DescriptionInstallTests {
    @Test func anInstalledStackcCompilesAgainstItsOwnLibrary() throws {
        let workspace = try Workspace("description-install")
        defer { workspace.remove() }
        let buildFolder = try StackcCLI.binary().deletingLastPathComponent()
        let prefix = workspace.url("prefix")
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/bin/bash")
        install.arguments = [
            StackcCLI.repoRoot.appendingPathComponent("scripts/install.sh").path, buildFolder.path, prefix.path,
        ]
        install.standardOutput = FileHandle.nullDevice
        try install.run()
        install.waitUntilExit()
        #expect(install.terminationStatus == 0)
        for file in [
            "bin/stackc", "lib/stackc/libStackDescription.a", "lib/stackc/Modules/StackDescription.swiftmodule",
        ] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(file).path), "\(file)")
        }

        try workspace.write("stack.swift", DescriptionCommandTests.clean)
        func run(_ arguments: [String]) throws -> CLIRun {
            try StackcCLI.run(
                arguments, in: workspace.root,
                environment: [
                    "STACKC_CACHE_DIR": workspace.url(".stackc-cache").path, "STACKC_DESCRIPTION_LIBRARY": "",
                ],
                executable: prefix.appendingPathComponent("bin/stackc"))
        }
        let build = try run(["build", "stack.swift"])
        #expect(build.status == 0, "\(build)")
        #expect(workspace.exists("out/demo/stack.yml"))

        // Without the library beside it, the installed stackc says where it looked.
        try FileManager.default.removeItem(at: prefix.appendingPathComponent("lib/stackc"))
        try FileManager.default.removeItem(at: workspace.url(".stackc-cache"))
        let missing = try run(["lint", "stack.swift"])
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains(prefix.appendingPathComponent("lib/stackc").path), "\(missing)")
    }
}
