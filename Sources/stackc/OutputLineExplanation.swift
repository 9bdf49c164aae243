import ArgumentParser
import FoundationEssentials
import StackCompiler
import StackDiagnostics

/// `stackc explain out/<stack>/FILE:LINE`: which pass wrote a line of the output, and from which
/// manifest keys. The manifest is the one the output folder's `stack.yml` names in its header;
/// it is built again in memory, and its source map (`OutputTree.File.origins`) read. A
/// committed line that differs from the rebuilt one is stale: nothing is explained.
enum OutputLineExplanation {
    /// The file and line `argument` names: `PATH:LINE`, or `PATH:LINE:COLUMN` as a diagnostic
    /// gives it (the column is ignored, as is a final `:`); nil for anything else.
    static func fileLine(_ argument: String) -> (path: String, line: Int)? {
        var parts = argument.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count > 2, parts.last?.isEmpty == true { parts.removeLast() }
        if parts.count > 2, isNumber(parts[parts.count - 1]), isNumber(parts[parts.count - 2]) { parts.removeLast() }
        guard parts.count >= 2, isNumber(parts[parts.count - 1]), let line = Int(parts[parts.count - 1]), line >= 1
        else { return nil }
        let path = parts.dropLast().joined(separator: ":")
        return path.isEmpty ? nil : (path, line)
    }

    private static func isNumber(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Whether `argument` names a line of a file (`PATH:LINE`) rather than a diagnostic code.
    static func isFileLine(_ argument: String) -> Bool { fileLine(argument) != nil }

    /// Whether `argument`, which is no `PATH:LINE`, was meant as one: what comes before its
    /// first `:` is empty, a path, or a file (`stack.yml:abc`, `:0`), not a word.
    static func meantAsFileLine(_ argument: String) -> Bool {
        guard let colon = argument.firstIndex(of: ":") else { return false }
        let before = argument[..<colon]
        return before.isEmpty || before.contains("/") || before.contains(".")
            || FileManager.default.fileExists(atPath: String(before))
    }

    /// The message for an argument that is not `FILE:LINE`.
    static func notFileLine(_ argument: String) -> String {
        "error: '\(argument)' is not FILE:LINE (for example out/campus/stack.yml:12)\n"
    }

    /// Prints the explanation of `argument` (`PATH:LINE`) in `format` (text or json); returns the
    /// exit status: 0 explained, 1 stale or unknown line, 2 unreadable.
    static func run(_ argument: String, format: OutputFormat) -> Int32 {
        guard let (path, line) = fileLine(argument) else {
            Terminal.err(notFileLine(argument))
            return 2
        }
        do {
            let explanation = try explain(path: path, line: line)
            Terminal.out(format == .json ? explanation.json : explanation.text)
            return 0
        } catch let failure as Failure {
            Terminal.err(errorLine(failure.message))
            return failure.status
        } catch {
            Terminal.err(errorLine("\(error)"))
            return 2
        }
    }

    /// `message` as one error: `error: ` once (not before another `stackc: `), a final line break.
    static func errorLine(_ message: String) -> String {
        var text = Substring(message)
        if text.hasPrefix("stackc: ") { text = text.dropFirst("stackc: ".count) }
        while text.hasSuffix("\n") { text = text.dropLast() }
        return "error: \(text)\n"
    }

    struct Failure: Error {
        var message: String
        var status: Int32
    }

    /// One key of a line's origin, where the manifest writes it.
    struct Key {
        var path: ManifestKeyPath
        var location: ManifestKeyLocation?
    }

    struct Explanation {
        var file: String
        var line: Int
        var lineText: String
        /// The manifest it was built from; nil for stackc's record of the files it wrote.
        var manifest: String?
        var origin: OutputOrigin
        var keys: [Key]
    }

    /// Rebuilds the manifest the output folder of `path` was built from, and finds the line.
    static func explain(path: String, line: Int) throws -> Explanation {
        let file = URL(fileURLWithPath: path).standardizedFileURL
        // The stack's folder: the nearest folder above the file with a stack.yml.
        var folder = file.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("stack.yml").path) {
            let parent = folder.deletingLastPathComponent()
            guard parent.path != folder.path else {
                throw Failure(
                    message: "'\(path)' is not inside a folder stackc built (no stack.yml above it)", status: 2)
            }
            folder = parent
        }
        let relative = String(file.path.dropFirst(folder.path.count + 1))
        let committed = try readText(file.path, shown: path)
        let committedLines = lines(committed)
        // Only what stackc recorded as written is its (a folder without the record: all).
        let recorded = OutputFolder(root: folder).recordedPaths()
        if relative == OutputFolder.recordName {
            guard line <= committedLines.count else {
                throw Failure(message: "'\(path)' has \(committedLines.count) lines, not \(line)", status: 1)
            }
            return Explanation(
                file: path, line: line, lineText: String(committedLines[line - 1]), manifest: nil,
                origin: OutputOrigin(producer: "stackc build", keys: [], isStructure: true), keys: [])
        }
        if !recorded.isEmpty, !recorded.contains(relative) {
            throw Failure(
                message: "stackc did not make '\(relative)' (it is not in \(OutputFolder.recordName))", status: 1)
        }
        let manifest = try manifestPath(folder: folder)
        let source: SourceFile
        switch ManifestFile.read(manifest) {
        case .failure(let error): throw Failure(message: error.message, status: 2)
        case .success(let read): source = read
        }
        let tree = try build(manifest: manifest, source: source, outputRoot: folder.deletingLastPathComponent().path)
        guard let rebuilt = tree.file(relative) else {
            throw Failure(
                message:
                    "\(manifest) no longer makes '\(relative)': the output is stale; run: stackc build \(manifest)",
                status: 1)
        }
        let rebuiltLines = lines(rebuilt.contents)
        guard line <= committedLines.count else {
            throw Failure(message: "'\(path)' has \(committedLines.count) lines, not \(line)", status: 1)
        }
        guard line <= rebuiltLines.count, committedLines[line - 1] == rebuiltLines[line - 1],
            let origin = rebuilt.origin(ofLine: line)
        else {
            throw Failure(
                message:
                    "line \(line) of '\(path)' is not what \(manifest) makes now: the output is stale; run: stackc build \(manifest)",
                status: 1)
        }
        let keys = origin.keys.map { Key(path: $0, location: ManifestKeyLocation.find($0, in: source)) }
        return Explanation(
            file: path, line: line, lineText: String(committedLines[line - 1]), manifest: manifest, origin: origin,
            keys: keys)
    }

    /// The manifest named in the header of the folder's `stack.yml` (`# Generated by stackc from
    /// PATH; do not edit.`). PATH is relative to the root of the repository the manifest is in
    /// (`ManifestFile.headerPath`), or, outside one, to where the build ran: it is looked for
    /// from the root of the output folder's repository (the nearest folder above it with a
    /// `.git`), then from the working directory, then from the folder's grandparent (the
    /// repository of `out/<stack>/`). Given as a path from the working directory.
    static func manifestPath(folder: URL) throws -> String {
        let stackFile = folder.appendingPathComponent("stack.yml").path
        let text = try readText(stackFile, shown: stackFile)
        let prefix = "# Generated by stackc from "
        let suffix = "; do not edit."
        guard let header = lines(text).first(where: { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }) else {
            throw Failure(message: "\(stackFile) does not say which manifest it was built from", status: 2)
        }
        let named = String(header.dropFirst(prefix.count).dropLast(suffix.count))
        if named.hasPrefix("/") {
            if FileManager.default.fileExists(atPath: named) { return ManifestFile.displayPath(named) }
        } else {
            let working = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let bases =
                (repositoryRoot(above: folder).map { [$0] } ?? []) + [
                    working, folder.deletingLastPathComponent().deletingLastPathComponent(),
                ]
            for base in bases {
                let candidate = base.appendingPathComponent(named).standardizedFileURL.path
                if FileManager.default.fileExists(atPath: candidate) { return ManifestFile.displayPath(candidate) }
            }
        }
        throw Failure(message: "the manifest '\(named)' that \(stackFile) was built from is not found", status: 2)
    }

    /// The nearest folder at or above `folder` with a `.git`, if any.
    static func repositoryRoot(above folder: URL) -> URL? {
        var current = folder.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: current.appendingPathComponent(".git").path) { return current }
            let parent = current.deletingLastPathComponent()
            guard parent.path != current.path else { return nil }
            current = parent
        }
    }

    /// The manifest built as `stackc build` builds it, into the tree in memory.
    static func build(manifest: String, source: SourceFile, outputRoot: String) throws -> OutputTree {
        let input: ManifestInput
        switch ManifestInput.load(manifest, echoCompiler: false) {
        case .failure(let error): throw Failure(message: error.message, status: 2)
        case .success(let read): input = read
        }
        let checked = input.check { FilesBesideManifest.read($0, manifest: manifest) }
        guard var stack = checked.stack else {
            throw Failure(message: "\(manifest) has errors: run stackc lint \(manifest)", status: 1)
        }
        stack.sourcePath = ManifestFile.headerPath(manifest)
        let outputFolder = URL(fileURLWithPath: outputRoot).appendingPathComponent(stack.name).standardizedFileURL.path
        let manifestFolder = URL(fileURLWithPath: manifest).deletingLastPathComponent().standardizedFileURL.path
        let result = BuildPipeline.build(
            stack, sourceDirectory: ManifestFile.displayPath(manifestFolder, workingDirectory: outputFolder),
            files: FilesBesideManifest.read(stack, manifest: manifest), sourceMap: true)
        guard !result.hasErrors else { throw Failure(message: "\(manifest) does not build", status: 1) }
        return result.tree
    }

    static func readText(_ path: String, shown: String) throws -> String {
        switch ManifestFile.read(path) {
        case .failure(let error): throw Failure(message: error.message, status: 2)
        case .success(let read): return String(decoding: read.bytes, as: UTF8.self)
        }
    }

    /// The lines of a text, without their line breaks.
    static func lines(_ text: String) -> [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }
}

extension OutputLineExplanation.Explanation {
    /// The line, who wrote it, and each key with its place and text in the manifest.
    var text: String {
        var out = "\(file):\(line): \(lineText)\n"
        guard let manifest else {
            return out + "  stackc's record of the files it wrote (\(OutputFolder.recordName)), made by stackc build\n"
        }
        out +=
            origin.isStructure
            ? "  layout of \(origin.producer) (no manifest key of its own; it belongs to the keys below)\n"
            : "  written by \(origin.producer)\n"
        for key in keys {
            if let location = key.location {
                out += "  from \(key.path)  \(manifest):\(location.line):\(location.column)  \(location.text)\n"
            } else if manifest.hasSuffix(".swift") {
                out += "  from \(key.path)  (in the manifest \(manifest) describes)\n"
            } else {
                out += "  from \(key.path)  (not written in \(manifest): a default)\n"
            }
        }
        return out
    }

    var json: String {
        let keys = keys.map { key -> String in
            var members = ["\"key\": \(JSONQuoting.quote(key.path.description))"]
            if let location = key.location {
                members += [
                    "\"line\": \(location.line)", "\"column\": \(location.column)",
                    "\"text\": \(JSONQuoting.quote(location.text))",
                ]
            }
            return "{" + members.joined(separator: ", ") + "}"
        }
        return """
            {"file": \(JSONQuoting.quote(file)), "line": \(line), "text": \(JSONQuoting.quote(lineText)), \
            "producer": \(JSONQuoting.quote(origin.producer)), "structure": \(origin.isStructure), \
            "manifest": \(manifest.map { JSONQuoting.quote($0) } ?? "null"), "keys": [\(keys.joined(separator: ", "))]}

            """
    }
}
