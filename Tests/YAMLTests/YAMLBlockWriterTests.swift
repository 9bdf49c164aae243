import Testing

@testable import YAML

/// The direct writer against libyaml's emitter: for every document it takes, the bytes must be
/// libyaml's bytes; what it cannot take it must hand back (nil) rather than write differently.
@Suite struct YAMLBlockWriterTests {
    /// Every tricky string as a value, an item, a flow item and a key, in block context.
    @Test(arguments: trickyStrings)
    func writesEveryStringAsLibyamlDoes(_ text: String) {
        let documents: [YAMLValue] = [
            .mapping([("key", .string(text))]),
            .sequence([.string(text), .int(1)]),
            .mapping([("test", .flowSequence([.string("CMD"), .string(text), .int(3), .null]))]),
            .mapping([(text, .string("value")), ("next", .mapping([(text, .sequence([.string(text)]))]))]),
            .sequence([.mapping([("a", .string(text)), (text, .bool(true))])]),
        ]
        for document in documents {
            let libyaml = YAMLEmitter.emitWithLibyaml(document)
            if let direct = YAMLBlockWriter.write(document) {
                #expect(direct == libyaml, "\(document)")
            } else {
                // Only a key libyaml cannot write as a simple key sends a document back.
                #expect(
                    text.utf8.count > 128
                        || text.unicodeScalars.contains { [0x0A, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) },
                    "the writer gave up on \(document)")
            }
        }
        // As a value, every string takes the fast path.
        #expect(YAMLBlockWriter.write(.mapping([("key", .string(text))])) != nil)
    }

    /// Random nestings of every shape, with empty collections and scalars of every type.
    @Test func writesRandomDocumentsAsLibyamlDoes() {
        var random = SeededBytes(seed: 20_261_202)
        var written = 0
        for _ in 0..<2_000 {
            let document = Self.randomCollection(&random, depth: 0)
            let libyaml = YAMLEmitter.emitWithLibyaml(document)
            guard let direct = YAMLBlockWriter.write(document) else { continue }
            written += 1
            #expect(direct == libyaml, "\(document)")
            if direct != libyaml { return }
        }
        // Documents without literals or odd keys take the fast path: most of them.
        #expect(written > 1_000, "the writer took only \(written) of 2000 documents")
    }

    /// What the writer leaves to libyaml, and what `emit` then writes.
    @Test func handsBackWhatOnlyLibyamlWrites() {
        let longKey = String(repeating: "k", count: 129)
        let documents: [YAMLValue] = [
            .mapping([("script", .literal("#!/bin/sh\nexit 0\n"))]),
            .mapping([(longKey, .int(1))]),
            .mapping([("a\nb", .int(1))]),
            .string("root"),
            .int(7),
            .mapping([("f", .flowSequence([.mapping([("k", .string("v"))])]))]),
            .mapping([("f", .flowSequence([.sequence([.int(1)])]))]),
        ]
        for document in documents {
            #expect(YAMLBlockWriter.write(document) == nil, "\(document)")
            #expect(YAMLEmitter.emit(document) == YAMLEmitter.emitWithLibyaml(document))
        }
        #expect(YAMLBlockWriter.write(.mapping([(String(repeating: "k", count: 128), .int(1))])) != nil)
    }

    // MARK: Generators

    static let scalars: [YAMLValue] =
        trickyStrings.filter { $0.utf8.count < 200 }.map(YAMLValue.string)
        + [
            .int(0), .int(-12), .int(Int.max), .double(0.5), .double(-1e-7), .double(.infinity), .double(.nan),
            .bool(true), .bool(false), .null,
        ]

    static let keys: [String] = [
        "a", "image", "traefik.http.routers.web.rule", "on", "", "a: b", "日本語", "it's", "'", "-", "x y", "1", "null",
    ]

    static func randomCollection(_ random: inout SeededBytes, depth: Int) -> YAMLValue {
        let count = Int(random.next() % 4)
        if random.next() % 2 == 0 {
            return .mapping(
                (0..<count).map { _ in
                    (keys[Int(random.next() % UInt64(keys.count))], randomValue(&random, depth: depth + 1))
                })
        }
        return .sequence((0..<count).map { _ in randomValue(&random, depth: depth + 1) })
    }

    static func randomValue(_ random: inout SeededBytes, depth: Int) -> YAMLValue {
        switch random.next() % 10 {
        case 0 where depth < 4, 1 where depth < 4, 2 where depth < 4: return randomCollection(&random, depth: depth)
        case 3:
            return .flowSequence(
                (0..<Int(random.next() % 3)).map { _ in scalars[Int(random.next() % UInt64(scalars.count))] })
        case 4 where random.next() % 8 == 0: return .literal("line\n")
        default: return scalars[Int(random.next() % UInt64(scalars.count))]
        }
    }
}
