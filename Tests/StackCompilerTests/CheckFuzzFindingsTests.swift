import StackDiagnostics
import Testing

@testable import StackCompiler

/// What a first fuzzing run of the checker found (issue 20): `depends_on` cycles whose report
/// grew with the square of the apps, and values accepted that Docker, DNS or cron do not.
@Suite struct CheckFuzzFindingsTests {
    func lint(_ text: String) -> [Diagnostic] {
        StackCompiler.lint(SourceFile(path: "fuzz.yml", bytes: Array(text.utf8))).diagnostics
    }

    /// The issue's manifest: `count` apps sharing one aliased `depends_on` list of all of them
    /// (each waits for every other, and for itself).
    static func everyAppWaitsForEveryOther(_ count: Int) -> String {
        let names = (0..<count).map { "a\($0)" }
        return "stackc: 1\nname: t\nx-d: &d [" + names.joined(separator: ",") + "]\n"
            + "x-a: &a {image: 'nginx:1.27', depends_on: *d}\napps:\n"
            + names.map { " \($0): *a\n" }.joined()
    }

    // MARK: depends_on cycles

    /// One error per group of apps that wait for each other, however many cycles it holds: 450
    /// apps with 202,500 dependencies give one E202 (the first run gave one per back edge, each
    /// with its whole path: 208 MB of output), and nothing else but the one warning per app
    /// the image gives.
    @Test(arguments: [2, 30, 450])
    func aGroupOfAppsWaitingForEachOtherIsOneError(count: Int) {
        let diagnostics = lint(Self.everyAppWaitsForEveryOther(count))
        let cycles = diagnostics.filter { $0.code == Codes.dependencyCycle }
        #expect(cycles.count == 1, "\(cycles.map(\.message))")
        #expect(diagnostics.filter { $0.severity == .error }.count == 1)
        // The shortest example: the first app waits for itself.
        #expect(cycles.first?.message == "'depends_on' forms a cycle: 'a0' → 'a0'; \(count) apps wait for each other")
        #expect(diagnostics.count <= count + 1, "at most one diagnostic per app besides: \(diagnostics.count)")
    }

    @Test func separateGroupsAreSeparateErrorsWithTheirShortestCycle() {
        let diagnostics = lint(
            """
            stackc: 1
            name: t
            apps:
              a: {image: 'nginx:1.27', depends_on: [b, c]}
              b: {image: 'nginx:1.27', depends_on: [c]}
              c: {image: 'nginx:1.27', depends_on: [a]}
              d: {image: 'nginx:1.27', depends_on: [e, a]}
              e: {image: 'nginx:1.27', depends_on: [d]}
              f: {image: 'nginx:1.27', depends_on: [a, d]}
            """)
        #expect(
            diagnostics.filter { $0.code == Codes.dependencyCycle }.map(\.message).sorted() == [
                "'depends_on' forms a cycle: 'a' → 'c' → 'a'; 3 apps wait for each other",
                "'depends_on' forms a cycle: 'd' → 'e' → 'd'",
            ])
        // Each at the dependency that closes its example: c's 'a' (line 6), e's 'd' (line 8).
        #expect(
            diagnostics.filter { $0.code == Codes.dependencyCycle }.compactMap { $0.span?.start.line }.sorted()
                == [6, 8])
    }

    @Test func aLongCycleIsShortenedInTheMessage() {
        let names = (0..<40).map { "s\($0)" }
        let apps = names.indices.map {
            "  \(names[$0]): {image: 'nginx:1.27', depends_on: [\(names[($0 + 1) % 40])]}\n"
        }
        let diagnostics = lint("stackc: 1\nname: t\napps:\n" + apps.joined())
        let message = try? #require(diagnostics.first { $0.code == Codes.dependencyCycle }?.message)
        #expect(
            message
                == "'depends_on' forms a cycle: 's0' → 's1' → 's2' → 's3' → 's4' → 's5' → … (29 more) → 's35' → 's36' → 's37' → 's38' → 's39' → 's0'"
        )
    }

    // MARK: Values

    @Test func aHostTooLongUnderTheDomainIsRefused() {
        let label = String(repeating: "h", count: 63)
        let host = [label, label, label, String(repeating: "h", count: 60)].joined(separator: ".")
        #expect(SyntaxDecoder.isHostName(host + "x"), "each is a valid name on its own (\(host.count) characters)")
        let diagnostics = lint(
            """
            stackc: 1
            name: t
            domain: example.org
            apps:
              web: {image: 'nginx:1.27', port: 80, host: \(host)x}
              ok: {image: 'nginx:1.27', port: 80, host: \(String(repeating: "o", count: 63))}
            """)
        let refused = diagnostics.filter { $0.code == Codes.invalidValue }
        #expect(refused.count == 0, "a full name is not expanded: \(refused.map(\.message))")
        let short = lint(
            """
            stackc: 1
            name: t
            domain: \([label, label, label].joined(separator: ".")).org
            apps:
              web: {image: 'nginx:1.27', port: 80, host: \(String(repeating: "w", count: 63))}
              ok: {image: 'nginx:1.27', port: 80, host: ok}
            """)
        let long = short.filter { $0.code == Codes.invalidValue }
        #expect(long.count == 1, "\(short.map(\.message))")
        #expect(long.first?.message.contains("a name of 259 characters") == true, "\(long.map(\.message))")
        #expect(long.first?.span?.start.line == 5)
    }

    @Test(arguments: [("1e-320", false), ("0.001", false), ("0", false), ("0.01", true), ("0.5", true), ("1024", true)])
    func cpusBelowDockersHundredthAreRefused(value: String, accepted: Bool) {
        let diagnostics = lint(
            "stackc: 1\nname: t\napps:\n  web: {image: 'nginx:1.27', resources: {cpus: \(value), memory: 64M}}\n")
        #expect(diagnostics.contains { $0.code == Codes.invalidValue } == !accepted, "\(diagnostics.map(\.message))")
    }

    @Test(arguments: [
        ("*/9223372036854775807 3 * * *", false), ("*/61 3 * * *", false), ("0 */25 * * *", false),
        ("0 3 * * */9", false), ("*/60 3 * * *", true), ("*/15 */6 */2 */3 */7", true),
    ])
    func cronStepsBeyondTheFieldAreRefused(schedule: String, accepted: Bool) {
        let diagnostics = lint(
            """
            stackc: 1
            name: t
            apps:
              web: {image: 'nginx:1.27', volumes: {data: /data}, backup: '\(schedule)'}
            """)
        #expect(diagnostics.contains { $0.code == Codes.invalidFormat } == !accepted, "\(diagnostics.map(\.message))")
    }
}
