import StackDiagnostics
import Testing

@testable import YAML

/// Strings that some YAML reader would turn into something else if written plain, or that
/// break YAML syntax: each must come back as the same string from every reader.
let trickyStrings: [String] = [
    // Empty and whitespace.
    "", " ", "  ", " a", "a ", " a ", "\t", "a\tb", "\ta", "a\t",
    // YAML 1.1 booleans and nulls in every casing, and their 1.2 cousins.
    "y", "Y", "n", "N", "yes", "Yes", "YES", "yEs", "no", "No", "NO", "on", "On", "ON", "oN", "off", "Off", "OFF",
    "true", "True", "TRUE", "false", "False", "FALSE", "~", "null", "Null", "NULL", "nULL",
    // Numbers: YAML 1.1, YAML 1.2 core, and what go-yaml's strconv accepts.
    "0", "-0", "1", "-1", "+1", "007", "0777", "00123", "0o17", "0x1F", "0X1f", "0b1010", "-0b1", "0x1p-2",
    "1_000", "1e3", "1E3", "1e+3", "1.0e-05", "1.", ".5", "+.5", "-.5", "1.5", "3.8", "1.27", "-1.5", "1e",
    ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "inf", "Inf", "NaN", "nan", "infinity",
    "+infinity", "-Infinity", "+Inf",
    // Sexagesimals, ports and times.
    "12:30", "190:20:30", "190:20:30.15", "22:22", "8080:80", "1:2", "0:0", "127.0.0.1:8080:80",
    // Timestamps.
    "2024-01-01", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z",
    // Leading indicators.
    "*a", "&a", "!a", "!!str", "-", "--", "- a", "-a", "-1a", ":", ":a", "::", "?", "? a", "?a", "|", "|-", ">", ">-",
    "%x", "%YAML 1.2", "@x", "`x`", "'x", "\"x", "#x", "#", ",x", ",", "[x", "[]", "]x", "{x", "{}", "}x",
    "[a, b]", "{a: b}", "<<", "=", "<<x", "=x", "~x", "~/x",
    // Indicators inside.
    "a: b", "key: value", "a:", "ok:", "a::", "a #b", "a#b", "a# b", "a #", "a :b", "a,b", "a, b", "a[b]", "a{b}",
    "a - b", "a ? b", "a | b", "a > b", "a || b", "&&", "x=1", "a!b", "a*b", "a&b", "a%b", "a@b", "a`b",
    // Document markers.
    "---", "...", "--- a", "... a", "...a", "---a",
    // Quotes and escapes.
    "'", "\"", "''", "\"\"", "it's", "say \"hi\"", "'\"'", "\\", "\\n", "\\\"", "C:\\Windows\\", "a\\tb",
    // Shell and compose interpolation.
    "$HOME", "${VAR}", "${VAR:-default}", "$$", "$", "a$b", "sh -c 'echo $$HOSTNAME'",
    // Line breaks and control characters.
    "a\nb", "a\n", "\n", "\n\n", "\na", "a\r\nb", "\r", "a\u{0}b", "\u{0}", "\u{7}", "\u{1B}[31mred\u{1B}[0m",
    "\u{7F}", "a\u{85}b", "a\u{2028}b", "a\u{2029}b", "\u{FEFF}bom", "a\u{FFFE}", "line1\nline2\n",
    // Unicode.
    "café", "日本語", "Ünïcödé", "emoji 😀", "😀", "a\u{301}", "\u{A0}", "a\u{A0}b", "\u{3000}", "a\u{200B}b",
    "\u{10FFFF}", "ü: x", "é #x", "a: \u{301}b", "a \u{301}#b", "a #\u{301}b", "a:\u{301}",
    // Ordinary values that should stay readable.
    "web", "traefik.http.routers.web.rule", "/var/www/html", "nginx:1.27-alpine", "Host(`example.com`)",
    "registry.example.com:5000/app@sha256:0123abcd", "postgres://user:pass@db:5432/app", "--api.insecure=true",
    "node.role == manager", "1.27-alpine", "80/tcp", "10s", "512M", "1G", "1 day", "0.0.0.0", "http://x",
    "a:b", "C:/x", "!important", "x!", "a?", "%", "@", "a,", "a]", "1,000",
    // Long.
    String(repeating: "x", count: 10_000), String(repeating: "word ", count: 2_000) + "end",
    String(repeating: "é", count: 300), String(repeating: "a: ", count: 100),
]

/// Strings that must stay plain so that generated files read like hand-written ones.
let plainStrings: [String] = [
    "web", "nginx", "traefik.http.routers.web.rule", "/var/www/html", "nginx:1.27-alpine", "1.27-alpine",
    "Host(`example.com`)", "registry.example.com:5000/app@sha256:0123abcd", "postgres://user:pass@db:5432/app",
    "node.role == manager", "80/tcp", "10s", "512M", "café", "日本語", "a:b", "http://x", "a#b", "x=1",
    "sh -c 'echo hi'", "${VAR}", "$HOME", "a\u{301}", "overlay", "rw", "ingress", "host",
]

/// Strings that must not be plain, whatever the rest of the rule decides.
let quotedStrings: [String] = [
    "", "on", "off", "yes", "no", "y", "n", "Y", "N", "true", "~", "null", "1e3", "0x1F", "0o17", "0777", "12:30",
    "1_000", ".5", "+1", ".inf", ".NaN", "2024-01-01", "-1", "*a", "&a", "!a", "-", "- a", ":", ":a", "?", "|",
    ">", "%x", "@x", "`x`", "'x", "\"x", "#x", ",x", "[x", "]x", "{x", "}x", "a: b", "key: value", "a #b", "a:",
    " a", "a ", "<<", "=", "8080", "3.8", "---", "...", "a\nb", "a\tb", "a: \u{301}b", "a #\u{301}b",
]

/// The emitter: every string reads back unchanged with our reader and with PyYAML, ordinary
/// values stay plain, and whole documents have the exact expected text.
@Suite struct YAMLEmitterTests {
    // MARK: Round trip

    @Test func trickyStringsReadBackAsTheSameStringsWithOurReader() throws {
        for text in trickyStrings {
            for document in [
                YAMLValue.mapping([("s", .string(text))]), .mapping([(text, .string("v"))]),
                .sequence([.string(text)]), .flowSequence([.string(text)]), .string(text),
            ] {
                let yaml = YAMLEmitter.emit(document)
                let result = read(yaml)
                #expect(
                    result.diagnostics.isEmpty,
                    "\(text.debugDescription) → \(yaml.debugDescription): \(result.diagnostics.map(\.message))")
                if let root = result.root {
                    #expect(matches(root, document), "\(text.debugDescription) → \(yaml.debugDescription)")
                }
            }
        }
    }

    @Test func trickyStringsReadBackAsTheSameStringsWithPyYAML() throws {
        let documents = trickyStrings.flatMap { text in
            [
                YAMLValue.mapping([("s", .string(text))]), .mapping([(text, .string("v"))]),
                .flowSequence([.string(text)]),
            ]
        }
        try expectPyYAMLReadsBack(documents)
    }

    @Test func literalsReadBackWithBothReaders() throws {
        let texts = [
            "line1\nline2\n", "no final newline\nx", "ends with blank lines\n\n\n", "\n", "\n\nafter two\n",
            "  leading spaces\nsecond\n", "trailing spaces  \nx\n", "tab\tinside\n",
            "#!/bin/sh\nset -eu\nexec \"$@\"\n",
            "crlf\r\nline\r\n", "café\n日本\n", "emoji 😀\n", "", "one line", "---\n...\n", "- a\n- b\n",
            "key: value\n# comment\n", " \n", "a\n \nb\n", "x\u{85}y\n", "indent\n    deeper\n  less\n",
        ]
        let documents = texts.flatMap { [YAMLValue.mapping([("s", .literal($0))]), .literal($0)] }
        for document in documents {
            let yaml = YAMLEmitter.emit(document)
            let result = read(yaml)
            #expect(result.diagnostics.isEmpty, "\(yaml.debugDescription)")
            if let root = result.root { #expect(matches(root, document), "\(yaml.debugDescription)") }
            #expect(!yaml.hasSuffix("\n...\n") && yaml != "...\n", "\(yaml.debugDescription)")
        }
        try expectPyYAMLReadsBack(documents)
    }

    @Test func scalarsOfOtherTypesReadBackWithTheirTypes() throws {
        let values: [YAMLValue] = [
            .int(0), .int(-1), .int(42), .int(.max), .int(.min),
            .double(0), .double(-0.0), .double(0.5), .double(0.1), .double(2), .double(-1.25), .double(1e-5),
            .double(1e16), .double(1.5e300), .double(.leastNonzeroMagnitude), .double(123_456.789), .double(.infinity),
            .double(-.infinity), .double(.nan), .bool(true), .bool(false), .null,
        ]
        let documents = values.map { YAMLValue.mapping([("v", $0)]) } + [.sequence(values), .flowSequence(values)]
        for document in documents {
            let yaml = YAMLEmitter.emit(document)
            let root = try #require(read(yaml).root, "\(yaml)")
            #expect(matches(root, document), "\(yaml)")
        }
        try expectPyYAMLReadsBack(documents)
    }

    // MARK: Styles

    @Test(arguments: plainStrings)
    func ordinaryStringsStayPlain(text: String) {
        #expect(YAMLEmitter.style(for: text) == .plain)
        // And libyaml agrees: it did not raise the style on its own.
        #expect(YAMLEmitter.emit(.mapping([("s", .string(text))])) == "s: \(text)\n")
        #expect(YAMLEmitter.emit(.mapping([(text, .int(1))])) == "\(text): 1\n")
    }

    @Test(arguments: quotedStrings)
    func riskyStringsAreQuoted(text: String) {
        #expect(YAMLEmitter.style(for: text) != .plain)
        let yaml = YAMLEmitter.emit(.mapping([("s", .string(text))]))
        #expect(yaml.hasPrefix("s: '") || yaml.hasPrefix("s: \""), "\(yaml.debugDescription)")
    }

    @Test func controlCharactersAndLineBreaksAreDoubleQuotedEscapes() {
        #expect(YAMLEmitter.emit(.mapping([("s", .string("a\nb"))])) == "s: \"a\\nb\"\n")
        #expect(YAMLEmitter.emit(.mapping([("s", .string("a\tb"))])) == "s: \"a\\tb\"\n")
        #expect(YAMLEmitter.emit(.mapping([("s", .string("\u{1B}[0m"))])) == "s: \"\\e[0m\"\n")
        #expect(YAMLEmitter.emit(.mapping([("s", .string("a\u{0}"))])) == "s: \"a\\0\"\n")
    }

    @Test func singleQuotesAreDoubledInsideSingleQuotes() {
        #expect(YAMLEmitter.emit(.mapping([("s", .string("it's on"))])) == "s: it's on\n")
        #expect(YAMLEmitter.emit(.mapping([("s", .string("'quoted'"))])) == "s: '''quoted'''\n")
        #expect(YAMLEmitter.emit(.mapping([("s", .string("on"))])) == "s: 'on'\n")
    }

    @Test func unicodeIsWrittenAsIsExceptBeyondTheBasicPlane() {
        #expect(YAMLEmitter.emit(.mapping([("s", .string("Grüße, 日本"))])) == "s: Grüße, 日本\n")
        #expect(YAMLEmitter.emit(.mapping([("s", .string("\u{A0}"))])) == "s: '\u{A0}'\n")
        // libyaml's emitter counts only the Basic Multilingual Plane as printable, so emoji
        // are written as escapes in double quotes (readers decode them back).
        #expect(YAMLEmitter.emit(.mapping([("s", .string("ok 😀"))])) == "s: \"ok \\U0001F600\"\n")
    }

    @Test func longStringsStayOnOneLine() {
        let text = String(repeating: "word ", count: 2_000) + "end"
        #expect(YAMLEmitter.emit(.mapping([("s", .string(text))])) == "s: \(text)\n")
        let quoted = String(repeating: "a: ", count: 100) + "z"
        #expect(YAMLEmitter.emit(.mapping([("s", .string(quoted))])) == "s: '\(quoted)'\n")
    }

    /// libyaml writes a key longer than 128 characters as an explicit `? key` / `: value` pair,
    /// because implicit keys are limited in length (to 1024 characters by libyaml's reader).
    @Test func longKeysBecomeExplicitKeys() {
        let key = String(repeating: "k", count: 200)
        #expect(YAMLEmitter.emit(.mapping([(key, .int(1))])) == "? \(key)\n: 1\n")
    }

    @Test func doublesUseTheShortestTextEveryReaderTakesForAFloat() {
        #expect(YAMLEmitter.text(of: 0.1) == "0.1")
        #expect(YAMLEmitter.text(of: 2) == "2.0")
        #expect(YAMLEmitter.text(of: -0.0) == "-0.0")
        #expect(YAMLEmitter.text(of: 1e-5) == "1.0e-05")
        #expect(YAMLEmitter.text(of: 1e16) == "1.0e+16")
        #expect(YAMLEmitter.text(of: 1.5e300) == "1.5e+300")
        #expect(YAMLEmitter.text(of: .infinity) == ".inf")
        #expect(YAMLEmitter.text(of: -.infinity) == "-.inf")
        #expect(YAMLEmitter.text(of: .nan) == ".nan")
    }

    // MARK: Documents

    @Test func nestedDocumentHasExactText() {
        let document: YAMLValue = .mapping([
            ("version", .string("3.8")),
            (
                "services",
                .mapping([
                    (
                        "web",
                        .mapping([
                            ("image", .string("nginx:1.27-alpine")),
                            (
                                "command",
                                .flowSequence([
                                    .string("CMD"), .string("curl"), .string("-f"), .string("http://localhost/"),
                                ])
                            ),
                            ("ports", .sequence([.string("80:80"), .string("443:443")])),
                            (
                                "environment",
                                .mapping([("DEBUG", .string("false")), ("WORKERS", .int(4)), ("RATIO", .double(0.5))])
                            ),
                            ("labels", .mapping([("traefik.http.routers.web.rule", .string("Host(`example.com`)"))])),
                            (
                                "deploy",
                                .mapping([
                                    ("replicas", .int(2)),
                                    (
                                        "placement",
                                        .mapping([("constraints", .sequence([.string("node.role == manager")]))])
                                    ),
                                ])
                            ),
                            (
                                "volumes",
                                .sequence([.mapping([("type", .string("bind")), ("source", .string("/srv/www"))])])
                            ),
                            ("entrypoint", .literal("#!/bin/sh\nset -eu\nexec nginx\n")),
                            ("secrets", .sequence([])),
                            ("extra_hosts", .mapping([])),
                            ("user", .null),
                            ("init", .bool(true)),
                        ])
                    )
                ])
            ),
        ])
        let expected = """
            # Generated by stackc from campus.yml.
            #
            # Do not edit.
            version: '3.8'
            services:
              web:
                image: nginx:1.27-alpine
                command: ["CMD", "curl", "-f", "http://localhost/"]
                ports:
                - '80:80'
                - '443:443'
                environment:
                  DEBUG: 'false'
                  WORKERS: 4
                  RATIO: 0.5
                labels:
                  traefik.http.routers.web.rule: Host(`example.com`)
                deploy:
                  replicas: 2
                  placement:
                    constraints:
                    - node.role == manager
                volumes:
                - type: bind
                  source: /srv/www
                entrypoint: |
                  #!/bin/sh
                  set -eu
                  exec nginx
                secrets: []
                extra_hosts: {}
                user: null
                init: true

            """
        // Sequences inside mappings are not indented past their key: libyaml's default, and
        // what `docker stack config` prints too.
        #expect(
            YAMLEmitter.emit(document, header: ["Generated by stackc from campus.yml.", "", "Do not edit."]) == expected
        )
    }

    @Test func headerCannotInjectYAML() throws {
        let yaml = YAMLEmitter.emit(.mapping([("a", .int(1))]), header: ["first\nb: 2", "bell\u{7}", "crlf\r\nc: 3"])
        #expect(yaml == "# first\n# b: 2\n# bell\u{FFFD}\n# crlf\n# c: 3\na: 1\n")
        let root = try #require(read(yaml).root)
        #expect(root.pairs?.map(\.keyText) == ["a"])
    }

    @Test func rootScalarsAndEmptyCollections() {
        #expect(YAMLEmitter.emit(.mapping([])) == "{}\n")
        #expect(YAMLEmitter.emit(.sequence([])) == "[]\n")
        #expect(YAMLEmitter.emit(.flowSequence([])) == "[]\n")
        #expect(YAMLEmitter.emit(.string("hello")) == "hello\n")
        #expect(YAMLEmitter.emit(.string("")) == "''\n")
        #expect(YAMLEmitter.emit(.int(7)) == "7\n")
        #expect(YAMLEmitter.emit(.literal("a\n\n")) == "|+\n  a\n\n")
    }

    @Test func mappingOrderIsKeptAndOutputIsDeterministic() {
        let document: YAMLValue = .mapping([("z", .int(1)), ("a", .int(2)), ("m", .sequence([.int(3), .int(1)]))])
        let first = YAMLEmitter.emit(document)
        #expect(first == "z: 1\na: 2\nm:\n- 3\n- 1\n")
        #expect(YAMLEmitter.emit(document) == first)
    }

    @Test func nestedCollectionsInsideFlowSequencesBecomeFlowToo() throws {
        let document: YAMLValue = .flowSequence([.int(1), .mapping([("k", .string("v"))]), .sequence([.bool(false)])])
        let yaml = YAMLEmitter.emit(document)
        #expect(yaml == "[1, {\"k\": \"v\"}, [false]]\n")
        #expect(try matches(#require(read(yaml).root), document))
    }

    @Test func valuesCompareByContentAndOrder() {
        #expect(YAMLValue.mapping([("a", .int(1)), ("b", .int(2))]) == .mapping([("a", .int(1)), ("b", .int(2))]))
        #expect(YAMLValue.mapping([("a", .int(1)), ("b", .int(2))]) != .mapping([("b", .int(2)), ("a", .int(1))]))
        #expect(YAMLValue.double(.nan) == .double(.nan))
        #expect(YAMLValue.string("a") != .literal("a"))
        #expect(YAMLValue.sequence([.null]) != .flowSequence([.null]))
    }
}

// MARK: - Helpers

/// Emits each document and checks that PyYAML reads back the same values.
func expectPyYAMLReadsBack(_ documents: [YAMLValue], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let texts = documents.map { YAMLEmitter.emit($0) }
    let outcomes = try PyYAML.load(texts)
    try #require(outcomes.count == documents.count, sourceLocation: sourceLocation)
    for (index, outcome) in outcomes.enumerated() {
        switch outcome {
        case .error(let message):
            Issue.record(
                "PyYAML cannot read \(texts[index].debugDescription): \(message)", sourceLocation: sourceLocation)
        case .value(let value):
            #expect(
                matches(value, documents[index]), "PyYAML read \(texts[index].debugDescription) as \(value)",
                sourceLocation: sourceLocation)
        }
    }
}

/// True when our reader's node holds exactly `value`, with the same types.
func matches(_ node: YAMLNode, _ value: YAMLValue) -> Bool {
    switch (node.content, value) {
    case (.scalar(let scalar), .string(let text)), (.scalar(let scalar), .literal(let text)):
        return scalar.kind == .string && scalar.text == text
    case (.scalar(let scalar), .int(let number)): return scalar.kind == .int && scalar.int == number
    case (.scalar(let scalar), .double(let number)):
        return scalar.kind == .float && scalar.number.map { sameDouble($0, number) } == true
    case (.scalar(let scalar), .bool(let flag)): return scalar.bool == flag
    case (.scalar(let scalar), .null): return scalar.kind == .null
    case (.mapping(let pairs), .mapping(let expected)):
        return pairs.count == expected.count
            && zip(pairs, expected).allSatisfy { $0.keyText == $1.key && matches($0.value, $1.value) }
    case (.sequence(let items), .sequence(let expected)), (.sequence(let items), .flowSequence(let expected)):
        return items.count == expected.count && zip(items, expected).allSatisfy { matches($0, $1) }
    default:
        return false
    }
}

/// True when PyYAML's value is exactly `value`, with the same Python types.
func matches(_ python: PyYAML.Value, _ value: YAMLValue) -> Bool {
    switch (python, value) {
    case (.scalar(let type, let text), .string(let expected)), (.scalar(let type, let text), .literal(let expected)):
        return type == "str" && text == expected
    case (.scalar(let type, let text), .int(let number)): return type == "int" && text == String(number)
    // Python's repr and Swift's description both print the shortest round-trip text, but
    // switch to exponents at different sizes, so floats are compared by value.
    case (.scalar(let type, let text), .double(let number)):
        return type == "float" && Double(text).map { sameDouble($0, number) } == true
    case (.scalar(let type, let text), .bool(let flag)): return type == "bool" && text == (flag ? "True" : "False")
    case (.scalar(let type, _), .null): return type == "NoneType"
    case (.map(let pairs), .mapping(let expected)):
        return pairs.count == expected.count
            && zip(pairs, expected).allSatisfy { $0.key == .str($1.key) && matches($0.value, $1.value) }
    case (.seq(let items), .sequence(let expected)), (.seq(let items), .flowSequence(let expected)):
        return items.count == expected.count && zip(items, expected).allSatisfy { matches($0, $1) }
    default:
        return false
    }
}

/// Equal as IEEE values, with NaN equal to NaN and -0.0 different from 0.0.
func sameDouble(_ lhs: Double, _ rhs: Double) -> Bool {
    lhs.isNaN ? rhs.isNaN : lhs.bitPattern == rhs.bitPattern
}
