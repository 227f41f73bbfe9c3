@testable import AgentMesh
import Foundation
import Testing

/// Claude Code's spinner tips are free text under its busy spinner; a tip must never read as a
/// dialog. Seen against the real 2.1.332 (RealAgentScenarioTests): the tip "Press Enter to queue
/// messages while Claude works" matched the dialog hint "Enter to ", so a busy Claude was
/// refused (exit 6) and a delivered message was reported unconfirmed (exit 5).
@Suite("Claude Code's tips are not dialogs")
struct ProfileTipTests {
    @Test("a busy Claude whose tip says \"Press Enter to …\" reads as busy")
    func enterTip() throws {
        let s = try ProfileTests.snapshot("claude", "busy-tip-enter", "3.3a")
        #expect(s.plainRows.contains { $0.contains("Tip: Press Enter to queue messages") })
        let reading = ScreenReading.read(s, profile: ProfileTests.profiles.profile("claude"))
        #expect(ProfileTests.reading(reading) == .busy, "\(reading)")
    }
}
