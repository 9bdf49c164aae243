import CYAML

/// Writes a `YAMLValue` as YAML text, laid out as libyaml's emitter lays it out.
///
/// libyaml does the writing (indentation, escaping, block scalars, its own fallbacks when a
/// style cannot hold a text); stackc only decides each string's style, because libyaml's
/// notion of a safe plain scalar is syntactic: it would happily write `on`, `0777` or `12:30`
/// plain, and a YAML 1.1 reader (PyYAML, Docker's go-yaml) would read a boolean or a number.
public enum YAMLEmitter {
    /// The document as text: optional header comment lines (each prefixed "# "), then
    /// block-style YAML, LF line endings, final newline, 2-space indent, no `---`/`...`
    /// markers, unicode unescaped, line width unlimited (-1).
    ///
    /// The usual shapes go through `YAMLBlockWriter`, which lays them out as libyaml does in a
    /// fraction of the time; the rest through libyaml itself.
    public static func emit(_ value: YAMLValue, header: [String] = []) -> String {
        headerText(header) + (YAMLBlockWriter.write(value) ?? emitWithLibyaml(value))
    }

    /// The document's text as libyaml's emitter writes it (no header).
    static func emitWithLibyaml(_ value: YAMLValue) -> String {
        let session = EmitterSession()
        session.document(value)
        return session.finish()
    }

    /// How a string is quoted; see `style(for:)`.
    enum ScalarStyle: Equatable {
        case plain, singleQuoted, doubleQuoted
    }

    /// The style a `.string` is written in: plain only when YAML 1.1, YAML 1.2 core and go-yaml
    /// all read the plain text back as this same string; double-quoted when the text holds
    /// characters that only escapes can carry; single-quoted otherwise.
    ///
    /// libyaml may still raise the style (plain to quoted, single to double) when its own
    /// syntactic analysis says so, for example for `a,b` inside a flow sequence.
    static func style(for text: String) -> ScalarStyle {
        let escapes =
            text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
                for byte in bytes {
                    if byte >= 0x80 { return nil }
                    if byte < 0x20 || byte == 0x7F { return true }
                }
                return false
            } ?? nil
        if escapes ?? text.unicodeScalars.contains(where: needsEscape) { return .doubleQuoted }
        return isPlainSafe(text) ? .plain : .singleQuoted
    }

    /// The comment block: one `# ` line per header line; line breaks inside a line start a new
    /// comment line, so a header can never end the comment and inject YAML.
    static func headerText(_ lines: [String]) -> String {
        lines.flatMap { $0.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) }
            .map { line -> String in
                let clean = String(
                    String.UnicodeScalarView(line.unicodeScalars.map { isCommentSafe($0) ? $0 : "\u{FFFD}" }))
                return clean.isEmpty ? "#\n" : "# \(clean)\n"
            }
            .joined()
    }

    /// False for what a YAML reader rejects anywhere in a file (control characters, the BOM,
    /// non-characters): a comment cannot escape them.
    private static func isCommentSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// A number as YAML text that every reader takes for the same float.
    static func text(of number: Double) -> String {
        if number.isNaN { return ".nan" }
        if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
        // Swift prints the shortest text that round-trips ("0.1", "1e-05", "1e+16").
        let text = "\(number)"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        // YAML 1.1 takes `1e-05` for a string: its floats need a dot and a signed exponent.
        var mantissa = String(text[..<e])
        var exponent = String(text[text.index(after: e)...])
        if !mantissa.contains(".") { mantissa += ".0" }
        if !exponent.hasPrefix("-") && !exponent.hasPrefix("+") { exponent = "+" + exponent }
        return mantissa + "e" + exponent
    }
}

// MARK: - Driving libyaml

/// One libyaml emitter writing into a Swift byte buffer.
///
/// A class, so that libyaml's write callback can reach the buffer through a context pointer
/// (a C function pointer cannot capture); the emitter struct is heap-allocated because libyaml
/// keeps it across calls and Swift may move a local.
private final class EmitterSession {
    private let emitter: UnsafeMutablePointer<yaml_emitter_t>
    private var output: [UInt8] = []

    init() {
        emitter = .allocate(capacity: 1)
        emitter.initialize(to: yaml_emitter_t())
        guard yaml_emitter_initialize(emitter) == 1 else {
            preconditionFailure("internal error: libyaml could not initialise an emitter")
        }
        // Unretained: the session outlives every call that can reach the callback.
        let context = Unmanaged.passUnretained(self).toOpaque()
        yaml_emitter_set_output(
            emitter,
            { context, buffer, size in
                guard let context else { return 0 }
                let session = Unmanaged<EmitterSession>.fromOpaque(context).takeUnretainedValue()
                if let buffer, size > 0 {
                    session.output.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                }
                return 1
            }, context)
        yaml_emitter_set_encoding(emitter, YAML_UTF8_ENCODING)
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_width(emitter, -1)
        yaml_emitter_set_indent(emitter, 2)
        yaml_emitter_set_break(emitter, YAML_LN_BREAK)
    }

    deinit {
        yaml_emitter_delete(emitter)
        emitter.deinitialize(count: 1)
        emitter.deallocate()
    }

    /// Emits a whole stream holding one implicit document (no `---`, no `...`).
    func document(_ value: YAMLValue) {
        send { yaml_stream_start_event_initialize($0, YAML_UTF8_ENCODING) }
        send { yaml_document_start_event_initialize($0, nil, nil, nil, 1) }
        node(value, inFlow: false)
        send { yaml_document_end_event_initialize($0, 1) }
        send { yaml_stream_end_event_initialize($0) }
    }

    /// The text written, flushed.
    func finish() -> String {
        guard yaml_emitter_flush(emitter) == 1 else { failure("could not flush") }
        var text = String(decoding: output, as: UTF8.self)
        // libyaml ends the stream with `...` after a keep-chomped block scalar (`|+`) so that a
        // concatenated document cannot steal its trailing blank lines; the text is the whole
        // stream, so the end of the text ends the scalar just as well.
        if text.hasSuffix("\n...\n") { text.removeLast(4) }
        return text
    }

    private func node(_ value: YAMLValue, inFlow: Bool) {
        switch value {
        case .string(let text):
            scalar(text, style: inFlow ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : libyamlStyle(YAMLEmitter.style(for: text)))
        case .literal(let text): scalar(text, style: YAML_LITERAL_SCALAR_STYLE)
        case .int(let number): scalar(String(number), style: YAML_PLAIN_SCALAR_STYLE)
        case .double(let number): scalar(YAMLEmitter.text(of: number), style: YAML_PLAIN_SCALAR_STYLE)
        case .bool(let flag): scalar(flag ? "true" : "false", style: YAML_PLAIN_SCALAR_STYLE)
        case .null: scalar("null", style: YAML_PLAIN_SCALAR_STYLE)
        case .mapping(let pairs):
            send { yaml_mapping_start_event_initialize($0, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE) }
            for pair in pairs {
                node(.string(pair.key), inFlow: inFlow)
                node(pair.value, inFlow: inFlow)
            }
            send { yaml_mapping_end_event_initialize($0) }
        case .sequence(let items):
            sequence(items, style: YAML_BLOCK_SEQUENCE_STYLE, inFlow: inFlow)
        case .flowSequence(let items):
            sequence(items, style: YAML_FLOW_SEQUENCE_STYLE, inFlow: true)
        }
    }

    private func sequence(_ items: [YAMLValue], style: yaml_sequence_style_t, inFlow: Bool) {
        send { yaml_sequence_start_event_initialize($0, nil, nil, 1, style) }
        for item in items { node(item, inFlow: inFlow) }
        send { yaml_sequence_end_event_initialize($0) }
    }

    /// A scalar with both implicit flags set, so that libyaml writes no tag.
    private func scalar(_ text: String, style: yaml_scalar_style_t) {
        // A terminating zero keeps the buffer non-empty: libyaml asserts on a null value pointer.
        var text = text
        text.withUTF8 { utf8 in
            guard let length = Int32(exactly: utf8.count) else {
                failure("a scalar of \(utf8.count) bytes is too long")
            }
            // libyaml copies the value; it asserts on a null pointer, which an empty buffer may have.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { empty in
                let base = utf8.baseAddress ?? UnsafePointer(empty.baseAddress!)
                send {
                    yaml_scalar_event_initialize(
                        $0, nil, nil, UnsafeMutablePointer(mutating: base), length, 1, 1, style)
                }
            }
        }
    }

    private func libyamlStyle(_ style: YAMLEmitter.ScalarStyle) -> yaml_scalar_style_t {
        switch style {
        case .plain: return YAML_PLAIN_SCALAR_STYLE
        case .singleQuoted: return YAML_SINGLE_QUOTED_SCALAR_STYLE
        case .doubleQuoted: return YAML_DOUBLE_QUOTED_SCALAR_STYLE
        }
    }

    /// Builds an event with `initialize` and hands it to libyaml, which takes ownership of it.
    private func send(_ initialize: (UnsafeMutablePointer<yaml_event_t>) -> Int32) {
        var event = yaml_event_t()
        withUnsafeMutablePointer(to: &event) { pointer in
            guard initialize(pointer) == 1 else { failure("could not build an event") }
            guard yaml_emitter_emit(emitter, pointer) == 1 else { failure("rejected an event") }
        }
    }

    /// Events come from a well-formed `YAMLValue`, so libyaml refusing one is a bug in stackc.
    private func failure(_ what: String) -> Never {
        let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "no detail"
        preconditionFailure("internal error: libyaml's emitter \(what): \(problem)")
    }
}
