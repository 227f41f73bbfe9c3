@testable import AgentMesh
import Testing

/// The option tables and what is generated from them: `--help`, the bash and zsh completion
/// scripts, and the three parsers. Each flag of each tool is parsed here at least once.
@Suite("option tables")
struct OptionTableTests {
    static let tables: [String: OptionTable] = [
        "notify-pane": .notifyPane, "agent-register-hook": .registerHook, "agent-discover": .discover,
    ]
    static let tools = ["notify-pane", "agent-register-hook", "agent-discover"]

    @Test("a table spells each name once and refers only to its own rows", arguments: tools)
    func integrity(tool: String) throws {
        let table = try #require(Self.tables[tool])
        let names = table.options.flatMap(\.names)
        #expect(Set(names).count == names.count)
        #expect(Set(table.options.map(\.id)).count == table.options.count)
        for option in table.options {
            #expect(option.names.allSatisfy { $0.hasPrefix("-") })
            for id in option.excludes + [option.requires].compactMap({ $0 }) where id != "positionals" {
                #expect(table.option(id: id) != nil, "\(option.id) refers to \(id)")
            }
        }
    }

    @Test("--help lists every visible option with each spelling, and no hidden one", arguments: tools)
    func helpListsEveryOption(tool: String) throws {
        let table = try #require(Self.tables[tool])
        let help = HelpText.render(table)
        #expect(help.hasPrefix("USAGE: \(tool)") || help.hasPrefix("USAGE: "))
        let optionLines = help.split(separator: "\n").map(String.init)
        for option in table.visible {
            let label = HelpText.label(for: option)
            #expect(optionLines.contains { $0.trimmingLeadingSpaces.hasPrefix(label + " ") }, "\(label) missing")
        }
        for option in table.options where option.isHidden {
            #expect(!help.contains(option.longName), "\(option.longName) is internal")
        }
    }

    @Test("the bash and zsh scripts mention every visible option and no hidden one", arguments: tools)
    func completionsMentionEveryOption(tool: String) throws {
        let table = try #require(Self.tables[tool])
        let bash = CompletionScript.bash(table, binary: "/opt/bin/\(tool)")
        let zsh = CompletionScript.zsh(table, binary: "/opt/bin/\(tool)")
        let bashWords = try #require(bash.split(separator: "\n").first { $0.contains("compgen -W '--") })
        for option in table.visible where !option.isOperand {
            #expect(bashWords.contains(" " + option.longName) || bashWords.contains("'" + option.longName))
            for name in option.names {
                #expect(zsh.contains(name + "[") || zsh.contains(name + ",") || zsh.contains(name + "}"),
                        "zsh lacks \(name)")
                if option.argument.takesValue { #expect(bash.contains(name + "|") || bash.contains(name + ")")) }
            }
        }
        for option in table.options where option.isHidden {
            #expect(!bash.contains(option.longName) && !zsh.contains(option.longName))
        }
        #expect(bash.hasSuffix("complete -o default -F _\(tool.replacingDashes) \(tool)\n"))
        #expect(zsh.hasPrefix("#compdef \(tool)\n"))
    }

    @Test("notify-pane's scripts complete addresses from the binary they name, else registry.toml")
    func addressesFromTheBinary() {
        for script in [CompletionScript.bash(.notifyPane, binary: "/home/u/bin/notify-pane"),
                       CompletionScript.zsh(.notifyPane, binary: "/home/u/bin/notify-pane")] {
            #expect(script.contains(#"list=$("/home/u/bin/notify-pane" --list 2>/dev/null) || list="#))
            #expect(script.contains(".agents/registry.toml"))
        }
        let odd = CompletionScript.bash(.notifyPane, binary: "/tmp/it's here/notify-pane")
        #expect(odd.contains(#"list=$('/tmp/it'\''s here/notify-pane' --list"#))
    }

    @Test("the generated scripts parse: bash -n, zsh -n", arguments: tools)
    func scriptsParse(tool: String) throws {
        let table = try #require(Self.tables[tool])
        for (shell, script) in [("bash", CompletionScript.bash(table, binary: "/tmp/it's/\(tool)")),
                                ("zsh", CompletionScript.zsh(table, binary: "/opt/bin/\(tool)"))] {
            guard let path = ["/bin/\(shell)", "/usr/bin/\(shell)"].first(where: FileSystem.exists) else {
                print("skipping: \(shell) -n on \(tool)'s completion: \(shell) is not installed")
                continue
            }
            let r = try ProcessRunner.run(Command(path, ["-n"], input: Array(script.utf8)))
            #expect(r.isSuccess, "\(shell) -n: \(r.stderrText)")
        }
    }

    @Test("agent-discover's help states the settings defaults the code uses")
    func discoverDefaults() {
        let help = HelpText.render(.discover)
        let d = SyncSettings()
        #expect(help.contains("control_persist (\(d.controlPersistSeconds) s)"))
        #expect(help.contains("connect_timeout (\(d.connectTimeoutSeconds) s)"))
        #expect(help.contains("timeout (\(d.timeoutSeconds) s)"))
        #expect(help.contains("stale_drop_after (\"7d\")") && d.staleDropAfterSeconds == 7 * 86_400)
        #expect(OptionTable.duration(5_400) == "90m" && OptionTable.duration(45) == "45")
    }

    @Test("exclusions come out as the usage message, first pair first")
    func conflicts() {
        #expect(OptionTable.discover.conflict(among: ["local", "sync"]) == "--local and --sync exclude each other")
        #expect(OptionTable.discover.conflict(among: ["coalesce"]) == "--coalesce goes with --sync")
        #expect(OptionTable.discover.conflict(among: ["coalesce", "sync", "quiet"]) == nil)
    }

    @Test("the completion names the binary by the absolute path it was run as")
    func invokedPath() {
        #expect(CompletionScript.invokedPath("/home/u/bin/notify-pane") == "/home/u/bin/notify-pane")
        #expect(CompletionScript.invokedPath("bin/notify-pane").hasSuffix("/bin/notify-pane"))
        #expect(CompletionScript.invokedPath("bin/notify-pane").hasPrefix("/"))
        #expect(CompletionScript.invokedPath("sh").hasSuffix("/sh") && CompletionScript.invokedPath("sh").hasPrefix("/"))
        #expect(CompletionScript.invokedPath("no-such-tool-anywhere") == "no-such-tool-anywhere")
    }
}

extension String {
    var trimmingLeadingSpaces: Substring { drop { $0 == " " } }
}
