@testable import AgentMesh
import Glibc
import Testing

/// Registration against a real tmux server on a private socket, with the hooks of
/// tmux/hooks.conf calling the built agent-register-hook.
@Suite("Registration with real tmux and hooks", .serialized)
struct RegistrationTests {
    static func makeServer() throws -> PrivateTmuxServer? {
        guard Package.hasTmux else {
            print("skipping: tmux is not installed")
            return nil
        }
        let home = ScratchHome("reg")
        try FileSystem.makeDirectories(home.paths.agents)
        try FileSystem.writeAtomically(home.paths.selfConf, text: "hub\n")
        return try PrivateTmuxServer(home: home)
    }

    func registered(_ server: PrivateTmuxServer) -> [String] {
        (localEntries(server.home) ?? []).map(\.target).sorted()
    }

    @Test("hooks register created windows, follow renames and drop closed windows and sessions")
    func lifecycle() throws {
        guard let server = try Self.makeServer() else { return }
        try server.loadHooks()
        try server.run(["new-session", "-d", "-s", "dev", "-n", "build"])
        try server.run(["new-window", "-d", "-t", "=dev:", "-n", "tests"])
        #expect(try eventually { registered(server) == (try server.liveWindows()) })
        let entries = localEntries(server.home) ?? []
        #expect(entries.contains { $0.address == "hub-dev-build" && $0.target == "dev:0" && $0.host == "hub" })
        #expect(entries.contains { $0.address == "hub-dev-tests" && $0.target == "dev:1" })

        try server.run(["rename-window", "-t", "=dev:1", "Unit Tests!"])
        #expect(eventually { (localEntries(server.home) ?? []).contains { $0.address == "hub-dev-unit-tests" } })
        #expect(!(localEntries(server.home) ?? []).contains { $0.address == "hub-dev-tests" })

        try server.run(["kill-window", "-t", "=dev:1"])
        #expect(eventually { !(localEntries(server.home) ?? []).contains { $0.session == "dev" && $0.windowIndex == 1 } })

        try server.run(["kill-session", "-t", "=dev"])
        #expect(eventually { !(localEntries(server.home) ?? []).contains { $0.session == "dev" } })
        #expect(try eventually { registered(server) == (try server.liveWindows()) })
        // registry.toml is assembled alongside.
        let registry = try FileSystem.readText(server.home.paths.registryToml) ?? ""
        #expect(registry.contains("[agents.hub-base-"))
    }

    @Test("hostile session and window names run nothing and still register")
    func injectionNames() throws {
        guard let server = try Self.makeServer() else { return }
        try server.loadHooks()
        let pwned = server.home.path + "/pwned"
        let names = ["x; touch \(pwned) #", "$(touch \(pwned))", "`touch \(pwned)`", "a'b\"c", "ü日本 | ]#", "-n"]
        for (i, name) in names.enumerated() {
            try server.run(["new-session", "-d", "-s", name, "-n", name + " w\(i)"])
        }
        #expect(try eventually { registered(server) == (try server.liveWindows()) })
        MonotonicClock.sleep(milliseconds: 300)
        #expect(!FileSystem.exists(pwned))
        let entries = localEntries(server.home) ?? []
        #expect(Set(entries.map(\.address)).count == entries.count)
        #expect(entries.contains { $0.window == "a'b\"c w3" })
        #expect(entries.contains { $0.address == "hub-n-n-w5" })
    }

    @Test("a storm of 30 windows created at once leaves local.toml listing exactly the live windows")
    func hookStorm() throws {
        guard let server = try Self.makeServer() else { return }
        try server.loadHooks()
        try server.run(["new-session", "-d", "-s", "storm"])
        let creates = (1...30).map { ["new-window", "-d", "-t", "=storm:", "-n", "w\($0 % 7)"] }
        try ProcessRunner.run(Command("tmux", ["-L", server.name] + creates.joined(separator: [";"]),
                                      environment: server.environment)).check()
        // Close a few while the hooks are still running.
        try server.run(["kill-window", "-t", "=storm:3", ";", "kill-window", "-t", "=storm:4"])
        #expect(try eventually(15) { registered(server) == (try server.liveWindows()) })
        MonotonicClock.sleep(milliseconds: 500)
        let entries = try #require(localEntries(server.home))
        let live = try server.liveWindows()
        #expect(entries.map(\.target).sorted() == live)
        #expect(Set(entries.map(\.address)).count == entries.count)
    }

    @Test("30 concurrent hook processes racing window changes converge on the live windows")
    func concurrentCalls() throws {
        guard let server = try Self.makeServer() else { return }
        try server.run(["new-session", "-d", "-s", "race"])
        for i in 0..<6 { try server.run(["new-window", "-d", "-t", "=race:", "-n", "r\(i)"]) }
        var env = server.environment
        env["TMUX_SOCKET"] = server.socketPath
        let calls = (0..<30).map { _ in Command(Package.binary("agent-register-hook"), ["on", "race"], environment: env) }
        let killer = Command("tmux", ["-L", server.name, "kill-window", "-t", "=race:2", ";", "new-window", "-d", "-t", "=race:", "-n", "late"],
                             environment: server.environment)
        let results = try ProcessRunner.runAll(calls + [killer])
        #expect(results.allSatisfy { $0.isSuccess })
        // The last writer saw tmux after the kill only if it ran after it; one more call settles it,
        // exactly as the hook of the killed window would.
        _ = try server.tool("agent-register-hook", ["on", "race"])
        let live = try server.liveWindows()
        #expect(registered(server) == live)
    }

    @Test("window-level @agent-role wins over the session's; unset roles are inferred")
    func roleResolution() throws {
        guard let server = try Self.makeServer() else { return }
        try server.run(["new-session", "-d", "-s", "ops", "-n", "a"])
        try server.run(["new-window", "-d", "-t", "=ops:", "-n", "b"])
        try server.run(["set-option", "-t", "=ops:", "@agent-role", "session role"])
        try server.run(["set-option", "-w", "-t", "=ops:1", "@agent-role", "window role"])
        try server.run(["set-option", "-w", "-t", "=ops:1", "@agent-scope", "window scope"])
        #expect(try server.tool("agent-register-hook", ["on", "ops"]).status == .exited(0))
        let entries = localEntries(server.home) ?? []
        let a = try #require(entries.first { $0.address == "hub-ops-a" })
        let b = try #require(entries.first { $0.address == "hub-ops-b" })
        #expect(a.role == "session role")
        #expect(b.role == "window role")
        #expect(b.scope == "window scope")
        #expect(entries.first { $0.session == "base" }?.role == "shell")
    }

    @Test("identify sets the window's options and re-registers it")
    func identify() throws {
        guard let server = try Self.makeServer() else { return }
        let r = try server.tool("agent-register-hook", ["identify", "--role", "reviewer", "--scope", "PR #12; \"quoted\"",
                                                        "--enter-delay", "0.2", "--target", "=base:0"])
        #expect(r.status == .exited(0), "\(r.stderrText)")
        let entry = try #require(localEntries(server.home)?.first { $0.session == "base" })
        #expect(entry.role == "reviewer")
        #expect(entry.scope == "PR #12; \"quoted\"")
        #expect(entry.enterDelayMilliseconds == 200)
        let bad = try server.tool("agent-register-hook", ["identify", "--enter-delay", "soon", "--target", "=base:0"])
        #expect(bad.status == .exited(1))
        #expect(bad.stderrText.hasPrefix("agent-register-hook: error: --enter-delay"))
    }

    @Test("skipped sessions are never registered")
    func skipped() throws {
        guard let server = try Self.makeServer() else { return }
        for s in ["scratch", "test-x", "_private"] { try server.run(["new-session", "-d", "-s", s]) }
        #expect(try server.tool("agent-discover", ["-q"]).status == .exited(0))
        let sessions = Set((localEntries(server.home) ?? []).map(\.session))
        #expect(sessions == ["base"])
    }

    @Test("a corrupt local.toml is reported with file:line:col and replaced, the old copy kept")
    func corruptSlice() throws {
        guard let server = try Self.makeServer() else { return }
        let garbage = "[agents.x]\nhost = \"unterminated\n"
        try FileSystem.writeAtomically(server.home.paths.localToml, text: garbage)
        let r = try server.tool("agent-discover", [])
        #expect(r.status == .exited(0))
        #expect(r.stderrText.contains("\(server.home.paths.localToml):2:"))
        #expect(r.stderrText.contains("replaced"))
        #expect(r.stdoutText.hasPrefix("agent-discover: hub: 1 window registered"))
        #expect(localEntries(server.home)?.count == 1)
        #expect(try FileSystem.readText(server.home.paths.localToml + ".corrupt") == garbage)
    }

    @Test("agent-discover removes windows whose close hook was missed")
    func discoverIsAuthoritative() throws {
        guard let server = try Self.makeServer() else { return }
        try server.run(["new-window", "-d", "-t", "=base:", "-n", "gone"])
        _ = try server.tool("agent-discover", ["-q"])
        #expect(localEntries(server.home)?.count == 2)
        try server.run(["kill-window", "-t", "=base:1"])   // no hooks loaded: nobody told us
        _ = try server.tool("agent-discover", ["-q"])
        #expect(localEntries(server.home)?.map(\.target) == ["base:0"])
    }

    @Test("hook calls with bad arguments are silent and exit 0; the problem is logged")
    func badHookArguments() throws {
        guard let server = try Self.makeServer() else { return }
        for args in [[], ["on"], ["sideways", "x"], ["on", "a", "b"]] {
            let r = try server.tool("agent-register-hook", args)
            #expect(r.status == .exited(0))
            #expect(r.stdout.isEmpty && r.stderr.isEmpty)
        }
        let log = try FileSystem.readText(server.home.paths.log + "/hook.log") ?? ""
        #expect(log.split(separator: "\n").count == 4)
    }

    @Test("a hook whose home folder no longer exists exits 0 and does not recreate it")
    func missingHome() throws {
        guard let server = try Self.makeServer() else { return }
        let gone = server.home.path + "/removed-home"
        for verb in ["on", "off"] {
            let r = try ProcessRunner.run(Command(Package.binary("agent-register-hook"), [verb, "base"],
                                                  environment: ["HOME": gone, "TMUX_SOCKET": server.socketPath]))
            #expect(r.status == .exited(0))
        }
        let d = try ProcessRunner.run(Command(Package.binary("agent-discover"), ["-q"],
                                              environment: ["HOME": gone, "TMUX_SOCKET": server.socketPath]))
        #expect(d.status == .exited(4))
        #expect(d.stderrText.contains("removed-home/.agents"))
        #expect(!FileSystem.exists(gone))
    }

    @Test("loading hooks.conf twice keeps one copy of ours and the user's own hooks")
    func hooksIdempotent() throws {
        guard let server = try Self.makeServer() else { return }
        try server.run(["set-hook", "-g", "session-created", "run-shell -b 'true user-hook'"])
        try server.loadHooks()
        try server.loadHooks()
        let hooks = try server.run(["show-hooks", "-g", "session-created"]).check().stdoutText
        #expect(hooks.contains("true user-hook"))
        #expect(hooks.split(separator: "\n").filter { $0.contains("agent-register-hook") }.count == 1)
    }
}

@Suite("Built executables")
struct ExecutableTests {
    @Test("every executable answers --help on stdout with exit 0 and --version", arguments: ["notify-pane", "agent-register-hook", "agent-discover"])
    func help(tool: String) throws {
        let r = try ProcessRunner.run(Command(Package.binary(tool), ["--help"]))
        #expect(r.status == .exited(0))
        #expect(r.stdoutText.contains("USAGE"))
        let v = try ProcessRunner.run(Command(Package.binary(tool), ["--version"]))
        #expect(v.stdoutText == "\(tool) \(AgentMeshVersion.string)\n")
    }

    @Test("no executable links full Foundation or ICU", arguments: ["notify-pane", "agent-register-hook", "agent-discover"])
    func noFoundation(tool: String) throws {
        let r = try ProcessRunner.run(Command("ldd", [Package.binary(tool)]))
        try #require(r.isSuccess, "ldd failed: \(r.stderrText)")
        for library in ["libFoundation.so", "libFoundationInternationalization", "_FoundationICU", "libicu"] {
            #expect(!r.stdoutText.contains(library), "\(tool) links \(library)")
        }
    }
}

@Suite("Registration without a UTF-8 locale", .serialized)
struct LocaleTests {
    @Test("cron-like environment (no LANG/LC_*): non-ASCII names register intact, nothing is wiped")
    func noLocale() throws {
        guard let server = try RegistrationTests.makeServer() else { return }
        try server.run(["new-session", "-d", "-s", "dév", "-n", "wïn"])
        let r = try server.tool("agent-discover", ["-q"], extraEnvironment: ["LANG": nil, "LC_ALL": nil, "LC_CTYPE": nil])
        #expect(r.status == .exited(0), "\(r.stderrText)")
        let entries = localEntries(server.home) ?? []
        #expect(entries.contains { $0.session == "dév" && $0.window == "wïn" })
        #expect(entries.count == 2)
    }
}
