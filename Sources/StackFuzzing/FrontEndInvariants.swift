import StackCompiler
import StackDiagnostics
import YAML

/// What must hold for any bytes given to stackc as a manifest, whatever they are: the checks a
/// fuzzer runs on every input (`stackc-fuzz`), and the regression tests on every input a fuzzer
/// once found (`Tests/Fuzz/regressions`). More than "no crash":
///
/// - the diagnostics are in the order they are shown (errors first, each group in file order),
///   and every place, a note's included, lies inside the input;
/// - a manifest has a stack exactly when it has no error;
/// - a clean manifest builds, without contributions that contradict each other (`E900`);
/// - a build is deterministic: twice, the same files, byte for byte;
/// - with the source map, the same files, and one origin for each of their lines;
/// - the generated `stack.yml` (and every other YAML or JSON file) reads back with stackc's own
///   YAML reader without a problem.
public enum FrontEndInvariants {
    /// The path inputs are read under.
    public static let path = "fuzz.yml"

    /// Every invariant `bytes` breaks, in words; empty when all hold.
    public static func violations(of bytes: [UInt8]) -> [String] {
        let source = SourceFile(path: path, bytes: bytes)
        let checked = StackCompiler.check(source)
        var problems = placeProblems(checked.diagnostics, in: bytes)
        problems += orderProblems(checked.diagnostics)
        if checked.hasErrors != (checked.stack == nil) {
            problems.append("errors: \(checked.hasErrors), but a stack: \(checked.stack != nil)")
        }
        guard let stack = checked.stack else { return problems }
        let first = BuildPipeline.build(stack, files: FilesRead())
        if let conflict = first.diagnostics.first(where: { $0.code.rawValue == "E900" }) {
            problems.append("a clean manifest does not build: \(conflict.message)")
        }
        let second = BuildPipeline.build(stack, files: FilesRead())
        if first.tree != second.tree {
            let differing = zip(first.tree.files, second.tree.files).filter { $0 != $1 }.map(\.0.path)
            problems.append(
                "two builds differ: \(differing) (\(first.tree.files.count) and \(second.tree.files.count) files)")
        }
        if first.tree.file("stack.yml") == nil { problems.append("a clean build has no stack.yml") }
        // The source map: the same files, and one origin for each of their lines.
        let mapped = BuildPipeline.build(stack, files: FilesRead(), sourceMap: true).tree
        if mapped != first.tree { problems.append("a build with the source map writes other files") }
        for file in mapped.files {
            // Lines as an editor numbers them: a last line without a line break counts.
            let breaks = file.contents.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let lines = breaks + (file.contents.utf8.last.map { $0 != 0x0A } ?? false ? 1 : 0)
            if file.origins.count != lines || file.origin(ofLine: 1)?.producer.hasSuffix("(lost its line map)") == true
            {
                problems.append("out/\(file.path): \(file.origins.count) origins for \(lines) lines")
            }
        }
        for file in first.tree.files
        where file.path.hasSuffix(".yml") || file.path.hasSuffix(".yaml") || file.path.hasSuffix(".json") {
            var bag = DiagnosticBag()
            _ = YAMLReader().read(SourceFile(path: "out/" + file.path, bytes: Array(file.contents.utf8)), into: &bag)
            if let error = bag.errors.first {
                problems.append(
                    "out/\(file.path) does not read back: \(error.code) \(error.message) at \(error.span?.start.description ?? "?")"
                )
            }
        }
        return problems
    }

    /// Places outside the input: a line past its last, a column past its line's end.
    static func placeProblems(_ diagnostics: [Diagnostic], in bytes: [UInt8]) -> [String] {
        // Each line's length in bytes (a column counts characters, never more than bytes); lines
        // end as YAML ends them: a line feed, a carriage return and line feed, or a carriage
        // return alone.
        var lineLengths: [Int] = [0]
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A || (byte == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A)) {
                lineLengths.append(0)
            } else if byte != 0x0D {
                lineLengths[lineLengths.count - 1] += 1
            }
        }
        var problems: [String] = []
        func check(_ span: SourceSpan?, _ what: String) {
            guard let span else { return }
            let place = "\(what) at \(span.start)"
            guard span.file.path == path else {
                problems.append("\(place) is in another file, '\(span.file.path)'")
                return
            }
            guard span.start.line >= 1, span.start.line <= lineLengths.count else {
                problems.append("\(place): the input has \(lineLengths.count) lines")
                return
            }
            let length = lineLengths[span.start.line - 1]
            if span.start.column < 1 || span.start.column > length + 1 {
                problems.append("\(place): line \(span.start.line) has \(length) bytes")
            }
            if span.length < 0 { problems.append("\(place) has a negative length") }
        }
        for diagnostic in diagnostics {
            check(diagnostic.span, "\(diagnostic.code)")
            for note in diagnostic.notes { check(note.span, "a note of \(diagnostic.code)") }
        }
        return problems
    }

    /// Diagnostics out of the order they are shown in: errors before warnings, each group by
    /// place (a diagnostic without one first).
    static func orderProblems(_ diagnostics: [Diagnostic]) -> [String] {
        func key(_ diagnostic: Diagnostic) -> (Int, Int, Int) {
            let start = diagnostic.span?.start ?? SourceLocation(line: 0, column: 0)
            return (diagnostic.severity == .error ? 0 : 1, start.line, start.column)
        }
        var problems: [String] = []
        for (earlier, later) in zip(diagnostics, diagnostics.dropFirst()) where key(later) < key(earlier) {
            problems.append("\(later.code) at \(key(later)) comes after \(earlier.code) at \(key(earlier))")
        }
        return problems
    }
}
