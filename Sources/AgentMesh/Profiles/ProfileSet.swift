/// The agent profiles in force: the built-in ones, with `~/.agents/agent-profiles.toml`
/// laid over them.
///
/// Policy: a kind in the user's file replaces the built-in kind key by key (a key it leaves
/// out keeps the built-in value); its `screen` tables replace built-in screens of the same
/// name and are added after the others otherwise; its `versions` tables likewise. A kind's
/// `[<kind>.versions."<range>"]` tables (`VersionRange`) are laid over it, in file order,
/// when the agent's version (`AgentVersions`) is in the range; an unknown version gets the
/// kind's own keys. A user file that cannot be read or
/// parsed is reported once (`warning`) and ignored: a broken override must not stop
/// delivery, and the built-in rules never type into an unknown screen.
public struct ProfileSet: Sendable {
    public var profiles: [AgentProfile]
    public var warning: String?
    /// The merged tables, for the version tables of each kind.
    var table = TOMLTable()

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
        var set = ProfileSet(profiles: decode(table), warning: warning)
        set.table = table
        return set
    }

    /// True when `kind` has `[<kind>.versions."<range>"]` tables (the version is worth asking).
    public func hasVersionTables(_ kind: String) -> Bool {
        !(table[kind]?.table?["versions"]?.table?.entries.isEmpty ?? true)
    }

    /// The profile for a kind as it applies to `version` (nil: unknown, the kind's own keys).
    public func profile(_ kind: String, version: String?) -> AgentProfile {
        guard let version, let kindTable = table[kind]?.table,
              let variants = kindTable["versions"]?.table, !variants.entries.isEmpty else { return profile(kind) }
        var merged = kindTable
        var applied: [String] = []
        for (range, value) in variants.entries {
            guard let over = value.table, VersionRange(range)?.contains(version) == true else { continue }
            merged = Self.mergeKind(merged, over)
            applied.append(range)
        }
        var result = TOMLTable()
        result[kind] = .table(merged)
        guard var p = Self.decode(result).first else { return profile(kind) }
        p.version = version
        p.appliedVersionRanges = applied
        return p
    }

    /// The profile for the agent in a pane: its kind from the pane's processes, and, when the
    /// kind has version tables, the version of its binary.
    public func profile(command: String, panePID: Int, versions: AgentVersions) -> AgentProfile {
        let detector = AgentDetector(profiles: self)
        let kind = detector.kind(command: command, panePID: panePID)
        guard hasVersionTables(kind), let pid = detector.process(ofKind: kind, panePID: panePID) else { return profile(kind) }
        return profile(kind, version: versions.version(pid: pid, arguments: profile(kind).versionArguments))
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
            guard let overKind = value.table, let base = result[kind]?.table else { result[kind] = value; continue }
            result[kind] = .table(mergeKind(base, overKind))
        }
        return result
    }

    /// One kind's keys laid over another's: keys replace, `screen` and `versions` tables
    /// replace same-named entries and add the others.
    static func mergeKind(_ base: TOMLTable, _ over: TOMLTable) -> TOMLTable {
        var merged = base
        for (key, v) in over.entries {
            if key == "screen" || key == "versions", let overNamed = v.table {
                var named = merged[key]?.table ?? TOMLTable()
                for (name, s) in overNamed.entries { named[name] = s }
                merged[key] = .table(named)
            } else {
                merged[key] = v
            }
        }
        return merged
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
            p.versionArguments = strings("version_args", in: t)
            return p
        }
    }
}
