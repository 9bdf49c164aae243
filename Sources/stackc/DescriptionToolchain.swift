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
    func identity() -> String? {
        guard let archive = DescriptionFileBytes.read(archive),
            let module = DescriptionFileBytes.read(
                modules + "/StackDescription.swiftmodule")
        else { return nil }
        return SHA256.hex(archive) + "\n" + SHA256.hex(module)
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
