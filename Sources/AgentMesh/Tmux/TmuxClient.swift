/// Runs a tmux `Command`: over the server socket with `TmuxWire` when it can, else by starting
/// the `tmux` binary. The one place that choice is made, for delivery and registration alike.
///
/// Policy: the wire is used when the command names its socket (`-S`), `TMUX_BIN` is unset
/// (a user who points us at another tmux binary gets that binary) and `AGENT_MESH_TMUX_EXEC`
/// is not `1`. `TmuxWire` hands back nil only when the command cannot have run, so falling
/// back to the binary then never runs a command twice.
public enum TmuxClient {
    /// Whether the wire may be used in this process (environment read once).
    public static let wireAllowed = Environment.nonEmpty("TMUX_BIN") == nil && Environment.get("AGENT_MESH_TMUX_EXEC") != "1"

    public static func run(_ command: Command, allowWire: Bool = wireAllowed) throws(SystemError) -> ProcessResult {
        let (socket, rest) = splitGlobalOptions(command.arguments)
        if allowWire, let socket, let first = rest.first,
           let w = TmuxWire.run(socket: socket, arguments: Array(rest), input: command.input,
                                timeoutMilliseconds: command.timeoutMilliseconds) {
            Trace.log("wire \(first) → \(w.status)")
            return ProcessResult(command: command, status: .exited(w.status), stdout: w.stdout,
                                 stderr: w.stderr, timedOut: w.timedOut, elapsedMilliseconds: 0)
        }
        Trace.log("tmux \(rest.first ?? "")")
        return try ProcessRunner.run(command)
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
