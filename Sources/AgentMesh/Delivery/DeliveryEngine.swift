/// Everything the engine needs to type one line into one pane. It holds no registry or
/// sender logic, so the far side of a remote delivery can build one and run the same path.
public struct DeliveryRequest: Sendable, Equatable {
    /// The tmux server socket (`tmux -S`); nil = `$TMUX_SOCKET` or tmux's default.
    public var socket: String?
    /// The exact pane (`%7`); nil for bash-tool entries, which fall back to `=session:index`.
    public var paneID: String?
    /// The window the pane must still belong to (`@3`), when known.
    public var windowID: String?
    public var session: String
    public var windowIndex: Int?
    /// The composed, sanitised line (tag + body or pointer). Never holds a line break.
    public var text: String
    /// Explicit enter delay (environment or registry); nil = by the program in the pane.
    public var enterDelayMilliseconds: Int?
    /// `FORCE_SEND=1`: type even over a draft.
    public var force: Bool
    /// `SKIP_DISMISS=1`: do not Escape out of a Claude Code dialog.
    public var skipDismiss: Bool

    public init(socket: String?, paneID: String?, windowID: String?, session: String, windowIndex: Int?,
                text: String, enterDelayMilliseconds: Int? = nil, force: Bool = false, skipDismiss: Bool = false) {
        self.socket = socket; self.paneID = paneID; self.windowID = windowID; self.session = session
        self.windowIndex = windowIndex; self.text = text; self.enterDelayMilliseconds = enterDelayMilliseconds
        self.force = force; self.skipDismiss = skipDismiss
    }

    /// The same request for a registry entry.
    public init(entry: AgentEntry, text: String, enterDelayMilliseconds: Int?, force: Bool, skipDismiss: Bool) {
        self.init(socket: entry.socket, paneID: entry.paneID, windowID: entry.windowID, session: entry.session,
                  windowIndex: entry.windowIndex, text: text, enterDelayMilliseconds: enterDelayMilliseconds,
                  force: force, skipDismiss: skipDismiss)
    }
}

/// Types one line into one pane, exactly once, and says whether it was submitted.
///
/// Pipeline (one host; `ssh` runs the same on the far side):
/// 1. Lock the pane (`PaneLock`), so concurrent senders take turns.
/// 2. Probe (one tmux call): identity, mode, cursor, screen with attributes. The pane must
///    still exist, be alive and belong to the expected window; otherwise `.targetGone`
///    (exit 2) — never a neighbour.
/// 3. A Claude Code dialog on screen gets Escape first (unless `skipDismiss`).
/// 4. A human draft on the input line refuses the send (unless `force`).
/// 5. One tmux call: leave any mode, load a uniquely named buffer from stdin, bracketed
///    paste, wait the enter delay in the server, Enter, let the program react, probe.
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

    public init(paths: MeshPaths = MeshPaths(), tmux: Tmux = Tmux()) {
        self.paths = paths
        self.tmux = tmux
    }

    public func deliver(_ request: DeliveryRequest) -> DeliveryOutcome {
        let start = MonotonicClock.milliseconds()
        var outcome = run(request)
        outcome.durationMilliseconds = MonotonicClock.milliseconds() - start
        return outcome
    }

    func run(_ r: DeliveryRequest) -> DeliveryOutcome {
        let client = tmux.on(socket: r.socket)
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
        let socketKey = client.socketPath ?? Registrar.defaultSocket(client)
        let lock: FileLock
        do {
            lock = try PaneLock.acquire(paths: paths, socket: socketKey, paneID: paneID,
                                        timeoutMilliseconds: lockTimeoutMilliseconds)
        } catch {
            return DeliveryOutcome(.tmuxFailure, "pane \(paneID) is busy: could not take its delivery lock (\(error))")
        }
        defer { lock.unlock() }

        var before: PaneSnapshot
        switch probe(client, paneID, r) {
        case .failure(let o): return o
        case .success(let s): before = s
        }
        var dismissed: String?
        if !r.skipDismiss, let dialog = InputLineAnalysis.dialog(in: before) {
            dismissed = dialog
            var chain: [[String]] = []
            if before.isInMode { chain.append(DeliveryCommands.leaveMode(paneID)) }
            chain.append(DeliveryCommands.escape(paneID))
            _ = call(client.chained(chain))
            // Give the dialog up to 500 ms to close (the bash tool slept 0.5 s).
            let deadline = MonotonicClock.milliseconds() + 500
            repeat {
                MonotonicClock.sleep(milliseconds: 25)
                switch probe(client, paneID, r) {
                case .failure(let o): return o
                case .success(let s): before = s
                }
            } while InputLineAnalysis.dialog(in: before) != nil && MonotonicClock.milliseconds() < deadline
        }
        if !r.force, let draft = InputLineAnalysis.draft(in: before) {
            return DeliveryOutcome(.refusedDraft, "recipient has a draft in its input line (\(Self.quoted(draft))); "
                                   + "not sent (FORCE_SEND=1 overrides)", dismissedDialog: dismissed, paneID: paneID)
        }

        let delay = r.enterDelayMilliseconds ?? EnterDelayPolicy.defaultMilliseconds(command: before.currentCommand)
        let chain = DeliveryCommands.send(buffer: DeliveryCommands.uniqueBufferName(), pane: paneID,
                                          enterDelayMilliseconds: delay, leavingMode: before.isInMode)
        let send = client.chained(chain, input: Array(r.text.utf8),
                                  timeoutMilliseconds: client.timeoutMilliseconds + delay)
        var after: PaneSnapshot
        switch snapshot(call(send), r, expectedPane: paneID) {
        case .failure(let o): return o.with(dismissed, paneID)
        case .success(let s): after = s
        }
        return verify(client, r, paneID: paneID, before: before, after: after, delay: delay).with(dismissed, paneID)
    }

    /// Step 6: decide delivered / queued / not submitted, sending at most one more Enter.
    func verify(_ client: Tmux, _ r: DeliveryRequest, paneID: String, before: PaneSnapshot,
                after first: PaneSnapshot, delay: Int) -> DeliveryOutcome {
        let tail = InputLineAnalysis.tail(of: r.text)
        var after = first
        var deadline = MonotonicClock.milliseconds() + echoWaitMilliseconds
        // Nothing echoed yet: a busy program, or one slow to redraw.
        while after.looksUnchanged(from: before) {
            if MonotonicClock.milliseconds() >= deadline {
                return DeliveryOutcome(.queued, "not echoed yet: the program is busy; it reads the message when its prompt returns")
            }
            MonotonicClock.sleep(milliseconds: 10)
            guard case .success(let s) = probe(client, paneID, r) else { break }
            after = s
        }
        // Paste-detecting programs decide on the Enter a little later: look once more.
        if delay > 0 && !InputLineAnalysis.isStillInInput(after, tail: tail) {
            MonotonicClock.sleep(milliseconds: 50)
            if case .success(let s) = probe(client, paneID, r) { after = s }
        }
        guard InputLineAnalysis.isStillInInput(after, tail: tail) else { return DeliveryOutcome(.delivered) }
        deadline = MonotonicClock.milliseconds() + settleMilliseconds
        while MonotonicClock.milliseconds() < deadline {
            MonotonicClock.sleep(milliseconds: 25)
            guard case .success(let s) = probe(client, paneID, r) else { break }
            if !InputLineAnalysis.isStillInInput(s, tail: tail) { return DeliveryOutcome(.delivered) }
        }
        // One more Enter — never the text again.
        let again = client.chained([DeliveryCommands.enter(paneID), DeliveryCommands.wait(milliseconds: 0)]
                                   + DeliveryCommands.probe(paneID))
        if case .failure(let o) = snapshot(call(again), r, expectedPane: paneID) { return o }
        deadline = MonotonicClock.milliseconds() + settleMilliseconds + 600
        repeat {
            guard case .success(let s) = probe(client, paneID, r) else { break }
            if !InputLineAnalysis.isStillInInput(s, tail: tail) {
                return DeliveryOutcome(.delivered, sentSecondEnter: true)
            }
            MonotonicClock.sleep(milliseconds: 50)
        } while MonotonicClock.milliseconds() < deadline
        return DeliveryOutcome(.notSubmitted, "typed, but the text still sits in the recipient's input line after two Enters "
                               + "(raise its enter delay: agent-register-hook identify --enter-delay 0.3)",
                               sentSecondEnter: true)
    }

    // MARK: - tmux calls

    enum Probe {
        case success(PaneSnapshot)
        case failure(DeliveryOutcome)
    }

    func probe(_ client: Tmux, _ target: String, _ r: DeliveryRequest) -> Probe {
        snapshot(call(client.chained(DeliveryCommands.probe(target))), r,
                 expectedPane: target.hasPrefix("%") ? target : nil)
    }

    func call(_ command: Command) -> Result<ProcessResult, SystemError> {
        do { return .success(try ProcessRunner.run(command)) } catch { return .failure(error) }
    }

    /// Checks a probe's result: the call worked, and the pane is the one we asked for.
    func snapshot(_ result: Result<ProcessResult, SystemError>, _ r: DeliveryRequest, expectedPane: String?) -> Probe {
        let p: ProcessResult
        switch result {
        case .failure(let e): return .failure(DeliveryOutcome(.tmuxFailure, "cannot run tmux: \(e)"))
        case .success(let value): p = value
        }
        if !p.isSuccess {
            let failure = CommandFailed(p)
            let text = p.stderrText
            if !p.timedOut && (text.contains("can't find") || text.contains("no server running")
                               || text.contains("error connecting to")) {
                return .failure(DeliveryOutcome(.targetGone, "the recipient's window is gone (\(Self.firstLine(text)))"))
            }
            return .failure(DeliveryOutcome(.tmuxFailure, failure.description))
        }
        guard let s = PaneSnapshot(probeOutput: p.stdoutText) else {
            return .failure(DeliveryOutcome(.tmuxFailure, "tmux printed an unreadable pane description"))
        }
        if let expectedPane, s.paneID != expectedPane {
            return .failure(DeliveryOutcome(.targetGone, "pane \(expectedPane) is gone"))
        }
        if let w = r.windowID, !w.isEmpty, s.windowID != w {
            return .failure(DeliveryOutcome(.targetGone, "pane \(s.paneID) no longer belongs to window \(w) (it is in \(s.windowID))"))
        }
        if s.isDead {
            return .failure(DeliveryOutcome(.targetGone, "the program in pane \(s.paneID) has exited"))
        }
        return .success(s)
    }

    static func firstLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? text
    }

    static func quoted(_ draft: String) -> String {
        let short = draft.count > 40 ? String(draft.prefix(40)) + "…" : draft
        return "\"" + TextSanitizer.oneLine(short) + "\""
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
