import Foundation
import Testing

@testable import StackDescription

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a program that made its stacks hands to `stackc`, and how.
@Suite struct StackRegistryTests {
    func stack(_ name: String, filePath: StaticString = #filePath, line: UInt = #line) -> Stack {
        Stack(unregistered: name, domain: nil, position: here(filePath: filePath, line: line), sections: [])
    }

    @Test func oneStackIsItsDescription() throws {
        let json = try DescriptionJSON(StackInterchange.encode(registered: [stack("one")]))
        #expect(json.value("name") as? String == "one")
        #expect(json.object["errors"] == nil)
    }

    @Test func noStackIsAnError() throws {
        let json = try DescriptionJSON(StackInterchange.encode(registered: []))
        #expect(json.object["manifest"] == nil)
        #expect(json.errorMessages.count == 1)
        #expect(json.errorMessages.first?.contains("no Stack") == true)
    }

    @Test func aSecondStackIsAnErrorAtItsCall() throws {
        let second = stack("two")
        let json = try DescriptionJSON(StackInterchange.encode(registered: [stack("one"), second]))
        #expect(json.object["manifest"] == nil)
        let errors = try #require(json.object["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect((errors.first?["message"] as? String)?.contains("'two'") == true)
        #expect(errors.first?["line"] as? Int == second.position.line)
        #expect(errors.first?["file"] as? String == #filePath)
    }

    @Test func aNameOrSectionTwiceIsAnError() throws {
        let stack = Stack(
            unregistered: "s", domain: nil, position: here(),
            sections: [
                Cluster(managers: 1).section,
                Apps {
                    App("web", image: "web:1")
                    App("web", image: "web:2")  // 1️⃣
                }.section,
                Cluster(managers: 3).section,
            ])
        let json = try DescriptionJSON(StackInterchange.encode(stack))
        #expect(json.object["manifest"] == nil)
        let errors = try #require(json.object["errors"] as? [[String: Any]])
        #expect(errors.count == 2)
        let messages = errors.compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("'cluster' twice") })
        let app = try #require(errors.first { ($0["message"] as? String)?.contains("'web' twice") == true })
        #expect(app["line"] as? Int == (try markedPosition("1️⃣", call: "App(")).line)
    }

    @Test func theDescriptorComesFromTheArguments() {
        #expect(StackRegistry.descriptor(in: ["stack", "--stackc-fd", "7"]) == 7)
        #expect(StackRegistry.descriptor(in: ["stack", "--stackc-fd"]) == nil)
        #expect(StackRegistry.descriptor(in: ["stack", "--stackc-fd", "seven"]) == nil)
        #expect(StackRegistry.descriptor(in: ["stack"]) == nil)
    }

    @Test func theDescriptionIsWrittenWhole() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
        }
        // More than a pipe holds at once, from another thread, so that writes are partial.
        let text = String(repeating: "{\"stackDescription\":1}", count: 20_000)
        let writeEnd = ends[1]
        let writer = Thread {
            StackRegistry.writeAll(text, to: writeEnd)
            close(writeEnd)
        }
        writer.start()
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(ends[0], &buffer, buffer.count)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        #expect(received.count == text.utf8.count)
        #expect(String(decoding: received, as: UTF8.self) == text)
    }
}
