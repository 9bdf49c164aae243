import Glibc

/// The text of one input file, kept so that diagnostics can quote the line they point at.
public struct SourceFile: Sendable {
    /// The path as the user gave it; diagnostics print it unchanged.
    public let path: String
    /// The number the spans in this file carry.
    public let id: SourceFileID
    /// The raw bytes of the file.
    public let bytes: [UInt8]
    /// Byte offsets at which each line starts (line 1 starts at offset 0). Lines end as YAML
    /// ends them, and as libyaml counts the lines of its places: at a line feed, a carriage
    /// return and line feed, or a carriage return alone.
    private let lineStarts: [Int]

    /// Wraps the bytes of `path`.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.id = SourceFileID(path: path)
        self.bytes = bytes
        // Counted first, so that the index is allocated once at its size (a big manifest has
        // a hundred thousand lines); memchr finds each line break many bytes at a time.
        self.lineStarts = bytes.withUnsafeBufferPointer { all -> [Int] in
            guard let base = all.baseAddress else { return [0] }
            // A carriage return alone is rare (a file from an old Mac, a stray byte pasted in):
            // only a file that has one is read byte by byte.
            if memchr(base, 0x0D, all.count) != nil {
                var starts = [0]
                for index in 0..<all.count {
                    let byte = all[index]
                    if byte == 0x0A || (byte == 0x0D && (index + 1 == all.count || all[index + 1] != 0x0A)) {
                        starts.append(index + 1)
                    }
                }
                return starts
            }
            func eachLineBreak(_ body: (Int) -> Void) {
                var offset = 0
                while offset < all.count, let found = memchr(base + offset, 0x0A, all.count - offset) {
                    let index = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                    body(index)
                    offset = index + 1
                }
            }
            var lines = 1
            eachLineBreak { _ in lines += 1 }
            var starts = [Int]()
            starts.reserveCapacity(lines)
            starts.append(0)
            eachLineBreak { starts.append($0 + 1) }
            return starts
        }
    }

    /// Wraps a string, for tests and for the DSL front end.
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The number of lines a place can be on: every line, and the empty one after a final
    /// line break (where a problem at the very end is).
    public var placeableLines: Int { lineStarts.count }

    /// The line and column (in Unicode scalars) of the byte at `offset`; past the end, the end.
    public func location(ofByte offset: Int) -> SourceLocation {
        let end = min(max(offset, 0), bytes.count)
        // The last line that starts at or before `end`.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= end { low = middle } else { high = middle - 1 }
        }
        let column = String(decoding: bytes[lineStarts[low]..<end], as: UTF8.self).unicodeScalars.count + 1
        return SourceLocation(line: low + 1, column: column)
    }

    /// The number of lines (a final newline does not start a new line).
    public var lineCount: Int {
        if let last = bytes.last, last == 0x0A || last == 0x0D { return lineStarts.count - 1 }
        return lineStarts.count
    }

    /// The text of the 1-based line `line`, without its line break; nil when out of range.
    /// Invalid UTF-8 is shown with replacement characters, so a diagnostic never fails to print.
    public func lineText(_ line: Int) -> String? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        guard end >= start else { return "" }
        // Keep excerpts readable even for a 1 MB line.
        let cappedEnd = min(end, start + 400)
        return String(decoding: bytes[start..<cappedEnd], as: UTF8.self)
    }
}
