@testable import AgentMesh
import Foundation
import Testing

/// The exec path (no wire) runs the tmux binary the server itself runs from, so a server of
/// another release than the `tmux` on PATH is still reachable (3.3a–3.5a clients are dropped
/// by 3.6+ servers).
@Suite("exec path: the server's own tmux binary", .serialized)
struct ServerBinaryTests {
    /// A 3.6+ server binary and a pre-3.6 client from ../shared/tmux (a 3.3a–3.5a client is
    /// dropped by a 3.6+ server; newer clients do talk to older servers), or nil.
    static func pair() -> (server: String, oldClientDir: String)? {
        let shared = Package.root + "/../shared/tmux"
        let server = shared + "/3.6a/tmux", client = shared + "/3.3a"
        guard FileManager.default.isExecutableFile(atPath: server),
              FileManager.default.isExecutableFile(atPath: client + "/tmux") else { return nil }
        return (server, client)
    }

    @Test("AGENT_MESH_TMUX_EXEC=1 against a server of another release: delivered, and the trace names its binary")
    func foreignServer() throws {
        guard Package.require() else { return }
        guard let (foreign, oldClientDir) = Self.pair() else {
            print("SKIP foreignServer: ../shared/tmux is missing (tmux 3.6a and 3.3a builds are needed)"); return
        }
        let mesh = try Mesh()
        mesh.tmuxBinary = foreign
        defer { mesh.close() }
        let out = mesh.file("rec.bytes")
        let pane = try mesh.window(session: "fx", name: "rec", "python3 \(Package.fixture("raw_recorder.py")) \(out)")
        try mesh.waitFor(pane, "rec>")
        // The PATH client alone cannot reach this server: that is what the test is about.
        let direct = try ProcessRunner.run(Command(oldClientDir + "/tmux", ["-S", mesh.socketPath, "list-sessions"]))
        #expect(!direct.isSuccess, "the tmux on PATH talked to a \(foreign) server; the test proves nothing")
        #expect(TmuxServerBinary.find(socket: mesh.socketPath).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                == URL(fileURLWithPath: foreign).resolvingSymlinksInPath().path)
        try mesh.register("fx")
        let r = try mesh.notify([mesh.address("fx", "rec"), "through the server's own client"],
                                env: ["AGENT_NAME": "tester", "AGENT_MESH_TMUX_EXEC": "1", "AGENT_MESH_TRACE": "1",
                                      "AGENT_MESH_ENTER_DELAY": "0",
                                      // The tmux on notify-pane's PATH is the old client that cannot talk to it.
                                      "PATH": oldClientDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        #expect(r.code == 0, "\(r)")
        #expect(r.stderr.contains("(\(URL(fileURLWithPath: foreign).resolvingSymlinksInPath().path))"), "\(r.stderr)")
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "[from tester @ TIME] through the server's own client\r")
    }

    @Test("the listening socket's inode is read from a /proc/net/unix table")
    func table() {
        let table = """
        Num       RefCount Protocol Flags    Type St Inode Path
        0000000000000000: 00000002 00000000 00000000 0001 03 111 /tmp/tmux-0/default
        0000000000000000: 00000002 00000000 00010000 0001 01 222 /tmp/tmux-0/default
        0000000000000000: 00000002 00000000 00010000 0001 01 333 /tmp/with space/sock
        """
        #expect(TmuxServerBinary.listeningInode(socket: "/tmp/tmux-0/default", table: table) == "222")
        #expect(TmuxServerBinary.listeningInode(socket: "/tmp/with space/sock", table: table) == "333")
        #expect(TmuxServerBinary.listeningInode(socket: "/nope", table: table) == nil)
    }
}
