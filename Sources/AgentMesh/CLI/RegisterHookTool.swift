@preconcurrency import Glibc

/// `agent-register-hook on|off <session>` (run by tmux hooks) and `identify` (an agent
/// describing itself; also reachable as `agent-self-identify`, the bash tool's name).
///
/// Policy for hook calls: silent on success and exit 0 whatever happens, because tmux's
/// `run-shell` shows any output in the user's pane. Problems go to `~/.agents/log/hook.log`,
/// and to stderr only when stderr is a terminal (someone running it by hand).
public enum RegisterHookTool {
    public static let name = "agent-register-hook"

    /// `--help`, rendered from `OptionTable.registerHook`.
    public static var help: String { HelpText.render(.registerHook) }

    /// Entry point; returns the process exit status.
    public static func main(_ argv: [String]) -> Int32 {
        let invokedAs = FileSystem.baseName(argv.first ?? name)
        var args = Array(argv.dropFirst())
        if invokedAs == "agent-self-identify" { args.insert("identify", at: 0) }
        // --help and --version answer wherever they appear, even in a hook's arguments.
        let table = OptionTable.registerHook
        func given(_ id: String) -> Bool { table.option(id: id)?.names.contains(where: args.contains) ?? false }
        if given("help") { Output.out(help + "\n"); return 0 }
        if given("version") { Output.out("\(name) \(AgentMeshVersion.string)\n"); return 0 }
        let paths = MeshPaths()
        guard let verb = args.first else {
            report("missing verb: expected on, off or identify (see --help)", paths: paths)
            return 0
        }
        switch verb {
        case "on", "off":
            guard args.count == 2 else {
                report("usage: \(name) \(verb) <session>", paths: paths)
                return 0
            }
            let host = HostIdentity.selfAlias(paths)
            let action: Registrar.Action = verb == "on" ? .on(args[1]) : .off(args[1])
            do {
                let outcome = try Registrar(paths: paths, tmux: Tmux(), host: host).run(action)
                if let corrupt = outcome.replacedCorrupt {
                    report("\(corrupt) (replaced by the rebuilt slice; old copy kept as local.toml.corrupt)", paths: paths)
                }
                // Peers only need to hear about real changes (a pane switch usually is none).
                if outcome.changed { SyncTrigger.afterLocalChange(paths: paths) }
            } catch {
                report("\(verb) \(args[1]): \(error)", paths: paths)
            }
            // A tmux event may be what a queued message waits for (a draft cleared, a window
            // back): make sure a runner is there (one directory read when nothing is queued).
            MessageQueue(paths: paths).startRunner()
            Trace.log("hook: done")
            return 0
        case "identify":
            do {
                try identify(Array(args.dropFirst()), paths: paths)
                return 0
            } catch let error as UsageError {
                Output.error(tool: invokedAs, error.message)
                return 1
            } catch {
                Output.error(tool: invokedAs, "\(error)")
                return 4
            }
        default:
            report("unknown verb '\(verb)': expected on, off or identify (see --help)", paths: paths)
            return 0
        }
    }

    /// What `identify` was asked to do: tmux window options to set on `target`.
    struct IdentifyRequest: Equatable {
        var settings: [WindowOption] = []
        var target: String
    }

    struct WindowOption: Equatable {
        let name: String
        let value: String
    }

    /// Parses `identify`'s arguments; `pane` is $TMUX_PANE, the default target.
    static func parseIdentify(_ args: [String], pane: String?) throws(UsageError) -> IdentifyRequest {
        let table = OptionTable.registerHook
        var scanner = ArgumentScanner(args)
        var settings: [WindowOption] = []
        var target = pane
        while let (option, value) = try scanner.next(valueOptions: table.valueNames) {
            let value = value ?? ""
            switch table.option(named: option)?.id {
            case "role": settings.append(WindowOption(name: "@agent-role", value: value))
            case "scope": settings.append(WindowOption(name: "@agent-scope", value: value))
            case "allow": settings.append(WindowOption(name: "@agent-allow", value: value))
            case "deny": settings.append(WindowOption(name: "@agent-deny", value: value))
            case "enter-delay":
                guard AgentEntry.parseDelay(value) != nil else {
                    throw UsageError("--enter-delay takes seconds (0.15) or milliseconds (150ms), got '\(value)'")
                }
                settings.append(WindowOption(name: "@agent-enter-delay", value: value))
            case "target": target = value
            default: throw UsageError("unknown option \(option) (see --help)")
            }
        }
        guard scanner.positionals.isEmpty else { throw UsageError("unexpected argument '\(scanner.positionals[0])'") }
        guard !settings.isEmpty else { throw UsageError("nothing to set: give --role, --scope, --enter-delay, --allow or --deny") }
        guard let target else { throw UsageError("not inside tmux ($TMUX_PANE unset): give --target <pane or session:window>") }
        return IdentifyRequest(settings: settings, target: target)
    }

    /// Sets the window options, then re-registers.
    static func identify(_ args: [String], paths: MeshPaths) throws {
        let request = try parseIdentify(args, pane: Environment.nonEmpty("TMUX_PANE"))
        let tmux = Tmux()
        let commands = request.settings.map { ["set-option", "-w", "-t", request.target, $0.name, $0.value] }
        try ProcessRunner.run(tmux.chained(commands)).check()
        let host = HostIdentity.selfAlias(paths)
        _ = try Registrar(paths: paths, tmux: tmux, host: host).run(.all)
        SyncTrigger.afterLocalChange(paths: paths)
    }

    /// Logs a hook problem; echoes it to stderr only for a person at a terminal.
    static func report(_ message: String, paths: MeshPaths) {
        if isatty(2) == 1 { Output.error(tool: name, message) }
        try? paths.ensureFolder(paths.log, mode: 0o700)
        try? FileSystem.append("\(paths.log)/hook.log", Array("\(WallClock.iso8601()) \(message)\n".utf8))
    }
}
