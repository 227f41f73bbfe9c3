@preconcurrency import Glibc

/// Where agent-mesh keeps its files, all under the user's home (`$HOME`), exactly where the
/// bash tool kept them so a host can switch tools in place.
public struct MeshPaths: Sendable, Equatable {
    public let home: String

    public init(home: String = Environment.home()) { self.home = home }

    /// `~/.agents`
    public var agents: String { "\(home)/.agents" }
    /// First line = this host's alias (you edit).
    public var selfConf: String { "\(agents)/self.conf" }
    /// One ssh alias per line, `#` comments, this host included (you edit).
    public var peersConf: String { "\(agents)/peers.conf" }
    /// Optional settings (timeouts, delays, stale age); see README.
    public var configToml: String { "\(agents)/config.toml" }
    /// This host's slice: one `[agents.<address>]` per tmux window (written by the hook).
    public var localToml: String { "\(agents)/local.toml" }
    /// The assembled view of every host's slice (read by notify-pane).
    public var registryToml: String { "\(agents)/registry.toml" }
    /// Last good copy of each peer's slice: `peers/<alias>.toml`.
    public var peerCache: String { "\(agents)/peers" }
    /// Lock files (flock): registry writes, per-pane delivery, sync.
    public var locks: String { "\(agents)/locks" }
    /// Private audit log folder (0700; files 0600).
    public var log: String { "\(agents)/log" }
    /// Sender side: one record per message sent from this host (`<id>.toml`, `<id>.body`).
    public var outbox: String { "\(agents)/outbox" }
    /// Receiver side: one file per message id typed into a pane of this host.
    public var journal: String { "\(agents)/journal" }
    /// ssh ControlMaster sockets.
    public var sshControl: String { "\(agents)/ssh" }
    /// Files and long messages dropped to this host: `~/.agent-inbox/<sender>/<name>`.
    public var inbox: String { "\(home)/.agent-inbox" }

    /// `mkdir -p` for a folder under the home, with `mode` for what it creates — but never the
    /// home itself: a hook still running after its home was removed (a deleted account, a
    /// test's scratch home) fails with ENOENT instead of resurrecting it.
    public func ensureFolder(_ path: String, mode: mode_t) throws(SystemError) {
        guard FileSystem.isDirectory(home) else { throw SystemError("mkdir", path: path, errno: ENOENT) }
        try FileSystem.makeDirectories(path, mode: mode)
    }

    public func peerSlice(_ alias: String) -> String { "\(peerCache)/\(alias).toml" }
    public func lock(_ name: String) -> String { "\(locks)/\(name).lock" }
}
