/// One replication round: exchange slices with every peer at once, then assemble.
///
/// Policy:
/// - One ssh per peer (`Exchange`), all started together in one poll loop
///   (`ProcessRunner.runAll`): the round costs the slowest peer, and a dead peer costs at most
///   the connect timeout plus half a second (`SyncSettings.firstAnswerMilliseconds`).
/// - Rounds never interleave: the whole round holds `locks/sync.lock`. Cache writes and the
///   assembly hold the registry lock, taken only after the network part is done, so hooks
///   are never blocked behind ssh.
/// - Per peer: a valid, not-older slice replaces the cached one; a bad slice is reported and
///   the last good copy kept; an unreachable peer's agents stay, marked stale (see
///   `RegistryAssembler`). After a first-output timeout the peer's ControlMaster is told to
///   exit, so the next call does not attach to a wedged connection.
/// - Never throws for a peer's problem: those are in the `Report`. Throws only when this
///   host's own files cannot be read or written.
public struct MeshSync {
    public let paths: MeshPaths
    public let settings: SyncSettings
    public let selfAlias: String

    public init(paths: MeshPaths, settings: SyncSettings? = nil) {
        self.paths = paths
        self.settings = settings ?? SyncSettings.load(paths)
        self.selfAlias = HostIdentity.selfAlias(paths)
    }

    /// What happened with one peer.
    public enum PeerOutcome: Equatable, Sendable {
        case updated(agents: Int)
        case unchanged(agents: Int)
        case badSlice(String)
        case unreachable(String)
    }

    public struct Report: Sendable {
        public var peers: [(alias: String, outcome: PeerOutcome)] = []
        /// The peers' own warnings (stderr lines of their exchange).
        public var warnings: [String] = []
        public var elapsedMilliseconds = 0

        public var unreachable: [String] { peers.compactMap { if case .unreachable = $0.outcome { return $0.alias }; return nil } }
        public var reached: Int { peers.count - unreachable.count }

        /// `synced 2/3 peers (h3 unreachable)` — for the tools' one-line summaries.
        public var summary: String {
            if peers.isEmpty { return "no peers" }
            var text = "synced \(reached)/\(peers.count) peer\(peers.count == 1 ? "" : "s")"
            var notes: [String] = []
            if !unreachable.isEmpty { notes.append(unreachable.joined(separator: ", ") + " unreachable") }
            let bad = peers.compactMap { if case .badSlice = $0.outcome { return $0.alias }; return nil }
            if !bad.isEmpty { notes.append("bad slice from " + bad.joined(separator: ", ") + ", kept last good copy") }
            if !notes.isEmpty { text += " (" + notes.joined(separator: "; ") + ")" }
            return text + " in \(elapsedMilliseconds) ms"
        }
    }

    /// Runs one round. `peers` defaults to `peers.conf` minus this host.
    public func run(peers explicitPeers: [String]? = nil) throws -> Report {
        let started = MonotonicClock.milliseconds()
        let peers = explicitPeers ?? HostIdentity.remotePeers(paths)
        let store = RegistryStore(paths: paths)
        try store.prepareFolders()
        let syncLock = try FileLock(path: paths.lock("sync"),
                                    timeoutMilliseconds: settings.timeoutSeconds * 1_000 + 5_000)
        defer { syncLock.unlock() }
        var report = Report()
        let ssh = SSH(paths: paths, settings: settings)
        try ssh.prepareControlFolder()
        let cache = PeerCache(paths: paths)
        let ourSlice = try FileSystem.read(paths.localToml) ?? []
        let commands = peers.map { alias in
            ssh.command(alias: alias,
                        remote: Exchange.remoteCommand(selfAlias: selfAlias, binDirectory: cache.read(alias)?.binDirectory),
                        input: ourSlice)
        }
        let results = peers.isEmpty ? [] : try ProcessRunner.runAll(commands)

        let lock = try store.lockRegistry()
        defer { lock.unlock() }
        let now = WallClock.now()
        var wedged: [String] = []
        for (alias, result) in zip(peers, results) {
            for line in result.stderrText.split(separator: "\n") where line.contains("warning:") {
                report.warnings.append(String(line))
            }
            guard result.isSuccess, let text = Exchange.sliceText(fromReply: result.stdout) else {
                if result.missedFirstOutput { wedged.append(alias) }
                try cache.mark(alias, reachable: false, now: now)
                report.peers.append((alias, .unreachable(MeshSync.reason(result))))
                continue
            }
            switch PeerCache.validate(text, alias: alias) {
            case .invalid(let why):
                try cache.mark(alias, reachable: true, now: now)
                report.peers.append((alias, .badSlice(why)))
            case .valid(let slice, let proto):
                let before = cache.read(alias)?.entries
                try cache.store(slice, protocolVersion: proto, alias: alias, now: now)
                let after = cache.read(alias)?.entries ?? []
                report.peers.append((alias, before == after ? .unchanged(agents: after.count) : .updated(agents: after.count)))
            }
        }
        let local = store.readLocal(defaultHost: selfAlias).slice?.entries ?? []
        try RegistryAssembler(paths: paths, selfAlias: selfAlias,
                              staleDropAfterSeconds: settings.staleDropAfterSeconds).assemble(local: local)
        lock.unlock()
        if !wedged.isEmpty { _ = try? ProcessRunner.runAll(wedged.map { ssh.exitMaster(alias: $0) }) }
        report.elapsedMilliseconds = MonotonicClock.milliseconds() - started
        return report
    }

    /// A short reason for an unreachable peer: ssh's own first line, or the deadline.
    static func reason(_ result: ProcessResult) -> String {
        if result.missedFirstOutput { return "no answer within \(result.command.firstOutputMilliseconds ?? 0) ms" }
        if result.timedOut { return "timed out after \(result.command.timeoutMilliseconds) ms" }
        let line = result.stderrText.split(separator: "\n").last { !$0.contains("warning:") }
        if let line { return String(line.trimmingSpaces()) }
        return result.isSuccess ? "no ready line in the answer" : result.status.description
    }
}
