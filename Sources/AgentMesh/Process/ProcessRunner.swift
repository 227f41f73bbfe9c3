@preconcurrency import Glibc
import CShims

/// Runs `Command`s with `posix_spawnp` and one `poll(2)` loop — never `Foundation.Process`,
/// whose `waitUntilExit` polls in 50 ms ticks.
///
/// Policy:
/// - Every pipe is `O_CLOEXEC`; the parent's ends are non-blocking.
/// - Stdin carries `input` then `inputFile`, then is closed; stdout and stderr are captured.
/// - Child exit is observed through a pidfd, so a grandchild that keeps a pipe open (an ssh
///   ControlMaster going to the background) cannot make us wait for EOF.
/// - Each child is its own process group; at its deadline the group gets SIGTERM, and SIGKILL
///   200 ms later.
/// - Several commands run concurrently in the same loop (`runAll`): parallel ssh to peers
///   costs the slowest one, not the sum.
/// - Failure to spawn (no such program) throws `SystemError`; a non-zero exit is a value.
public enum ProcessRunner {
    static let killGraceMilliseconds = 200

    /// Runs one command to completion (or its deadline).
    public static func run(_ command: Command) throws(SystemError) -> ProcessResult {
        try runAll([command])[0]
    }

    /// Runs the commands concurrently; results are in the same order as `commands`.
    public static func runAll(_ commands: [Command]) throws(SystemError) -> [ProcessResult] {
        ignoreSIGPIPE()
        var children: [Child] = []
        children.reserveCapacity(commands.count)
        do {
            for command in commands { children.append(try Child.spawn(command)) }
        } catch {
            for child in children { child.abandon() }
            throw error
        }
        drive(&children)
        return children.map { $0.result() }
    }

    /// Starts `command` in a new session with stdio on /dev/null and does not wait for it
    /// (background sync after a hook). Returns the child's pid.
    @discardableResult
    public static func spawnDetached(_ command: Command) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        setDefaultSignals(&attributes, extraFlags: cshims_spawn_setsid_flag())
        return try spawn(command, &actions, &attributes)
    }

    // MARK: - Internals

    nonisolated(unsafe) private static var sigpipeIgnored = false

    static func ignoreSIGPIPE() {
        if !sigpipeIgnored {
            signal(SIGPIPE, SIG_IGN)
            sigpipeIgnored = true
        }
    }

    static func setDefaultSignals(_ attributes: inout posix_spawnattr_t, extraFlags: Int16) {
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        let flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK) | extraFlags
        posix_spawnattr_setflags(&attributes, flags)
    }

    static func spawn(_ command: Command, _ actions: inout posix_spawn_file_actions_t,
                      _ attributes: inout posix_spawnattr_t) throws(SystemError) -> pid_t {
        let argv = command.argv.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let envp: [UnsafeMutablePointer<CChar>?]
        if let overrides = command.environment {
            envp = Environment.merged(with: overrides).map { strdup($0) } + [nil]
        } else {
            envp = []
        }
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        let rc: Int32 = argv.withUnsafeBufferPointer { argvBuffer in
            if envp.isEmpty {
                return posix_spawnp(&pid, command.executable, &actions, &attributes,
                                    argvBuffer.baseAddress!, cshims_environ()!)
            }
            return envp.withUnsafeBufferPointer { envBuffer in
                posix_spawnp(&pid, command.executable, &actions, &attributes,
                             argvBuffer.baseAddress!, UnsafeMutablePointer(mutating: envBuffer.baseAddress!))
            }
        }
        if rc != 0 { throw SystemError("spawn", path: command.executable, errno: rc) }
        return pid
    }

    /// The poll loop: feed stdin, drain stdout/stderr, notice exits and deadlines.
    static func drive(_ children: inout [Child]) {
        while children.contains(where: { !$0.isFinished }) {
            var fds: [pollfd] = []
            var owners: [(child: Int, role: Child.FDRole)] = []
            let now = MonotonicClock.milliseconds()
            var wait = Int.max
            for i in children.indices where !children[i].isFinished {
                children[i].enforceDeadline(now: now)
                for (fd, role, events) in children[i].pollRequests() {
                    fds.append(pollfd(fd: fd, events: events, revents: 0))
                    owners.append((i, role))
                }
                wait = min(wait, children[i].millisecondsUntilNextDeadline(now: now))
            }
            if fds.isEmpty { continue }
            let timeout = Int32(clamping: max(0, min(wait, 60_000)))
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for (k, pfd) in fds.enumerated() where pfd.revents != 0 {
                children[owners[k].child].handle(owners[k].role, revents: pfd.revents)
            }
        }
    }
}
