import CYAML

/// libyaml's bare event parse, with nothing built: the floor that the benchmark compares
/// stackc's lint against.
public enum YAMLEventScan {
    /// Parses `bytes` to the end and returns the number of events, or nil on a syntax error.
    public static func countEvents(_ bytes: [UInt8]) -> Int? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            var count = 0
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                count += 1
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                if done { return count }
            }
        }
    }

    /// Parses `bytes` and hands each event straight to libyaml's emitter, writing to memory:
    /// libyaml's bare parse+emit, the floor that the benchmark compares `stackc build` against.
    /// Returns the number of bytes written, or nil on a syntax error or an event the emitter
    /// refuses.
    public static func roundTrip(_ bytes: [UInt8]) -> Int? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        // Heap-allocated: libyaml keeps the emitter across calls, and a Swift local may move.
        let emitter = UnsafeMutablePointer<yaml_emitter_t>.allocate(capacity: 1)
        emitter.initialize(to: yaml_emitter_t())
        defer {
            emitter.deinitialize(count: 1)
            emitter.deallocate()
        }
        guard yaml_emitter_initialize(emitter) == 1 else { return nil }
        defer { yaml_emitter_delete(emitter) }
        let sink = ByteSink()
        yaml_emitter_set_output(
            emitter,
            { context, buffer, size in
                guard let context else { return 0 }
                let sink = Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue()
                if let buffer, size > 0 {
                    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                }
                return 1
            }, Unmanaged.passUnretained(sink).toOpaque())
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_width(emitter, -1)
        let emitted = bytes.withUnsafeBufferPointer { buffer -> Bool in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { return false }
                let done = event.type == YAML_STREAM_END_EVENT
                // The emitter takes the event over and frees it, even when it refuses it.
                guard yaml_emitter_emit(emitter, &event) == 1 else { return false }
                if done { return true }
            }
        }
        guard emitted, yaml_emitter_flush(emitter) == 1 else { return nil }
        return withExtendedLifetime(sink) { sink.bytes.count }
    }

    /// Where the round trip's emitter writes; a class so the C callback can reach it.
    private final class ByteSink {
        var bytes: [UInt8] = []
    }
}
