@testable import AgentMesh
import Foundation
import Testing

/// The socket-speaking tmux client gives the same results as the `tmux` binary.
@Suite("TmuxWire speaks tmux's client protocol", .serialized)
struct TmuxWireTests {
    @Test("stdout, stderr, exit status and stdin match the tmux binary's")
    func sameAsBinary() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let out = mesh.file("wire.bytes")
        let pane = try mesh.window(session: "wire", name: "rec", "python3 \(Package.fixture("raw_recorder.py")) \(out)")
        try mesh.waitFor(pane, "rec>")
        let probe = DeliveryCommands.probe(pane)
        let args = Array(TmuxClient.splitGlobalOptions(Tmux(binary: "tmux", socketPath: nil).chained(probe).arguments).rest)
        let wire = try #require(TmuxWire.run(socket: mesh.socketPath, arguments: args, input: [], timeoutMilliseconds: 3_000))
        let binary = try ProcessRunner.run(Tmux(binary: "tmux", socketPath: mesh.socketPath).chained(probe))
        #expect(wire.status == 0 && wire.stdout == binary.stdout && wire.stderr.isEmpty)
        // stdin: load-buffer - ; paste ; Enter — exact bytes, emoji and ';' included.
        let text = "wire; 👨‍💻 #{pane_id} -x"
        let send = Tmux(binary: "tmux", socketPath: nil).chained(
            DeliveryCommands.send(buffer: "wire-test", pane: pane, enterDelayMilliseconds: 0, leavingMode: false))
        let sent = try #require(TmuxWire.run(socket: mesh.socketPath, arguments: Array(TmuxClient.splitGlobalOptions(send.arguments).rest),
                                             input: Array(text.utf8),
                                             timeoutMilliseconds: 3_000))
        #expect(sent.status == 0)
        #expect(String(decoding: mesh.waitForFile(out), as: UTF8.self) == text + "\r")
        // A failing command: status 1 and tmux's own message on stderr.
        let bad = try #require(TmuxWire.run(socket: mesh.socketPath, arguments: ["capture-pane", "-p", "-t", "%999"],
                                            input: [], timeoutMilliseconds: 3_000))
        #expect(bad.status == 1 && String(decoding: bad.stderr, as: UTF8.self) == "can't find pane: %999\n")
        // No server: nil, so the caller falls back to the binary (and its error message).
        #expect(TmuxWire.run(socket: mesh.home + "/nosock", arguments: ["list-sessions"], input: [], timeoutMilliseconds: 500) == nil)
    }

    func fakeServer(_ mode: String) throws -> (String, pid_t) {
        let path = NSTemporaryDirectory() + "am-fake-\(getpid())-\(mode)"
        let pid = try ProcessRunner.spawnDetached(Command("python3", [Package.fixture("fake_tmux_server.py"), path, mode]))
        _ = eventually(5) { FileSystem.exists(path) }
        return (path, pid)
    }

    @Test("a server that never answers after the command: a timed-out failure, never nil (no second paste)")
    func silentServer() throws {
        let (path, pid) = try fakeServer("silent")
        defer { kill(pid, SIGTERM); unlink(path) }
        let r = TmuxWire.run(socket: path, arguments: ["paste-buffer", "-b", "x"], input: [], timeoutMilliseconds: 300)
        #expect(r != nil && r?.timedOut == true && r?.status == 1)
    }

    @Test("a server of another protocol version: nil, so the tmux binary is used (the command did not run)")
    func versionMismatch() throws {
        let (path, pid) = try fakeServer("version")
        defer { kill(pid, SIGTERM); unlink(path) }
        #expect(TmuxWire.run(socket: path, arguments: ["list-sessions"], input: [], timeoutMilliseconds: 2_000) == nil)
    }
}
