import Glibc

/// Types one line into one pane, exactly once, and says whether it was submitted.
///
/// Pipeline (one host; `ssh` runs the same on the far side):
/// 1. Lock the pane (`PaneLock`), so concurrent senders take turns.
/// 2. Probe (one tmux call): identity, mode, cursor, screen with attributes. The pane must
///    still exist, be alive and belong to the expected window; otherwise `.targetGone`
///    (exit 2) — never a neighbour.
/// 3. A Claude Code dialog on screen gets Escape first (unless `options.skipDismiss`).
/// 4. A human draft on the input line refuses the send (unless `options.force`).
/// 5. One tmux call: leave any mode, load a uniquely named buffer from stdin, bracketed
///    paste, wait the enter delay in the server, Enter. Then probe again (a second call).
/// 6. Verify: the text's tail still on the input line → wait briefly, then ONE more Enter
///    (never the text), then `.notSubmitted` if it stays. Nothing echoed yet (a busy
///    program) → poll briefly, then `.queued`: the keys wait in the pty, which is not a failure.
/// Every tmux call has a deadline; a timeout is `.tmuxFailure`.
public struct DeliveryEngine {
    public var paths: MeshPaths
    public var tmux: Tmux
    public var lockTimeoutMilliseconds = PaneLock.defaultTimeoutMilliseconds
    /// How long the text may sit on the input line after Enter before the second Enter.
    public var settleMilliseconds = 400
    /// How long to wait for a busy program to echo anything.
    public var echoWaitMilliseconds = 300
    /// Talk to the tmux server over its socket (`TmuxWire`) instead of starting `tmux` for
    /// every call. Off when `TMUX_BIN` names a binary (the user wants that one) or
    /// `AGENT_MESH_TMUX_EXEC=1`; it falls back to the binary by itself when the server
    /// cannot be spoken to before a command was sent.
    public var usesWire = TmuxClient.wireAllowed
    /// Processes (every tmux call), the clock (every wait) and output (warnings).
    public var context: MeshContext

    public init(paths: MeshPaths = MeshPaths(), tmux: Tmux = Tmux(), context: MeshContext = .live) {
        self.paths = paths
        self.tmux = tmux
        self.context = context
    }

    public func deliver(_ request: DeliveryRequest) -> DeliveryOutcome {
        let start = context.clock.milliseconds()
        var outcome = run(request)
        outcome.durationMilliseconds = context.clock.milliseconds() - start
        return outcome
    }

    /// Local senders are verified by uid: a message is typed only into a tmux server of the
    /// sender's own user (its socket's owner). Another user's server — reachable when it
    /// grants access (`server-access`, tmux 3.3+) or to root — is refused, so a message in a
    /// pane always comes from its owner's account or over that account's ssh keys.
    static func otherUsersServer(_ socket: String) -> String? {
        guard let owner = FileSystem.owner(socket), owner != geteuid() else { return nil }
        return "the tmux server at \(socket) belongs to uid \(owner), not to this sender (uid \(geteuid())): "
            + "messages go only into the sender's own user's agents (from another account, send over ssh); not typed"
    }

    func run(_ request: DeliveryRequest) -> DeliveryOutcome {
        // Whatever a caller passes, nothing raw reaches the pane (idempotent on composed lines).
        var r = request
        r.text = TextSanitizer.oneLine(request.text)
        var client = tmux.on(socket: r.socket)
        // Looked up on PATH once, not by every spawn (each miss is a failed execve).
        client.binary = Self.resolveOnPath(client.binary)
        if let why = Self.otherUsersServer(client.effectiveSocketPath) {
            return DeliveryOutcome(.refusedSender, why)
        }
        var target = r.paneID ?? ""
        if target.isEmpty {
            guard let index = r.windowIndex else {
                return DeliveryOutcome(.targetGone, "the registry entry names no pane and no window index")
            }
            target = Tmux.exactWindow(session: r.session, index: index)
        }
        // A window target is resolved to its pane first: the lock is per pane.
        var paneID = r.paneID ?? ""
        if paneID.isEmpty {
            switch probe(client, target, r) {
            case .failure(let o): return o
            case .success(let s): paneID = s.paneID
            }
        }
        let socketKey = client.effectiveSocketPath
        let lock: FileLock
        do {
            lock = try PaneLock.acquire(paths: paths, socket: socketKey, paneID: paneID,
                                        timeoutMilliseconds: lockTimeoutMilliseconds)
        } catch {
            return DeliveryOutcome(.tmuxFailure, "pane \(paneID) is busy: could not take its delivery lock (\(error))")
        }
        defer { lock.unlock() }

        // A message id already typed here is never typed again (a retry after an ambiguous failure).
        let journal = Journal(paths: paths)
        if let id = r.messageID, let earlier = journal.record(id) { return Self.duplicate(id, earlier, paneID) }
        var before: PaneSnapshot
        switch probe(client, paneID, r) {
        case .failure(let o): return o
        case .success(let s): before = s
        }
        // Who may type here: the pane's @agent-allow / @agent-deny, matched before anything else.
        if let sender = r.sender,
           let why = SenderPolicy(allow: before.allow, deny: before.deny).refusal(sender: sender, host: r.senderHost ?? "") {
            return DeliveryOutcome(.refusedSender, why + "; not typed", paneID: paneID)
        }
        // The loop guard of this host, with the window's own limit when it sets one.
        if let sender = r.sender, let recipient = r.recipient {
            let guardian = LoopGuard(paths: paths).overridden(byWindowOption: before.maxRate)
            if let why = guardian.refusal(sender: sender, recipient: recipient) {
                return DeliveryOutcome(.refusedLoop, why, paneID: paneID)
            }
        }
        let profiles = ProfileSet.load(agentsDirectory: paths.agents)
        if let warning = profiles.warning { context.output.err("notify-pane: warning: \(warning)\n") }
        let profile = profiles.profile(command: before.currentCommand, panePID: before.panePID,
                                       versions: AgentVersions(paths: paths, context: context))
        Trace.log("agent \(profile.kind)\(profile.version.map { " \($0)" } ?? "")\(profile.appliedVersionRanges.map { " [\($0)]" }.joined())")
        var dismissed: String?
        var wasBusy = false
        if profile.isStrict {
            var gate = AgentGate(
                profile: profile,
                probe: { self.probeResult(client, paneID, r) },
                press: { key, leavingMode in
                    var chain: [[String]] = []
                    if leavingMode { chain.append(DeliveryCommands.leaveMode(paneID)) }
                    chain.append(DeliveryCommands.key(key, paneID))
                    if case .failure(let o) = self.checked(self.call(client.chained(chain))) { return o }
                    return nil
                })
            let clock = context.clock
            gate.now = { clock.milliseconds() }
            gate.sleep = { clock.sleep(milliseconds: $0) }
            switch gate.prepare(before, force: r.options.force, skipDismiss: r.options.skipDismiss) {
            case .failure(let o): return o.with(o.dismissedDialog, paneID)
            case .success(let ready): before = ready.snapshot; dismissed = ready.dismissed
            }
            if case .composer(_, let busy) = ScreenReading.read(before, profile: profile) { wasBusy = busy }
        } else {
            if !r.options.skipDismiss, let dialog = InputLineAnalysis.dialog(in: before) {
                dismissed = dialog
                var chain: [[String]] = []
                if before.isInMode { chain.append(DeliveryCommands.leaveMode(paneID)) }
                chain.append(DeliveryCommands.escape(paneID))
                _ = call(client.chained(chain))
                // Give the dialog up to 500 ms to close (the bash tool slept 0.5 s).
                let deadline = context.clock.milliseconds() + 500
                repeat {
                    context.clock.sleep(milliseconds: 25)
                    switch probe(client, paneID, r) {
                    case .failure(let o): return o
                    case .success(let s): before = s
                    }
                } while InputLineAnalysis.dialog(in: before) != nil && context.clock.milliseconds() < deadline
            }
            if !r.options.force, let draft = InputLineAnalysis.draft(in: before) {
                return DeliveryOutcome(.refusedDraft, "recipient has a draft in its input line (\(Self.quoted(draft))); "
                                       + "not sent (FORCE_SEND=1 overrides)", dismissedDialog: dismissed, paneID: paneID)
            }
        }

        let delay = r.options.enterDelayMilliseconds ?? profile.enterDelayMilliseconds
            ?? EnterDelayPolicy.defaultMilliseconds(command: before.currentCommand)
        let chain = DeliveryCommands.send(buffer: DeliveryCommands.uniqueBufferName(), pane: paneID,
                                          enterDelayMilliseconds: delay, leavingMode: before.isInMode,
                                          server: TmuxVersion(before.serverVersion))
        var typed = r.text
        if let last = typed.split(separator: " ").last, profile.popupTriggers.contains(where: { last.hasPrefix($0) }) {
            typed += " "   // no popup opens on "@word " / "$word "; the agent trims the space
        }
        // Test only (`PausePoint` after-paste): Enter becomes a second call after the pause.
        let enterAfterPause = PausePoint.isArmed(.afterPaste) ? client.command(DeliveryCommands.enter(paneID)) : nil
        let send = client.chained(enterAfterPause == nil ? chain : Array(chain.dropLast()), input: Array(typed.utf8),
                                  timeoutMilliseconds: client.timeoutMilliseconds + delay)
        if let id = r.messageID {
            Trace.log("journal: claiming")
            do {
                guard try journal.claim(id, sender: r.sender, recipient: r.recipient, text: r.text) else { return Self.duplicate(id, journal.record(id) ?? .typing, paneID) }
            } catch {
                return DeliveryOutcome(.tmuxFailure, "cannot write the delivery journal: \(error)", paneID: paneID)
            }
            Trace.log("journal: claimed")
        }
        let outcome = typeAndVerify(client, r, send: send, paneID: paneID, before: before, delay: delay,
                                    agent: profile.isStrict ? (profile, wasBusy) : nil,
                                    enterAfterPause: enterAfterPause).with(dismissed, paneID)
        PausePoint.reach(.afterEnter)   // test only: the crash tests kill the sender here
        if let id = r.messageID {
            Trace.log("verified")
            journal.finish(id, status: outcome.status.rawValue)
            Trace.log("journal: done")
        }
        return outcome
    }

    /// The paste-and-Enter call, the probe after it, and verify.
    func typeAndVerify(_ client: Tmux, _ r: DeliveryRequest, send: Command, paneID: String, before: PaneSnapshot,
                       delay: Int, agent: (profile: AgentProfile, wasBusy: Bool)?,
                       enterAfterPause: Command? = nil) -> DeliveryOutcome {
        if case .failure(let o) = checked(call(send)) { return o }
        if let enter = enterAfterPause {
            PausePoint.reach(.afterPaste)
            if case .failure(let o) = checked(call(enter)) { return o }
        }
        var after: PaneSnapshot
        switch probe(client, paneID, r) {
        case .failure(let o): return o
        case .success(let s): after = s
        }
        return verify(client, r, paneID: paneID, before: before, after: after, delay: delay, agent: agent)
    }

    /// A message id the journal has seen: delivered if it was, else what is known; never retyped.
    static func duplicate(_ id: String, _ record: Journal.Record, _ pane: String) -> DeliveryOutcome {
        switch record {
        case .done(let status) where status == DeliveryOutcome.Status.delivered.rawValue
                                  || status == DeliveryOutcome.Status.queued.rawValue:
            return DeliveryOutcome(.delivered, "message \(id) was already delivered here: not typed again", paneID: pane)
        case .done(let status):
            return DeliveryOutcome(DeliveryOutcome.Status(rawValue: status) ?? .unknown,
                                   "message \(id) was already typed here (\(status)): not typed again", paneID: pane)
        case .typing:
            return DeliveryOutcome(.unknown, "an earlier delivery of message \(id) stopped after it began typing: "
                                   + "it may be in the pane; not typed again", paneID: pane)
        case .corrupt(let aside):
            return DeliveryOutcome(.unknown, "the journal record of message \(id) was corrupt (\(aside)): "
                                   + "it may have been typed; not typed again", paneID: pane)
        }
    }

    /// Step 6 (`SubmissionCheck`): delivered / queued / not submitted, at most one more Enter.
    func verify(_ client: Tmux, _ r: DeliveryRequest, paneID: String, before: PaneSnapshot,
                after first: PaneSnapshot, delay: Int, agent: (profile: AgentProfile, wasBusy: Bool)? = nil) -> DeliveryOutcome {
        var check = SubmissionCheck(
            probe: { probeResult(client, paneID, r) },
            pressEnter: {
                if case .failure(let o) = checked(call(client.command(DeliveryCommands.enter(paneID)))) { return o }
                return nil
            })
        let clock = context.clock
        check.now = { clock.milliseconds() }
        check.sleep = { clock.sleep(milliseconds: $0) }
        check.echoWaitMilliseconds = echoWaitMilliseconds
        check.settleMilliseconds = settleMilliseconds
        if let agent {
            check.echoWaitMilliseconds = max(echoWaitMilliseconds, 1_000)
            check.unchanged = DeliveryOutcome(.unconfirmed, "typed and Enter pressed, but nothing of the message appeared on "
                                              + "\(agent.profile.kind)'s screen: not confirmed that it was submitted")
            check.confirm = { s in Self.confirm(s, profile: agent.profile, wasBusy: agent.wasBusy, line: r.text) }
        }
        return check.run(line: r.text, before: before, after: first, enterDelay: delay)
    }

}

extension DeliveryOutcome {
    func with(_ dialog: String?, _ pane: String) -> DeliveryOutcome {
        var copy = self
        if copy.dismissedDialog == nil { copy.dismissedDialog = dialog }
        copy.paneID = pane
        return copy
    }
}
