import Foundation
import Testing

/// The helper that compiles and runs a `stack.swift` as `stackc` will: the JSON on descriptor 3,
/// the compiler's errors, and what the program prints, each where it belongs.
@Suite struct SwiftDescriptionsTests {
    @Test func aDescriptionHandsOverItsJSON() throws {
        let source = """
            import StackDescription

            let stack = Stack("shop", domain: "shop.test") {
                Apps { App("web", image: "nginx:1.27-alpine", port: 80, host: "www") }
            }
            print("printed on standard output")

            """
        let outcome = try SwiftDescriptions.compileAndRun(source)
        #expect(outcome.compiled, "\(outcome)")
        #expect(outcome.status == 0, "\(outcome)")
        // Standard output is the program's own; the description goes to descriptor 3 alone.
        #expect(outcome.stdout == "printed on standard output\n")
        let json = try JSONSerialization.jsonObject(with: Data(outcome.json.utf8)) as? [String: Any]
        let manifest = try #require(json?["manifest"] as? [String: Any], "\(outcome)")
        #expect(manifest["name"] as? String == "shop")
        #expect((manifest["apps"] as? [String: Any])?.keys.sorted() == ["web"])
        #expect(outcome.json.hasSuffix("}\n"))
    }

    @Test func aCompileErrorIsSwiftcsOwn() throws {
        let source = """
            import StackDescription

            let stack = Stack("shop") {
                Apps { App("web", imag: "nginx:1.27-alpine") }
            }

            """
        let outcome = try SwiftDescriptions.compileAndRun(source)
        #expect(!outcome.compiled)
        #expect(outcome.status == nil)
        #expect(outcome.json.isEmpty)
        #expect(outcome.compilerOutput.contains("stack.swift:4:"), "\(outcome)")
        #expect(outcome.compilerOutput.contains("error:"), "\(outcome)")
    }
}
