/// The step before typing into a strict agent (Claude Code, Codex): bring it to its
/// composer, or refuse with what was seen.
///
/// Policy (`AgentProfile`): type only at the agent's composer. A dialog its profile says how
/// to leave gets that key (Escape, never Enter), up to three times, the screen read again
/// after each; a blocked screen (permission, approval, trust, API key) is never touched; a
/// starting agent is waited for up to its `startup_ms`; anything else is refused. A human
/// draft in the composer refuses the send (`FORCE_SEND=1` types after it, as for any pane).
struct AgentGate {
    var profile: AgentProfile
    var probe: () -> Result<PaneSnapshot, DeliveryOutcome>
    var press: (_ key: String, _ leavingMode: Bool) -> DeliveryOutcome?
    var now: () -> Int = MonotonicClock.milliseconds
    var sleep: (Int) -> Void = { MonotonicClock.sleep(milliseconds: $0) }

    static let maximumDismissals = 3
    /// How long a screen may stay unrecognised before the send is refused: an agent caught
    /// mid-redraw (moving the last message into its transcript) shows no composer for a moment.
    static let unknownGraceMilliseconds = 1_000

    struct Ready {
        var snapshot: PaneSnapshot
        var dismissed: String?
    }

    func prepare(_ first: PaneSnapshot, force: Bool, skipDismiss: Bool) -> Result<Ready, DeliveryOutcome> {
        var s = first
        var dismissed: String?
        var dismissals = 0
        let startDeadline = now() + profile.startupMilliseconds
        var unknownSince: Int?
        let who = profile.kind
        while true {
            switch ScreenReading.read(s, profile: profile) {
            case .composer(let draft, _):
                if let draft, !force {
                    return .failure(DeliveryOutcome(.refusedDraft, "recipient has a draft in its input line (\(DeliveryEngine.quoted(draft))); "
                                                    + "not sent (FORCE_SEND=1 overrides)", dismissedDialog: dismissed))
                }
                return .success(Ready(snapshot: s, dismissed: dismissed))
            case .screen(let rule) where rule.state == .dialog && rule.leave != nil && !skipDismiss:
                guard dismissals < Self.maximumDismissals else {
                    return .failure(DeliveryOutcome(.notReady, "\(who): \(rule.what), still open after \(dismissals) × \(rule.leave!); nothing typed",
                                                    dismissedDialog: dismissed))
                }
                if let failed = press(rule.leave!, s.isInMode) { return .failure(failed) }
                dismissals += 1
                dismissed = "\(who) \(rule.name)"
                switch waitForChange(from: s, within: 800) {
                case .failure(let o): return .failure(o)
                case .success(let next): s = next
                }
            case .screen(let rule) where rule.state == .starting:
                if case .failure(let o) = waitStarting(&s, until: startDeadline) { return .failure(o) }
            case .starting:
                if case .failure(let o) = waitStarting(&s, until: startDeadline) { return .failure(o) }
            case .screen(let rule):
                let how = rule.state == .dialog && skipDismiss ? " (SKIP_DISMISS=1 leaves it)" : ""
                return .failure(DeliveryOutcome(.notReady, "\(who): \(rule.what)\(how); nothing typed", dismissedDialog: dismissed))
            case .unknown(let why):
                let since = unknownSince ?? now()
                unknownSince = since
                guard now() - since < Self.unknownGraceMilliseconds else {
                    return .failure(DeliveryOutcome(.notReady, "\(who): \(why); nothing typed", dismissedDialog: dismissed))
                }
                sleep(50)
                switch probe() {
                case .failure(let o): return .failure(o)
                case .success(let next): s = next
                }
            }
        }
    }

    /// Polls until the screen differs from `s` (the key took effect) or `ms` pass.
    func waitForChange(from s: PaneSnapshot, within ms: Int) -> Result<PaneSnapshot, DeliveryOutcome> {
        let deadline = now() + ms
        var last = s
        repeat {
            sleep(50)
            switch probe() {
            case .failure(let o): return .failure(o)
            case .success(let next): last = next
            }
        } while last.plainRows == s.plainRows && now() < deadline
        return .success(last)
    }

    func waitStarting(_ s: inout PaneSnapshot, until deadline: Int) -> Result<Void, DeliveryOutcome> {
        guard now() < deadline else {
            return .failure(DeliveryOutcome(.notReady, "\(profile.kind): still starting: its composer did not show within "
                                            + "\(profile.startupMilliseconds / 1000) s; nothing typed"))
        }
        sleep(100)
        switch probe() {
        case .failure(let o): return .failure(o)
        case .success(let next): s = next; return .success(())
        }
    }
}
