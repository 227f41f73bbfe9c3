@preconcurrency import Glibc
import CShims

/// One running child of `ProcessRunner`: its pipes, buffers, deadline and exit status.
/// Internal: callers see only `Command` and `ProcessResult`.
struct Child {
    enum FDRole { case stdin, stdout, stderr, exit }

    let command: Command
    let pid: pid_t
    private var pidfd: Int32
    private var stdinFD: Int32
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private var inputFileFD: Int32 = -1
    private var pending: [UInt8]
    private var pendingOffset = 0
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []
    private var status: TerminationStatus?
    private var timedOut = false
    private var missedFirstOutput = false
    /// Absolute time by which stdout must have produced a byte, while it has not.
    private var firstOutputDeadline: Int?
    private var killAt: Int?
    private let started: Int
    private var ended: Int?
    private let deadline: Int
    private(set) var isFinished = false

    static func spawn(_ command: Command) throws(SystemError) -> Child {
        var inputFileFD: Int32 = -1
        if let path = command.inputFile {
            inputFileFD = retryingEINTR { open(path, O_RDONLY | O_CLOEXEC) }
            if inputFileFD < 0 { throw SystemError("open", path: path) }
        }
        let wantsStdin = !command.input.isEmpty || inputFileFD >= 0
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        func closeAll() {
            for fd in inPipe + outPipe + errPipe + [inputFileFD] where fd >= 0 { close(fd) }
        }
        if (wantsStdin && cshims_pipe2(&inPipe, O_CLOEXEC) != 0)
            || cshims_pipe2(&outPipe, O_CLOEXEC) != 0 || cshims_pipe2(&errPipe, O_CLOEXEC) != 0 {
            let e = SystemError("pipe2")
            closeAll()
            throw e
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if wantsStdin {
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        ProcessRunner.setDefaultSignals(&attributes, extraFlags: Int16(POSIX_SPAWN_SETPGROUP))
        let pid: pid_t
        do {
            pid = try ProcessRunner.spawn(command, &actions, &attributes)
        } catch {
            closeAll()
            throw error
        }
        // The child's ends belong to the child now.
        for fd in [inPipe[0], outPipe[1], errPipe[1]] where fd >= 0 { close(fd) }
        for fd in [inPipe[1], outPipe[0], errPipe[0]] where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        let now = MonotonicClock.milliseconds()
        var child = Child(command: command, pid: pid, pidfd: cshims_pidfd_open(pid),
                          stdinFD: inPipe[1], stdoutFD: outPipe[0], stderrFD: errPipe[0],
                          inputFileFD: inputFileFD, pending: command.input,
                          started: now, deadline: now + max(1, command.timeoutMilliseconds))
        child.firstOutputDeadline = command.firstOutputMilliseconds.map { now + max(1, $0) }
        return child
    }

    /// The fds to poll and for what.
    func pollRequests() -> [(Int32, FDRole, Int16)] {
        var requests: [(Int32, FDRole, Int16)] = []
        if stdinFD >= 0 { requests.append((stdinFD, .stdin, Int16(POLLOUT))) }
        if stdoutFD >= 0 { requests.append((stdoutFD, .stdout, Int16(POLLIN))) }
        if stderrFD >= 0 { requests.append((stderrFD, .stderr, Int16(POLLIN))) }
        if pidfd >= 0 { requests.append((pidfd, .exit, Int16(POLLIN))) }
        return requests
    }

    /// How long poll may sleep for this child: to its deadline or kill escalation; without a
    /// pidfd (old kernels) a 5 ms tick to notice the exit.
    func millisecondsUntilNextDeadline(now: Int) -> Int {
        var next = (killAt ?? min(deadline, firstOutputDeadline ?? deadline)) - now
        if pidfd < 0 { next = min(next, 5) }
        return max(0, next)
    }

    mutating func enforceDeadline(now: Int) {
        if pidfd < 0 { reapIfExited(blocking: false) }
        if isFinished || status != nil { return }
        if let killAt {
            if now >= killAt { kill(-pid, SIGKILL); kill(pid, SIGKILL); self.killAt = now + 1_000 }
        } else if now >= deadline || (firstOutputDeadline.map { now >= $0 } ?? false) {
            if now < deadline { missedFirstOutput = true }
            timedOut = true
            kill(-pid, SIGTERM)
            kill(pid, SIGTERM)
            killAt = now + ProcessRunner.killGraceMilliseconds
        }
    }

    mutating func handle(_ role: FDRole, revents: Int16) {
        switch role {
        case .stdin: feedStdin()
        case .stdout:
            _ = drain(&stdoutFD, into: &stdout)
            if !stdout.isEmpty { firstOutputDeadline = nil }
        case .stderr: _ = drain(&stderrFD, into: &stderr)
        case .exit: reapIfExited(blocking: true)
        }
    }

    private mutating func feedStdin() {
        while stdinFD >= 0 {
            if pendingOffset == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingOffset = 0
                if inputFileFD >= 0 {
                    pending = [UInt8](repeating: 0, count: 65_536)
                    let n = pending.withUnsafeMutableBytes { buf in
                        retryingEINTR { read(inputFileFD, buf.baseAddress, buf.count) }
                    }
                    if n > 0 { pending.removeSubrange(n...); continue }
                    pending.removeAll()
                    close(inputFileFD); inputFileFD = -1
                }
                close(stdinFD); stdinFD = -1
                if let step = command.pauseAfterInput { PausePoint.reach(named: step) }
                return
            }
            let n = pending[pendingOffset...].withUnsafeBytes { buf in
                retryingEINTR { write(stdinFD, buf.baseAddress, buf.count) }
            }
            if n > 0 { pendingOffset += n; continue }
            if n < 0 && errno == EAGAIN { return }
            close(stdinFD); stdinFD = -1   // EPIPE: the child does not want the rest.
        }
    }

    /// Reads what is available; closes the fd at EOF. Returns false at EOF.
    private func drain(_ fd: inout Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while fd >= 0 {
            let n = chunk.withUnsafeMutableBytes { buf in
                retryingEINTR { read(fd, buf.baseAddress, buf.count) }
            }
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]); continue }
            if n < 0 && errno == EAGAIN { return true }
            close(fd); fd = -1
            return false
        }
        return false
    }

    private mutating func reapIfExited(blocking: Bool) {
        guard status == nil else { return }
        var raw: Int32 = 0
        let rc = retryingEINTR { waitpid(pid, &raw, blocking ? 0 : WNOHANG) }
        guard rc == pid else { return }
        if cshims_wifexited(raw) != 0 {
            status = .exited(cshims_wexitstatus(raw))
        } else {
            status = .signaled(cshims_wtermsig(raw))
        }
        finish()
    }

    /// After exit: take what the child left in the pipes, but do not wait for EOF (a
    /// grandchild may hold them open), then close everything.
    private mutating func finish() {
        if stdoutFD >= 0 { _ = drain(&stdoutFD, into: &stdout) }
        if stderrFD >= 0 { _ = drain(&stderrFD, into: &stderr) }
        for fd in [stdinFD, stdoutFD, stderrFD, pidfd, inputFileFD] where fd >= 0 { close(fd) }
        stdinFD = -1; stdoutFD = -1; stderrFD = -1; pidfd = -1; inputFileFD = -1
        ended = MonotonicClock.milliseconds()
        isFinished = true
    }

    /// Used when a later spawn in the same batch failed: kill and reap this one.
    func abandon() {
        kill(-pid, SIGKILL)
        var raw: Int32 = 0
        _ = retryingEINTR { waitpid(pid, &raw, 0) }
        for fd in [stdinFD, stdoutFD, stderrFD, pidfd, inputFileFD] where fd >= 0 { close(fd) }
    }

    func result() -> ProcessResult {
        ProcessResult(command: command, status: status ?? .signaled(SIGKILL), stdout: stdout,
                      stderr: stderr, timedOut: timedOut, missedFirstOutput: missedFirstOutput,
                      elapsedMilliseconds: Double((ended ?? MonotonicClock.milliseconds()) - started))
    }
}
