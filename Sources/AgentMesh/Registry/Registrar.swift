@preconcurrency import Glibc

/// Keeps `local.toml` equal to the live tmux windows of this host.
///
/// Policy:
/// - One tmux client call per run (`list-panes -a`), made while holding the registry lock, so
///   concurrent hooks (a script opening 30 windows) serialise and the last writer always
///   writes what tmux shows *now*: the file ends listing exactly the live windows.
/// - The listing is authoritative for its tmux server (socket): windows whose close hook was
///   missed disappear. Entries of other tmux servers on this host are kept while their socket
///   exists.
/// - Sessions in `SessionFilter` are never registered; `off <session>` drops that session even
///   if tmux still lists it while closing.
/// - Entries whose content did not change keep their `updated` time, and an unchanged slice is
///   not rewritten (hooks fire on every tmux event).
public struct Registrar {
    public enum Action: Equatable {
        case on(String)
        case off(String)
        case all
    }

    public struct Outcome: Equatable {
        public var windows: Int
        public var changed: Bool
        /// `file:line:col: reason` when a corrupt `local.toml` was replaced.
        public var replacedCorrupt: String?
        public var skipped: Bool
    }

    public let paths: MeshPaths
    public let tmux: Tmux
    public let host: String

    public init(paths: MeshPaths, tmux: Tmux, host: String) {
        self.paths = paths
        self.tmux = tmux
        self.host = host
    }

    public func run(_ action: Action) throws -> Outcome {
        var excluded: String?
        switch action {
        case .on(let s):
            if SessionFilter.isSkipped(s) { return Outcome(windows: 0, changed: false, skipped: true) }
        case .off(let s):
            excluded = s
        case .all:
            break
        }
        let store = RegistryStore(paths: paths)
        Trace.log("registrar: start")
        let lock = try store.lockRegistry()
        Trace.log("registrar: locked")
        defer { lock.unlock() }

        let listing = PaneListing()
        // An explicit socket lets the listing go over the wire (no tmux process to start).
        let result = try TmuxClient.run(listing.command(tmux.on(socket: tmux.effectiveSocketPath)))
        var records: [PaneRecord] = []
        if result.isSuccess {
            records = listing.parse(result.stdoutText)
            // Output we cannot read must never be taken for "no windows": that would wipe the slice.
            if records.isEmpty && !result.stdout.isEmpty {
                throw ListingUnreadable(sample: String(result.stdoutText.prefix(80)))
            }
        } else if !Registrar.isNoServer(result) {
            throw CommandFailed(result)
        }
        Trace.log("registrar: listed \(records.count) panes")
        let socket = records.first?.socketPath ?? tmux.effectiveSocketPath

        let previous = store.readLocal(defaultHost: host)
        Trace.log("registrar: read local.toml")
        let old = previous.slice?.entries ?? []
        let kept = old.filter { e in
            guard let s = e.socket, s != socket else { return false }
            return FileSystem.exists(s)
        }
        let live = records.filter { !SessionFilter.isSkipped($0.sessionName) && $0.sessionName != excluded }
        var entries = buildEntries(live, socket: socket, previous: old, reserved: Set(kept.map(\.address)))
        entries = kept + entries
        entries.sort { ($0.session, $0.windowIndex ?? 0, $0.address) < ($1.session, $1.windowIndex ?? 0, $1.address) }

        Trace.log("registrar: built entries")
        let changed = previous.problem != nil || previous.slice?.entries != entries || previous.slice?.host != host
        if changed {
            let slice = LocalSlice(host: host, serial: LocalSlice.nextSerial(after: previous.slice?.serial ?? 0),
                                   entries: entries)
            try store.writeLocal(slice, replacingCorrupt: previous.problem != nil)
        }
        if changed || !FileSystem.exists(paths.registryToml) {
            try RegistryAssembler(paths: paths, selfAlias: host).assemble(local: entries)
        }
        Trace.log("registrar: written (changed: \(changed))")
        return Outcome(windows: entries.filter { $0.paneIndex == nil }.count, changed: changed, replacedCorrupt: previous.problem, skipped: false)
    }

    /// One entry per window (its active pane is the delivery target).
    func buildEntries(_ records: [PaneRecord], socket: String, previous: [AgentEntry],
                      reserved: Set<String>) -> [AgentEntry] {
        var windows: [(key: String, panes: [PaneRecord])] = []
        var slot: [String: Int] = [:]
        for r in records {
            let key = r.windowID.isEmpty ? "\(r.sessionName):\(r.windowIndex)" : "\(r.sessionName)\u{0}\(r.windowID)"
            if let i = slot[key] { windows[i].panes.append(r) } else { slot[key] = windows.count; windows.append((key, [r])) }
        }
        let previousByWindow = Dictionary(previous.compactMap { e in e.windowID.map { ($0 + "\u{0}" + e.session, e) } },
                                          uniquingKeysWith: { a, _ in a })
        let assignerWindows = windows.map { w in
            AddressAssigner.Window(session: w.panes[0].sessionName, index: w.panes[0].windowIndex,
                                   name: w.panes[0].windowName, windowID: w.panes[0].windowID)
        }
        var previousAddress: [String: String] = [:]
        for (id, e) in previousByWindow { previousAddress[id] = e.address }
        let addresses = AddressAssigner.assign(
            host: host, windows: assignerWindows,
            previous: Dictionary(assignerWindows.compactMap { w in
                previousAddress[w.windowID + "\u{0}" + w.session].map { (w.windowID, $0) } }, uniquingKeysWith: { a, _ in a }),
            reserved: reserved)
        let now = WallClock.iso8601()
        let binDirectory = Registrar.executableDirectory()
        let windowEntries: [AgentEntry] = windows.enumerated().map { i, w in
            let active = w.panes.first(where: \.isActivePane) ?? w.panes[0]
            var e = AgentEntry(
                address: addresses[i], host: host, target: "\(active.sessionName):\(active.windowIndex)",
                session: active.sessionName, window: active.windowName,
                role: active.role.isEmpty ? RoleInference.role(command: active.currentCommand) : active.role,
                scope: active.scope.isEmpty ? RoleInference.scope(path: active.currentPath, home: paths.home) : active.scope,
                windowIndex: active.windowIndex, windowID: active.windowID, paneID: active.paneID,
                panes: w.panes.map(\.paneID), command: active.currentCommand, path: active.currentPath,
                socket: socket, enterDelayMilliseconds: AgentEntry.parseDelay(active.enterDelay),
                updated: now, protocolVersion: AgentEntry.currentProtocol, binDirectory: binDirectory)
            // Unchanged content keeps its old timestamp so an idle host does not churn files.
            if let old = previous.first(where: { $0.address == e.address }), let oldUpdated = old.updated {
                var probe = e
                probe.updated = oldUpdated
                if probe == old { e.updated = oldUpdated }
            }
            return e
        }
        return windowEntries + paneEntries(windows.map(\.panes), windowEntries: windowEntries,
                                           reserved: reserved, previous: previous)
    }

    /// One entry per pane of each split window, `<window address>-p<pane index>`, aimed at
    /// exactly that pane (`target` `session:window.pane`, which a bash-tool host's tmux reads
    /// the same way). A pane address that a window already holds is not handed out: window
    /// addresses come first, and never change because a pane was split.
    func paneEntries(_ panesByWindow: [[PaneRecord]], windowEntries: [AgentEntry], reserved: Set<String>,
                     previous: [AgentEntry]) -> [AgentEntry] {
        var taken = reserved.union(windowEntries.map(\.address))
        var result: [AgentEntry] = []
        for (panes, window) in zip(panesByWindow, windowEntries) where panes.count > 1 {
            for p in panes.sorted(by: { $0.paneIndex < $1.paneIndex }) {
                let address = "\(window.address)-p\(p.paneIndex)"
                guard !taken.contains(address) else { continue }
                taken.insert(address)
                var e = window
                e.address = address
                e.target = "\(p.sessionName):\(p.windowIndex).\(p.paneIndex)"
                e.paneID = p.paneID
                e.panes = [p.paneID]
                e.paneIndex = p.paneIndex
                e.command = p.currentCommand
                e.path = p.currentPath
                e.role = p.role.isEmpty ? RoleInference.role(command: p.currentCommand) : p.role
                e.scope = p.scope.isEmpty ? RoleInference.scope(path: p.currentPath, home: paths.home) : p.scope
                e.enterDelayMilliseconds = AgentEntry.parseDelay(p.enterDelay)
                if let old = previous.first(where: { $0.address == address }), let oldUpdated = old.updated {
                    var probe = e
                    probe.updated = oldUpdated
                    if probe == old { e.updated = oldUpdated }
                }
                result.append(e)
            }
        }
        return result
    }

    /// tmux reports a missing server as "no server running on …" or "error connecting to …".
    static func isNoServer(_ result: ProcessResult) -> Bool {
        let text = result.stderrText
        return !result.timedOut && (text.contains("no server running") || text.contains("error connecting to")
            || text.contains("No such file or directory"))
    }

    /// The folder holding the running executable (`/proc/self/exe`), recorded so peers can
    /// run this host's notify-pane over ssh.
    public static func executableDirectory() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlink("/proc/self/exe", $0, b.count - 1) }
        }
        guard n > 0 else { return nil }
        return FileSystem.directory(of: String(decoding: buffer[0..<n], as: UTF8.self))
    }
}

/// tmux answered the pane listing with output that holds no record we can parse (a client
/// without UTF-8 replacing our markers, an unexpected tmux version). The slice is left as it was.
public struct ListingUnreadable: Error, CustomStringConvertible {
    public let sample: String
    public var description: String { "tmux list-panes output could not be read (starts with \(sample.debugDescription)); registry left unchanged" }
}
