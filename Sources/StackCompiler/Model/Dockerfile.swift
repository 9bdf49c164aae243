/// What a Dockerfile says about how the image it builds starts: its stages, each with its base
/// and the ENTRYPOINT, CMD and SHELL it sets itself (`DockerfileParser` reads them from text).
/// The final stage's start is its own where it says, else inherited: from the earlier stage it
/// is built on, else from the base image when stackc knows it (`KnownImages.start`).
struct Dockerfile: Equatable {
    /// One `FROM` and the instructions up to the next.
    struct Stage: Equatable {
        /// The base as written after `ARG` substitution: an image, `scratch`, or an earlier
        /// stage's name.
        var base: String
        /// The name after `AS`, lower case (Docker compares stage names so).
        var name: String?
        /// The last `ENTRYPOINT` of the stage, as the container runs it (shell form wrapped in
        /// the shell).
        var entrypoint: [String]?
        /// The last `CMD` of the stage, the same way.
        var command: [String]?
        /// The earlier stage `base` names, by index, if it names one.
        var parent: Int?
        /// The shell its shell forms run in: the last `SHELL` so far, else the parent stage's,
        /// else Docker's default.
        var shell = ["/bin/sh", "-c"]
    }

    var stages: [Stage]

    /// How the image the final stage builds starts, and whether it has a shell.
    enum Start: Equatable {
        /// Known: the image's entrypoint and command, and whether it has `/bin/sh` (false for an
        /// image built `FROM scratch`).
        case known(KnownImages.Start, hasShell: Bool)
        /// The final stage does not say (no ENTRYPOINT, or a CMD without one), and it is built
        /// on this image, which stackc does not know.
        case unknownBase(String, hasShell: Bool)
        /// There is no `FROM`: nothing is built.
        case noStage
    }

    /// The final stage's start. Each stage names only stages before it, so following them ends.
    var start: Start {
        guard let last = stages.indices.last, let root = rootBase else { return .noStage }
        // The chain from the final stage down to the first one built on an image.
        var chain = [last]
        while let parent = stages[chain[chain.count - 1]].parent { chain.append(parent) }
        let scratch = root.lowercased() == "scratch"
        let hasShell = !scratch && KnownImages.tools(of: root)?.shell != false
        var entrypoint: [String]?
        var command: [String]?
        if scratch {
            (entrypoint, command) = ([], [])
        } else if let known = KnownImages.start(of: root) {
            (entrypoint, command) = (known.entrypoint, known.command)
        }
        for index in chain.reversed() {
            let stage = stages[index]
            if let own = stage.entrypoint {
                entrypoint = own
                // An ENTRYPOINT resets the CMD the stage inherits.
                command = stage.command ?? []
            } else if let own = stage.command {
                command = own
            }
        }
        guard let entrypoint, let command else { return .unknownBase(root, hasShell: hasShell) }
        return .known(KnownImages.Start(entrypoint: entrypoint, command: command), hasShell: hasShell)
    }

    /// The image the final stage is built on, through the earlier stages it names; nil
    /// without a `FROM`.
    var rootBase: String? {
        guard var index = stages.indices.last else { return nil }
        while let parent = stages[index].parent { index = parent }
        return stages[index].base
    }
}
