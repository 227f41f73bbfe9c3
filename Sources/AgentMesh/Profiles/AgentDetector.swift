/// Tells which agent runs in a pane from its processes, never from the window's name.
///
/// Policy: the pane's foreground command (`#{pane_current_command}`) names the kind when a
/// profile lists it (`claude`, `codex`, `bash` …). When it is an interpreter or launcher that
/// agents are started through (`node`, `bun`, `python3`, `npx`, `env` …), the pane's process
/// tree is searched (from `#{pane_pid}`, at most 4 levels, `argv[0]`'s last component, then
/// `comm`) for a process a strict profile lists. Anything else is the `other` kind. Reads
/// only `/proc` of this host (the engine runs on the host whose pane it types into).
public struct AgentDetector {
    public var profiles: ProfileSet
    /// Where the process table is read (a test points it at a fixture folder).
    public var procRoot = "/proc"

    /// Programs agents are started through. Shells are not among them: a shell in the
    /// foreground means the shell, whatever runs in the background.
    static let launchers: Set<String> = ["node", "nodejs", "bun", "deno", "npx", "pnpm", "yarn", "python",
                                         "python3", "uv", "uvx", "env", "script"]

    public init(profiles: ProfileSet) { self.profiles = profiles }

    public func kind(command: String, panePID: Int) -> String {
        let direct = profiles.kind(forProcess: command)
        let isLauncher = Self.launchers.contains(command.lowercased())
        if let direct, !isLauncher { return direct }
        if isLauncher, panePID > 0, let found = searchTree(root: panePID) { return found }
        return direct ?? "other"
    }

    /// The pid of the process of `kind` in the pane: the pane's first process, else the first
    /// of its descendants (breadth first, 4 levels) whose name that kind's profile lists.
    public func process(ofKind kind: String, panePID: Int) -> Int? {
        guard panePID > 0 else { return nil }
        let matches = { (pid: Int) in self.processNames(pid: pid).contains { self.profiles.kind(forProcess: $0) == kind } }
        if matches(panePID) { return panePID }
        let children = childrenByParent()
        var level = children[panePID] ?? []
        for _ in 0..<4 {
            if let hit = level.first(where: matches) { return hit }
            level = level.flatMap { children[$0] ?? [] }
            if level.isEmpty { return nil }
        }
        return nil
    }

    /// A strict profile's process among `root` and its descendants (breadth first, 4 levels).
    func searchTree(root: Int) -> String? {
        let children = childrenByParent()
        var level = [root]
        for _ in 0..<5 {
            for pid in level {
                if let kind = strictKind(pid: pid) { return kind }
            }
            level = level.flatMap { children[$0] ?? [] }
            if level.isEmpty { return nil }
        }
        return nil
    }

    func strictKind(pid: Int) -> String? {
        for name in processNames(pid: pid) {
            if let k = profiles.kind(forProcess: name), profiles.profile(k).isStrict { return k }
        }
        return nil
    }

    /// `argv[0]`'s last path component and `comm`.
    func processNames(pid: Int) -> [String] {
        var names: [String] = []
        if let cmdline = try? FileSystem.read("\(procRoot)/\(pid)/cmdline"),
           let first = cmdline.split(separator: 0, omittingEmptySubsequences: false).first, !first.isEmpty {
            names.append(FileSystem.baseName(String(decoding: first, as: UTF8.self)))
        }
        if let comm = try? FileSystem.readText("\(procRoot)/\(pid)/comm") {
            names.append(String(comm.split(separator: "\n").first ?? ""))
        }
        return names
    }

    /// Parent → children, from each `/proc/<pid>/stat` (the field after the `)` that ends comm).
    func childrenByParent() -> [Int: [Int]] {
        var map: [Int: [Int]] = [:]
        for entry in FileSystem.list(procRoot) {
            guard let pid = Int(entry), let stat = try? FileSystem.readText("\(procRoot)/\(entry)/stat"),
                  let close = stat.lastIndex(of: ")") else { continue }
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            guard rest.count > 1, let ppid = Int(rest[1]) else { continue }
            map[ppid, default: []].append(pid)
        }
        return map
    }
}
