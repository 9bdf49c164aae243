import StackDiagnostics
import Testing

@testable import StackCompiler

/// The compiler's half of the Swift front end, without compiling anything: the JSON form a
/// description hands over is read, its problems are reported, and every diagnostic of the
/// checks lands on the Swift call the form names for that place.
@Suite struct SwiftDescriptionReadTests {
    /// A description's source: the marked lines are the calls the JSON below names.
    static let swift = SourceFile(
        path: "stack.swift",
        text: """
            import StackDescription
            let stack = Stack("demo", domain: "demo.test") {
                Databases { Database("pg", engine: .postgres) }
                Apps {
                    App("web", image: "nginx:1.27-alpine", port: 80, host: "www")
                    /* é */ App(
                        "shop", image: "nginx:1.27-alpine", port: 80, host: "www", database: "nope")
                }
            }

            """)

    /// The JSON form of `swift` (as StackDescription writes it; columns are the `(`s).
    static func interchange(version: Int = 1, shopHost: String = "www") -> [UInt8] {
        func at(_ path: String, _ line: Int, _ column: Int) -> String {
            "{\"path\":[\(path)],\"file\":\"stack.swift\",\"fileID\":\"m/stack.swift\",\"line\":\(line),\"column\":\(column)}"
        }
        let locations = [
            at("\"stackc\"", 2, 18), at("\"name\"", 2, 18), at("\"domain\"", 2, 18), at("\"databases\"", 3, 5),
            at("\"databases\",\"pg\"", 3, 25), at("\"databases\",\"pg\",\"engine\"", 3, 25), at("\"apps\"", 4, 5),
            at("\"apps\",\"web\"", 5, 12), at("\"apps\",\"web\",\"image\"", 5, 12),
            at("\"apps\",\"web\",\"port\"", 5, 12),
            at("\"apps\",\"web\",\"host\"", 5, 12), at("\"apps\",\"shop\"", 6, 21),
            at("\"apps\",\"shop\",\"image\"", 6, 21), at("\"apps\",\"shop\",\"port\"", 6, 21),
            at("\"apps\",\"shop\",\"host\"", 6, 21), at("\"apps\",\"shop\",\"database\"", 6, 21),
        ]
        let manifest =
            "{\"stackc\":1,\"name\":\"demo\",\"domain\":\"demo.test\",\"databases\":{\"pg\":{\"engine\":\"postgres\"}},"
            + "\"apps\":{\"web\":{\"image\":\"nginx:1.27-alpine\",\"port\":80,\"host\":\"www\"},"
            + "\"shop\":{\"image\":\"nginx:1.27-alpine\",\"port\":80,\"host\":\"\(shopHost)\",\"database\":\"nope\"}}}"
        return Array(
            "{\"stackDescription\":\(version),\"manifest\":\(manifest),\"locations\":[\(locations.joined(separator: ","))]}\n"
                .utf8)
    }

    @Test func theChecksReportAtTheSwiftCalls() throws {
        let description = try SwiftDescription.read(interchange: Self.interchange(), source: Self.swift).get()
        let result = StackCompiler.lint(description)
        #expect(result.stack == nil)
        let byCode = Dictionary(grouping: result.diagnostics, by: \.code.rawValue)
        // The clash and the unknown database at the second App(, whose name starts after a
        // comment with a two-byte character (column 17 in characters, 18 in bytes).
        let clash = try #require(byCode["E203"]?.first)
        #expect(clash.path == "stack.swift")
        #expect(clash.span?.start == SourceLocation(line: 6, column: 17))
        #expect(clash.span?.length == 3)
        #expect(clash.notes.first?.span?.start == SourceLocation(line: 5, column: 9))
        let unknown = try #require(byCode["E201"]?.first)
        #expect(unknown.span?.start == SourceLocation(line: 6, column: 17))
        // Rendered with the Swift line and the caret under `App`.
        let text = DiagnosticRenderer(colored: false).render(clash, source: Self.swift)
        #expect(text.contains("stack.swift:6:17: error[E203]"), "\(text)")
        #expect(text.contains("/* é */ App(\n   |" + String(repeating: " ", count: 17) + "^^^\n"), "\(text)")
    }

    @Test func aCleanDescriptionChecksCleanAndResolves() throws {
        var json = String(decoding: Self.interchange(shopHost: "shop"), as: UTF8.self)
        json = json.replacingOccurrences(of: "\"database\":\"nope\"", with: "\"database\":\"pg\"")
        let description = try SwiftDescription.read(interchange: Array(json.utf8), source: Self.swift).get()
        let result = StackCompiler.check(description, files: nil)
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.message))")
        #expect(result.stack?.apps.map(\.name).sorted() == ["shop", "web"])
    }

    @Test func theProgramsOwnErrorsAreLocated() throws {
        let json =
            "{\"stackDescription\":1,\"errors\":[{\"message\":\"'apps' has 'web' twice; give each name once\","
            + "\"file\":\"stack.swift\",\"fileID\":\"m/stack.swift\",\"line\":5,\"column\":12},{\"message\":\"no place\"}]}"
        let failure = try #require(SwiftDescription.read(interchange: Array(json.utf8), source: Self.swift).failure)
        let diagnostics = failure.diagnostics
        #expect(diagnostics.map(\.code.rawValue) == ["E112", "E112"])
        #expect(
            diagnostics.contains {
                $0.span?.start == SourceLocation(line: 5, column: 9) && $0.message.contains("twice")
            })
        #expect(diagnostics.contains { $0.span == nil && $0.message == "no place" })
    }

    @Test func anUnreadableFormIsTheDescriptionsFailure() throws {
        let cases: [(bytes: [UInt8], reason: String)] = [
            (Array("not json at all: [".utf8), "not the JSON form"),
            (Array("[1, 2]".utf8), "not the JSON form"),
            (Self.interchange(version: 2), "version 2; this stackc reads version 1"),
            (Array("{\"stackDescription\":1}".utf8), "no manifest and no errors"),
        ]
        for (bytes, reason) in cases {
            let failure = try #require(SwiftDescription.read(interchange: bytes, source: Self.swift).failure)
            let diagnostic = try #require(failure.diagnostics.first)
            #expect(diagnostic.code.rawValue == "E111")
            #expect(diagnostic.message.contains(reason), "\(diagnostic.message)")
        }
    }

    @Test func aCallSpanStartsAtTheCalleesName() {
        let source = SourceFile(
            path: "s.swift", text: "Apps {\n    Cluster.Docker(metrics: true)\n    x = (1)\n")
        // A trailing closure: the column of its brace; a qualified name; no name before `(`.
        #expect(DescriptionLocations.callSpan(line: 1, column: 6, in: source).start.column == 1)
        #expect(DescriptionLocations.callSpan(line: 1, column: 6, in: source).length == 4)
        let docker = DescriptionLocations.callSpan(line: 2, column: 19, in: source)
        #expect(docker.start == SourceLocation(line: 2, column: 5) && docker.length == 14)
        #expect(DescriptionLocations.callSpan(line: 3, column: 9, in: source).start.column == 9)
        // Out of range: kept as given, never a crash.
        #expect(
            DescriptionLocations.callSpan(line: 40, column: 3, in: source).start == SourceLocation(line: 40, column: 3))
        #expect(DescriptionLocations.callSpan(line: 2, column: 500, in: source).start.column == 500)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
