@preconcurrency import Glibc

/// Starting a sync after this host's slice changed, without one full sync per tmux event.
///
/// Policy:
/// - The hook calls `afterLocalChange`: when `peers.conf` names remote peers it spawns
///   `agent-discover --sync --coalesce` detached (new session, stdio on /dev/null) and returns
///   at once; with no remote peers it does nothing.
/// - The coalescing runner (`runCoalesced`) takes `locks/sync-runner.lock` with `tryLock`. If
///   another runner holds it, it sets the pending flag `locks/sync.pending` and tries the lock
///   once more (so a holder that released in between cannot miss the flag), then exits.
/// - The holder waits the debounce (`[sync] debounce_ms`, default 250 ms) so the rest of a
///   burst arrives, clears the flag, runs one sync, releases the lock, and loops while the
///   flag was set again meanwhile. A burst of 30 window events gives one or two syncs.
public enum SyncTrigger {
    /// Called by the hook after it rewrote `local.toml` (not when nothing changed).
    public static func afterLocalChange(paths: MeshPaths) {
        guard !HostIdentity.remotePeers(paths).isEmpty,
              let dir = Registrar.executableDirectory() else { return }
        let discover = dir + "/agent-discover"
        guard FileSystem.exists(discover) else { return }
        _ = try? ProcessRunner.spawnDetached(Command(discover, ["--sync", "--coalesce", "-q"]))
    }

    static func pendingFlag(_ paths: MeshPaths) -> String { paths.locks + "/sync.pending" }

    /// Runs syncs until no change is pending; `sync` is one round. Returns the number of rounds
    /// this process ran (0 when another runner took the work).
    @discardableResult
    public static func runCoalesced(paths: MeshPaths, debounceMilliseconds: Int,
                                    sync: () -> Void) throws(SystemError) -> Int {
        try RegistryStore(paths: paths).prepareFolders()
        let flag = pendingFlag(paths)
        var rounds = 0
        while true {
            guard let lock = try acquireOrFlag(paths: paths, flag: flag) else { return rounds }
            MonotonicClock.sleep(milliseconds: debounceMilliseconds)
            FileSystem.remove(flag)
            sync()
            rounds += 1
            lock.unlock()
            // Re-check after releasing: a runner that failed tryLock before our release has
            // set the flag; one that comes after our release takes the lock itself.
            if !FileSystem.exists(flag) { return rounds }
        }
    }

    /// The runner lock, or nil after leaving the pending flag for the runner that holds it.
    static func acquireOrFlag(paths: MeshPaths, flag: String) throws(SystemError) -> FileLock? {
        let path = paths.lock("sync-runner")
        if let lock = try FileLock.tryLock(path: path) { return lock }
        try FileSystem.writeAtomically(flag, [], mode: 0o600)
        return try FileLock.tryLock(path: path)
    }
}
