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
    }

    /// The files, sorted by path.
    public private(set) var files: [File] = []

    /// An empty tree.
    public init() {}

    /// Adds a file; a second file at the same path is an internal error of the passes.
    mutating func add(_ path: String, _ contents: String, executable: Bool = false) {
        precondition(!files.contains { $0.path == path }, "internal error: two passes wrote '\(path)'")
        precondition(
            !path.hasPrefix("/") && !path.split(separator: "/").contains(".."),
            "internal error: bad output path '\(path)'")
        let index = files.firstIndex { $0.path > path } ?? files.endIndex
        files.insert(File(path: path, contents: contents, executable: executable), at: index)
    }

    /// The file at `path`, if generated.
    public func file(_ path: String) -> File? { files.first { $0.path == path } }
}
