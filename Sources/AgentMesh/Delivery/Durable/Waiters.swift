@preconcurrency import Glibc

/// `notify-pane --ask`: a sender that waits on stdout for the reply to its question.
///
/// Policy: the asker leaves `~/.agents/waiting/<id>` (its pid) before it sends; a reply to
/// `<id>` (`--reply <id>`, tagged `re:<id>`) that reaches this host while that process lives
/// is handed to it — written to `~/.agents/replies/<id>` — instead of being typed into the
/// asker's pane. When the asker is gone (it timed out or was killed) the reply is saved in
/// the inbox (`~/.agent-inbox/<sender>/reply-<id>.txt`) and typed as usual, so it is not lost.
public struct Waiters {
    public var paths: MeshPaths

    public init(paths: MeshPaths) { self.paths = paths }

    var waiting: String { paths.agents + "/waiting" }
    var replies: String { paths.agents + "/replies" }

    public func begin(_ id: String) throws(SystemError) {
        try paths.ensureFolder(waiting, mode: 0o700)
        try FileSystem.writeAtomically("\(waiting)/\(id)", Array("\(getpid())\n".utf8), mode: 0o600, syncFile: false)
    }

    public func end(_ id: String) {
        FileSystem.remove("\(waiting)/\(id)")
        FileSystem.remove("\(replies)/\(id)")
    }

    /// True when a live process waits for the reply to `id`.
    public func isWaiting(_ id: String) -> Bool {
        guard MessageID.isValid(id), let text = try? FileSystem.readText("\(waiting)/\(id)"),
              let pid = Int32(text.split(separator: "\n").first ?? "") else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// True when someone waited for `id` but is gone.
    public func wasAbandoned(_ id: String) -> Bool {
        MessageID.isValid(id) && FileSystem.exists("\(waiting)/\(id)") && !isWaiting(id)
    }

    /// Hands a reply's text to the waiting asker.
    public func deliver(_ id: String, text: String) throws(SystemError) {
        try paths.ensureFolder(replies, mode: 0o700)
        try FileSystem.writeAtomically("\(replies)/\(id)", Array(text.utf8), mode: 0o600, syncFile: false)
    }

    /// The reply, once it came.
    public func reply(_ id: String) -> String? { try? FileSystem.readText("\(replies)/\(id)") }
}
