import Testing

@testable import StackCompiler

/// The Dockerfile reader: how the image a Dockerfile's final stage builds starts, as Docker
/// would run it, and what it is built on when the Dockerfile does not say.
@Suite struct DockerfileParserTests {
    static func start(_ text: String) -> Dockerfile.Start {
        DockerfileParser.parse(text).start
    }

    static func known(_ entrypoint: [String], _ command: [String], shell: Bool = true) -> Dockerfile.Start {
        .known(KnownImages.Start(entrypoint: entrypoint, command: command), hasShell: shell)
    }

    @Test func theFinalStageOfSeveralWins() {
        let text = """
            FROM golang:1.22 AS build
            ENTRYPOINT ["/go/bin/builder"]
            CMD ["--all"]
            FROM ghcr.io/acme/base:1 AS runtime
            COPY --from=build /out /app
            ENTRYPOINT ["/app/server"]
            CMD ["--port", "8080"]
            """
        #expect(Self.start(text) == Self.known(["/app/server"], ["--port", "8080"]))
    }

    @Test func theLastOfEachInstructionWinsWithinAStage() {
        let text = """
            FROM ghcr.io/acme/base:1
            ENTRYPOINT ["/first"]
            CMD ["one"]
            ENTRYPOINT ["/second"]
            CMD ["two"]
            """
        #expect(Self.start(text) == Self.known(["/second"], ["two"]))
    }

    @Test func shellFormRunsInTheShellAndSHELLChangesIt() {
        #expect(
            Self.start("FROM ghcr.io/acme/base:1\nENTRYPOINT exec /app/server --port \"$PORT\"\n")
                == Self.known(["/bin/sh", "-c", "exec /app/server --port \"$PORT\""], []))
        let withShell = """
            FROM ghcr.io/acme/base:1
            CMD echo before
            SHELL ["/bin/bash", "-o", "pipefail", "-c"]
            ENTRYPOINT ["/app/run"]
            CMD echo after | tee /log
            """
        #expect(
            Self.start(withShell)
                == Self.known(["/app/run"], ["/bin/bash", "-o", "pipefail", "-c", "echo after | tee /log"]))
        // A stage built on another keeps the shell that stage set.
        let inherited = """
            FROM ghcr.io/acme/base:1 AS base
            SHELL ["/bin/ash", "-c"]
            FROM base
            ENTRYPOINT /app/run
            """
        #expect(Self.start(inherited) == Self.known(["/bin/ash", "-c", "/app/run"], []))
    }

    @Test func invalidJSONIsShellForm() {
        #expect(
            Self.start("FROM ghcr.io/acme/base:1\nENTRYPOINT ['/app/server']\n")
                == Self.known(["/bin/sh", "-c", "['/app/server']"], []))
        #expect(
            Self.start("FROM ghcr.io/acme/base:1\nENTRYPOINT [\"/app/server\",]\n")
                == Self.known(["/bin/sh", "-c", "[\"/app/server\",]"], []))
        #expect(
            Self.start(#"FROM ghcr.io/acme/base:1\#nENTRYPOINT ["/app/a b", "tab\there", "\u00e9\ud83d\ude00"]"#)
                == Self.known(["/app/a b", "tab\there", "é😀"], []))
    }

    @Test func argumentsBeforeFROMAreSubstitutedInIt() {
        let text = """
            ARG REGISTRY=docker.io
            ARG VERSION="3.12"
            ARG VARIANT
            FROM --platform=$BUILDPLATFORM ${REGISTRY}/library/python:$VERSION${VARIANT:--slim} AS app
            WORKDIR /app
            """
        let dockerfile = DockerfileParser.parse(text)
        #expect(dockerfile.stages.map(\.base) == ["docker.io/library/python:3.12-slim"])
        #expect(dockerfile.stages.first?.name == "app")
        // python's own start: CMD ["python3"], no ENTRYPOINT.
        #expect(dockerfile.start == Self.known([], ["python3"]))
        #expect(
            DockerfileParser.substitute("${A:+set}-${B+set}-${B:-empty}-\\$A-$", ["A": "1", "B": ""])
                == "set-set-empty-$A-$")
    }

    @Test func withoutAnEntrypointTheBaseImageDecides() {
        // A known base: its entrypoint, the stage's own command.
        #expect(
            Self.start("FROM nginx:1.27-alpine\nCMD [\"nginx\"]\n") == Self.known(["/docker-entrypoint.sh"], ["nginx"]))
        // A known base and nothing of the stage's own: all of the base's.
        #expect(Self.start("FROM python:3.12-slim\nRUN pip install flask\n") == Self.known([], ["python3"]))
        // A base stackc does not know: no ENTRYPOINT leaves the start unknown, even with a CMD.
        #expect(
            Self.start("FROM ghcr.io/acme/base:1\nCMD [\"serve\"]\n")
                == .unknownBase("ghcr.io/acme/base:1", hasShell: true))
    }

    @Test func anEarlierStageIsInheritedFrom() {
        let text = """
            FROM ghcr.io/acme/base:1 AS Base
            ENTRYPOINT ["/app/entry"]
            CMD ["serve"]
            FROM base AS tuned
            ENV MODE=fast
            FROM tuned
            RUN true
            """
        #expect(Self.start(text) == Self.known(["/app/entry"], ["serve"]))
        // Only a CMD of its own: the earlier stage's entrypoint with it.
        #expect(Self.start(text + "\nCMD [\"check\"]\n") == Self.known(["/app/entry"], ["check"]))
        // A stage named after the final one is an image, not itself.
        #expect(Self.start("FROM app AS app\n") == .unknownBase("app", hasShell: true))
    }

    @Test func anEntrypointResetsTheInheritedCommand() {
        // nginx's CMD is dropped by an ENTRYPOINT of the stage's own.
        #expect(Self.start("FROM nginx:1.27\nENTRYPOINT [\"/app/run\"]\n") == Self.known(["/app/run"], []))
        // ... and from an earlier stage's.
        let staged = """
            FROM ghcr.io/acme/base:1 AS base
            ENTRYPOINT ["/a"]
            CMD ["x"]
            FROM base
            ENTRYPOINT ["/b"]
            """
        #expect(Self.start(staged) == Self.known(["/b"], []))
        // A CMD of the same stage stays, before or after the ENTRYPOINT.
        #expect(
            Self.start("FROM nginx:1.27\nCMD [\"run\"]\nENTRYPOINT [\"/app/run\"]\n")
                == Self.known(["/app/run"], ["run"]))
    }

    @Test func continuationsCommentsAndCase() {
        let text = """
            # The server.
            from ghcr.io/acme/base:1
            # a comment inside a continuation is dropped
            entrypoint ["/app/server", \\
            # the port
                \t
              "--port", "8080"]
            Cmd /app/server \\
                --verbose
            """
        #expect(
            Self.start(text)
                == Self.known(["/app/server", "--port", "8080"], ["/bin/sh", "-c", "/app/server     --verbose"]))
    }

    @Test func theEscapeDirectiveChangesTheContinuationCharacter() {
        let text = """
            # escape=`
            FROM ghcr.io/acme/base:1
            CMD C:\\app\\run.exe `
              --fast
            ENTRYPOINT ["C:\\\\app\\\\entry.exe"]
            """
        let dockerfile = DockerfileParser.parse(text)
        #expect(dockerfile.stages.first?.command == ["/bin/sh", "-c", "C:\\app\\run.exe   --fast"])
        #expect(dockerfile.stages.first?.entrypoint == ["C:\\app\\entry.exe"])
        // After the first instruction, it is only a comment.
        let late = "FROM ghcr.io/acme/base:1\n# escape=`\nCMD a `\nENTRYPOINT [\"/x\"]\n"
        #expect(DockerfileParser.parse(late).stages.first?.command == ["/bin/sh", "-c", "a `"])
    }

    @Test func heredocsAreSkipped() {
        let text = """
            FROM ghcr.io/acme/base:1
            RUN <<EOF
            ENTRYPOINT ["/not/this"]
            CMD not this
            EOF
            COPY <<-"CONF" /etc/app.conf
            \tFROM scratch
            \tCONF
            RUN cat <<A <<'B' > /x
            CMD ["nor this"]
            A
            FROM scratch
            B
            CMD ["/app/server"]
            """
        let dockerfile = DockerfileParser.parse(text)
        #expect(dockerfile.stages.count == 1)
        #expect(dockerfile.stages.first?.entrypoint == nil)
        #expect(dockerfile.stages.first?.command == ["/app/server"])
    }

    @Test func fromScratchHasNoShell() {
        #expect(
            Self.start("FROM scratch\nCOPY server /\nENTRYPOINT [\"/server\"]\n")
                == Self.known(["/server"], [], shell: false))
        let staged = "FROM golang:1.22 AS build\nRUN go build\nFROM scratch AS bare\nFROM bare\nCMD [\"/server\"]\n"
        #expect(Self.start(staged) == Self.known([], ["/server"], shell: false))
        // A known image without a shell.
        #expect(Self.start("FROM traefik/whoami:v1.10\n") == .unknownBase("traefik/whoami:v1.10", hasShell: false))
    }

    @Test func emptyOrWithoutFROMBuildsNothing() {
        #expect(Self.start("") == .noStage)
        #expect(Self.start("# only a comment\n\n   \n") == .noStage)
        #expect(Self.start("ARG X=1\nCMD [\"x\"]\n") == .noStage)
        #expect(Self.start("\r\n\\") == .noStage)
    }

    @Test func windowsLineEndsAreLineEnds() {
        let text = "FROM ghcr.io/acme/base:1\r\nENTRYPOINT [\"/app/run\", \\\r\n  \"x\"]\r\nCMD [\"y\"]\r\n"
        #expect(Self.start(text) == Self.known(["/app/run", "x"], ["y"]))
    }

    /// Hostile input ends, quickly and without a crash: long runs of continuations, heredocs
    /// that never end, deep stage chains, unbalanced brackets and quotes.
    @Test func hostileInputEnds() {
        let continuations = "FROM a\nCMD x" + String(repeating: " \\\n", count: 100_000)
        #expect(DockerfileParser.parse(continuations).stages.first?.command?.last == "x")
        // About 1.5 MB: three times what the command line reads, in one chain of stages.
        let stages = (0..<50_000).map { "FROM s\($0) AS s\($0 + 1)" }.joined(separator: "\n") + "\nCMD [\"z\"]"
        #expect(Self.start(stages) == .unknownBase("s0", hasShell: true))
        let garbage = [
            "FROM a\nRUN <<EOF\n" + String(repeating: "x\n", count: 10_000),
            "FROM a\nENTRYPOINT [\"\\ud800\"]", "FROM a\nCMD [\"\\u12\"]", "FROM a\nCMD [\"a\"", "FROM ${X\nCMD [",
            "ARG A=\"unterminated\nFROM $A", "FROM\nCMD\nENTRYPOINT\nSHELL\nSHELL []", "\u{0}\u{1}FROM \u{FFFF}",
            "FROM a\nRUN <<\nRUN <<-\nRUN <<''\n",
        ]
        for text in garbage { _ = Self.start(text) }
    }
}
