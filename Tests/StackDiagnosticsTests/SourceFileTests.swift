import StackDiagnostics
import Testing

/// Lines of a source file end as YAML ends them, which is how libyaml numbers the lines of its
/// places: at a line feed, a carriage return and line feed, or a carriage return alone (a
/// fuzzer found places a line off after a lone carriage return).
@Suite struct SourceFileTests {
    func file(_ bytes: [UInt8]) -> SourceFile { SourceFile(path: "lines.yml", bytes: bytes) }

    @Test func lineFeedsCarriageReturnsAndBoth() {
        let source = file(Array("a\nb\r\nc\rd".utf8))
        #expect(source.lineCount == 4)
        #expect((1...4).map { source.lineText($0) } == ["a", "b", "c", "d"])
        #expect(source.lineText(5) == nil)
    }

    @Test func aFinalBreakStartsNoLine() {
        for ending in ["\n", "\r\n", "\r"] {
            let source = file(Array("a\(ending)b\(ending)".utf8))
            #expect(source.lineCount == 2, "\(Array(ending.utf8))")
            #expect(source.lineText(2) == "b")
        }
    }

    @Test func twoCarriageReturnsAreTwoBreaks() {
        let source = file(Array("a\r\rb".utf8))
        #expect(source.lineCount == 3)
        #expect((1...3).map { source.lineText($0) } == ["a", "", "b"])
    }
}
