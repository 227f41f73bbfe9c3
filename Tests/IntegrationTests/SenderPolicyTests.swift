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
}
