/// Runs a tmux `Command`: over the server socket with `TmuxWire` when it can, else by starting
/// the `tmux` binary. The one place that choice is made, for delivery and registration alike.
///
/// Policy: the wire is used when the command names its socket (`-S`), `TMUX_BIN` is unset
/// (a user who points us at another tmux binary gets that binary) and `AGENT_MESH_TMUX_EXEC`
/// is not `1`. `TmuxWire` hands back nil only when the command cannot have run, so falling
/// back to the binary then never runs a command twice.
///
/// The binary, when `TMUX_BIN` does not name one, is the one the server runs from
/// (`TmuxServerBinary`), found once per process and socket, else `tmux` on PATH: a client
/// of another release may not be able to talk to the server. The trace says which.
public enum TmuxClient {
    /// Whether the wire may be used in this process (environment read once).
    public static let wireAllowed = Environment.nonEmpty("TMUX_BIN") == nil && Environment.get("AGENT_MESH_TMUX_EXEC") != "1"

    /// `runner` runs the binary; a runner that does not allow the wire (a test's script) gets
    /// every command exactly as built.
    public static func run(_ command: Command, allowWire: Bool = wireAllowed,
                           runner: any CommandRunning = SystemRunner()) throws(SystemError) -> ProcessResult {
        let (socket, rest) = splitGlobalOptions(command.arguments)
        guard runner.allowsTmuxWire else { return try runner.run(command) }
        if allowWire, let socket, let first = rest.first,
           let w = TmuxWire.run(socket: socket, arguments: Array(rest), input: command.input,
                                timeoutMilliseconds: command.timeoutMilliseconds) {
            Trace.log("wire \(first) → \(w.status)")
            return ProcessResult(command: command, status: .exited(w.status), stdout: w.stdout,
                                 stderr: w.stderr, timedOut: w.timedOut, elapsedMilliseconds: 0)
        }
        var exec = command
        if let socket, Environment.nonEmpty("TMUX_BIN") == nil, FileSystem.baseName(command.executable) == "tmux",
           let binary = serverBinary(socket: socket) {
            exec.executable = binary
        }
        Trace.log("tmux \(rest.first ?? "") (\(exec.executable))")
        return try runner.run(exec)
    }

    nonisolated(unsafe) static var serverBinaries: [String: String?] = [:]

    /// `TmuxServerBinary.find`, remembered per socket for the life of the process (the tools
    /// are short-lived and single-threaded where they call tmux).
    static func serverBinary(socket: String) -> String? {
        if let known = serverBinaries[socket] { return known }
        let found = TmuxServerBinary.find(socket: socket)
        serverBinaries[socket] = .some(found)
        return found
    }

    /// The `-S` socket and the tmux command words after the client's global options
    /// (`-u`, `-S <path>`, `-L <name>`; `-L` yields no socket path).
    public static func splitGlobalOptions(_ arguments: [String]) -> (socket: String?, rest: ArraySlice<String>) {
        var args = arguments[...]
        var socket: String?
        while let first = args.first {
            if first == "-u" { args = args.dropFirst(); continue }
            if (first == "-S" || first == "-L") && args.count >= 2 {
                if first == "-S" { socket = args[args.index(after: args.startIndex)] }
                args = args.dropFirst(2)
                continue
            }
            break
        }
        return (socket, args)
    }
}
