import FoundationEssentials
import Glibc

/// A lock on the folder that holds the stacks' output folders (`out/`), so that two stackc
/// processes never write (or one writes while another compares) the same output at once:
/// `flock(2)` on the folder itself, which the kernel releases when the process ends, however it
/// ends, so a killed build never leaves a stale lock behind.
final class OutputFolderLock {
    private var descriptor: Int32

    /// Takes the lock on `folder`, exclusive to write, shared to read; when another process
    /// holds it, calls `waiting` once and waits.
    init(_ folder: URL, exclusive: Bool, waiting: () -> Void) throws(OutputFolderError) {
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw OutputFolderError.failed("cannot open '\(folder.path)'", String(cString: strerror(errno)))
        }
        let operation = exclusive ? LOCK_EX : LOCK_SH
        var result = flock(descriptor, operation | LOCK_NB)
        if result != 0 && errno == EWOULDBLOCK {
            waiting()
            repeat { result = flock(descriptor, operation) } while result != 0 && errno == EINTR
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw OutputFolderError.failed("cannot lock '\(folder.path)'", reason)
        }
        self.descriptor = descriptor
    }

    /// Gives the lock up (closing the folder); also when the lock is released from memory.
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
