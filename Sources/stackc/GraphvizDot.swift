import ArgumentParser
import Glibc

/// Graphviz's `dot`, found on `PATH`, which draws a graph written in DOT as a picture.
enum GraphvizDot {
    /// The first executable `dot` on `PATH`.
    static func path() -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/dot"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Draws `text` (DOT) as SVG into the file `output` (`-`: standard output) with
    /// `dot -Tsvg`, which reads it on its standard input and prints its own errors. Exit
    /// status 2 when there is no `dot` or it fails.
    static func drawSVG(_ text: String, to output: String) throws {
        guard let dot = path() else {
            Terminal.err(
                "stackc: --svg draws with Graphviz's 'dot', which is not on PATH: install Graphviz "
                    + "(Debian: apt-get install graphviz), or print DOT with --format dot and draw it elsewhere\n")
            throw ExitCode(2)
        }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            Terminal.err("stackc: cannot start '\(dot)': \(String(cString: strerror(errno)))\n")
            throw ExitCode(2)
        }
        // The write end stays with stackc, so that dot reads to the end of the text.
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        let arguments = [dot, "-Tsvg"] + (output == "-" ? [] : ["-o", output])
        let pid = ChildProcess.spawn(arguments, descriptors: [(ends[0], 0)])
        close(ends[0])
        guard let pid else {
            close(ends[1])
            Terminal.err("stackc: cannot start '\(dot)'\n")
            throw ExitCode(2)
        }
        // A dot that stops reading early says why itself; stackc must not die of the pipe.
        signal(SIGPIPE, SIG_IGN)
        Terminal.write(text, to: ends[1])
        close(ends[1])
        let ending = ChildProcess.wait(pid)
        guard ending.exitStatus == 0 else {
            let how = ending.exitStatus.map { "exit status \($0)" } ?? ending.signal.map { "signal \($0)" } ?? "unknown"
            let target = output == "-" ? "" : " into '\(output)'"
            Terminal.err("stackc: Graphviz's dot could not draw the graph\(target) (\(how))\n")
            throw ExitCode(2)
        }
    }
}
