import Glibc

/// Builds tmux client invocations as `Command` values (argv as data, unit-testable).
///
/// Policy:
/// - The binary is `$TMUX_BIN` or `tmux` on PATH.
/// - The server is the explicit socket when one is known (`-S <path>`: a registry entry records
///   the socket its window lives on), else `$TMUX_SOCKET` (a path, `-S`), else tmux's own
///   default (which honours `$TMUX` inside a pane).
/// - Every command carries a deadline (default 3 s): a tmux client can block forever, e.g. on
///   a pane in copy mode with a client attached.
/// - Every call passes `-u`: without a UTF-8 locale (cron, systemd) the client would get
///   non-ASCII and control bytes replaced by `_`, mangling names, captures and our markers.
/// - Several tmux commands can share one client round trip: `chained` joins them with a
///   separate `;` argument, which tmux treats as a command separator.
public struct Tmux: Sendable, Equatable {
    public var binary: String
    public var socketPath: String?
    public var timeoutMilliseconds: Int

    public init(binary: String? = nil, socketPath: String? = nil, timeoutMilliseconds: Int = 3_000) {
        self.binary = binary ?? Environment.nonEmpty("TMUX_BIN") ?? "tmux"
        self.socketPath = socketPath ?? Environment.nonEmpty("TMUX_SOCKET")
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// The same client settings pointed at another server socket.
    public func on(socket: String?) -> Tmux {
        var copy = self
        if let socket, !socket.isEmpty { copy.socketPath = socket }
        return copy
    }

    /// One tmux command: `tmux -u [-S sock] <arguments…>`.
    public func command(_ arguments: [String], input: [UInt8] = [], timeoutMilliseconds: Int? = nil) -> Command {
        var argv: [String] = ["-u"]
        if let socketPath { argv += ["-S", socketPath] }
        argv += arguments
        return Command(binary, argv, input: input, timeoutMilliseconds: timeoutMilliseconds ?? self.timeoutMilliseconds)
    }

    /// Several tmux commands in one client call, separated by `;` arguments.
    public func chained(_ commands: [[String]], input: [UInt8] = [], timeoutMilliseconds: Int? = nil) -> Command {
        var joined: [String] = []
        for (i, c) in commands.enumerated() {
            if i > 0 { joined.append(";") }
            joined += c
        }
        return command(joined, input: input, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// An exact tmux target for a session name: `=name` (tmux otherwise matches prefixes and
    /// patterns, so `claude` would hit `claude-2`).
    public static func exactSession(_ name: String) -> String { "=\(name)" }

    /// An exact window target: `=session:index`.
    public static func exactWindow(session: String, index: Int) -> String { "=\(session):\(index)" }

    /// The socket this client talks to: `-S`/`$TMUX_SOCKET`, else `$TMUX`'s, else tmux's
    /// default path (`$TMUX_TMPDIR` or `/tmp`, `tmux-<uid>/default`). The registry records it
    /// and the pane lock is keyed by it, so both name a server the same way.
    public var effectiveSocketPath: String {
        if let s = socketPath { return s }
        if let t = Environment.nonEmpty("TMUX"), let first = t.split(separator: ",").first { return String(first) }
        let dir = Environment.nonEmpty("TMUX_TMPDIR") ?? "/tmp"
        return "\(dir)/tmux-\(getuid())/default"
    }
}
