@testable import AgentMesh
import Testing

/// Every branch of the verify step, driven by scripted pane snapshots and a clock that moves
/// only when the check sleeps: no tmux, no timing luck.
@Suite("SubmissionCheck: delivered only on evidence")
struct SubmissionCheckTests {
    static let line = "[from tester @ 2026-12-01T10:00:00Z] stuck message that is long enough"

    static func screen(_ input: String, above: [String] = ["recorder ready"]) -> PaneSnapshot {
        let rows = above + ["rec> " + input]
        return PaneSnapshot(paneID: "%1", cursorX: 5 + input.count, cursorY: rows.count - 1, width: 200,
                            rows: rows.map { ScreenLine(parsing: Substring($0)) })
    }

    /// A scripted pane: each probe returns the next snapshot (the last one repeats); the
    /// Enter count is recorded; `afterEnter` replaces the script once Enter is pressed.
    final class Script {
        var probes: [Result<PaneSnapshot, DeliveryOutcome>]
        var afterEnter: [Result<PaneSnapshot, DeliveryOutcome>]?
        var enters = 0
        var clock = 0
        init(_ probes: [Result<PaneSnapshot, DeliveryOutcome>], afterEnter: [Result<PaneSnapshot, DeliveryOutcome>]? = nil) {
            self.probes = probes; self.afterEnter = afterEnter
        }
        func check() -> SubmissionCheck {
            var c = SubmissionCheck(
                probe: { [self] in probes.count > 1 ? probes.removeFirst() : probes[0] },
                pressEnter: { [self] in enters += 1; if let a = afterEnter { probes = a }; return nil })
            c.now = { [self] in clock }
            c.sleep = { [self] ms in clock += ms }
            c.trace = { _ in }
            return c
        }
    }

    let before = screen("")

    @Test("a fresh empty prompt after the echo: delivered, no second Enter")
    func delivered() {
        let s = Script([.success(Self.screen("", above: ["rec> " + Self.line]))])
        let o = s.check().run(line: Self.line, before: before, after: Self.screen("", above: ["rec> " + Self.line]), enterDelay: 0)
        #expect(o.status == .delivered && !o.sentSecondEnter && s.enters == 0)
    }

    @Test("nothing changed within the echo wait: queued (the keys wait in the pty)")
    func queued() {
        let s = Script([.success(before)])
        let o = s.check().run(line: Self.line, before: before, after: before, enterDelay: 0)
        #expect(o.status == .queued && s.enters == 0)
        #expect(s.clock >= 300)
    }

    @Test("text still on the input line: exactly one more Enter, then delivered")
    func secondEnter() {
        let stuck = Self.screen(Self.line)
        let s = Script([.success(stuck)], afterEnter: [.success(Self.screen("", above: ["rec> " + Self.line]))])
        let o = s.check().run(line: Self.line, before: before, after: stuck, enterDelay: 0)
        #expect(o.status == .delivered && o.sentSecondEnter && s.enters == 1)
    }

    @Test("text stays after the second Enter: not submitted, and never a third Enter")
    func notSubmitted() {
        let stuck = Self.screen(Self.line)
        let s = Script([.success(stuck)])
        let o = s.check().run(line: Self.line, before: before, after: stuck, enterDelay: 150)
        #expect(o.status == .notSubmitted && o.sentSecondEnter && s.enters == 1)
    }

    @Test("a probe caught half-way through the echo is not 'delivered'")
    func partialEcho() {
        let half = Self.screen(String(Self.line.prefix(30)))
        let stuck = Self.screen(Self.line)
        // The program ignores Enter: half an echo, then the whole line, which stays.
        let s = Script([.success(half), .success(stuck)])
        let o = s.check().run(line: Self.line, before: before, after: half, enterDelay: 0)
        #expect(o.status == .notSubmitted && s.enters == 1)
        // The program takes the Enter after its slow echo: delivered, no extra Enter.
        let t = Script([.success(half), .success(half), .success(Self.screen("", above: ["rec> " + Self.line]))])
        let p = t.check().run(line: Self.line, before: before, after: half, enterDelay: 0)
        #expect(p.status == .delivered && t.enters == 0)
    }

    @Test("the pane vanishing mid-way ends the check with that outcome, never 'delivered'")
    func paneGone() {
        let gone = DeliveryOutcome(.targetGone, "pane %1 is gone")
        let s = Script([.failure(gone)])
        let stuck = Self.screen(Self.line)
        #expect(s.check().run(line: Self.line, before: before, after: stuck, enterDelay: 0).status == .targetGone)
        let t = Script([.failure(gone)])
        #expect(t.check().run(line: Self.line, before: before, after: before, enterDelay: 0).status == .targetGone)
        let u = Script([.success(stuck)], afterEnter: [.failure(gone)])
        let o = u.check().run(line: Self.line, before: before, after: stuck, enterDelay: 0)
        #expect(o.status == .targetGone && o.sentSecondEnter)
    }

    @Test("presence: whole, partial (head only), none")
    func presence() {
        #expect(SubmissionCheck.presence(of: Self.line, in: Self.screen(Self.line)) == .whole)
        #expect(SubmissionCheck.presence(of: Self.line, in: Self.screen(String(Self.line.prefix(20)))) == .partial)
        #expect(SubmissionCheck.presence(of: Self.line, in: Self.screen("")) == .none)
        // Caught after four characters of the echo (seen on tmux 3.3a with the wire client).
        #expect(SubmissionCheck.presence(of: Self.line, in: Self.screen("[fro")) == .partial)
        #expect(SubmissionCheck.presence(of: Self.line, in: Self.screen("[")) == .partial)
        #expect(SubmissionCheck.presence(of: Self.line, in: Self.screen("", above: ["rec> " + Self.line])) == .none)
    }
}

@Suite("SubmissionCheck: an agent's screen must confirm")
struct SubmissionConfirmTests {
    @Test("an unrecognised screen right after Enter is read again; unconfirmed only if it stays")
    func confirmRereads() {
        let line = SubmissionCheckTests.line
        let before = SubmissionCheckTests.screen("")
        let redrawing = SubmissionCheckTests.screen("", above: ["half a redraw"])
        let idle = SubmissionCheckTests.screen("", above: ["rec> " + line])
        var seen = 0
        let s = SubmissionCheckTests.Script([.success(redrawing), .success(redrawing), .success(idle)])
        var c = s.check()
        c.confirm = { snap in
            seen += 1
            return snap.plainRows.contains("half a redraw") ? DeliveryOutcome(.unconfirmed, "unknown") : DeliveryOutcome(.delivered)
        }
        #expect(c.run(line: line, before: before, after: redrawing, enterDelay: 0).status == .delivered)
        #expect(seen >= 2)
        let t = SubmissionCheckTests.Script([.success(redrawing)])
        var d = t.check()
        d.confirm = { _ in DeliveryOutcome(.unconfirmed, "unknown") }
        #expect(d.run(line: line, before: before, after: redrawing, enterDelay: 0).status == .unconfirmed)
        #expect(t.clock >= SubmissionCheck.confirmMilliseconds)
    }
}

@Suite("AgentGate: type only at the composer")
struct AgentGateTests {
    static let profile = AgentProfile(kind: "codex", isStrict: true, composerPrompts: ["›"], startupMilliseconds: 5_000)

    static func snap(_ rows: [String], cursorY: Int, cursorX: Int = 2) -> PaneSnapshot {
        PaneSnapshot(paneID: "%1", cursorX: cursorX, cursorY: cursorY, width: 120,
                     rows: rows.map { ScreenLine(parsing: Substring($0)) })
    }

    func gate(_ probes: [PaneSnapshot], clock: Box) -> AgentGate {
        var queue = probes
        return AgentGate(profile: Self.profile,
                         probe: { .success(queue.count > 1 ? queue.removeFirst() : queue[0]) },
                         press: { _, _ in nil },
                         now: { clock.ms }, sleep: { clock.ms += $0 })
    }

    final class Box { var ms = 0 }

    @Test("a screen caught mid-redraw is read again; a composer that shows within a second is typed into")
    func midRedraw() {
        let redraw = Self.snap(["• OK", "x", "› [from a @ t] [id:1m8sfvrd8ypfm3hv] nine"], cursorY: 1, cursorX: 0)
        let idle = Self.snap(["• OK", "", "› ", "  gpt-5.5 default"], cursorY: 2)
        let clock = Box()
        guard case .success = gate([idle], clock: clock).prepare(redraw, force: false, skipDismiss: false) else {
            Issue.record("refused a screen that became the composer"); return
        }
        #expect(clock.ms < 1_000)
    }

    @Test("a screen that stays unrecognised is refused after the grace, nothing typed")
    func staysUnknown() {
        let odd = Self.snap(["something", "else", "entirely"], cursorY: 1, cursorX: 0)
        let clock = Box()
        guard case .failure(let o) = gate([odd], clock: clock).prepare(odd, force: false, skipDismiss: false) else {
            Issue.record("typed into an unknown screen"); return
        }
        #expect(o.status == .notReady && o.detail.contains("does not know"))
        #expect(clock.ms >= AgentGate.unknownGraceMilliseconds)
    }
}
