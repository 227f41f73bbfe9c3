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
