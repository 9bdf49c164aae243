import FoundationEssentials
import Glibc
import StackCompiler

/// What compiling a `stack.swift` needs: the Swift compiler and the `StackDescription` library
/// (its module and its static archive), found the way SwiftPM finds `PackageDescription`:
/// relative to stackc's own binary.
///
/// - `STACKC_DESCRIPTION_LIBRARY`, when set: a folder with `libStackDescription.a` and
///   `Modules/StackDescription.swiftmodule`.
/// - Installed (`make install PREFIX=…`): `<prefix>/bin/stackc` finds `<prefix>/lib/stackc/`.
/// - In a build folder (`swift build`): `.build/<configuration>/` holds both beside stackc.
///
/// `swiftc` is `STACKC_SWIFTC` when set, else the first on `PATH`.
struct DescriptionToolchain {
    /// The Swift compiler.
    let swiftc: String
    /// The folder that holds `StackDescription.swiftmodule`.
    let modules: String
    /// `libStackDescription.a`.
    let archive: String

    /// The toolchain, or a message saying what is missing.
    static func find() -> Result<DescriptionToolchain, DescriptionSetupError> {
        guard let swiftc = swiftcPath() else {
            return .failure(
                DescriptionSetupError(
                    reason:
                        "no swiftc on PATH: a stack.swift is compiled with the Swift toolchain (or set STACKC_SWIFTC)"))
        }
        let candidates = libraryFolders()
        for folder in candidates {
            let archive = folder + "/libStackDescription.a"
            let modules = folder + "/Modules"
            if access(archive, R_OK) == 0, access(modules + "/StackDescription.swiftmodule", R_OK) == 0 {
                return .success(DescriptionToolchain(swiftc: swiftc, modules: modules, archive: archive))
            }
        }
        return .failure(
            DescriptionSetupError(
                reason:
                    "the StackDescription library is not beside this stackc (looked in \(candidates.joined(separator: ", "))): install stackc with 'make install PREFIX=…', or set STACKC_DESCRIPTION_LIBRARY"
            ))
    }

    /// Where the library may be, in order.
    static func libraryFolders() -> [String] {
        if let override = DescriptionCache.environment("STACKC_DESCRIPTION_LIBRARY") { return [override] }
        guard let binary = DeliveredFiles.realPath("/proc/self/exe"), let slash = binary.lastIndex(of: "/") else {
            return []
        }
        let folder = String(binary[..<slash])
        let parent = folder.lastIndex(of: "/").map { String(folder[..<$0]) } ?? folder
        return [parent + "/lib/stackc", folder]
    }

    /// `STACKC_SWIFTC`, or `swiftc` on `PATH`.
    static func swiftcPath() -> String? {
        if let override = DescriptionCache.environment("STACKC_SWIFTC") { return override }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/swiftc"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// What identifies this library in the cache: the digest of the archive and the module (a
    /// rebuilt or reinstalled library compiles descriptions again). The compiler is not part of
    /// it: a module only loads in the compiler that built it, and the compiled program carries
    /// the Swift runtime it was linked with.
    ///
    /// Hashing the archive (2 MB) took half of a cached run, so the digest is kept in `cache`
    /// under a name made of both files' paths, sizes, inodes and modification times: a changed
    /// file is hashed again.
    func identity(cache: String) -> String? {
        let files = [archive, modules + "/StackDescription.swiftmodule"]
        var stamp = ""
        for file in files {
            var status = stat()
            guard stat(file, &status) == 0 else { return nil }
            stamp +=
                "\(file)\n\(status.st_size) \(status.st_ino) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)\n"
        }
        let remembered = cache + "/library-" + SHA256.hex(Array(stamp.utf8))
        if let kept = DescriptionFileBytes.read(remembered), kept.count == 129 {
            return String(decoding: kept, as: UTF8.self)
        }
        var digests: [String] = []
        for file in files {
            guard let bytes = DescriptionFileBytes.read(file) else { return nil }
            digests.append(SHA256.hex(bytes))
        }
        let identity = digests.joined(separator: "\n")
        // Best effort: without it, the next run hashes again.
        if DescriptionCache.makeFolder(cache) {
            let temporary = remembered + ".\(getpid()).tmp"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            if descriptor >= 0 {
                Terminal.write(identity, to: descriptor)
                close(descriptor)
                if rename(temporary, remembered) != 0 { unlink(temporary) }
            }
        }
        return identity
    }
}

/// A toolchain or library that is missing: exit status 2, like a file that cannot be read.
struct DescriptionSetupError: Error {
    let reason: String
}

/// Whole files, through the C library (the executable has no Foundation `Data`; see `Main`).
enum DescriptionFileBytes {
    static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return ManifestFile.readBytes(descriptor, limit: Int.max - 1, expected: 0)
    }
}
