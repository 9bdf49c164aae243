import Glibc
import StackCompiler

/// Reads everything beside the manifest that the build needs, for the compiler, which reads no
/// file itself: the files apps deliver (`files`) and the Dockerfile of each app with `build`
/// (how its image starts), each relative to the manifest's folder and from its repository only.
enum FilesBesideManifest {
    static func read(_ stack: ResolvedStack, manifest: String) -> FilesRead {
        let dockerfiles = stack.dockerfilePaths.sorted { $0.key < $1.key }.map { (key: $0.key, path: $0.value) }
        var read = DeliveredFiles.read(dockerfiles, manifest: manifest)
        // `build` naming the Dockerfile itself (or any file) rather than its folder: say so.
        let contexts = DeliveredFiles.kinds(dockerfiles.map { (key: $0.key, path: $0.key) }, manifest: manifest)
        for (context, kind) in contexts where kind == S_IFREG {
            if case .unreadable? = read[context] {
                read[context] = .unreadable("'build' names a file, not the folder that holds the Dockerfile")
            }
        }
        return FilesRead(deliveredFiles: DeliveredFiles.read(stack, manifest: manifest), dockerfiles: read)
    }
}
