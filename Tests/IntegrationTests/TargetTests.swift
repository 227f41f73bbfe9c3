@testable import AgentMesh
import Foundation
import Testing

/// Exact targets, inbox drops and senders without tmux.
@Suite("notify-pane targets exactly and drops files safely", .serialized)
struct TargetTests {
    func recorder(_ mesh: Mesh, session: String, window: String) throws -> (String, String) {
        let out = mesh.file("\(session)-\(window).bytes")
        let pane = try mesh.window(session: session, name: window, "python3 \(Package.fixture("raw_recorder.py")) \(out)")
        try mesh.waitFor(pane, "rec>")
        return (pane, out)
    }

    @Test("window gone → exit 2 and nothing typed anywhere; pane moved to another window → exit 2")
    func windowGone() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let (pane, _) = try recorder(mesh, session: "mesh", window: "keep")
        let (gone, _) = try recorder(mesh, session: "mesh", window: "gone")
        let (moved, movedOut) = try recorder(mesh, session: "mesh", window: "moved")
        _ = pane
        try mesh.register("mesh")
        try mesh.tmux(["kill-pane", "-t", gone])
        var r = try mesh.notify([mesh.address("mesh", "gone"), "hello"])
        #expect(r.code == 2, "\(r)")
        #expect(r.stderr == "notify-pane: error: testhost-mesh-gone: the recipient's window is gone (can't find pane: \(gone))\n")
        // join-pane moves the pane into the "keep" window: its id lives on, its window changed.
        try mesh.tmux(["join-pane", "-d", "-s", moved, "-t", "=mesh:keep"])
        r = try mesh.notify([mesh.address("mesh", "moved"), "hello"])
        #expect(r.code == 2, "\(r)")
        #expect(r.stderr.hasPrefix("notify-pane: error: testhost-mesh-moved: pane \(moved) no longer belongs to window"))
        #expect((try FileSystem.read(movedOut) ?? []).isEmpty)
    }

    @Test("prefix trap: with session 'claude' gone, a send to it never reaches 'claude-2' (pane ids and =session:index)")
    func prefixTrap() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        _ = try recorder(mesh, session: "claude", window: "main")
        let (_, out2) = try recorder(mesh, session: "claude-2", window: "main")
        try mesh.register("claude")
        let local = try String(contentsOfFile: mesh.home + "/.agents/local.toml", encoding: .utf8)
        try mesh.tmux(["kill-session", "-t", "=claude"])
        var r = try mesh.notify(["testhost-claude-main", "for claude only"])
        #expect(r.code == 2, "\(r)")
        // A bash-tool registry (no pane or window ids): the exact target =claude:0 is used.
        let bashTool = "[agents.testhost-claude-main]\nhost = \"testhost\"\ntarget = \"claude:0\"\nsession = \"claude\"\n"
            + "window = \"main\"\nrole = \"\"\nscope = \"\"\nsocket = \"\(mesh.socketPath)\"\n"
        try FileManager.default.removeItem(atPath: mesh.home + "/.agents/local.toml")
        try bashTool.write(toFile: mesh.home + "/.agents/registry.toml", atomically: true, encoding: .utf8)
        r = try mesh.notify(["testhost-claude-main", "for claude only"])
        #expect(r.code == 2, "\(r)")
        #expect(r.stderr == "notify-pane: error: testhost-claude-main: the recipient's window is gone (can't find session: claude)\n")
        MonotonicClock.sleep(milliseconds: 100)
        #expect((try FileSystem.read(out2) ?? []).isEmpty)
        _ = local
    }

    @Test("--file: byte-exact copy, 0600 in a 0700 folder, never overwriting a different file, hostile names contained")
    func fileDrop() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let (_, out) = try recorder(mesh, session: "mesh", window: "rec")
        try mesh.register("mesh")
        let addr = mesh.address("mesh", "rec")
        let src = mesh.file("src")
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        let payload = (0..<3_000).map { UInt8($0 % 256) }
        try FileSystem.writeAtomically(src + "/report.bin", payload)
        let env: [String: String?] = ["AGENT_NAME": "../../evil sender", "AGENT_MESH_ENTER_DELAY": "0"]
        var r = try mesh.notify([addr, "--file", src + "/report.bin", "please", "review"], env: env)
        #expect(r.code == 0, "\(r)")
        let inbox = mesh.home + "/.agent-inbox/evil_sender"
        #expect(try FileSystem.read(inbox + "/report.bin") == payload)
        // Same name, same bytes: reused. Different bytes: a suffix, the first file untouched.
        r = try mesh.notify([addr, "--file", src + "/report.bin"], env: env)
        #expect(r.code == 0)
        try FileSystem.writeAtomically(src + "/report.bin", Array("changed".utf8))
        r = try mesh.notify([addr, "-f", src + "/report.bin"], env: env)
        #expect(r.code == 0)
        #expect(try FileSystem.read(inbox + "/report.bin") == payload)
        #expect(try FileSystem.read(inbox + "/report.1.bin") == Array("changed".utf8))
        // Hostile names.
        let hostile = "-rf ..\u{1b}[31m; rm $(x) \u{202e}gpj.exe"
        try FileSystem.writeAtomically(src + "/" + hostile, Array("h".utf8))
        r = try mesh.notify([addr, "--file", src + "/" + hostile], env: env)
        #expect(r.code == 0, "\(r)")
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox).sorted()
        #expect(names == ["report.1.bin", "report.bin", "rf_..__31m__rm___x___gpj.exe"])
        let folderMode = try FileManager.default.attributesOfItem(atPath: inbox)[.posixPermissions] as? NSNumber
        #expect(folderMode?.intValue == 0o700)
        let fileMode = try FileManager.default.attributesOfItem(atPath: inbox + "/report.bin")[.posixPermissions] as? NSNumber
        #expect(fileMode?.intValue == 0o600)
        let typed = maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)).split(separator: "\r").map(String.init)
        #expect(typed == [
            "[from ../../evil sender @ TIME] file dropped at ~/.agent-inbox/evil_sender/report.bin (3000 bytes): please review",
            "[from ../../evil sender @ TIME] file dropped at ~/.agent-inbox/evil_sender/report.bin (3000 bytes)",
            "[from ../../evil sender @ TIME] file dropped at ~/.agent-inbox/evil_sender/report.1.bin (7 bytes)",
            "[from ../../evil sender @ TIME] file dropped at ~/.agent-inbox/evil_sender/rf_..__31m__rm___x___gpj.exe (1 bytes)",
        ])
        r = try mesh.notify([addr, "--file", src + "/missing"], env: env)
        #expect(r.code == 1)
        #expect(r.stderr == "notify-pane: error: cannot read \(src)/missing: No such file or directory\n")
    }

    @Test("'-' reads stdin with no tmux in the environment (cron): sender is the host alias")
    func stdinFromCron() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let (_, out) = try recorder(mesh, session: "mesh", window: "rec")
        try mesh.register("mesh")
        let r = try mesh.notify([mesh.address("mesh", "rec"), "-"],
                                env: ["TMUX_SOCKET": nil, "AGENT_MESH_ENTER_DELAY": "0", "PATH": "/usr/bin:/bin"],
                                stdin: Array("deploy v1.2 done; -- ok\n".utf8))
        #expect(r.code == 0, "\(r)")
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "[from testhost @ TIME] deploy v1.2 done; -- ok\r")
    }
}

@Suite("notify-pane with a bash-tool registry", .serialized)
struct BashToolRegistryTests {
    @Test("an entry without pane or window ids is reached through =session:index, and the engine re-sanitises")
    func windowTarget() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let out = mesh.file("old.bytes")
        let pane = try mesh.window(session: "old", name: "main", "python3 \(Package.fixture("raw_recorder.py")) \(out)")
        try mesh.waitFor(pane, "rec>")
        let entry = "[agents.testhost-old-main]\nhost = \"testhost\"\ntarget = \"old:0\"\nsession = \"old\"\n"
            + "window = \"main\"\nrole = \"\"\nscope = \"\"\n"
        try entry.write(toFile: mesh.home + "/.agents/registry.toml", atomically: true, encoding: .utf8)
        let r = try mesh.notify(["testhost-old-main", "old; style"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.hasPrefix("→ testhost-old-main (testhost[old:0]) [id:") && r.stdout.hasSuffix("]: old; style\n"))
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "[from tester @ TIME] old; style\r")
        // The engine itself never types a line break or raw control byte, whoever calls it.
        let engine = DeliveryEngine(paths: MeshPaths(home: mesh.home), tmux: Tmux(binary: "tmux", socketPath: mesh.socketPath))
        let outcome = engine.deliver(DeliveryRequest(socket: mesh.socketPath, paneID: pane, windowID: nil, session: "old",
                                                     windowIndex: 0, text: "a\nb\u{1b}",
                                                     options: SendOptions(enterDelayMilliseconds: 0)))
        #expect(outcome.status == .delivered, "\(outcome)")
        MonotonicClock.sleep(milliseconds: 100)
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "[from tester @ TIME] old; style\ra^Jb^[\r")
    }
}
