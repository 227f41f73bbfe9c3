@preconcurrency import Glibc

/// An exclusive `flock(2)` on a lock file, released when the value is unlocked or the
/// process dies (the kernel drops it). Never a PID file.
///
/// Policy: acquisition has a deadline. Holders are short (a registry write, one delivery),
/// so waiting longer than the deadline means something is wrong; the caller gets a
/// `SystemError` with `EWOULDBLOCK` instead of hanging a hook or an agent.
public final class FileLock {
    public let path: String
    private var fd: Int32

    /// Opens (creating, mode 0600) and locks `path`, waiting at most `timeoutMilliseconds`.
    public init(path: String, timeoutMilliseconds: Int = 10_000) throws(SystemError) {
        self.path = path
        fd = retryingEINTR { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
        if fd < 0 { throw SystemError("open", path: path) }
        // Fast path: uncontended.
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
        let deadline = MonotonicClock.milliseconds() + timeoutMilliseconds
        var pause = 1
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
            let e = errno
            if e != EWOULDBLOCK && e != EINTR {
                close(fd)
                throw SystemError("flock", path: path, errno: e)
            }
            if MonotonicClock.milliseconds() >= deadline {
                close(fd)
                throw SystemError("flock", path: path, errno: EWOULDBLOCK)
            }
            MonotonicClock.sleep(milliseconds: pause)
            pause = min(pause * 2, 20)
        }
    }

    /// Tries once; nil when another process holds the lock.
    public static func tryLock(path: String) throws(SystemError) -> FileLock? {
        do {
            return try FileLock(path: path, timeoutMilliseconds: 0)
        } catch where error.errno == EWOULDBLOCK {
            return nil
        }
    }

    public func unlock() {
        if fd >= 0 { close(fd); fd = -1 }
    }

    deinit { unlock() }
}
