@preconcurrency import Glibc

/// Test-only pause points for the crash tests (`Tests/IntegrationTests/CrashMatrixTests.swift`):
/// a way to `kill -9` a sender or the queue runner for real at one exact step of a delivery.
///
/// Policy:
/// - Armed only when both `AGENT_MESH_TEST_PAUSE_AT=<step>` and `AGENT_MESH_TEST_PAUSE_DIR=<dir>`
///   are set. On reaching `<step>` the process creates `<dir>/<step>.<pid>` (the test learns the
///   pid from the name) and sleeps, up to 60 s, so the test can kill it there; if nobody does,
///   it carries on as if nothing happened.
/// - Unarmed (every real run) it costs one `getenv` pair, read once and cached, and one
///   comparison per point; nothing else changes.
/// - Steps: `after-intent` (the outbox holds the message, nothing typed), `after-request` (a
///   remote request written to ssh's stdin, no answer read), `after-paste` (the text pasted,
///   no Enter yet: the engine then sends Enter as a second tmux call), `after-enter` (Enter
///   pressed, the outcome not recorded in the journal or the outbox).
public enum PausePoint {
    public enum Step: String, Sendable {
        case afterIntent = "after-intent"
        case afterRequest = "after-request"
        case afterPaste = "after-paste"
        case afterEnter = "after-enter"
    }

    /// The armed step and the folder for its marker, read once.
    static let armed: (step: String, directory: String)? = {
        guard let step = Environment.nonEmpty("AGENT_MESH_TEST_PAUSE_AT"),
              let directory = Environment.nonEmpty("AGENT_MESH_TEST_PAUSE_DIR") else { return nil }
        return (step, directory)
    }()

    /// True when `step` is the armed one (a caller that must split its work to pause there).
    public static func isArmed(_ step: Step) -> Bool { armed?.step == step.rawValue }

    /// Pauses here when `step` is armed: the marker file, then up to 60 s of sleep.
    public static func reach(_ step: Step) {
        guard let a = armed, a.step == step.rawValue else { return }
        let marker = "\(a.directory)/\(step.rawValue).\(getpid())"
        let fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        let deadline = MonotonicClock.milliseconds() + 60_000
        while MonotonicClock.milliseconds() < deadline { MonotonicClock.sleep(milliseconds: 50) }
    }

    /// `reach` by the step's name (a `Command` carries it as text); unknown names do nothing.
    public static func reach(named name: String) {
        if let step = Step(rawValue: name) { reach(step) }
    }
}
