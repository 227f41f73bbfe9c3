@preconcurrency import Glibc

/// `notify-pane`: deliver a tagged message (or a file) to an agent's tmux pane.
///
/// Policy: the one error funnel of the tool. Every failure is one line
/// `notify-pane: error: …` on stderr and an exit code from `NotifyExitCode`; help, `--version`,
/// `--list` and `--whoami` print on stdout. Every send attempt that reaches a recipient is
/// appended to the audit log.
public enum NotifyPaneTool {
    public static let name = "notify-pane"

    public static let help = """
    USAGE: notify-pane [-q] <address> <message…>
           notify-pane [-q] <address> --file <path> [message…]
           notify-pane [-q] <address> -                  (message from stdin)
           notify-pane --list [--long | --json]
           notify-pane --whoami | --help | --version

    Types "[from <sender> @ <time>] <message>" into the agent's tmux pane and presses Enter,
    then checks that the message left the input line.

      --file <path>   copy the file to ~/.agent-inbox/<sender>/<name> on the recipient's
                      host (never overwriting a different file: name.1.ext, …) and send
                      "file dropped at … (N bytes)[: message]"
      -               read the message from stdin (one trailing newline is dropped)
      --              end of options: "notify-pane peer -- -x" sends "-x" (a message may
                      also start with "-" without it, unless it is -q, -f or --file)
      -q, --quiet     print nothing on success
      --list          registered addresses, one per line
      --long, --json  with --list: address, host, target, role, live/stale; or JSON
      --whoami        the sender name this shell would use

    A message with a line break, or longer than 500 characters, is not typed: it is saved
    byte-exact as ~/.agent-inbox/<sender>/msg-<time>-<n>.txt and a one-line pointer is sent.
    Control characters are shown in caret notation (^[), tabs become spaces.

    ENVIRONMENT:
      AGENT_NAME               sender name (default: this window's address, else host alias)
      FORCE_SEND=1             send even when the recipient has a draft in its input
      SKIP_DISMISS=1           do not press Escape on a Claude Code /config, /help, /permissions dialog
      AGENT_MESH_ENTER_DELAY   seconds between paste and Enter (default: 0 for shells,
                               the agent's enter_delay, else 0.15)
      TMUX_SOCKET, TMUX_BIN    tmux server socket and binary
      AGENT_MESH_TRACE=1       print each delivery step's timing on stderr
      AGENT_MESH_TMUX_EXEC=1   run the tmux binary instead of speaking to the server's socket

    EXIT CODES:
      0 delivered   1 usage or unreadable file   2 unknown address or window gone
      3 recipient has a draft (refused)   4 tmux/ssh failure   5 typed but not submitted
    """

    /// Entry point; returns the process exit status.
    public static func main(_ argv: [String]) -> Int32 {
        Trace.log("start")
        // Hidden: the receive side of a remote send, run over ssh by the sending host.
        if argv.count == 2 && argv[1] == "--deliver-stdin" { return receive(paths: MeshPaths()) }
        let options: NotifyPaneOptions
        do {
            options = try NotifyPaneOptions.parse(Array(argv.dropFirst()))
        } catch {
            return fail(error.message, .usage)
        }
        let paths = MeshPaths()
        switch options.mode {
        case .help:
            Output.out(help + "\n")
            return 0
        case .version:
            Output.out("\(name) \(AgentMeshVersion.string)\n")
            return 0
        case .whoami:
            Output.out(SenderIdentity.resolve(paths: paths, selfAlias: HostIdentity.selfAlias(paths)) + "\n")
            return 0
        case .list(let long, let json):
            let entries = RegistryStore(paths: paths).loadView(selfAlias: HostIdentity.selfAlias(paths)).entries
            Output.out(json ? RegistryListing.json(entries) : long ? RegistryListing.long(entries) : RegistryListing.plain(entries))
            return 0
        case .send:
            return send(options, paths: paths)
        }
    }

    static func send(_ o: NotifyPaneOptions, paths: MeshPaths) -> Int32 {
        let address = o.address ?? ""
        let selfAlias = HostIdentity.selfAlias(paths)
        // Fast path: this host's own slice is authoritative for its agents (and is all a
        // local send needs); the assembled view of every host is read only when it misses.
        let store = RegistryStore(paths: paths)
        var localEntries = store.readLocal(defaultHost: selfAlias).slice?.entries ?? []
        var found = localEntries.first(where: { $0.address == address })
        if found == nil {
            let view = store.loadView(selfAlias: selfAlias)
            found = view.entries.first(where: { $0.address == address })
            localEntries = view.entries.filter { $0.host == selfAlias }
            if found == nil { return unknown(address, view) }
        }
        guard let entry = found else { return NotifyExitCode.unknownAddress.rawValue }
        // The body: words joined by spaces (like "$*"), or stdin.
        var body: [UInt8] = Array(o.messageWords.joined(separator: " ").utf8)
        if o.readsStdin {
            body = readStandardInput()
            if body.last == 10 { body.removeLast(); if body.last == 13 { body.removeLast() } }
            if body.isEmpty && o.filePath == nil { return fail("empty message on stdin", .usage) }
        }
        if let path = o.filePath {
            if let problem = unreadable(path) { return fail("cannot read \(path): \(problem)", .usage) }
        }
        let delayText = Environment.nonEmpty("AGENT_MESH_ENTER_DELAY")
        if let delayText, AgentEntry.parseDelay(delayText) == nil {
            return fail("AGENT_MESH_ENTER_DELAY takes seconds (0.15) or milliseconds (150ms), got '\(delayText)'", .usage)
        }
        Trace.log("registry read")
        let sender = SenderIdentity.resolve(paths: paths, selfAlias: selfAlias,
                                            localEntries: localEntries)
        let options = SendOptions(force: Environment.get("FORCE_SEND") == "1",
                                  skipDismiss: Environment.get("SKIP_DISMISS") == "1",
                                  enterDelayMilliseconds: EnterDelayPolicy.override(environment: delayText,
                                                                                    entry: entry.enterDelayMilliseconds))
        let message = OutgoingMessage(entry: entry, sender: sender, body: body, filePath: o.filePath, options: options)
        let result = SendPipeline.send(message, paths: paths, selfAlias: selfAlias)
        let outcome = result.outcome
        if let dialog = outcome.dismissedDialog, !o.isQuiet {
            Output.err("\(name): dismissed a \(dialog) dialog on \(address) before delivery\n")
        }
        guard outcome.isDelivered else { return fail("\(address): \(outcome.detail)", NotifyExitCode.for(outcome.status)) }
        if !o.isQuiet {
            Output.out("→ \(address) (\(entry.host)[\(entry.target)]): \(result.typedLine)\n")
            if outcome.status == .queued { Output.err("\(name): \(address): \(outcome.detail)\n") }
        }
        Trace.log("done")
        return 0
    }

    /// The hidden receive side of a remote send (`--deliver-stdin`, run over ssh by the
    /// sending host): the request on stdin, the `RemoteReply` on stdout, the exit code as here.
    static func receive(paths: MeshPaths) -> Int32 {
        switch RemoteReceiver.receive(paths: paths, read: RemoteRequest.reader(fd: 0)) {
        case .refused(let why, let message):
            return fail(message, NotifyExitCode.for(why))
        case .carriedOut(let result):
            Output.out(RemoteReply(result).encoded())
            if !result.outcome.isDelivered { Output.error(tool: name, result.outcome.detail) }
            return NotifyExitCode.for(result.outcome.status).rawValue
        }
    }

    /// Exit 2 with the closest registered addresses.
    static func unknown(_ address: String, _ view: RegistryView) -> Int32 {
        let close = AddressSuggester.suggest(address, among: view.entries.map(\.address))
        var message = "unknown address '\(TextSanitizer.oneLine(address))'"
        if !close.isEmpty { message += " (did you mean: \(close.joined(separator: ", "))?)" }
        message += view.entries.isEmpty ? "; the registry is empty" : "; see --list"
        if let warning = view.warnings.first { message += "; \(warning)" }
        return fail(message, .unknownAddress)
    }

    @discardableResult
    static func fail(_ message: String, _ code: NotifyExitCode) -> Int32 {
        Output.error(tool: name, message)
        return code.rawValue
    }

    static func readStandardInput() -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { b in read(0, b.baseAddress, b.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
    }

    /// Why `path` cannot be sent as a file, or nil when it is a readable regular file.
    static func unreadable(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return String(cString: strerror(errno)) }
        return (st.st_mode & S_IFMT) == S_IFREG ? nil : "not a regular file"
    }
}
