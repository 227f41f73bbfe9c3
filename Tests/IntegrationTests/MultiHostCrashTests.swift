@testable import AgentMesh
import Glibc
import Testing

/// The crash matrix's remote step (see `CrashMatrixTests` for the local ones): the sender is
/// killed with SIGKILL once its request went over ssh, before it read any answer; the
/// recipient's host then restarts its tmux server (a reboot, as far as tmux goes). The
/// receiving journal survives both, so `--retry <id>` leaves the message received exactly once.
extension MultiHostTests {
    /// How many times h2's recorder (`cat >> ~/rec.txt`) received `text`.
    func count(_ mesh: MeshHarness, _ text: String) -> Int {
        String(decoding: mesh.file("h2", "rec.txt") ?? [], as: UTF8.self).components(separatedBy: text).count - 1
    }

    @Test("kill -9 after the request went over ssh, then h2's tmux server restarts: --retry is received exactly once")
    func crashAfterRequest() throws {
        guard let mesh = try MeshHarness.up(2) else { return }
        try mesh.configure()
        for h in mesh.hosts { try mesh.startTmux(h) }
        for h in mesh.hosts { try mesh.tool(h, "agent-discover", ["-q"]).check() }
        let text = "sent before the crash"
        let pause = mesh.home("h1") + "/pause"
        try mesh.sh("h1", "mkdir -p $HOME/pause && AGENT_MESH_TEST_PAUSE_AT=after-request AGENT_MESH_TEST_PAUSE_DIR=$HOME/pause "
                    + "setsid $HOME/bin/notify-pane h2-work-rec '\(text)' </dev/null >/dev/null 2>&1 &").check()
        let pid = try #require(killAtPause(pause, "after-request"), "the sender never sent its request")
        // The far side has the whole request: it carries it out without the sender.
        _ = eventually(5) { count(mesh, text) >= 1 }
        MonotonicClock.sleep(milliseconds: 500)
        #expect(count(mesh, text) <= 1, "received more than once before any retry")
        let outbox = Outbox(paths: MeshPaths(home: mesh.home("h1")))
        let id = try #require(outbox.all().records.first?.id)
        // Unknown at once: the killed process is gone (a zombie not yet reaped counts as gone).
        #expect(eventually(15) { outbox.read(id)?.effectiveState == "unknown" }, "\(String(describing: outbox.read(id)))")

        // h2's tmux server restarts with the same windows; its journal stays.
        try mesh.sh("h2", "tmux kill-server").check()
        try mesh.sh("h2", "tmux new-session -d -s work -n agent2 -x 200 -y 50 && "
                    + "tmux new-window -d -t work: -n rec 'cat >> $HOME/rec.txt'").check()
        for h in mesh.hosts { try mesh.tool(h, "agent-discover", ["-q"]).check() }
        #expect(mesh.file("h2", ".agents/journal/\(id)") != nil, "h2's journal lost \(id)")

        let retry = try mesh.tool("h1", "notify-pane", ["--retry", id])
        #expect(retry.isSuccess, "\(retry.status) \(retry.stdoutText) \(retry.stderrText)")
        _ = eventually(5) { count(mesh, text) >= 1 }
        MonotonicClock.sleep(milliseconds: 800)
        #expect(count(mesh, text) == 1, "\(String(decoding: mesh.file("h2", "rec.txt") ?? [], as: UTF8.self))")
        let status = try mesh.tool("h1", "notify-pane", ["--status", id]).stdoutText
        #expect(status.contains("state: delivered") && status.contains("retry (was unknown)"), "\(status)")
    }
}
