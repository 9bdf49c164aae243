/// A point in a source file: 1-based line and column (column counted in characters).
///
/// The YAML reader reports lines and columns directly, so positions are kept as such rather
/// than as byte offsets: that is what every message prints, and it avoids a second scan.
public struct SourceLocation: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int

    /// A location at `line`:`column` (both 1-based).
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Orders locations as they appear in the file.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A stretch of source text: the file it is in, where it starts and how many characters to
/// underline.
public struct SourceSpan: Hashable, Sendable {
    /// The file the text is in.
    public var file: SourceFileID
    /// The first character.
    public var start: SourceLocation
    /// Characters to underline on the start line (at least 1).
    public var length: Int

    /// A span of `length` characters from `start` in `file`.
    public init(file: SourceFileID, start: SourceLocation, length: Int = 1) {
        self.file = file
        self.start = start
        self.length = max(1, length)
    }
}
