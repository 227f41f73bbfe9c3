@testable import AgentMesh
import Foundation
import Testing

/// One message to several agents: each delivered on its own, outcomes summarised.
@Suite("Broadcast", .serialized)
struct BroadcastTests {
    @Test("a glob reaches every match once; a draft is reported on its own; exit is the worst code; --json lists each")
    func globWithDraft() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        var outs: [String: String] = [:]
        var panes: [String: String] = [:]
        for w in ["w1", "w2", "w3", "w4"] {
            let out = mesh.file("\(w).bytes")
            outs[w] = out
            panes[w] = try mesh.window(session: "bc", name: w, "python3 \(Package.fixture("raw_recorder.py")) \(out)")
        }
        _ = try mesh.window(session: "other", name: "x", "cat")
        for p in panes.values { try mesh.waitFor(p, "rec>") }
        try mesh.register("bc")
        try mesh.register("other")
        try mesh.tmux(["send-keys", "-t", panes["w4"]!, "-l", "typing"])
        try mesh.waitFor(panes["w4"]!, "typing")
        let env: [String: String?] = ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"]
        let r = try mesh.notify(["--json", "testhost-bc-*", "to", "all", "of", "you"], env: env)
        #expect(r.code == 3, "\(r)")
        for w in ["w1", "w2", "w3"] {
            #expect(maskTime(String(decoding: mesh.waitForFile(outs[w]!), as: UTF8.self)) == "[from tester @ TIME] to all of you\r", "\(w)")
            #expect(r.stdout.contains("\"address\": \"testhost-bc-\(w)\""))
        }
        #expect(r.stdout.contains("\"status\": \"refused-draft\", \"exit\": 3"), "\(r.stdout)")
        #expect(!r.stdout.contains("testhost-other-x"))
        #expect(String(decoding: (try? FileSystem.read(outs["w4"]!)) ?? [], as: UTF8.self) == "typing")  // the draft alone
        // --max below the match count refuses, nothing sent.
        let capped = try mesh.notify(["--max", "2", "testhost-bc-*", "too many"], env: env)
        #expect(capped.code == 1 && capped.stderr.contains("4 recipients, more than 2"), "\(capped)")
        // --all from inside pane w1: everyone but w1 (w4 still has its draft).
        let all = try mesh.notify(["--all", "from", "w1"], env: ["AGENT_NAME": nil, "TMUX_PANE": panes["w1"]!,
                                                               "TMUX": mesh.socketPath + ",1,0", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(all.code == 3, "\(all)")
        #expect(!all.stdout.contains("testhost-bc-w1 ") && all.stdout.contains("→ testhost-bc-w2 ") && all.stdout.contains("→ testhost-other-x "), "\(all.stdout)")
        #expect(String(decoding: mesh.waitForFile(outs["w2"]!, atLeast: 60), as: UTF8.self).hasSuffix("] from w1\r"))
        #expect(!String(decoding: (try? FileSystem.read(outs["w1"]!)) ?? [], as: UTF8.self).contains("from w1"))
        // --role: the cat window's role is "cat".
        let role = try mesh.notify(["--role", "ca*", "cats only"], env: env)
        #expect(role.code == 0 && role.stdout.hasPrefix("→ testhost-other-x ") && role.stdout.split(separator: "\n").count == 1, "\(role)")
        #expect(try mesh.notify(["--role", "nobody", "x"], env: env).code == 2)
    }
}
