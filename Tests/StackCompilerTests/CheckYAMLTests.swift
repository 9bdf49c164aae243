import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// Problems below the manifest's own rules, found while reading YAML (Y001–Y008): each located.
/// Malformed YAML, limits, unknown anchors and tags stop the check before the manifest rules
/// run; a duplicate or non-scalar key does not, as the document is still whole.
@Suite struct CheckYAMLTests {
    @Test func unclosedFlowSequence() {
        let diagnostic = expectOnly(
            YAMLDiagnostics.syntax,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    depends_on: [api, db
                1️⃣
                """)
        #expect(diagnostic?.message.hasPrefix("invalid YAML: ") == true)
    }

    @Test func tabIndentation() {
        let diagnostic = expectOnly(
            YAMLDiagnostics.syntax, in: "stackc: 1\nname: shop\napps:\n1️⃣\tweb: {image: nginx:1.27}\n")
        #expect(diagnostic?.help?.contains("spaces") == true)
    }

    @Test func colonInAPlainValue() {
        let diagnostic = expectOnly(
            YAMLDiagnostics.syntax,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    command: echo hello1️⃣: world
                """)
        #expect(diagnostic?.help == "a value that contains ': ' must be quoted")
    }

    @Test func keyIndentedLessThanItsSiblings() {
        let diagnostic = expectOnly(
            YAMLDiagnostics.syntax,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                   1️⃣port: 80
                """)
        #expect(
            diagnostic?.help
                == "check the indentation: the keys of one mapping, and the items of one list, start in the same column (the block starts at line 4)"
        )
    }

    @Test func listItemIndentedLessThanItsSiblings() {
        let diagnostic = expectOnly(
            YAMLDiagnostics.syntax,
            in: """
                stackc: 1
                name: shop
                identity:
                  roles:
                    - staff
                   1️⃣- admin
                apps: {}
                """)
        #expect(diagnostic?.help?.hasPrefix("check the indentation:") == true)
    }

    @Test func invalidUTF8IsLocatedAtTheBadByte() {
        var bytes = Array("stackc: 1\nname: shop\napps:\n  web: {image: ngi".utf8)
        bytes += [0xC3, 0x28]  // a lead byte followed by an ASCII byte
        bytes += Array("nx}\n".utf8)
        let result = StackCompiler.check(SourceFile(path: "bad.yml", bytes: bytes))
        #expect(summary(result.diagnostics) == ["Y001@4:20"])
        #expect(result.diagnostics.first?.help?.contains("UTF-8") == true)
    }

    @Test func nulByteIsLocated() {
        let marked = MarkedManifest("stackc: 1\nname: sh1️⃣\u{0}op\napps: {}\n")
        #expect(summary(marked.check().diagnostics) == ["Y001@\(marked["1️⃣"])"])
    }

    @Test func secondDocument() {
        expectOnly(
            YAMLDiagnostics.multipleDocuments,
            in: """
                stackc: 1
                name: shop
                apps: {}
                1️⃣---
                stackc: 1
                name: other
                apps: {}
                """)
    }

    @Test func explicitStartOfTheOnlyDocumentIsFine() {
        expectDiagnostics("---\nstackc: 1\nname: shop\napps: {}\n...\n", [])
    }

    @Test func duplicateKeyPointsAtTheSecondAndNamesTheFirst() {
        let manifest = """
            stackc: 1
            name: shop
            apps:
              web:
                image: nginx:1.27
                2️⃣replicas: 2
                1️⃣replicas: 3
            """
        let diagnostic = expectOnly(YAMLDiagnostics.duplicateKey, in: manifest)
        expectNote(diagnostic, "the first 'replicas' is here", at: "2️⃣", in: manifest)
        #expect(diagnostic?.help == "keep one of them")
    }

    @Test func duplicateKeyDoesNotHideTheManifestsOtherProblems() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              web:
                image: nginx:1.27
                1️⃣replica: 2
            databases:
              pg: {}
              2️⃣pg: {engine: postgres}
            """, [ExpectedDiagnostic(Codes.unknownKey, "1️⃣"), ExpectedDiagnostic(YAMLDiagnostics.duplicateKey, "2️⃣")])
    }

    @Test func duplicateKeyInALargeMapping() {
        // Large mappings find duplicates through a dictionary, small ones by comparing.
        let variables = (0..<40).map { "      \($0 == 17 ? "2️⃣" : "")V\($0): \($0)\n" }.joined()
        let manifest = """
            stackc: 1
            name: shop
            apps:
              web:
                image: nginx:1.27
                env:
            \(variables)      1️⃣V17: again
            """
        let diagnostic = expectOnly(YAMLDiagnostics.duplicateKey, in: manifest)
        expectNote(diagnostic, "the first 'V17' is here", at: "2️⃣", in: manifest)
    }

    @Test func mergedKeysDoNotCountAsDuplicates() {
        let variables = (0..<40).map { "V\($0): \($0)" }.joined(separator: ", ")
        let stack = resolved(
            """
            stackc: 1
            name: shop
            x-env: &env {\(variables)}
            apps:
              web:
                image: nginx:1.27
                env: {<<: *env, V3: mine}
            """)
        #expect(stack?.apps.first?.env.count == 40)
        #expect(stack?.apps.first?.env.first { $0.key == "V3" }?.value == "mine")
    }

    @Test func duplicateAppName() {
        expectOnly(
            YAMLDiagnostics.duplicateKey,
            in: """
                stackc: 1
                name: shop
                apps:
                  web: {image: nginx:1.27}
                  1️⃣web: {image: httpd:2.4}
                """)
    }

    @Test func tagOutsideTheCoreSchema() {
        expectOnly(
            YAMLDiagnostics.unsupportedTag,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: 1️⃣!!binary bmdpbng=
                """)
    }

    @Test func localTagOnAMapping() {
        expectOnly(
            YAMLDiagnostics.unsupportedTag,
            in: """
                stackc: 1
                name: shop
                apps: 1️⃣!apps
                  web: {image: nginx:1.27}
                """)
    }

    @Test func coreTagWithAValueItCannotHave() {
        expectOnly(
            YAMLDiagnostics.unsupportedTag,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 1️⃣!!int two
                """)
    }

    @Test func coreTagsAreAccepted() {
        let stack = resolved(
            """
            stackc: !!int 1
            name: !!str shop
            apps: !!map
              web:
                image: nginx:1.27
                replicas: !!int "3"
                env: {ZIP: !!str 01234}
            """)
        #expect(stack?.apps.first?.env.first?.value == "01234")
        #expect(stack?.apps.first?.replicas == .count(3))
    }

    @Test func nestingDeeperThanTheLimit() {
        // The root mapping is the first level, so the 200th '[' opens level 201.
        let open = String(repeating: "[", count: 199) + "1️⃣[["
        let close = String(repeating: "]", count: 201)
        expectOnly(YAMLDiagnostics.limit, in: "stackc: 1\nname: shop\nx-deep: \(open)\(close)\napps: {}\n")
    }

    @Test func nestingAtTheLimitIsFine() {
        let open = String(repeating: "[", count: 199)
        let close = String(repeating: "]", count: 199)
        expectDiagnostics("stackc: 1\nname: shop\nx-deep: \(open)\(close)\napps: {}\n", [])
    }

    @Test func aliasBomb() {
        let diagnostic = expectOnly(
            YAMLDiagnostics.limit,
            in: """
                stackc: 1
                name: shop
                x-a: &a [x, x, x, x, x, x, x, x, x, x]
                x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
                x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
                x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
                x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
                x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, 1️⃣*e]
                apps: {}
                """)
        #expect(diagnostic?.message.contains("aliases") == true)
    }

    @Test func aliasToAnUndefinedAnchor() {
        let diagnostic = expectOnly(
            YAMLDiagnostics.unknownAnchor,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    <<: 1️⃣*defaults
                    image: nginx:1.27
                """)
        #expect(diagnostic?.message.contains("*defaults") == true)
    }

    @Test func mappingAsAKey() {
        expectOnly(
            YAMLDiagnostics.badKey,
            in: """
                stackc: 1
                name: shop
                apps:
                  1️⃣[web, api]: {image: nginx:1.27}
                """)
    }

    @Test func mergeKeyWithAScalar() {
        expectOnly(
            YAMLDiagnostics.badKey,
            in: """
                stackc: 1
                name: shop
                x-port: &port 8080
                apps:
                  web:
                    <<: 1️⃣*port
                    image: nginx:1.27
                """)
    }

    @Test func emptyFile() {
        expectOnly(YAMLDiagnostics.empty, in: "1️⃣")
    }

    @Test func onlyComments() {
        expectOnly(YAMLDiagnostics.empty, in: "1️⃣# nothing yet\n# still nothing\n")
    }

    @Test func onlyWhitespaceAndNewlines() {
        expectOnly(YAMLDiagnostics.empty, in: "1️⃣\n\n   \n")
    }
}
