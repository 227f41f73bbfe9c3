/// Decides, after the paste and the Enter, whether the text was submitted — sending at most
/// one more Enter, never the text again.
///
/// Policy (why each rule exists):
/// - "Delivered" needs positive evidence: neither the head nor the tail of the typed line is
///   on the input line any more. A probe can land half-way through a program's echo (the
///   wire client is fast enough to see it often); then the head is there and the tail is not
///   yet, which is `partial`, never "left the input line". A partial echo is waited out.
/// - Nothing on screen changed at all: the program is busy and has not read its input yet:
///   `.queued` after `echoWaitMilliseconds` (the keys wait in the pty).
/// - The whole text still on the input line: wait `settleMilliseconds` for the program to
///   act on the Enter, then one more Enter, then `.notSubmitted` if it still stays.
/// - The pane vanishing mid-way ends the check with the probe's outcome (never "delivered").
///
/// Its tmux access, clock and sleep come in as values, so every branch runs in unit tests
/// with scripted pane snapshots (`DeliveryEngine` passes the real probe and Enter).
public struct SubmissionCheck {
    public enum Presence: Equatable, Sendable { case none, partial, whole }

    public var echoWaitMilliseconds = 300
    public var settleMilliseconds = 400
    public var probe: () -> Result<PaneSnapshot, DeliveryOutcome>
    public var pressEnter: () -> DeliveryOutcome?
    public var now: () -> Int = MonotonicClock.milliseconds
    public var sleep: (Int) -> Void = { MonotonicClock.sleep(milliseconds: $0) }
    public var trace: (String) -> Void = { Trace.log($0) }
    /// For strict agents: what the screen after the text left the input line means
    /// (delivered, queued by the agent, or unconfirmed). nil: delivered.
    public var confirm: ((PaneSnapshot) -> DeliveryOutcome)?
    /// What "nothing changed on screen" means: a busy program that reads its input later
    /// (nil: `.queued`, the generic rule), or, for an agent that always echoes into its
    /// composer, a failure to report.
    public var unchanged: DeliveryOutcome?

    public init(probe: @escaping () -> Result<PaneSnapshot, DeliveryOutcome>,
                pressEnter: @escaping () -> DeliveryOutcome?) {
        self.probe = probe
        self.pressEnter = pressEnter
    }

    /// How much of `line` the input line shows, spaces ignored: its last 20 characters
    /// (`whole`); its first 12, or any start of it at the end of the input line (`partial`:
    /// an echo in progress, however short); or none of it.
    public static func presence(of line: String, in snapshot: PaneSnapshot) -> Presence {
        if InputLineAnalysis.isStillInInput(snapshot, tail: InputLineAnalysis.tail(of: line)) { return .whole }
        let input = Array(InputLineAnalysis.compactInput(snapshot).unicodeScalars)
        let text = Array(line.unicodeScalars.filter { $0 != " " })
        let head = InputLineAnalysis.head(of: line)
        if !head.isEmpty && String(String.UnicodeScalarView(input)).contains(head) { return .partial }
        for k in stride(from: min(input.count, text.count), through: 1, by: -1)
        where input[(input.count - k)...].elementsEqual(text[..<k]) {
            return .partial
        }
        return .none
    }

    public func run(line: String, before: PaneSnapshot, after first: PaneSnapshot, enterDelay: Int) -> DeliveryOutcome {
        var after = first
        var deadline = now() + echoWaitMilliseconds
        // The first look comes right after the paste; most programs echo within a
        // millisecond, so the waits start there and double up to 20 ms.
        var pause = 1
        while after.looksUnchanged(from: before) {
            trace("unchanged")
            if now() >= deadline {
                return unchanged ?? DeliveryOutcome(.queued, "not echoed yet: the program is busy; it reads the message when its prompt returns")
            }
            sleep(pause)
            pause = min(pause * 2, 20)
            switch probe() {
            case .failure(let o): return o
            case .success(let s): after = s
            }
        }
        var presence = Self.presence(of: line, in: after)
        // An echo in progress: wait until the tail shows or the text leaves.
        deadline = now() + settleMilliseconds
        while presence == .partial && now() < deadline {
            trace("partial echo")
            sleep(10)
            switch probe() {
            case .failure(let o): return o
            case .success(let s): after = s; presence = Self.presence(of: line, in: s)
            }
        }
        // Paste-detecting programs decide on the Enter a little later: look once more.
        if enterDelay > 0 && presence == .none {
            sleep(50)
            switch probe() {
            case .failure(let o): return o
            case .success(let s): after = s; presence = Self.presence(of: line, in: s)
            }
        }
        if presence == .none {
            trace("left the input line")
            return done(after, secondEnter: false)
        }
        trace("still in the input line")
        deadline = now() + settleMilliseconds
        while now() < deadline {
            sleep(25)
            switch probe() {
            case .failure(let o): return o
            case .success(let s): if Self.presence(of: line, in: s) == .none { return done(s, secondEnter: false) }
            }
        }
        trace("second Enter")
        if let failed = pressEnter() { return failed }
        deadline = now() + settleMilliseconds + 600
        repeat {
            switch probe() {
            case .failure(let o): return o.with(sentSecondEnter: true)
            case .success(let s):
                if Self.presence(of: line, in: s) == .none { return done(s, secondEnter: true) }
            }
            sleep(50)
        } while now() < deadline
        return DeliveryOutcome(.notSubmitted, "typed, but the text still sits in the recipient's input line after two Enters "
                               + "(raise its enter delay: agent-register-hook identify --enter-delay 0.3)",
                               sentSecondEnter: true)
    }
}

extension SubmissionCheck {
    /// How long an agent's screen may stay unrecognised after the text left its composer
    /// (it redraws the whole screen when a turn starts) before the send is "unconfirmed".
    static let confirmMilliseconds = 1_500

    /// The outcome once the text left the input line: `confirm`'s reading of the screen,
    /// read again while it is not one the agent shows for a submitted message.
    func done(_ first: PaneSnapshot, secondEnter: Bool) -> DeliveryOutcome {
        guard let confirm else { return DeliveryOutcome(.delivered, sentSecondEnter: secondEnter) }
        var o = confirm(first)
        let deadline = now() + Self.confirmMilliseconds
        while o.status == .unconfirmed && now() < deadline {
            trace("screen not recognised yet")
            sleep(50)
            guard case .success(let s) = probe() else { break }
            o = confirm(s)
        }
        o.sentSecondEnter = secondEnter
        return o
    }
}

extension DeliveryOutcome {
    func with(sentSecondEnter: Bool) -> DeliveryOutcome {
        var copy = self
        copy.sentSecondEnter = sentSecondEnter
        return copy
    }
}
