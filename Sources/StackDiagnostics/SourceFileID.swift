import Glibc

/// Which file a span is in: a small number that stands for the file's path.
///
/// A number rather than the path itself: spans are made and copied for every value of a
/// manifest, and a path (a heap-allocated `String`) would be reference counted at each copy.
/// Paths are numbered the first time they are seen, once per file read, in one table for the
/// process, so a span names its file wherever it goes (a note in another file, a description
/// written by a second front end) without a table passed along beside it. The numbers never
/// appear in any output.
public struct SourceFileID: Hashable, Sendable {
    /// The index of the path in the table.
    let index: UInt32

    /// The number of `path`, numbered now if it is new.
    public init(path: String) {
        index = SourceFileTable.shared.index(of: path)
    }

    /// The path as the user gave it.
    public var path: String { SourceFileTable.shared.path(at: index) }
}

/// The paths behind `SourceFileID`s, shared by every thread; only a file being read or a
/// diagnostic being printed takes its lock.
private final class SourceFileTable: @unchecked Sendable {
    static let shared = SourceFileTable()

    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private var paths: [String] = []
    private var indices: [String: UInt32] = [:]

    private init() {
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    func index(of path: String) -> UInt32 {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let index = indices[path] { return index }
        let index = UInt32(paths.count)
        paths.append(path)
        indices[path] = index
        return index
    }

    func path(at index: UInt32) -> String {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return paths[Int(index)]
    }
}
