@testable import AgentMesh
import Glibc
import Testing

@Suite("Sanitising and composing the typed line")
struct CompositionTests {
    @Test("control bytes become caret notation, tabs spaces, C1 and bidi controls <U+XXXX>")
    func sanitiser() {
        #expect(TextSanitizer.oneLine("a\u{1b}[31mb\u{07}c\u{00}d\u{7f}") == "a^[[31mb^Gc^@d^?")
        #expect(TextSanitizer.oneLine("tab\there") == "tab here")
        #expect(TextSanitizer.oneLine("x\u{85}y\u{202e}z") == "x<U+0085>y<U+202E>z")
        #expect(TextSanitizer.oneLine("👨‍💻 naïve ;") == "👨‍💻 naïve ;")
        #expect(TextSanitizer.oneLine([0x61, 0xff, 0x62]) == "a\u{fffd}b")
    }

    @Test("the tag is the bash tool's: [from <sender> @ <UTC ISO time>] ")
    func tag() {
        #expect(MessageComposer.tag(sender: "hub-dev-build", time: 0) == "[from hub-dev-build @ 1970-01-01T00:00:00Z] ")
        #expect(MessageComposer.line(sender: "a\u{1b}", body: "hi\t;", time: 86_400) == "[from a^[ @ 1970-01-02T00:00:00Z] hi ;")
    }

    @Test("line breaks and bodies over 500 characters go to the inbox; 500 are typed")
    func longRule() {
        #expect(MessagePlan.plan(Array("one line".utf8)) == .typed("one line"))
        #expect(MessagePlan.plan(Array("a\nb".utf8)) == .inboxed(Array("a\nb".utf8)))
        #expect(MessagePlan.plan(Array("a\rb".utf8)) == .inboxed(Array("a\rb".utf8)))
        let five = String(repeating: "é", count: 500)
        #expect(MessagePlan.plan(Array(five.utf8)) == .typed(five))
        #expect(MessagePlan.plan(Array((five + "x").utf8)) == .inboxed(Array((five + "x").utf8)))
        #expect(MessagePlan.pointer(displayPath: "~/.agent-inbox/s/m.txt", bytes: Array("a\nb\n".utf8))
                == "long message saved at ~/.agent-inbox/s/m.txt (4 bytes, 2 lines)")
        #expect(MessagePlan.fileNote(displayPath: "~/x", size: 3, message: "hi") == "file dropped at ~/x (3 bytes): hi")
        #expect(MessagePlan.fileNote(displayPath: "~/x", size: 3, message: nil) == "file dropped at ~/x (3 bytes)")
    }

    @Test("one notice for every route: typed, pointer, file note with a typed or saved message, a file alone")
    func notice() {
        let file = Notice.SavedFile(displayPath: "~/.agent-inbox/s/r.md", size: 7)
        #expect(Notice(body: Array("hi".utf8), hasFile: false).text(messageSavedAt: nil, file: nil) == "hi")
        #expect(Notice(body: [], hasFile: false).message == .typed(""))
        let long = Notice(body: Array("a\nb".utf8), hasFile: true)
        #expect(long.bodyToSave == Array("a\nb".utf8))
        #expect(long.text(messageSavedAt: "~/.agent-inbox/s/m.txt", file: file)
                == "file dropped at ~/.agent-inbox/s/r.md (7 bytes): long message saved at ~/.agent-inbox/s/m.txt (3 bytes, 2 lines)")
        #expect(Notice(body: Array("see".utf8), hasFile: true).text(messageSavedAt: nil, file: file)
                == "file dropped at ~/.agent-inbox/s/r.md (7 bytes): see")
        let alone = Notice(body: [], hasFile: true)
        #expect(alone.message == nil && alone.bodyToSave == nil)
        #expect(alone.text(messageSavedAt: nil, file: file) == "file dropped at ~/.agent-inbox/s/r.md (7 bytes)")
    }

    @Test("the route is chosen once from the entry: this host, an agent-mesh host, a bash-tool host")
    func route() {
        var e = AgentEntry(address: "h2-a-b", host: "h2", target: "a:0", session: "a", window: "b")
        e.protocolVersion = 1
        #expect(SendRoute(entry: e, selfAlias: "h2") == .localPane)
        #expect(SendRoute(entry: e, selfAlias: "h1") == .agentMeshHost("h2"))
        e.protocolVersion = 0
        #expect(SendRoute(entry: e, selfAlias: "h1") == .bashToolHost("h2"))
    }
}

@Suite("Inbox names and drops")
struct InboxTests {
    @Test("names cannot escape the inbox", arguments: [
        ("../../etc/passwd", "passwd"), ("..", "file"), (".hidden", "hidden"), ("-rf", "rf"), ("--x.txt", "x.txt"),
        ("a b;c$(d).md", "a_b_c__d_.md"), ("résumé.pdf", "résumé.pdf"), ("evil\u{202e}fdp.exe", "evil_fdp.exe"),
        ("x\u{1b}y", "x_y"), ("", "file"), ("dir/", "dir"),
    ])
    func sanitize(raw: String, expected: String) {
        #expect(InboxName.sanitize(raw, fallback: "file") == expected)
    }

    @Test("suffixes go before the extension; names are capped at 200 bytes keeping it")
    func suffixesAndLength() {
        #expect(InboxName.withSuffix("report.md", 1) == "report.1.md")
        #expect(InboxName.withSuffix("Makefile", 2) == "Makefile.2")
        #expect(InboxName.withSuffix("a.tar.gz", 1) == "a.tar.1.gz")
        let long = InboxName.sanitize(String(repeating: "x", count: 300) + ".txt", fallback: "f")
        #expect(long.utf8.count == 200 && long.hasSuffix(".txt"))
    }

    @Test("drops never overwrite different bytes, reuse identical ones, and are private")
    func drops() throws {
        let home = "/tmp/am-inbox-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? ProcessRunner.run(Command("rm", ["-rf", home])) }
        try FileSystem.makeDirectories(home, mode: 0o700)   // the tools never create a home themselves
        let inbox = Inbox(paths: MeshPaths(home: home))
        let a = try inbox.drop(sender: "peer", name: "n.txt", bytes: [1, 2, 3])
        let b = try inbox.drop(sender: "peer", name: "n.txt", bytes: [1, 2, 3])
        let c = try inbox.drop(sender: "peer", name: "n.txt", bytes: [9])
        #expect(a.displayPath == "~/.agent-inbox/peer/n.txt" && !a.reused)
        #expect(b.path == a.path && b.reused)
        #expect(c.displayPath == "~/.agent-inbox/peer/n.1.txt" && c.size == 1)
        #expect(try FileSystem.read(a.path) == [1, 2, 3])
        var st = stat()
        stat(a.path, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        stat(home + "/.agent-inbox/peer", &st)
        #expect(st.st_mode & 0o777 == 0o700)
        #expect(FileSystem.list(home + "/.agent-inbox/peer") == ["n.1.txt", "n.txt"])   // no temp files left
        let m1 = try inbox.saveMessage(sender: "peer", bytes: [65], time: 0)
        let m2 = try inbox.saveMessage(sender: "peer", bytes: [66], time: 0)
        #expect(m1.displayPath == "~/.agent-inbox/peer/msg-19700101T000000Z-1.txt")
        #expect(m2.displayPath == "~/.agent-inbox/peer/msg-19700101T000000Z-2.txt")
    }
}

@Suite("Reading the recipient's screen")
struct ScreenTests {
    func line(_ s: String) -> ScreenLine { ScreenLine(parsing: Substring(s)) }

    @Test("empty prompts are not drafts", arguments: [
        ("bash$ ", 6), ("user@host:~/src$ ", 17), ("root@x:/# ", 10), (">>> ", 4), ("... ", 4), ("In [12]: ", 9),
        ("   ...: ", 8), ("ptk> ", 5), ("host% ", 6), ("❯ ", 2), ("› ", 2), ("│ > ", 4), ("", 0), ("▎ ", 2),
    ])
    func emptyPrompts(text: String, cursor: Int) {
        #expect(InputLineAnalysis.draft(line: line(text), cursorX: cursor) == nil)
    }

    @Test("drafts are found before and at the cursor")
    func drafts() {
        #expect(InputLineAnalysis.draft(line: line("bash$ echo hi"), cursorX: 13) == "echo hi")
        #expect(InputLineAnalysis.draft(line: line(">>> x = 1"), cursorX: 9) == "x = 1")
        #expect(InputLineAnalysis.draft(line: line("bash$ echo hi"), cursorX: 6) == "echo")   // cursor moved home
        #expect(InputLineAnalysis.draft(line: line("typed into cat"), cursorX: 14) == "typed into cat")
    }

    @Test("ghost text (faint or grey) and right-hand decorations are ignored")
    func ghost() {
        #expect(InputLineAnalysis.draft(line: line("bash$ \u{1b}[2mgit status\u{1b}[0m"), cursorX: 6) == nil)
        #expect(InputLineAnalysis.draft(line: line("> \u{1b}[90mTry \"fix lint\"\u{1b}[39m"), cursorX: 2) == nil)
        #expect(InputLineAnalysis.draft(line: line("ptk> \u{1b}[38;5;242msuggest\u{1b}[0m"), cursorX: 5) == nil)
        #expect(InputLineAnalysis.draft(line: line("ptk> \u{1b}[38;2;102;102;102msuggest\u{1b}[0m"), cursorX: 5) == nil)
        #expect(InputLineAnalysis.draft(line: line("│ >                     │"), cursorX: 4) == nil)
        #expect(InputLineAnalysis.draft(line: line("bash$ \u{1b}[31mred is typed\u{1b}[0m"), cursorX: 18) == "red is typed")
    }

    @Test("wide characters take two columns, joiners none")
    func widths() {
        let l = line("日本 👨‍💻x")
        #expect(l.cells.last?.column == 7)
        #expect(l.width == 8)
    }

    @Test("a probe's output parses; identity, cursor and rows")
    func probeParse() throws {
        let text = "bash$ hi\n\u{1b}[2mghost\u{1b}[0m\n" + "AMPROBE\t%3\t@2\t1\t0\t6\t1\t0\t80\t2\t17\t3.4\t4242\thub-*\t\t3\tba\\\\sh\n"
        let s = try #require(PaneSnapshot(probeOutput: text))
        #expect(s.paneID == "%3" && s.windowID == "@2" && s.windowIndex == 1 && !s.isInMode)
        #expect(s.cursorX == 6 && s.cursorY == 1 && s.width == 80 && s.historySize == 17)
        #expect(s.currentCommand == "ba\\sh" && s.serverVersion == "3.4" && s.panePID == 4242 && s.allow == "hub-*" && s.deny == "")
        #expect(s.maxRate == "3")
        #expect(s.rows.count == 2 && s.rows[1].cells.allSatisfy(\.isGhost))
        #expect(PaneSnapshot(probeOutput: "no identity\n") == nil)
    }

    @Test("verification finds the tail on the input line, across a wrap, spaces ignored")
    func stillInInput() {
        let tail = InputLineAnalysis.tail(of: "[from a @ t] the quick brown fox jumps")
        #expect(tail == "equickbrownfoxjumps" || tail.count == 20)
        let wrapped = PaneSnapshot(paneID: "%1", cursorX: 5, cursorY: 1, width: 20,
                                   rows: [line("> [from a @ t] the q"), line("uick brown fox jumps")])
        #expect(InputLineAnalysis.isStillInInput(wrapped, tail: tail))
        let submitted = PaneSnapshot(paneID: "%1", cursorX: 2, cursorY: 1, width: 80,
                                     rows: [line("> [from a @ t] the quick brown fox jumps"), line("> ")])
        #expect(!InputLineAnalysis.isStillInInput(submitted, tail: tail))
        let folded = PaneSnapshot(paneID: "%1", cursorX: 20, cursorY: 0, rows: [line("> [Pasted text #1]")])
        #expect(InputLineAnalysis.isStillInInput(folded, tail: tail))
    }

    @Test("Claude Code dialogs are recognised by the bash tool's markers")
    func dialogs() {
        func snap(_ rows: [String]) -> PaneSnapshot {
            PaneSnapshot(paneID: "%1", cursorX: 0, cursorY: 0, rows: rows.map(line))
        }
        #expect(InputLineAnalysis.dialog(in: snap(["│  Status   Config   Usage   Stats  │"])) == "/config")
        #expect(InputLineAnalysis.dialog(in: snap(["  Help", "  /clear  reset the conversation"])) == "/help")
        #expect(InputLineAnalysis.dialog(in: snap(["Permissions", "  Allow  Deny  Ask"])) == "/permissions")
        #expect(InputLineAnalysis.dialog(in: snap(["> Help me with Stats", "bash$ "])) == nil)
    }
}

@Suite("Commands, exit codes, options")
struct EngineDataTests {
    @Test("the send chain: leave mode, load from stdin, bracketed paste, delay, Enter")
    func sendChain() {
        let chain = DeliveryCommands.send(buffer: "b1", pane: "%4", enterDelayMilliseconds: 150, leavingMode: true)
        #expect(chain == [
            ["copy-mode", "-q", "-t", "%4"], ["load-buffer", "-b", "b1", "-"],
            ["paste-buffer", "-p", "-d", "-b", "b1", "-t", "%4"], ["run-shell", "-d", "0.150"],
            ["send-keys", "-t", "%4", "Enter"],
        ])
        #expect(DeliveryCommands.probe("%4") == [["capture-pane", "-p", "-e", "-t", "%4"],
                                                 ["display-message", "-p", "-t", "%4", PaneSnapshot.format]])
        let plain = DeliveryCommands.send(buffer: "b", pane: "%1", enterDelayMilliseconds: 0, leavingMode: false)
        #expect(plain.count == 3 && !plain.contains { $0.first == "run-shell" })
        let cmd = Tmux(binary: "tmux", socketPath: "/s").chained([["a"], ["b", "c"]], input: [1])
        #expect(cmd.argv == ["tmux", "-u", "-S", "/s", "a", ";", "b", "c"] && cmd.input == [1])
        let split = TmuxClient.splitGlobalOptions(cmd.arguments)
        #expect(split.socket == "/s" && Array(split.rest) == ["a", ";", "b", "c"])
        #expect(TmuxClient.splitGlobalOptions(["-u", "-L", "x", "ls"]).socket == nil)
        #expect(DeliveryCommands.wait(milliseconds: 1_234) == ["run-shell", "-d", "1.234"])
        #expect(DeliveryCommands.uniqueBufferName() != DeliveryCommands.uniqueBufferName())
    }

    @Test("every status maps to the issue's exit codes")
    func exitCodes() {
        let expected: [(DeliveryOutcome.Status, Int32)] = [
            (.delivered, 0), (.queued, 0), (.refusedDraft, 3), (.notSubmitted, 5), (.targetGone, 2),
            (.tmuxFailure, 4), (.remoteUnavailable, 4), (.notReady, 6), (.unconfirmed, 5),
        ]
        for (status, code) in expected { #expect(NotifyExitCode.for(status).rawValue == code, "\(status)") }
        #expect(NotifyExitCode.usage.rawValue == 1 && NotifyExitCode.unknownAddress.rawValue == 2)
        // The receive side's refusals, before anything is typed.
        #expect(NotifyExitCode.for(RemoteRefusal.malformedRequest) == .usage)
        #expect(NotifyExitCode.for(RemoteRefusal.unknownAddress) == .unknownAddress)
        #expect(NotifyExitCode.for(RemoteRefusal.inboxFailure) == .transport)
    }

    @Test("enter delay: environment, then registry, then 0 for shells and 150 ms otherwise")
    func enterDelay() {
        #expect(EnterDelayPolicy.override(environment: "0.3", entry: 50) == 300)
        #expect(EnterDelayPolicy.override(environment: "20ms", entry: nil) == 20)
        #expect(EnterDelayPolicy.override(environment: nil, entry: 50) == 50)
        #expect(EnterDelayPolicy.override(environment: nil, entry: nil) == nil)
        #expect(EnterDelayPolicy.defaultMilliseconds(command: "bash") == 0)
        #expect(EnterDelayPolicy.defaultMilliseconds(command: "-zsh") == 0)
        #expect(EnterDelayPolicy.defaultMilliseconds(command: "claude") == 150)
        #expect(EnterDelayPolicy.defaultMilliseconds(command: "python3") == 150)
    }

    @Test("suggestions: closest by edit distance or shared prefix")
    func suggestions() {
        let all = ["hub-dev-build", "hub-dev-test", "worker-1-claude", "worker-1-claude-2"]
        #expect(AddressSuggester.suggest("hub-dev-buld", among: all) == ["hub-dev-build", "hub-dev-test"])
        #expect(AddressSuggester.suggest("worker-1-claude-3", among: all).first == "worker-1-claude-2")
        #expect(AddressSuggester.suggest("xyz", among: all) == [])
        #expect(AddressSuggester.distance("kitten", "sitting") == 3)
    }

    @Test("lock paths are per socket and pane; audit fields stay one token")
    func lockAndAudit() {
        let paths = MeshPaths(home: "/h")
        let a = PaneLock.path(paths: paths, socket: "/tmp/tmux-0/default", paneID: "%3")
        let b = PaneLock.path(paths: paths, socket: "/tmp/tmux-0/other", paneID: "%3")
        #expect(a.hasPrefix("/h/.agents/locks/pane-") && a.hasSuffix("-3.lock") && a != b)
        #expect(PaneLock.hash("").count == 16)
        #expect(AuditLog.field("a b\u{1b}c") == "a_b_c" && AuditLog.field("") == "-")
    }
}
