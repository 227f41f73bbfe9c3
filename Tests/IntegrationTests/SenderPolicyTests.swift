@testable import AgentMesh
import Foundation
import Testing

@Suite("Sender allowlists: @agent-allow and @agent-deny", .serialized)
struct SenderPolicyTests {
    @Test("patterns: names, @hosts, name@host; deny wins; unset allows everyone")
    func patterns() {
        let p = SenderPolicy(allow: "hub-*, @worker-1 cron@*", deny: "hub-dev-evil")
        #expect(p.refusal(sender: "hub-dev-build", host: "hub") == nil)
        #expect(p.refusal(sender: "anything", host: "worker-1") == nil)
        #expect(p.refusal(sender: "cron", host: "db") == nil)
        #expect(p.refusal(sender: "hub-dev-evil", host: "hub")?.contains("@agent-deny") == true)
        #expect(p.refusal(sender: "stranger", host: "laptop")?.contains("not in this window's @agent-allow") == true)
        #expect(SenderPolicy(allow: "", deny: "").refusal(sender: "x", host: "y") == nil)
    }

    @Test("a window that allows only some senders: others get exit 8, nothing typed; identify --allow sets it")
    func window() throws {
        guard Package.require() else { return }
        let (mesh, pane, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        let id = try ProcessRunner.run(Command(Package.binary("agent-register-hook"), ["identify", "--allow", "good-* @elsewhere", "--target", pane],
                                                environment: mesh.env([:])))
        #expect(id.isSuccess, "\(id.stderrText)")
        #expect(try mesh.tmux(["show-options", "-w", "-v", "-t", pane, "@agent-allow"]).stdoutText == "good-* @elsewhere\n")
        let addr = mesh.address("mesh", "rec")
        let bad = try mesh.notify([addr, "let me in"], env: ["AGENT_NAME": "intruder", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(bad.code == 8 && bad.stderr.contains("is not in this window's @agent-allow"), "\(bad)")
        let good = try mesh.notify([addr, "hello"], env: ["AGENT_NAME": "good-bot", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(good.code == 0, "\(good)")
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "[from good-bot @ TIME] hello\r")
        let log = try String(contentsOfFile: mesh.home + "/.agents/log/notify.log", encoding: .utf8)
        #expect(log.contains("from=intruder") && log.contains("status=refused-sender"))
        // Session-level fallback: a deny on the session applies to its windows.
        try mesh.tmux(["set-option", "-t", pane, "@agent-deny", "good-bot"])   // no -w: the session's option
        let denied = try mesh.notify([addr, "again"], env: ["AGENT_NAME": "good-bot"])
        #expect(denied.code == 8 && denied.stderr.contains("@agent-deny"), "\(denied)")
    }

    @Test("local senders are verified by uid: a tmux server of another user is never typed into (exit 8), even by root")
    func otherUser() throws {
        guard Package.require() else { return }
        guard geteuid() == 0 else { print("SKIP otherUser: needs root to start a tmux server as another user"); return }
        guard let nobody = getpwnam("nobody")?.pointee.pw_uid else { print("SKIP otherUser: no user 'nobody'"); return }
        let mesh = try Mesh()
        let dir = mesh.home + "/xuser"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(mesh.home, 0o755); chmod(dir, 0o777)
        let socket = dir + "/sock", out = dir + "/out"
        func theirs(_ args: [String]) throws -> ProcessResult {
            try ProcessRunner.run(Command("runuser", ["-u", "nobody", "--", "tmux", "-S", socket, "-f", "/dev/null"] + args,
                                          environment: ["TMUX": nil, "TMUX_PANE": nil, "HOME": dir,
                                                        // nobody's login shell is nologin: without SHELL the pane would exit at once.
                                                        "SHELL": "/bin/sh"]))
        }
        let started = try theirs(["new-session", "-d", "-s", "mesh", "-n", "rec", "-x", "120", "-y", "30", "cat > \(out)"])
        defer { _ = try? theirs(["kill-server"]); mesh.close() }
        try #require(started.isSuccess, "\(started.stderrText)")
        #expect(FileSystem.owner(socket) == nobody)
        try #require(try theirs(["has-session", "-t", "=mesh"]).isSuccess, "the other user's pane exited")
        mesh.socketPath = socket
        try mesh.register("mesh")
        let r = try mesh.notify([mesh.address("mesh", "rec"), "typed into someone else's agent?"])
        #expect(r.code == 8, "\(r)")
        #expect(r.stderr.contains("belongs to uid \(nobody)"), "\(r)")
        MonotonicClock.sleep(milliseconds: 300)
        let screen = try theirs(["capture-pane", "-p", "-t", "mesh:rec"]).stdoutText
        #expect(!screen.contains("someone else"), "\(screen)")
        #expect(((try? FileSystem.read(out)) ?? nil)?.isEmpty ?? true)
    }
}
