/// The files one build produces, by path relative to the stack's output folder.
public struct OutputTree: Sendable, Equatable {
    /// One generated file.
    public struct File: Sendable, Equatable {
        /// A relative path with `/` separators, such as `stack.yml` or `entrypoints/web.sh`.
        public let path: String
        /// The file's text (LF line endings, final newline).
        public let contents: String
        /// True for scripts that must be executable.
        public let executable: Bool
        /// Where each line comes from (the source map), recorded as the file was made. Not part
        /// of what makes two files equal: that is their bytes.
        public let origins: LineOrigins

        /// The origin of line `number` (from 1), if the file has that line.
        public func origin(ofLine number: Int) -> OutputOrigin? {
            number >= 1 && number <= origins.count ? origins[number - 1] : nil
        }

        public static func == (lhs: File, rhs: File) -> Bool {
            lhs.path == rhs.path && lhs.contents == rhs.contents && lhs.executable == rhs.executable
        }
    }

    /// The files, sorted by path.
    public private(set) var files: [File] = []

    /// Two trees are equal when their files are (path, bytes, mode), with a source map or not.
    public static func == (lhs: OutputTree, rhs: OutputTree) -> Bool { lhs.files == rhs.files }

    /// Whether the files keep the origin of each line (the source map); without it, `origins`
    /// of each file is empty.
    public let keepsSourceMap: Bool

    /// An empty tree, keeping the source map or not.
    public init(sourceMap: Bool = true) { keepsSourceMap = sourceMap }

    /// Adds a file; a second file at the same path is an internal error of the passes. `origins`
    /// says where each line comes from; without it, every line has `whole` (and when it does not
    /// have one origin per line, a mistake in stackc, every line says so).
    mutating func add(
        _ path: String, _ contents: String, executable: Bool = false, origins: LineOrigins? = nil,
        whole: OutputOrigin
    ) {
        precondition(!files.contains { $0.path == path }, "internal error: two passes wrote '\(path)'")
        precondition(
            !path.hasPrefix("/") && !path.split(separator: "/").contains(".."),
            "internal error: bad output path '\(path)'")
        guard keepsSourceMap else {
            let index = files.firstIndex { $0.path > path } ?? files.endIndex
            files.insert(
                File(path: path, contents: contents, executable: executable, origins: LineOrigins()), at: index)
            return
        }
        let lines = LineOrigins.lineCount(contents)
        var map = origins ?? LineOrigins(whole, lines: lines)
        if map.count != lines {
            // A map that does not fit its text is a mistake in stackc: said so, line by line.
            map = LineOrigins(
                OutputOrigin(producer: "\(whole.producer) (lost its line map)", keys: whole.keys), lines: lines)
        }
        let index = files.firstIndex { $0.path > path } ?? files.endIndex
        files.insert(
            File(path: path, contents: contents, executable: executable, origins: map), at: index)
    }

    /// The file at `path`, if generated.
    public func file(_ path: String) -> File? { files.first { $0.path == path } }
}
