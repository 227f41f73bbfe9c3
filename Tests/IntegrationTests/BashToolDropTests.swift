@testable import AgentMesh
import Glibc
import Testing

/// The script that drops files and long messages on a bash-tool host, run by a real `sh`
/// against a real tmux server (what ssh runs on the far side, minus the network).
@Suite("Inbox drops on a bash-tool host (POSIX sh script)", .serialized)
struct BashToolDropTests {
    func run(_ home: ScratchHome, _ script: String?, input: [UInt8], tmuxSocket: String? = nil) throws -> ProcessResult {
        let s = try #require(script)
        var env: [String: String?] = ["HOME": home.path, "TMUX": nil, "TMUX_PANE": nil]
        if let tmuxSocket { env["TMUX"] = "\(tmuxSocket),0,0" }
        return try ProcessRunner.run(Command("sh", ["-c", s], input: input, environment: env))
    }

    func script(_ name: String, _ bytes: [UInt8], sender: String = "h1-dev-x", size: Int? = nil,
                note: BashToolDrop.Note? = nil, target: String? = nil) -> String? {
        BashToolDrop.script(readyLine: "ready", senderFolder: sender, name: name, size: size ?? bytes.count,
                            sha256: SHA256.hex(bytes), note: note, target: target, buffer: "b-\(getpid())")
    }

    @Test("bytes arrive exactly; a different file of the same name gets a suffix, an identical one is reused")
    func noOverwrite() throws {
        let home = ScratchHome("drop")
        let a: [UInt8] = Array("first ' \" $(x) `y` \\ \n".utf8) + [0, 255, 10]
        let b: [UInt8] = Array("second".utf8)
        let r1 = try run(home, script("report.md", a), input: a)
        #expect(r1.isSuccess, "\(r1.stderrText)")
        #expect(BashToolDrop.savedName(r1.stdout) == "report.md")
        let r2 = try run(home, script("report.md", b), input: b)
        #expect(BashToolDrop.savedName(r2.stdout) == "report.1.md")
        let r3 = try run(home, script("report.md", a), input: a)
        #expect(BashToolDrop.savedName(r3.stdout) == "report.md")
        let folder = home.path + "/.agent-inbox/h1-dev-x"
        #expect(try FileSystem.read(folder + "/report.md") == a)
        #expect(try FileSystem.read(folder + "/report.1.md") == b)
        #expect(FileSystem.list(folder) == ["report.1.md", "report.md"])
    }

    @Test("a size or checksum mismatch fails with exit 4 and leaves nothing behind")
    func mismatch() throws {
        let home = ScratchHome("drop")
        let bytes = Array("payload".utf8)
        let short = try run(home, script("f.txt", bytes, size: 99), input: bytes)
        #expect(short.status == .exited(4))
        #expect(short.stderrText.contains("expected 99"))
        let damaged = BashToolDrop.script(readyLine: "ready", senderFolder: "s", name: "f.txt", size: bytes.count,
                                          sha256: String(repeating: "0", count: 64), note: nil, target: nil, buffer: "b")
        let r = try run(home, damaged, input: bytes)
        #expect(r.status == .exited(4))
        #expect(r.stderrText.contains("SHA-256"))
        #expect(FileSystem.list(home.path + "/.agent-inbox/h1-dev-x").isEmpty)
        #expect(FileSystem.list(home.path + "/.agent-inbox/s").isEmpty)
    }

    @Test("names and notes are decoded from octal escapes: quotes, $(), backslashes and unicode arrive as text")
    func hostileText() throws {
        guard Package.hasTmux else { print("skipping: tmux is not installed"); return }
        let home = ScratchHome("drop")
        let server = try PrivateTmuxServer(home: home, firstSession: "legacy")
        let rec = home.path + "/rec.txt"
        try server.run(["respawn-pane", "-k", "-t", "=legacy:0", "cat > \(rec)"]).check()
        let bytes = Array("x".utf8)
        let name = "ünï \"q\" $(touch pwned) `b` \\.txt"
        let note = BashToolDrop.Note(before: "[from a'b $(id) @ T] file dropped at ~/x/", after: " (1 bytes): ; -C-c #{pane_id} 👨‍💻")
        let r = try run(home, script(name, bytes, sender: "s", note: note, target: "=legacy:0"), input: bytes,
                        tmuxSocket: server.socketPath)
        #expect(r.isSuccess, "\(r.stderrText)")
        #expect(BashToolDrop.savedName(r.stdout) == name)
        #expect(try FileSystem.read(home.path + "/.agent-inbox/s/" + name) == bytes)
        #expect(!FileSystem.exists(home.path + "/pwned"))
        let expected = note.before + name + note.after + "\n"
        #expect(eventually { (try? FileSystem.readText(rec)) == expected })
    }
}
