@preconcurrency import Glibc

/// `notify-pane`: deliver a tagged message (or a file) to an agent's tmux pane.
///
/// Policy: the one error funnel of the tool. Every failure is one line
/// `notify-pane: error: …` on stderr and an exit code from `NotifyExitCode`; help, `--version`,
/// `--list` and `--whoami` print on stdout. Every send attempt that reaches a recipient is
/// appended to the audit log.
public struct NotifyPaneTool {
    public static let name = "notify-pane"

    /// The environment, processes, clock and output this run uses (`.live` from main).
    public let context: MeshContext

    public init(context: MeshContext = .live) { self.context = context }

    /// `--help`, rendered from `OptionTable.notifyPane`.
    public static var help: String { HelpText.render(.notifyPane) }

    /// Entry point; returns the process exit status.
    public static func main(_ argv: [String], context: MeshContext = .live) -> Int32 {
        NotifyPaneTool(context: context).run(argv)
    }

    /// One run of the tool with this value's context.
    public func run(_ argv: [String]) -> Int32 {
        Trace.log("start")
        let options: NotifyPaneOptions
        do {
            options = try NotifyPaneOptions.parse(Array(argv.dropFirst()))
        } catch {
            return fail(error.message, .usage)
        }
        let paths = MeshPaths(home: context.environment.nonEmpty("HOME") ?? Environment.home())
        switch options.mode {
        case .deliverStdin:
            // The receive side of a remote send, run over ssh by the sending host.
            return receive(paths: paths)
        case .completion(let shell):
            let binary = CompletionScript.invokedPath(argv.first ?? Self.name)
            context.output.out(shell == "zsh" ? CompletionScript.zsh(.notifyPane, binary: binary)
                                      : CompletionScript.bash(.notifyPane, binary: binary))
            return 0
        case .help:
            context.output.out(Self.help + "\n")
            return 0
        case .version:
            context.output.out("\(Self.name) \(AgentMeshVersion.string)\n")
            return 0
        case .profiles:
            context.output.out(BuiltinProfiles.text + "\n")
            let user = paths.agents + "/" + ProfileSet.userFileName
            if let text = try? FileSystem.readText(user) {
                context.output.out("\n# --- \(user) (laid over the built-in profiles above) ---\n" + text)
            }
            if let warning = ProfileSet.load(agentsDirectory: paths.agents).warning { context.output.err("\(Self.name): warning: \(warning)\n") }
            return 0
        case .status(let id, let json):
            return OutboxReport.status(Outbox(paths: paths), id: id, json: json, tool: Self.name, output: context.output)
        case .outbox(let json):
            return OutboxReport.outbox(Outbox(paths: paths), json: json, tool: Self.name, output: context.output)
        case .log(let with, let thread, let limit, let json):
            context.output.out(MessageLog.render(paths: paths, with: with, thread: thread, limit: limit, json: json))
            return 0
        case .cancel(let id):
            guard MessageQueue(paths: paths, context: context).cancel(id) else {
                return fail("message \(id) is not queued (see notify-pane --status \(id))", .unknownAddress)
            }
            context.output.out("cancelled \(id)\n")
            return 0
        case .retry(let id):
            return RetryCommand.run(id: id, quiet: options.isQuiet, paths: paths, tool: self)
        case .serve(let peer):
            return ServeTool.main(peer: peer, paths: paths)
        case .runQueue:
            let selfAlias = HostIdentity.selfAlias(paths)
            MessageQueue(paths: paths, context: context).run(selfAlias: selfAlias) { m in
                SendPipeline.attempt(m, paths: paths, selfAlias: selfAlias, auditsRetryableRefusals: false, context: context)
            }
            return 0
        case .whoami:
            context.output.out(SenderIdentity.resolve(paths: paths, selfAlias: HostIdentity.selfAlias(paths), context: context) + "\n")
            return 0
        case .list(let long, let json):
            let entries = RegistryStore(paths: paths).loadView(selfAlias: HostIdentity.selfAlias(paths)).entries
            context.output.out(json ? RegistryListing.json(entries) : long ? RegistryListing.long(entries) : RegistryListing.plain(entries))
            return 0
        case .send:
            return send(options, paths: paths)
        }
    }

    func send(_ options: NotifyPaneOptions, paths: MeshPaths) -> Int32 {
        var o = options
        if !o.queues && MessageQueue.queuesByDefault(paths) { o.queues = true }
        var address = o.address ?? ""
        let selfAlias = HostIdentity.selfAlias(paths)
        if let id = o.replyTo {
            // The message's sender, as this host's journal recorded it when it was typed here.
            guard let sender = Journal(paths: paths).sender(of: id) else {
                return fail("message \(id) was not typed into a pane of this host: no sender to reply to", .unknownAddress)
            }
            address = sender
            // A script on this host asked it (no agent address): hand the answer over directly.
            let waiters = Waiters(paths: paths)
            if waiters.isWaiting(id), RegistryStore(paths: paths).loadView(selfAlias: selfAlias).entries.allSatisfy({ $0.address != sender }) {
                guard case .success(let (body, _)) = readBody(o) else { return NotifyExitCode.usage.rawValue }
                do { try waiters.deliver(id, text: TextSanitizer.oneLine(String(decoding: body, as: UTF8.self))) } catch {
                    return fail("cannot hand the reply to the waiting asker: \(error)", .transport)
                }
                if !o.isQuiet { context.output.out("→ \(sender) (waiting on this host): reply to \(id) handed over\n") }
                return 0
            }
        }
        if o.isBroadcast {
            if o.encrypts { return fail("--encrypt sends to one address (each host has its own key), not to a broadcast", .usage) }
            return Broadcast.run(o, paths: paths, selfAlias: selfAlias, tool: self)
        }
        // Fast path: this host's own slice is authoritative for its agents (and is all a
        // local send needs); the assembled view of every host is read only when it misses.
        let store = RegistryStore(paths: paths)
        var localEntries = store.readLocal(defaultHost: selfAlias).slice?.entries ?? []
        var found = localEntries.first(where: { $0.address == address })
        if found == nil {
            let view = store.loadView(selfAlias: selfAlias)
            found = view.entries.first(where: { $0.address == address })
            localEntries = view.entries.filter { $0.host == selfAlias }
            if found == nil, let id = o.replyTo {
                return fail("message \(id) came from '\(TextSanitizer.oneLine(address))', which is not an agent address "
                            + "(it was sent from outside tmux, or its window is gone): nowhere to reply", .unknownAddress)
            }
            if found == nil { return unknown(address, view) }
        }
        guard let entry = found else { return NotifyExitCode.unknownAddress.rawValue }
        let body: [UInt8], delayText: String?
        switch readBody(o) {
        case .failure(let code): return code.rawValue
        case .success(let b): (body, delayText) = b
        }
        Trace.log("registry read")
        let sender = SenderIdentity.resolve(paths: paths, selfAlias: selfAlias, context: context,
                                            localEntries: localEntries)
        let options = SendOptions(force: context.environment.get("FORCE_SEND") == "1",
                                  skipDismiss: context.environment.get("SKIP_DISMISS") == "1",
                                  enterDelayMilliseconds: EnterDelayPolicy.override(environment: delayText,
                                                                                    entry: entry.enterDelayMilliseconds))
        let guardian = LoopGuard(paths: paths)
        if let warning = guardian.warning { context.output.err("\(Self.name): warning: \(warning)\n") }
        // A pane of this host is guarded where it is typed (with its window's @agent-max-rate);
        // a send to another host is also guarded here, against this host's limit.
        if entry.host != selfAlias, let why = guardian.refusal(sender: sender, recipient: entry.address) {
            return fail("\(address): \(why)", .loopGuard)
        }
        Trace.log("loop guard checked")
        var message = OutgoingMessage(entry: entry, sender: sender, body: body, filePath: o.filePath, options: options)
        message.replyTo = o.replyTo
        message.hop = guardian.hop(replyTo: o.replyTo, sender: sender,
                                   fromAgentPane: context.environment.nonEmpty("AGENT_NAME") == nil && context.environment.nonEmpty("TMUX_PANE") != nil)
        if let why = guardian.hopRefusal(message.hop) { return fail("\(address): \(why)", .loopGuard) }
        if o.encrypts {
            do { message = try Encryption(paths: paths, context: context).seal(message, selfAlias: selfAlias) } catch {
                return fail("\(address): \(error.text)", error.code)
            }
            Trace.log("sealed with age")
        }
        if o.queues && MessageQueue(paths: paths, context: context).hasQueued(to: entry.address) {
            // Order: behind the messages already waiting for this recipient, not around them.
            do { try Outbox(paths: paths).begin(message) } catch { return fail("cannot write the outbox: \(error)", .transport) }
            return queue(message, after: DeliveryOutcome(.notReady, "waiting behind earlier queued messages"), options: o, paths: paths)
        }
        if o.asks {
            do { try Waiters(paths: paths).begin(message.id) } catch { return fail("cannot wait for a reply: \(error)", .transport) }
        }
        let result = SendPipeline.send(message, paths: paths, selfAlias: selfAlias, context: context)
        let outcome = result.outcome
        if o.asks { return awaitReply(message, outcome: outcome, timeout: o.askTimeoutSeconds, paths: paths) }
        if o.queues && MessageQueue.isRetryable(outcome.status) {
            return queue(message, after: outcome, options: o, paths: paths)
        }
        if let dialog = outcome.dismissedDialog, !o.isQuiet {
            context.output.err("\(Self.name): dismissed a \(dialog) dialog on \(address) before delivery\n")
        }
        guard outcome.isDelivered else { return fail("\(address): \(outcome.detail)", NotifyExitCode.for(outcome.status)) }
        if o.isQuiet {
            context.output.out(message.id + "\n")
        } else {
            context.output.out("→ \(address) (\(entry.host)[\(entry.target)]) [id:\(message.id)]: \(result.typedLine)\n")
            if outcome.status == .queued { context.output.err("\(Self.name): \(address): \(outcome.detail)\n") }
        }
        Trace.log("done")
        return 0
    }

    /// The body (words joined by spaces like "$*", or stdin), checked with the file and the
    /// enter delay; a failure has already been reported.
    func readBody(_ o: NotifyPaneOptions) -> Result<([UInt8], String?), NotifyExitCode> {
        var body: [UInt8] = Array(o.messageWords.joined(separator: " ").utf8)
        if o.readsStdin {
            body = Self.readStandardInput()
            if body.last == 10 { body.removeLast(); if body.last == 13 { body.removeLast() } }
            if body.isEmpty && o.filePath == nil { fail("empty message on stdin", .usage); return .failure(.usage) }
        }
        if let path = o.filePath, let problem = Self.unreadable(path) {
            fail("cannot read \(path): \(problem)", .usage); return .failure(.usage)
        }
        let delayText = context.environment.nonEmpty("AGENT_MESH_ENTER_DELAY")
        if let delayText, AgentEntry.parseDelay(delayText) == nil {
            fail("AGENT_MESH_ENTER_DELAY takes seconds (0.15) or milliseconds (150ms), got '\(delayText)'", .usage)
            return .failure(.usage)
        }
        return .success((body, delayText))
    }

    /// The hidden receive side of a remote send (`--deliver-stdin`, run over ssh by the
    /// sending host): the request on stdin, the `RemoteReply` on stdout, the exit code as here.
    func receive(paths: MeshPaths, verifiedPeer: String? = nil) -> Int32 {
        switch RemoteReceiver.receive(paths: paths, read: RemoteRequest.reader(fd: 0), verifiedPeer: verifiedPeer) {
        case .refused(let why, let message):
            return fail(message, NotifyExitCode.for(why))
        case .carriedOut(let result):
            context.output.out(RemoteReply(result).encoded())
            if !result.outcome.isDelivered { context.output.error(tool: Self.name, result.outcome.detail) }
            return NotifyExitCode.for(result.outcome.status).rawValue
        }
    }

    /// Exit 2 with the closest registered addresses.
    func unknown(_ address: String, _ view: RegistryView) -> Int32 {
        let close = AddressSuggester.suggest(address, among: view.entries.map(\.address))
        var message = "unknown address '\(TextSanitizer.oneLine(address))'"
        if !close.isEmpty { message += " (did you mean: \(close.joined(separator: ", "))?)" }
        message += view.entries.isEmpty ? "; the registry is empty" : "; see --list"
        if let warning = view.warnings.first { message += "; \(warning)" }
        return fail(message, .unknownAddress)
    }

    @discardableResult
    func fail(_ message: String, _ code: NotifyExitCode) -> Int32 {
        context.output.error(tool: Self.name, message)
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
