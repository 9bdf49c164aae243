import Foundation
import StackDiagnostics
import Testing

/// The links `--format sarif` gives each rule (`docs/diagnostics.md#<anchor>`) lead to the
/// section that explains the code: for every code stackc can report, the heading above its
/// entry in the document has the anchor GitHub makes of it.
@Suite struct DiagnosticDocsLinkTests {
    /// GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces
    /// as hyphens.
    static func anchor(_ heading: String) -> String {
        String(
            heading.lowercased().compactMap { character -> Character? in
                if character == " " { return "-" }
                return character.isLetter || character.isNumber || character == "-" || character == "_"
                    ? character : nil
            })
    }

    @Test func everyCodeLinksToTheSectionThatExplainsIt() throws {
        let docs = try Repository.text("docs/diagnostics.md")
        var section: String?
        var sectionOfEntry: [String: String] = [:]
        for line in docs.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { section = Self.anchor(String(line.dropFirst(3))) }
            guard line.hasPrefix("- `"), let section else { continue }
            let entry = line.dropFirst(3).prefix { $0 != "`" }
            sectionOfEntry[String(entry)] = section
        }
        for code in CheckExampleTests.allCodes {
            let entry = "\(code.rawValue) \(code.name)"
            let documented = try #require(sectionOfEntry[entry], "\(entry) has no entry under a section")
            #expect(code.documentationAnchor == documented, "\(entry)")
        }
    }

    @Test func theAnchorOfAHeading() {
        #expect(Self.anchor("Structure (E1xx)") == "structure-e1xx")
        #expect(Self.anchor("Mistakes in stackc") == "mistakes-in-stackc")
    }
}
