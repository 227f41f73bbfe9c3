import Glibc

/// The engine's tmux side: the probe, one call with its deadline, and what a failed call
/// means (`.targetGone` for a pane, session or server that is gone; `.tmuxFailure` otherwise).
/// Every call goes through `context.runner` (`TmuxClient` picks the wire or the binary).
extension DeliveryEngine {

    enum Probe {
        case success(PaneSnapshot)
        case failure(DeliveryOutcome)
    }

    /// What the agent's screen after the text left its composer means (`SubmissionCheck.confirm`).
    static func confirm(_ s: PaneSnapshot, profile: AgentProfile, wasBusy: Bool, line: String) -> DeliveryOutcome {
        switch ScreenReading.read(s, profile: profile) {
        case .composer(_, let busy):
            if busy && wasBusy {
                return DeliveryOutcome(.queued, "\(profile.kind) is busy: it queued the message and submits it when its turn ends")
            }
            // An idle composer alone proves nothing (an agent that dropped the paste shows one
            // too): the message must be on screen, in the transcript, or the turn must run.
            if !busy && !Self.shows(line, on: s) {
                return DeliveryOutcome(.unconfirmed, "typed and Enter pressed, but the message is not on \(profile.kind)'s screen "
                                       + "(it may have dropped the input): not confirmed that it was submitted")
            }
            return DeliveryOutcome(.delivered)
        case .screen(let rule) where [.blocked, .busy, .queued].contains(rule.state):
            // The turn started (a tool's permission prompt can follow the submission at once).
            return DeliveryOutcome(.delivered)
        case .screen(let rule):
            return DeliveryOutcome(.unconfirmed, "typed and Enter pressed, but \(profile.kind) then showed: \(rule.what); "
                                   + "not confirmed that it was submitted")
        case .starting:
            return DeliveryOutcome(.unconfirmed, "typed and Enter pressed, but \(profile.kind) then showed an empty screen: "
                                   + "not confirmed that it was submitted")
        case .unknown(let why):
            return DeliveryOutcome(.unconfirmed, "typed and Enter pressed, but \(profile.kind) then showed \(why): "
                                   + "not confirmed that it was submitted")
        }
    }

    /// True when the line's tail is anywhere on screen (spaces and wraps ignored) or folded as
    /// a paste placeholder.
    static func shows(_ line: String, on s: PaneSnapshot) -> Bool {
        let screen = String(String.UnicodeScalarView(s.plainRows.joined().unicodeScalars.filter { $0 != " " && $0 != "\u{a0}" }))
        let tail = InputLineAnalysis.tail(of: line)
        return (!tail.isEmpty && screen.contains(tail)) || screen.contains("[Pastedtext") || screen.contains("[PastedContent")
    }

    func probeResult(_ client: Tmux, _ target: String, _ r: DeliveryRequest) -> Result<PaneSnapshot, DeliveryOutcome> {
        switch probe(client, target, r) {
        case .success(let s): return .success(s)
        case .failure(let o): return .failure(o)
        }
    }

    func probe(_ client: Tmux, _ target: String, _ r: DeliveryRequest) -> Probe {
        Trace.log("probe \(target)")
        defer { Trace.log("probe done") }
        return snapshot(call(client.chained(DeliveryCommands.probe(target))), r,
                 expectedPane: target.hasPrefix("%") ? target : nil)
    }

    func call(_ command: Command) -> Result<ProcessResult, SystemError> {
        do { return .success(try TmuxClient.run(command, allowWire: usesWire, runner: context.runner)) } catch { return .failure(error) }
    }

    /// A tmux call's result, or the outcome its failure means: a missing pane, session or
    /// server is `.targetGone`; anything else (deadline, spawn failure) is `.tmuxFailure`.
    func checked(_ result: Result<ProcessResult, SystemError>) -> Result<ProcessResult, DeliveryOutcome> {
        let p: ProcessResult
        switch result {
        case .failure(let e): return .failure(DeliveryOutcome(.tmuxFailure, "cannot run tmux: \(e)"))
        case .success(let value): p = value
        }
        if p.isSuccess { return .success(p) }
        let text = p.stderrText
        if !p.timedOut && (text.contains("can't find") || text.contains("no server running")
                           || text.contains("error connecting to")) {
            return .failure(DeliveryOutcome(.targetGone, "the recipient's window is gone (\(Self.firstLine(text)))"))
        }
        return .failure(DeliveryOutcome(.tmuxFailure, Self.describe(p)))
    }

    /// `tmux <command>: <first stderr line, or how it ended>` (the client's options skipped).
    static func describe(_ p: ProcessResult) -> String {
        let args = TmuxClient.splitGlobalOptions(p.command.arguments).rest
        let name = FileSystem.baseName(p.command.executable)
        let what = "\(name) \(args.first ?? "")"
        if p.timedOut { return "\(what) timed out after \(p.command.timeoutMilliseconds) ms" }
        let line = firstLine(p.stderrText)
        return "\(what): \(line.isEmpty ? p.status.description : line)"
    }

    /// Checks a probe's result: the call worked, and the pane is the one we asked for.
    func snapshot(_ result: Result<ProcessResult, SystemError>, _ r: DeliveryRequest, expectedPane: String?) -> Probe {
        let p: ProcessResult
        switch checked(result) {
        case .failure(let o): return .failure(o)
        case .success(let value): p = value
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

    /// The absolute path of `name` on `PATH` (first executable match), or `name` unchanged
    /// when it already holds a `/` or nothing matches (the spawn then reports the error).
    static func resolveOnPath(_ name: String) -> String {
        guard !name.contains("/"), let path = Environment.nonEmpty("PATH") else { return name }
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 && !FileSystem.isDirectory(candidate) { return candidate }
        }
        return name
    }

    static func firstLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? text
    }

    static func quoted(_ draft: String) -> String {
        let short = draft.count > 40 ? String(draft.prefix(40)) + "…" : draft
        return "\"" + TextSanitizer.oneLine(short) + "\""
    }
}
