@testable import AgentMesh
import Testing

/// Every flag of the three parsers, and the grammar around them (what a message may start
/// with, which option wins, what is refused and with which message).
@Suite("option parsing")
struct OptionParsingTests {
    typealias NP = NotifyPaneOptions

    /// The usage message `body` throws, or nil.
    func usage(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as UsageError { return error.message } catch { return "\(error)" }
    }

    @Test("notify-pane: messages may start with '-', '--' ends options, '-' is stdin")
    func messages() throws {
        var o = try NP.parse(["peer", "-5", "degrees"])
        #expect(o.address == "peer" && o.messageWords == ["-5", "degrees"] && o.mode == .send)
        o = try NP.parse(["-q", "peer", "--", "-q", "x"])
        #expect(o.isQuiet && o.messageWords == ["-q", "x"])
        o = try NP.parse(["peer", "-"])
        #expect(o.readsStdin && o.messageWords.isEmpty)
        o = try NP.parse(["peer", "--", "-"])
        #expect(!o.readsStdin && o.messageWords == ["-"])
        o = try NP.parse(["peer", "-", "x"])
        #expect(!o.readsStdin && o.messageWords == ["-", "x"])
        o = try NP.parse(["--", "-peer", "hi"])
        #expect(o.address == "-peer" && o.messageWords == ["hi"])
        o = try NP.parse(["peer", "--list", "x"])
        #expect(o.mode == .send && o.messageWords == ["--list", "x"])
    }

    @Test("notify-pane: -q/--quiet before or after the address")
    func quiet() throws {
        for args in [["-q", "p", "m"], ["--quiet", "p", "m"], ["p", "-q", "m"], ["p", "--quiet", "m"]] {
            let o = try NP.parse(args)
            #expect(o.isQuiet && o.address == "p" && o.messageWords == ["m"])
        }
    }

    @Test("notify-pane: -f/--file/--file= before or after the address; twice after it is refused")
    func file() throws {
        for args in [["p", "--file", "/x", "note"], ["p", "-f", "/x", "note"], ["p", "--file=/x", "note"],
                     ["-f", "/x", "p", "note"], ["--file=/x", "p", "note"]] {
            let o = try NP.parse(args)
            #expect(o.filePath == "/x" && o.messageWords == ["note"] && o.address == "p")
        }
        #expect(try NP.parse(["p", "-f", "/x"]).messageWords.isEmpty)
        #expect(usage { _ = try NP.parse(["p", "-f", "/x", "-f", "/y"]) } == "--file given twice")
        #expect(usage { _ = try NP.parse(["p", "--file"]) } == "option --file needs a value")
        #expect(usage { _ = try NP.parse(["p", "--file="]) } == "--file needs a path")
        #expect(usage { _ = try NP.parse(["-f"]) } == "option -f needs a value")
    }

    @Test("notify-pane: -l/--list, --long, --json; a listing takes no address")
    func listing() throws {
        #expect(try NP.parse(["--list"]).mode == .list(long: false, json: false))
        #expect(try NP.parse(["-l"]).mode == .list(long: false, json: false))
        #expect(try NP.parse(["--list", "--long"]).mode == .list(long: true, json: false))
        #expect(try NP.parse(["--long"]).mode == .list(long: true, json: false))
        #expect(try NP.parse(["--json"]).mode == .list(long: false, json: true))
        #expect(try NP.parse(["--list", "--long", "--json"]).mode == .list(long: true, json: true))
        #expect(usage { _ = try NP.parse(["--list", "peer"]) } == "--list takes no address")
        #expect(usage { _ = try NP.parse(["--list=x"]) } == "unknown option '--list=x' (see --help)")
    }

    @Test("notify-pane: terminal options win in order help, version, completion, listing, whoami")
    func terminals() throws {
        #expect(try NP.parse(["--whoami"]).mode == .whoami)
        #expect(try NP.parse(["--whoami", "--list"]).mode == .list(long: false, json: false))
        #expect(try NP.parse(["--help"]).mode == .help && NP.parse(["-h"]).mode == .help)
        #expect(try NP.parse(["--version", "--help"]).mode == .help)
        #expect(try NP.parse(["--version", "peer", "words"]).mode == .version)
        #expect(try NP.parse(["--completion", "bash"]).mode == .completion(shell: "bash"))
        #expect(try NP.parse(["--completion=zsh", "--list"]).mode == .completion(shell: "zsh"))
        #expect(try NP.parse(["--version", "--completion", "zsh"]).mode == .version)
        #expect(usage { _ = try NP.parse(["--completion", "fish"]) } == "--completion takes bash or zsh, not 'fish'")
        #expect(usage { _ = try NP.parse(["--completion"]) } == "option --completion needs a value")
        // An unknown option is refused even next to --help.
        #expect(usage { _ = try NP.parse(["--help", "--bogus"]) } == "unknown option '--bogus' (see --help)")
    }

    @Test("notify-pane: --deliver-stdin only alone; missing address or message")
    func hiddenAndMissing() throws {
        #expect(try NP.parse(["--deliver-stdin"]).mode == .deliverStdin)
        #expect(usage { _ = try NP.parse(["-q", "--deliver-stdin"]) } == "unknown option '--deliver-stdin' (see --help)")
        #expect(usage { _ = try NP.parse([]) } == "missing address (see --help)")
        #expect(usage { _ = try NP.parse([""]) } == "missing address (see --help)")
        #expect(usage { _ = try NP.parse(["peer"]) }
                == "missing message for peer (give words, '-' for stdin, or --file <path>)")
        #expect(usage { _ = try NP.parse(["--nope"]) } == "unknown option '--nope' (see --help)")
    }

    @Test("agent-discover: each flag; --help stops reading; exclusions and strays refused")
    func discover() throws {
        typealias D = DiscoverTool
        #expect(try D.parse([]) == D.Options())
        #expect(try D.parse(["--local"]).localOnly && D.parse(["--sync"]).syncOnly)
        #expect(try D.parse(["-q"]).quiet && D.parse(["--quiet"]).quiet)
        #expect(try D.parse(["--sync", "--coalesce"]).coalesce)
        #expect(try D.parse(["--exchange", "h1"]).exchangeSender == "h1")
        #expect(try D.parse(["--exchange=h2"]).exchangeSender == "h2")
        #expect(try D.parse(["--help", "--bogus"]).help && D.parse(["-h"]).help)
        #expect(try D.parse(["--version"]).version)
        #expect(usage { _ = try D.parse(["--bogus", "--help"]) } == "unknown option --bogus (see --help)")
        #expect(usage { _ = try D.parse(["--local", "--sync"]) } == "--local and --sync exclude each other")
        #expect(usage { _ = try D.parse(["--coalesce"]) } == "--coalesce goes with --sync")
        #expect(usage { _ = try D.parse(["extra"]) } == "unexpected argument 'extra' (see --help)")
        #expect(usage { _ = try D.parse(["--local=1"]) } == "option --local takes no value")
        #expect(usage { _ = try D.parse(["--exchange"]) } == "option --exchange needs a value")
    }

    @Test("agent-register-hook identify: each option, its value forms, and the refusals")
    func identify() throws {
        typealias R = RegisterHookTool
        let r = try R.parseIdentify(["--role", "claude", "--scope=~/src", "--enter-delay", "150ms"], pane: "%3")
        #expect(r.target == "%3")
        #expect(r.settings == [.init(name: "@agent-role", value: "claude"), .init(name: "@agent-scope", value: "~/src"),
                               .init(name: "@agent-enter-delay", value: "150ms")])
        #expect(try R.parseIdentify(["--role", "x", "--target", "dev:1"], pane: "%3").target == "dev:1")
        #expect(usage { _ = try R.parseIdentify(["--role", "x"], pane: nil) }
                == "not inside tmux ($TMUX_PANE unset): give --target <pane or session:window>")
        #expect(usage { _ = try R.parseIdentify(["--target", "x"], pane: nil) }
                == "nothing to set: give --role, --scope, --enter-delay, --allow or --deny")
        #expect(usage { _ = try R.parseIdentify(["--enter-delay", "soon"], pane: "%1") }
                == "--enter-delay takes seconds (0.15) or milliseconds (150ms), got 'soon'")
        #expect(usage { _ = try R.parseIdentify(["--bogus"], pane: "%1") } == "unknown option --bogus (see --help)")
        #expect(usage { _ = try R.parseIdentify(["--role", "x", "more"], pane: "%1") } == "unexpected argument 'more'")
        #expect(usage { _ = try R.parseIdentify(["--role"], pane: "%1") } == "option --role needs a value")
    }

    @Test("notify-pane's table-free common send gives what the full parse gives, and declines the rest")
    func commonSendAgrees() throws {
        let accepted: [[String]] = [
            ["peer", "msg"], ["-q", "peer", "a", "b"], ["--quiet", "hub-dev-build", "schema changed, re-run"],
            ["peer", "x", "--file", "y"], ["peer", "x", "-"], ["a*", "to all"], ["peer", "ü日本", "$(rm -rf ~);"],
            ["peer", "", "x"], ["peer", "x", "-q"],
        ]
        for argv in accepted {
            let fast = try #require(NP.commonSend(argv), "\(argv)")
            #expect(fast == (try NP.parseWithTable(argv)), "\(argv)")
        }
        let declined: [[String]] = [
            ["peer"], ["-q", "peer"], ["peer", "-5"], ["peer", "-"], ["peer", "--", "x"], ["peer", "--file", "f"],
            ["--list"], ["--all", "x"], ["--reply", "id", "x"], ["", "x"], ["-", "x"], ["-q", "-q", "a", "b"],
            ["peer", "-q", "x"], ["--", "peer", "x"],
        ]
        for argv in declined { #expect(NP.commonSend(argv) == nil, "\(argv)") }
    }
}
