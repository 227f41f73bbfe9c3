@preconcurrency import Glibc

/// Writes a tool's bash and zsh completion from its `OptionTable`.
///
/// Policy: the scripts offer every visible option (hidden plumbing never), complete an
/// option's value by its kind (file names, or the listed words), and complete positionals
/// from the table — notify-pane's addresses from `<binary> --list` at completion time, or
/// from the `[agents.<address>]` headers of `~/.agents/registry.toml` when that fails, so a
/// broken binary still completes. The binary is named by the absolute path it was run as, so
/// completion works before `~/bin` is on PATH.
public enum CompletionScript {
    public static func bash(_ table: OptionTable, binary: String) -> String {
        let fn = "_" + table.tool.replacingDashes
        let visible = table.visible.filter { !$0.isOperand }
        var s = "# bash completion for \(table.tool) (agent-mesh: `\(table.tool) --completion bash`;\n"
        s += "# install.sh installs it, install.sh --uninstall removes it).\n"
        if usesAddresses(table) {
            s += #"""
            # Addresses come from `notify-pane --list` at completion time, or from the
            # [agents.<address>] headers of ~/.agents/registry.toml when that fails.
            \#(fn)_addresses() {
              local list
              list=$(\#(quoted(binary)) --list 2>/dev/null) || list=
              if [ -z "$list" ] && [ -r "$HOME/.agents/registry.toml" ]; then
                list=$(sed -n 's/^\[agents\.\(.*\)\][[:space:]]*$/\1/p' "$HOME/.agents/registry.toml" | tr -d '"')
              fi
              printf '%s\n' "$list" | awk 'NF { print $1 }'
            }

            """#
        }
        s += "\(fn)() {\n"
        s += "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} i words=0\n"
        s += "  COMPREPLY=()\n"
        let valued = visible.filter { $0.argument.takesValue }
        if !valued.isEmpty {
            s += "  case $prev in\n"
            for option in valued {
                let reply: String
                switch option.argument {
                case .file: reply = #"COMPREPLY=($(compgen -f -- "$cur"))"#
                case .choice(_, let words): reply = #"COMPREPLY=($(compgen -W '\#(words.joined(separator: " "))' -- "$cur"))"#
                case .text, .none: reply = ":"
                }
                s += "    \(option.names.joined(separator: "|"))) \(reply); return 0 ;;\n"
            }
            s += "  esac\n"
        }
        let words = visible.map(\.longName).joined(separator: " ")
        s += "  if [[ $cur == -* ]]; then\n"
        s += #"    COMPREPLY=($(compgen -W '\#(words)' -- "$cur"))"# + "\n"
        s += "    return 0\n  fi\n"
        let completed = table.positionals.enumerated().filter { if case .none = $0.element.completion { false } else { true } }
        if !completed.isEmpty {
            s += "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
            s += "    case ${COMP_WORDS[i]} in\n"
            if !valued.isEmpty { s += "      \(valued.flatMap(\.names).joined(separator: "|"))) ((i++)) ;;\n" }
            s += "      -*) ;;\n"
            s += "      *) words=$((words + 1)) ;;\n"
            s += "    esac\n  done\n"
            s += "  case $words in\n"
            for (index, positional) in completed {
                let list: String
                switch positional.completion {
                case .addresses: list = "\"$(\(fn)_addresses)\""
                case .words(let w): list = "'\(w.joined(separator: " "))'"
                case .none: continue
                }
                s += "    \(index)) COMPREPLY=($(compgen -W \(list) -- \"$cur\")) ;;\n"
            }
            s += "  esac\n"
        }
        s += "}\n"
        s += "complete -o default -F \(fn) \(table.tool)\n"
        return s
    }

    public static func zsh(_ table: OptionTable, binary: String) -> String {
        var s = "#compdef \(table.tool)\n"
        s += "# zsh completion for \(table.tool) (agent-mesh: `\(table.tool) --completion zsh`;\n"
        s += "# install.sh installs it, install.sh --uninstall removes it).\n"
        if usesAddresses(table) {
            s += #"""
            # Addresses come from `notify-pane --list` at completion time, or from the
            # [agents.<address>] headers of ~/.agents/registry.toml when that fails.
            local -a addresses
            local list
            list=$(\#(quoted(binary)) --list 2>/dev/null) || list=
            if [[ -z $list && -r ~/.agents/registry.toml ]]; then
              list=$(sed -n 's/^\[agents\.\(.*\)\][[:space:]]*$/\1/p' ~/.agents/registry.toml | tr -d '"')
            fi
            addresses=(${${(f)list}%% *})

            """#
        }
        var specs: [String] = []
        for option in table.visible where !option.isOperand {
            specs.append(zshSpec(option, in: table))
        }
        for (index, positional) in table.positionals.enumerated() {
            let action: String
            switch positional.completion {
            case .none: action = " "
            case .addresses: action = "(${addresses[@]})"
            case .words(let w): action = "(\(w.joined(separator: " ")))"
            }
            specs.append("'\(positional.repeats ? "*" : String(index + 1)):\(positional.name):\(action)'")
        }
        s += "_arguments -s \\\n" + specs.map { "  " + $0 }.joined(separator: " \\\n") + "\n"
        return s
    }

    /// `'(excluded)'{-q,--quiet}'[summary]:value:action'` for `_arguments`.
    static func zshSpec(_ option: ToolOption, in table: OptionTable) -> String {
        var excluded: [String] = []
        if option.isTerminal {
            excluded = ["-", "*"]
        } else {
            if option.excludes.contains("positionals") { excluded += ["1", "*"] }
            if option.names.count > 1 { excluded += option.names }
            for id in option.excludes { excluded += table.option(id: id)?.names ?? [] }
        }
        let names = option.names.count > 1 ? "'{\(option.names.joined(separator: ","))}'" : option.names[0]
        let summary = (option.summary ?? option.help.split(separator: "\n")[0].description)
            .replacing("'", with: #"'"'"'"#)
        var spec = "'" + (excluded.isEmpty ? "" : "(\(excluded.joined(separator: " ")))") + names + "[\(summary)]"
        switch option.argument {
        case .none: break
        case .file(let p): spec += ":\(bare(p)):_files"
        case .text(let p): spec += ":\(bare(p)): "
        case .choice(let p, let words): spec += ":\(bare(p)):(\(words.joined(separator: " ")))"
        }
        return spec + "'"
    }

    /// The path this process was started as, made absolute (looked up on PATH when it has
    /// no slash); the name itself when it cannot be found.
    public static func invokedPath(_ argv0: String) -> String {
        if argv0.hasPrefix("/") { return argv0 }
        if argv0.contains("/") { return currentDirectory().map { $0 + "/" + argv0 } ?? argv0 }
        for dir in (Environment.get("PATH") ?? "").split(separator: ":") where dir.hasPrefix("/") {
            let candidate = "\(dir)/\(argv0)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return argv0
    }

    static func usesAddresses(_ table: OptionTable) -> Bool {
        table.positionals.contains { if case .addresses = $0.completion { true } else { false } }
    }

    /// A shell word for `path`: double-quoted when it is plain, else `ShellQuote`'s quoting.
    static func quoted(_ path: String) -> String {
        let word = ShellQuote.quote(path)
        return word == path ? "\"\(path)\"" : word
    }

    static func bare(_ placeholder: String) -> String {
        String(placeholder.filter { $0 != "<" && $0 != ">" }).lowercased()
    }

    static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }
}
