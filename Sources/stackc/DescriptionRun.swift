import Glibc

/// One run of a compiled description: the JSON form it hands over on descriptor 3, and its
/// standard output and error passed on to stackc's standard error. The run is read until the
/// program ends (not until every copy of its descriptors closes: a process it left behind
/// cannot hold stackc up); then its process group is ended, so nothing it started outlives it.
struct DescriptionRun {
    /// What the program handed over.
    var interchange: [UInt8] = []
    /// How it ended; nil when it could not start or was stopped for taking too long.
    var ending: ChildProcess.Ending?
    /// True when it was stopped after `timeoutSeconds`.
    var timedOut = false
    /// The line of the description a runtime error named (a `fatalError`, a failed
    /// `precondition`), with the runtime's message.
    var crash: (line: Int, message: String)?
    /// The runtime's last `Fatal error: …` message, wherever it was raised.
    var fatalMessage: String?

    /// Runs `program`, whose runtime messages name the description as `StackFile/<fileName>`,
    /// shown to the user as `displayPath`; with `forwardOutput` false (`stackc explain`'s
    /// examples) its output is only read, for the crash it names, and not passed on.
    static func run(
        _ program: String, fileName: String, displayPath: String, timeoutSeconds: Int, limit: Int,
        forwardOutput: Bool = true
    ) -> DescriptionRun {
        var run = DescriptionRun()
        guard let handover = ChildProcess.pipeForChild() else { return run }
        defer { close(handover.read) }
        guard let output = ChildProcess.pipeForChild() else {
            close(handover.write)
            return run
        }
        defer { close(output.read) }
        let spawned = ChildProcess.spawn(
            [program, "--stackc-fd", "3"], descriptors: [(handover.write, 3), (output.write, 1), (output.write, 2)],
            ownGroup: true)
        close(handover.write)
        close(output.write)
        guard let pid = spawned else { return run }
        var forwarder = RuntimeOutput(fileName: fileName, displayPath: displayPath, forwards: forwardOutput)
        let deadline = ChildProcess.milliseconds() + timeoutSeconds * 1000
        var open = (handover: true, output: true)
        func drainBoth() {
            if open.handover { open.handover = ChildProcess.drain(handover.read, into: &run.interchange, limit: limit) }
            if open.output {
                var chunk: [UInt8] = []
                open.output = ChildProcess.drain(output.read, into: &chunk, limit: 1 << 20)
                forwarder.feed(chunk)
            }
        }
        while true {
            if let ending = ChildProcess.ended(pid) {
                run.ending = ending
                drainBoth()
                break
            }
            let remaining = deadline - ChildProcess.milliseconds()
            if remaining <= 0 {
                run.timedOut = true
                kill(pid, SIGKILL)
                _ = ChildProcess.wait(pid)
                break
            }
            var watched: [pollfd] = []
            if open.handover { watched.append(pollfd(fd: handover.read, events: Int16(POLLIN), revents: 0)) }
            if open.output { watched.append(pollfd(fd: output.read, events: Int16(POLLIN), revents: 0)) }
            // Short waits: the program's end is noticed by waitpid, not by its pipes closing.
            _ = poll(&watched, nfds_t(watched.count), Int32(min(remaining, 20)))
            drainBoth()
            if run.interchange.count > limit { break }
        }
        // Whatever the description started and left running ends with it.
        kill(-pid, SIGKILL)
        if run.ending == nil && !run.timedOut {
            kill(pid, SIGKILL)
            run.ending = ChildProcess.wait(pid)
        }
        forwarder.finish()
        run.crash = forwarder.crash
        run.fatalMessage = forwarder.fatalMessage
        return run
    }
}

/// Passes a description's output on to stderr line by line. The runtime names the
/// description by its module (`StackFile/stack.swift:3: Fatal error: …`): that becomes the
/// path the user gave, and is kept to locate the failure; the stack trace that follows is left
/// out (the compiled program has no symbols, so it shows only addresses).
struct RuntimeOutput {
    let fileName: String
    let displayPath: String
    /// Whether lines are passed on to stderr; without, they are only read.
    let forwards: Bool
    var crash: (line: Int, message: String)?
    var fatalMessage: String?
    private var pending: [UInt8] = []
    private var inTrace = false

    init(fileName: String, displayPath: String, forwards: Bool = true) {
        self.fileName = fileName
        self.displayPath = displayPath
        self.forwards = forwards
    }

    mutating func feed(_ bytes: [UInt8]) {
        pending += bytes
        while let newline = pending.firstIndex(of: 0x0A) {
            let line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            handle(line)
        }
        // A very long line without a break is passed on as it is.
        if pending.count > 64 * 1024 {
            if forwards { Terminal.err(String(decoding: pending, as: UTF8.self)) }
            pending = []
        }
    }

    mutating func finish() {
        if !pending.isEmpty { handle(String(decoding: pending, as: UTF8.self)) }
        pending = []
    }

    private mutating func handle(_ line: String) {
        if inTrace {
            if Self.isTraceFrame(line) { return }
            inTrace = false
        }
        if line == "Current stack trace:" {
            inTrace = true
            return
        }
        if let range = line.firstRange(of: "Fatal error") {
            fatalMessage = String(line[range.lowerBound...])
        }
        let prefix = "StackFile/" + fileName + ":"
        if line.hasPrefix(prefix) {
            let rest = line.dropFirst(prefix.count)
            if let colon = rest.firstIndex(of: ":"), let number = Int(rest[..<colon]) {
                crash = (number, rest[rest.index(after: colon)...].trimmingPrefixSpaces())
            }
            if forwards { Terminal.err(displayPath + ":" + rest + "\n") }
            return
        }
        if forwards { Terminal.err(line + "\n") }
    }

    /// `3    program-name 0x00005578de1ff4e1 <unavailable> + 402657`.
    static func isTraceFrame(_ line: String) -> Bool {
        guard let first = line.first, first.isNumber else { return false }
        return line.contains(" 0x")
    }
}

extension Substring {
    func trimmingPrefixSpaces() -> String { String(drop { $0 == " " }) }
}
