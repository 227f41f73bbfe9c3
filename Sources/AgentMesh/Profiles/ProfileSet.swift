/// The agent profiles in force: the built-in ones, with `~/.agents/agent-profiles.toml`
/// laid over them.
///
/// Policy: a kind in the user's file replaces the built-in kind key by key (a key it leaves
/// out keeps the built-in value); its `screen` tables replace built-in screens of the same
/// name and are added after the others otherwise. A user file that cannot be read or
/// parsed is reported once (`warning`) and ignored: a broken override must not stop
/// delivery, and the built-in rules never type into an unknown screen.
public struct ProfileSet: Sendable {
    public var profiles: [AgentProfile]
    public var warning: String?

    public static let userFileName = "agent-profiles.toml"

    public init(profiles: [AgentProfile], warning: String? = nil) {
        self.profiles = profiles
        self.warning = warning
    }

    /// Built-ins plus the user's file under `agentsDirectory` (if any).
    public static func load(agentsDirectory: String?) -> ProfileSet {
        // The built-in text is tested to parse (ProfileTests); a failure here is a build defect.
        var table = (try? TOML.parse(BuiltinProfiles.text)) ?? TOMLTable()
        var warning: String?
        if let dir = agentsDirectory {
            let path = dir + "/" + userFileName
            do {
                if let bytes = try FileSystem.read(path) {
                    do { table = merge(table, try TOML.parse(bytes: bytes)) } catch {
                        warning = "\(path):\(error.line):\(error.column): \(error.reason); using the built-in agent profiles"
                    }
                }
            } catch {
                warning = "\(path): \(error); using the built-in agent profiles"
            }
        }
        return ProfileSet(profiles: decode(table), warning: warning)
    }

    /// The profile for a kind; `other` when the kind is unknown.
    public func profile(_ kind: String) -> AgentProfile {
        profiles.first { $0.kind == kind } ?? profiles.first { $0.kind == "other" } ?? AgentProfile(kind: "other")
    }

    /// The kind whose `processes` list holds `name` (compared without a leading `-` and
    /// case-insensitively), or nil.
    public func kind(forProcess name: String) -> String? {
        var n = name.lowercased()
        if n.hasPrefix("-") { n.removeFirst() }
        return profiles.first { $0.processes.contains { $0.lowercased() == n } }?.kind
    }

    static func merge(_ base: TOMLTable, _ over: TOMLTable) -> TOMLTable {
        var result = base
        for (kind, value) in over.entries {
            guard let overKind = value.table, var merged = result[kind]?.table else { result[kind] = value; continue }
            for (key, v) in overKind.entries {
                if key == "screen", let overScreens = v.table {
                    var screens = merged["screen"]?.table ?? TOMLTable()
                    for (name, s) in overScreens.entries { screens[name] = s }
                    merged["screen"] = .table(screens)
                } else {
                    merged[key] = v
                }
            }
            result[kind] = .table(merged)
        }
        return result
    }

    static func decode(_ table: TOMLTable) -> [AgentProfile] {
        table.entries.compactMap { kind, value -> AgentProfile? in
            guard let t = value.table else { return nil }
            func strings(_ key: String, in t: TOMLTable) -> [String] { t[key]?.array?.compactMap(\.string) ?? [] }
            var screens: [ScreenRule] = []
            for (name, sv) in t["screen"]?.table?.entries ?? [] {
                guard let s = sv.table, let state = s["state"]?.string.flatMap(ScreenRule.State.init(rawValue:)) else { continue }
                screens.append(ScreenRule(name: name, state: state, all: strings("all", in: s), any: strings("any", in: s),
                                          bottomRows: s["bottom"]?.integer.map { Int(max(1, min($0, 1_000))) } ?? 16,
                                          leave: s["leave"]?.string, what: s["what"]?.string ?? ""))
            }
            var p = AgentProfile(kind: kind, name: t["name"]?.string ?? kind, tested: t["tested"]?.string ?? "",
                                processes: strings("processes", in: t),
                                enterDelayMilliseconds: t["enter_delay_ms"]?.integer.map { Int($0) },
                                isStrict: t["strict"]?.bool ?? false, composerPrompts: strings("composer", in: t),
                                placeholders: strings("placeholders", in: t), composerFrame: t["composer_frame"]?.string,
                                dialogHints: strings("dialog_hints", in: t),
                                startupMilliseconds: t["startup_ms"]?.integer.map { Int($0) } ?? 0, screens: screens)
            p.popupTriggers = strings("popup_triggers", in: t)
            return p
        }
    }
}
