/// The files beside the manifest that the caller (the command line) read for the compiler,
/// which reads none itself: each keyed as the manifest names it, relative to its folder.
public struct FilesRead: Sendable, Equatable {
    /// The files apps deliver (`files`), by the path the manifest gives
    /// (`ResolvedStack.deliveredFileSources`).
    public var deliveredFiles: [String: DeliveredFileContents]
    /// The Dockerfile of each app with `build`, by its `build` path
    /// (`ResolvedStack.dockerfilePaths` says where each is). A context missing here was not
    /// read: its start is unknown and nothing is reported about the file.
    public var dockerfiles: [String: DeliveredFileContents]

    public init(
        deliveredFiles: [String: DeliveredFileContents] = [:], dockerfiles: [String: DeliveredFileContents] = [:]
    ) {
        self.deliveredFiles = deliveredFiles
        self.dockerfiles = dockerfiles
    }
}

extension ResolvedStack {
    /// The Dockerfile of each app's `build` context, by the context as the manifest gives it:
    /// `<build>/Dockerfile`, relative to the manifest's folder, for the caller to read.
    public var dockerfilePaths: [String: String] {
        var paths: [String: String] = [:]
        for app in apps {
            guard let build = app.build else { continue }
            paths[build] = Dockerfile.path(inContext: build)
        }
        return paths
    }
}

extension Dockerfile {
    /// Where deploy.sh's `docker build` finds a context's Dockerfile: `<context>/Dockerfile`.
    static func path(inContext context: String) -> String {
        context.hasSuffix("/") ? context + "Dockerfile" : context + "/Dockerfile"
    }
}
