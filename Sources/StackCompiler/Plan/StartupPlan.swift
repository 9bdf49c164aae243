import StackDiagnostics

/// What a service does before its image's own start, as asked by the passes; the start-up
/// wrapper renderer writes it as a script once the plan is finished, so that waits name only
/// services the finished plan has.
struct StartupPlan {
    /// The service the wrapper runs in.
    var service: String
    var steps: [Step]
    /// The pass and keys that asked for it (stamped by `BuildPlan.addStartup` when nil).
    var origin: OutputOrigin? = nil
    /// The image's entrypoint and command, when stackc or the manifest knows them.
    var start: KnownImages.Start?
    /// The manifest's command as one string, which the wrapper passes on to a shell.
    var shellCommand: String?
    /// Where the manifest names the app, for the warning when the start is unknown.
    var span: SourceSpan?
    /// False for an image known to have no `/bin/sh`, which the wrapper needs.
    var hasShell = true
    /// The image, for warnings.
    var image = ""
    /// Why the start is unknown or there is no shell, when something more than the image says
    /// it (a built app's Dockerfile), for the warning in place of the image's words.
    var explanation: Explanation?

    /// What a warning about the wrapper says instead of naming the image.
    struct Explanation {
        /// Completes "…needs a start-up wrapper (…), but ".
        var reason: String
        var help: String
    }

    /// One thing the wrapper does.
    enum Step {
        /// Reads the database password from its file and builds `DATABASE_URL` (`postgres`,
        /// `mysql` or `redis` scheme).
        case databaseURL(scheme: String)
        /// Reads a secret's file into a variable, for images that read only the environment.
        case exportSecret(variable: String, file: String)
        /// Waits until the target answers.
        case waitFor(WaitTarget)
        /// Lets one task of several install into a shared folder, the others wait.
        case runOnce(folder: String)
    }

    /// What a wait waits for.
    enum WaitTarget {
        /// An app of the stack: its health check URL, else its port, else its name.
        case app(String)
        /// A database server: its port.
        case database(String, port: Int)
        /// A platform service: its port.
        case platform(PlatformService)
    }
}
