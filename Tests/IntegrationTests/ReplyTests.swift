@testable import AgentMesh
import Foundation
import Testing

/// `--reply <id>` answers a message received on this host: to its sender, tagged `[re:<id>]`.
@Suite("Replies", .serialized)
struct ReplyTests {
    @Test("B replies to A's message by id alone; A's pane gets it tagged re:<id>; an unknown id is refused")
    func replyByID() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let outA = mesh.file("a.bytes"), outB = mesh.file("b.bytes")
        let a = try mesh.window(session: "team", name: "a", "python3 \(Package.fixture("raw_recorder.py")) \(outA)")
        let b = try mesh.window(session: "team", name: "b", "python3 \(Package.fixture("raw_recorder.py")) \(outB)")
        try mesh.waitFor(a, "rec>"); try mesh.waitFor(b, "rec>")
        try mesh.register("team")
        func inPane(_ pane: String) -> [String: String?] {
            ["AGENT_NAME": nil, "TMUX_PANE": pane, "TMUX": mesh.socketPath + ",1,0", "AGENT_MESH_ENTER_DELAY": "0"]
        }
        let ask = try mesh.notify(["-q", mesh.address("team", "b"), "review my diff?"], env: inPane(a))
        #expect(ask.code == 0, "\(ask)")
        let id = String(ask.stdout.dropLast())
        #expect(String(decoding: mesh.waitForFile(outB), as: UTF8.self).contains("[from testhost-team-a @ "))
        let reply = try mesh.notify(["-q", "--reply", id, "looks", "good"], env: inPane(b))
        #expect(reply.code == 0, "\(reply)")
        let got = String(decoding: mesh.waitForFile(outA), as: UTF8.self)
        #expect(got.contains("[re:\(id)] looks good\r") && got.hasPrefix("[from testhost-team-b @ "), "\(got)")
        #expect(maskTime(got) == "[from testhost-team-b @ TIME] looks good\r")
        let unknown = try mesh.notify(["--reply", MessageID.make(), "to nobody"], env: inPane(b))
        #expect(unknown.code == 2 && unknown.stderr.contains("not typed into a pane of this host"), "\(unknown)")
    }
}

@Suite("Loop guard", .serialized)
struct LoopGuardTests {
    @Test("two agents replying to every message are stopped at 8 within 10 minutes, exit 7; one-way status lines are not")
    func pingPong() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let a = try mesh.window(session: "pp", name: "a", "cat")
        let b = try mesh.window(session: "pp", name: "b", "cat")
        let c = try mesh.window(session: "pp", name: "c", "cat")
        try mesh.register("pp")
        func from(_ pane: String) -> [String: String?] {
            ["AGENT_NAME": nil, "TMUX_PANE": pane, "TMUX": mesh.socketPath + ",1,0", "AGENT_MESH_ENTER_DELAY": "0"]
        }
        var codes: [Int32] = []
        var last = try mesh.notify(["-q", mesh.address("pp", "b"), "thanks!"], env: from(a))
        codes.append(last.code)
        for k in 0..<10 {
            let id = String(last.stdout.dropLast())
            let pane = k % 2 == 0 ? b : a
            last = try mesh.notify(["-q", "--reply", id, "thank you too \(k)"], env: from(pane))
            codes.append(last.code)
            if last.code != 0 { break }
        }
        #expect(codes.prefix(8).allSatisfy { $0 == 0 } && codes.last == 7, "\(codes)")
        #expect(last.stderr.contains("loop guard: 8 messages between"), "\(last)")
        // One way only: 12 status lines from c to a all go.
        for k in 0..<12 {
            let r = try mesh.notify([mesh.address("pp", "a"), "status \(k)"], env: from(c))
            #expect(r.code == 0, "\(k): \(r)")
        }
    }
}
