/// One pane as `list-panes -a` reports it, with the window and session it belongs to.
public struct PaneRecord: Sendable, Equatable {
    public var sessionName: String
    public var windowIndex: Int
    public var windowName: String
    public var windowID: String
    public var paneID: String
    public var isActivePane: Bool
    public var currentCommand: String
    public var currentPath: String
    /// `@agent-role` / `@agent-scope` / `@agent-enter-delay` as tmux resolves them: a
    /// window-level value wins over the session's, which wins over the global one.
    public var role: String
    public var scope: String
    public var enterDelay: String
    public var socketPath: String
    /// `#{pane_index}` within its window (pane addresses end in `-p<index>`).
    public var paneIndex: Int = 0
}

/// The one query registration needs: every pane of the server in a single client call.
///
/// Names can hold any byte tmux accepts — newlines, `|`, `\x1f` — and tmux prints them raw
/// (or vis(3)-escaped on 3.4/3.5a), so no fixed separator is safe. Each call uses a random,
/// printable nonce as record and field marker, which a window name cannot predict; text
/// fields go through `TmuxFormat.text`/`decode`, so they read the same on every version.
public struct PaneListing {
    /// The fields in order, and whether each is free text (see `TmuxFormat`).
    static let fields: [(name: String, isText: Bool)] = [
        ("session_name", true), ("window_index", false), ("window_name", true), ("window_id", false),
        ("pane_id", false), ("pane_active", false), ("pane_current_command", true),
        ("pane_current_path", true), ("@agent-role", true), ("@agent-scope", true),
        ("@agent-enter-delay", true), ("socket_path", true), ("pane_index", false),
    ]

    public let nonce: String

    public init(nonce: String = TmuxFormat.randomMarker()) { self.nonce = nonce }

    var recordMarker: String { "\(nonce)R" }
    var fieldMarker: String { "\(nonce)F" }

    public var format: String {
        recordMarker + Self.fields.map { $0.isText ? TmuxFormat.text($0.name) : TmuxFormat.plain($0.name) }
            .joined(separator: fieldMarker)
    }

    /// `tmux list-panes -a -F <format>`.
    public func command(_ tmux: Tmux) -> Command {
        tmux.command(["list-panes", "-a", "-F", format])
    }

    /// Parses the output of `command`; malformed records are dropped.
    public func parse(_ output: String) -> [PaneRecord] {
        var records: [PaneRecord] = []
        for chunk in output.split(separator: recordMarker, omittingEmptySubsequences: true) {
            var body = Substring(chunk)
            if body.hasSuffix("\n") { body = body.dropLast() }
            let f = body.split(separator: fieldMarker, omittingEmptySubsequences: false).map { TmuxFormat.decode($0) }
            guard f.count == Self.fields.count, let index = Int(f[1]) else { continue }
            records.append(PaneRecord(sessionName: f[0], windowIndex: index, windowName: f[2], windowID: f[3],
                                      paneID: f[4], isActivePane: f[5] == "1", currentCommand: f[6],
                                      currentPath: f[7], role: f[8], scope: f[9], enterDelay: f[10],
                                      socketPath: f[11], paneIndex: Int(f[12]) ?? 0))
        }
        return records
    }
}
