/// Builds `registry.toml`: this host's slice plus the last good slice of every peer in
/// `peers.conf`, sorted by host then address, written atomically (caller holds the registry
/// lock). Deterministic: the same inputs give the same tables in the same order.
///
/// Policy for peers (from `PeerCache`):
/// - A peer that was unreachable at the last attempt keeps its agents, each marked
///   `stale = true` with `last_seen` (UTC) — `notify-pane --list --long` shows them.
/// - Once a peer has not been seen for `SyncSettings.staleDropAfterSeconds` (default 7 days,
///   `[sync] stale_drop_after`), its agents are left out; its cache file stays, so the agents
///   come back as soon as the peer answers again.
/// - An address claimed twice keeps the first in sort order (the host that sorts first).
public struct RegistryAssembler {
    public let paths: MeshPaths
    public let selfAlias: String
    public let staleDropAfterSeconds: Int

    public init(paths: MeshPaths, selfAlias: String, staleDropAfterSeconds: Int? = nil) {
        self.paths = paths
        self.selfAlias = selfAlias
        self.staleDropAfterSeconds = staleDropAfterSeconds ?? SyncSettings.load(paths).staleDropAfterSeconds
    }

    /// Peer entries from the cache `peers/<alias>.toml`, for the aliases in `peers.conf`
    /// other than this host, with stale marks applied and expired ones dropped.
    public func cachedPeerEntries(now: Int = WallClock.now()) -> [AgentEntry] {
        let cache = PeerCache(paths: paths)
        var entries: [AgentEntry] = []
        for alias in HostIdentity.remotePeers(paths) {
            guard let record = cache.read(alias) else { continue }
            if record.isReachable {
                entries += record.entries.map { e in
                    var e = e
                    e.isStale = false
                    e.lastSeen = nil
                    return e
                }
                continue
            }
            if now - record.lastSeen > staleDropAfterSeconds { continue }
            let seen = WallClock.iso8601(record.lastSeen)
            entries += record.entries.map { e in
                var e = e
                e.isStale = true
                e.lastSeen = seen
                return e
            }
        }
        return entries
    }

    public func assemble(local: [AgentEntry]) throws(SystemError) {
        let all = (local + cachedPeerEntries()).sorted { ($0.host, $0.address) < ($1.host, $1.address) }
        var seen = Set<String>()
        let unique = all.filter { seen.insert($0.address).inserted }
        let mesh = ([selfAlias] + HostIdentity.remotePeers(paths)).joined(separator: " ")
        let text = RegistryDocument.render(
            unique,
            comments: ["agent-mesh registry: every agent of mesh [\(mesh)], assembled on \(selfAlias) at \(WallClock.iso8601()).",
                       "Rebuilt by agent-discover and the hooks; read by notify-pane. Do not edit."],
            metadata: [("assembled_by", Slug.host(selfAlias)), ("protocol", String(AgentEntry.currentProtocol))])
        try FileSystem.writeAtomically(paths.registryToml, text: text, mode: 0o644)
    }
}
