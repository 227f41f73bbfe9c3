@testable import AgentMesh
import Foundation
import Testing

/// Split panes are addressable: `<window address>-p<pane index>` reaches exactly that pane,
/// the window's own address keeps meaning its active pane, and a closed pane's address goes.
@Suite("Pane addresses of split windows", .serialized)
struct PaneAddressTests {
    @Test("a window split in 3: each pane addressed exactly; a closed pane's address is gone after the hook")
    func splitWindow() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let outs = (0..<3).map { mesh.file("pane\($0).bytes") }
        let recorder = { (i: Int) in "python3 \(Package.fixture("raw_recorder.py")) \(outs[i])" }
        let first = try mesh.window(session: "team", name: "crew", recorder(0))
        var panes = [first]
        for i in 1...2 {
            let p = try mesh.tmux(["split-window", "-d", "-P", "-F", "#{pane_id}", "-t", first, recorder(i)])
                .stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            panes.append(p)
        }
        for p in panes { try mesh.waitFor(p, "rec>") }
        // Pane index → that pane's record file (tmux numbers panes by position, not creation).
        var outOfIndex: [Int: String] = [:]
        var paneOfIndex: [Int: String] = [:]
        for (k, p) in panes.enumerated() {
            let index = Int(try mesh.tmux(["display-message", "-p", "-t", p, "#{pane_index}"]).stdoutText
                .trimmingCharacters(in: .whitespacesAndNewlines))!
            outOfIndex[index] = outs[k]
            paneOfIndex[index] = p
        }
        try mesh.register("team")
        let window = mesh.address("team", "crew")
        let list = try mesh.notify(["--list"])
        #expect(list.stdout.split(separator: "\n").map(String.init).sorted()
                == [window, window + "-p0", window + "-p1", window + "-p2"], "\(list)")
        let long = try mesh.notify(["--list", "--long"])
        #expect(long.stdout.contains(window + "-p2") && long.stdout.contains("team:0.2"), "\(long.stdout)")
        for i in 0..<3 {
            let r = try mesh.notify([window + "-p\(i)", "to pane \(i)"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
            #expect(r.code == 0, "\(r)")
        }
        for i in 0..<3 {
            #expect(maskTime(String(decoding: mesh.waitForFile(outOfIndex[i]!), as: UTF8.self)) == "[from tester @ TIME] to pane \(i)\r")
        }
        // The window address is its active pane (the first one: the splits were made with -d).
        let w = try mesh.notify([window, "to the window"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(w.code == 0, "\(w)")
        #expect(maskTime(String(decoding: mesh.waitForFile(outs[0], atLeast: 60), as: UTF8.self)).hasSuffix("to the window\r"))
        // A sender in pane 2 answers to that pane's address.
        let who = try mesh.notify(["--whoami"], env: ["AGENT_NAME": nil, "TMUX_PANE": paneOfIndex[2]!,
                                                     "TMUX": mesh.socketPath + ",1,0"])
        #expect(who.stdout == window + "-p2\n", "\(who)")
        // Pane 1 closes: its address is gone; the remaining panes are renumbered by tmux.
        try mesh.tmux(["kill-pane", "-t", paneOfIndex[1]!])
        try mesh.register("team")
        let after = try mesh.notify(["--list"]).stdout.split(separator: "\n").map(String.init).sorted()
        #expect(after == [window, window + "-p0", window + "-p1"], "\(after)")
        let gone = try mesh.notify([window + "-p2", "nobody"], env: ["AGENT_NAME": "tester"])
        #expect(gone.code == 2, "\(gone)")
    }

    @Test("a single-pane window has no pane addresses; a window named like a pane address keeps its own")
    func noCollision() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let a = try mesh.window(session: "s", name: "w", "cat")
        _ = try mesh.window(session: "s", name: "w-p1", "cat")
        _ = try mesh.tmux(["split-window", "-d", "-t", a, "cat"])
        try mesh.register("s")
        let list = try mesh.notify(["--list"]).stdout.split(separator: "\n").map(String.init).sorted()
        let w = mesh.address("s", "w")
        // w-p1 is the window named "w-p1"; pane 1 of window w gets no address of its own.
        #expect(list == [w, w + "-p0", w + "-p1"], "\(list)")
        let entries = try RegistryDocument.parse(String(contentsOfFile: mesh.home + "/.agents/local.toml", encoding: .utf8))
        #expect(entries.first { $0.address == w + "-p1" }?.paneIndex == nil)
    }
}
