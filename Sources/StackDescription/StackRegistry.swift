#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stacks a description made, handed to `stackc` when the program ends, the way
/// `Package.swift` hands over its `Package`: to the file descriptor named by `--stackc-fd N` in
/// the program's arguments (never standard output, which the description's own `print` may
/// use). Without that argument nothing is written.
enum StackRegistry {
    // A description's top-level code makes its stacks on one thread, before the program ends.
    nonisolated(unsafe) static var stacks: [Stack] = []
    nonisolated(unsafe) static var exitHandlerInstalled = false

    /// Keeps `stack` for the end of the program.
    static func register(_ stack: Stack) {
        stacks.append(stack)
        guard !exitHandlerInstalled else { return }
        exitHandlerInstalled = true
        atexit { StackRegistry.handOver() }
    }

    /// Writes the description, or the error, to the descriptor `stackc` named.
    static func handOver() {
        guard let descriptor = descriptor(in: CommandLine.arguments) else { return }
        writeAll(StackInterchange.encode(registered: stacks) + "\n", to: descriptor)
    }

    /// The number after `--stackc-fd`, or nil.
    static func descriptor(in arguments: [String]) -> Int32? {
        guard let index = arguments.firstIndex(of: "--stackc-fd"), index + 1 < arguments.count else { return nil }
        return Int32(arguments[index + 1])
    }

    /// Writes every byte of `text`, resuming after interruptions and short writes.
    static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        bytes.withUnsafeMutableBytes { buffer in
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
