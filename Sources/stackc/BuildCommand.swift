import ArgumentParser
import FoundationEssentials
import Glibc
import StackCompiler
import StackDiagnostics

/// Options shared by `build` and `check`.
struct BuildOptions: ParsableArguments {
    @Argument(help: "The manifest (YAML, or a stack.swift description).")
    var file: String

    @Option(name: .shortAndLong, help: "The folder that holds one folder per stack.")
    var output = "out"

    @Option(help: "Output format for diagnostics: text, json, sarif (code scanning) or github (Actions annotations).")
    var format: OutputFormat = .text

    @Flag(help: "Treat warnings as errors: exit 1 and write nothing (for CI).")
    var strict = false

    /// Lints and compiles the manifest; prints the diagnostics. Throws (after printing) when the
    /// manifest has errors or cannot be read.
    func compile() throws -> (stack: ResolvedStack, result: BuildPipeline.Result) {
        var printer = DiagnosticPrinter(format: format)
        let compiled = try compile(into: &printer)
        printer.finish()
        return compiled
    }

    /// The same, leaving the tools' formats open for what the caller adds (`check`'s stale
    /// files) when the build succeeds; finished when it throws.
    func compile(into printer: inout DiagnosticPrinter) throws -> (stack: ResolvedStack, result: BuildPipeline.Result) {
        let input: ManifestInput
        switch ManifestInput.load(file, echoCompiler: format == .text) {
        case .failure(let error):
            printer.add(unreadable: error)
            printer.finish()
            throw ExitCode(2)
        case .success(let read):
            input = read
        }
        let source = input.source
        // The manifest's errors stop the build; the files beside it are still checked.
        let checked = input.check { FilesBesideManifest.read($0, manifest: file) }
        guard var stack = checked.stack else {
            printer.add(checked.diagnostics, source: source)
            printer.finish()
            throw ExitCode(1)
        }
        // Generated files name the manifest; the same spelling however it was given, and from
        // whichever folder, keeps `build` and `check` agreeing, keeps absolute paths out of the
        // output, and keeps the configs' content hashes (so unchanged services are not restarted).
        stack.sourcePath = ManifestFile.headerPath(file)
        // deploy.sh runs from the output folder and finds build contexts beside the manifest.
        let outputFolder = URL(fileURLWithPath: output).appendingPathComponent(stack.name).standardizedFileURL.path
        let manifestFolder = URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL.path
        let result = BuildPipeline.build(
            stack, sourceDirectory: ManifestFile.displayPath(manifestFolder, workingDirectory: outputFolder),
            files: FilesBesideManifest.read(stack, manifest: file))
        // The build's warnings among the check's, in file order as every diagnostic is.
        var all = DiagnosticBag()
        all.report(contentsOf: checked.diagnostics + input.located(result.diagnostics))
        printer.add(all.sorted, source: source)
        // Contributions that contradict each other: a mistake in stackc; write nothing. With
        // --strict, a warning stops the build as well.
        if result.hasErrors || (strict && !all.sorted.isEmpty) {
            printer.finish()
            throw ExitCode(1)
        }
        return (stack, result)
    }

    /// `<output>/<stack>`.
    func folder(for stack: ResolvedStack) -> OutputFolder {
        OutputFolder(root: URL(fileURLWithPath: output).appendingPathComponent(stack.name))
    }
}

/// `stackc build FILE [-o DIR]`: writes `DIR/<stack>/` atomically, rewriting only what changed.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile a manifest into <output>/<stack>/.",
        discussion:
            "Nothing is written when the manifest has errors. Files stackc wrote before and no longer produces are removed; other files are left alone."
    )

    @OptionGroup var options: BuildOptions

    func run() throws {
        let (stack, result) = try options.compile()
        let folder = options.folder(for: stack)
        let changes: OutputFolder.Changes
        do {
            changes = try folder.write(result.tree) { Self.sayWaiting(folder) }
        } catch {
            let reason = (error as? OutputFolderError)?.description ?? Self.describe(error)
            Terminal.err("stackc: cannot write '\(folder.root.path)': \(reason)\n")
            throw ExitCode(2)
        }
        if options.format == .text {
            Terminal.out(
                "\(options.output)/\(stack.name): \(changes.written.count) written, \(changes.unchanged.count) unchanged, \(changes.removed.count) removed\n"
            )
        }
    }
}

/// `stackc check FILE [--diff]`: lint, and fail when the committed output differs from what
/// build would write.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Lint a manifest and fail when its committed output is stale.",
        discussion:
            "Exit status: 0 when the output is exactly what build writes, 1 when the manifest has errors or the output is stale, missing or has extra files, 2 for usage or I/O errors."
    )

    @OptionGroup var options: BuildOptions

    @Flag(help: "Show a unified diff of each stale file.")
    var diff = false

    func run() throws {
        var printer = DiagnosticPrinter(format: options.format)
        let (stack, result) = try options.compile(into: &printer)
        let folder = options.folder(for: stack)
        let staleness = folder.compare(result.tree) { BuildCommand.sayWaiting(folder) }
        let prefix = "\(options.output)/\(stack.name)/"
        // In the tools' formats, each file that differs is an F003 error of its own, after the
        // manifest's diagnostics: a CI annotation or code-scanning alert names the file.
        if options.format != .text {
            printer.add(staleness.diagnostics(prefix: prefix, manifest: options.file), source: nil)
        }
        printer.finish()
        guard !staleness.isClean else { return }
        var report = "stackc: \(prefix) is not what 'stackc build \(options.file)' writes:\n"
        report += staleness.stale.map { "  stale:   \(prefix)\($0)\n" }.joined()
        report += staleness.missing.map { "  missing: \(prefix)\($0)\n" }.joined()
        report += staleness.extra.map { "  extra:   \(prefix)\($0)\n" }.joined()
        report += "run 'stackc build \(options.file)' and commit the result\n"
        Terminal.err(report)
        if diff {
            for path in staleness.stale {
                guard
                    let expected = path == OutputFolder.recordName
                        ? OutputFolder.record(result.tree) : result.tree.file(path)?.contents
                else { continue }
                Terminal.out(
                    UnifiedDiff.diff(
                        committedPath: folder.root.appendingPathComponent(path), label: prefix + path,
                        expected: expected))
            }
        }
        throw ExitCode(1)
    }
}

extension BuildCommand {
    /// Another stackc is writing the output: say so once, then wait for it.
    static func sayWaiting(_ folder: OutputFolder) {
        Terminal.err("stackc: busy: another stackc is writing '\(folder.root.path)'; waiting for it\n")
    }

    /// An error from writing files, for the user: the C library's words for a system error.
    static func describe(_ error: Error) -> String {
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo["NSUnderlyingError"] as? POSIXError {
            return String(cString: strerror(underlying.code.rawValue))
        }
        return String(describing: error)
    }
}
