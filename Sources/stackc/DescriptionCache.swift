import FoundationEssentials
import Glibc

/// Where compiled descriptions are kept, and how long one may run.
///
/// The cache keeps the 24 programs used last (each is about 10 MB: a static Swift runtime);
/// a program is marked used by its modification time. Compile folders left by a stackc that was
/// stopped mid-compile are removed after an hour.
enum DescriptionCache {
    static let keptPrograms = 24
    static let keptLibraryDigests = 4

    /// `STACKC_CACHE_DIR`, else `$XDG_CACHE_HOME/stackc/descriptions`, else
    /// `~/.cache/stackc/descriptions`.
    static func folder() -> String {
        if let override = environment("STACKC_CACHE_DIR") { return override }
        if let cache = environment("XDG_CACHE_HOME"), cache.hasPrefix("/") { return cache + "/stackc/descriptions" }
        if let home = environment("HOME") { return home + "/.cache/stackc/descriptions" }
        return "/tmp/stackc-\(getuid())/descriptions"
    }

    /// Makes `folder` and its parents (private to the user); true when it exists.
    static func makeFolder(_ folder: String) -> Bool {
        var path = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST { return false }
        }
        var status = stat()
        return stat(folder, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// `STACKC_DESCRIPTION_TIMEOUT` (whole seconds, at least 1), else 60.
    static func timeoutSeconds() -> Result<Int, DescriptionSetupError> {
        guard let text = environment("STACKC_DESCRIPTION_TIMEOUT") else { return .success(60) }
        guard let seconds = Int(text), seconds >= 1 else {
            return .failure(
                DescriptionSetupError(
                    reason: "STACKC_DESCRIPTION_TIMEOUT is '\(text)'; it takes a whole number of seconds, at least 1"))
        }
        return .success(seconds)
    }

    /// Marks `program` as used now (eviction keeps the ones used last).
    static func markUsed(_ program: String) {
        _ = utimensat(AT_FDCWD, program, nil, 0)
    }

    /// Removes what the cache no longer needs: programs beyond the ones used last, library
    /// digests beyond the last few, and compile folders older than an hour.
    static func tidy(_ folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        var programs: [(name: String, used: Int)] = []
        var digests: [(name: String, used: Int)] = []
        let hourAgo = Int(time(nil)) - 3600
        for name in names {
            var status = stat()
            guard lstat(folder + "/" + name, &status) == 0 else { continue }
            let modified = Int(status.st_mtim.tv_sec)
            if name.count == 64, name.allSatisfy(\.isHexDigit) {
                programs.append((name, modified))
            } else if name.hasPrefix("library-") {
                digests.append((name, modified))
            } else if name.hasPrefix("compile-"), modified < hourAgo {
                try? FileManager.default.removeItem(atPath: folder + "/" + name)
            }
        }
        for (entries, kept) in [(programs, keptPrograms), (digests, keptLibraryDigests)] {
            for entry in entries.sorted(by: { ($0.used, $0.name) > ($1.used, $1.name) }).dropFirst(kept) {
                unlink(folder + "/" + entry.name)
            }
        }
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}
