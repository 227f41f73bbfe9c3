/// The per-pane delivery lock: `~/.agents/locks/pane-<socket-hash>-<pane number>.lock`.
///
/// Policy: one sender at a time per pane, across processes (`flock(2)`, released by the
/// kernel if the holder dies), held from the first probe to the last verification, so 20
/// concurrent senders make 20 separate submissions. The socket path is hashed (FNV-1a, 64
/// bits, hex) because pane ids repeat across tmux servers. Waiting is bounded: past the
/// deadline the send fails (exit 4) instead of queueing forever behind a stuck delivery.
public enum PaneLock {
    public static let defaultTimeoutMilliseconds = 30_000

    public static func path(paths: MeshPaths, socket: String, paneID: String) -> String {
        let pane = paneID.hasPrefix("%") ? String(paneID.dropFirst()) : paneID
        return paths.lock("pane-\(hash(socket))-\(InboxName.sanitize(pane, fallback: "pane"))")
    }

    public static func acquire(paths: MeshPaths, socket: String, paneID: String,
                               timeoutMilliseconds: Int = defaultTimeoutMilliseconds) throws(SystemError) -> FileLock {
        try paths.ensureFolder(paths.agents, mode: 0o755)
        try paths.ensureFolder(paths.locks, mode: 0o700)
        return try FileLock(path: path(paths: paths, socket: socket, paneID: paneID), timeoutMilliseconds: timeoutMilliseconds)
    }

    /// FNV-1a 64 of the UTF-8 bytes, 16 hex digits.
    public static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
