/// Everything the engine needs to type one line into one pane. It holds no registry or
/// sender logic, so the far side of a remote delivery can build one and run the same path.
public struct DeliveryRequest: Sendable, Equatable {
    /// The tmux server socket (`tmux -S`); nil = `$TMUX_SOCKET` or tmux's default.
    public var socket: String?
    /// The exact pane (`%7`); nil for bash-tool entries, which fall back to `=session:index`.
    public var paneID: String?
    /// The window the pane must still belong to (`@3`), when known.
    public var windowID: String?
    public var session: String
    public var windowIndex: Int?
    /// The composed, sanitised line (tag + body or pointer). Never holds a line break.
    public var text: String
    /// The sender's choices (force, skip-dismiss, enter delay), as they left its command line.
    public var options: SendOptions
    /// The message's id (`MessageID`); with one, the receiving `Journal` types it at most once.
    public var messageID: String?
    /// Who sent it (the tag's `from`), kept in the journal for `--reply`.
    public var sender: String?
    /// The address it is typed for, kept in the journal (the loop guard counts pairs).
    public var recipient: String?
    /// The sender's host: this host for a local send, the request's claim for a remote one.
    /// With `sender`, what the pane's `@agent-allow` / `@agent-deny` are matched against.
    public var senderHost: String?

    public init(socket: String?, paneID: String?, windowID: String?, session: String, windowIndex: Int?,
                text: String, options: SendOptions = SendOptions(), messageID: String? = nil) {
        self.socket = socket; self.paneID = paneID; self.windowID = windowID; self.session = session
        self.windowIndex = windowIndex; self.text = text; self.options = options; self.messageID = messageID
    }

    /// The same request for a registry entry.
    public init(entry: AgentEntry, text: String, options: SendOptions, messageID: String? = nil) {
        self.init(socket: entry.socket, paneID: entry.paneID, windowID: entry.windowID, session: entry.session,
                  windowIndex: entry.windowIndex, text: text, options: options, messageID: messageID)
    }
}

/// How one send may behave: chosen once by the sender and carried unchanged to the engine
/// that types it, on this host or on the recipient's (`RemoteRequest` carries it over ssh).
///
/// Policy: a new option is added here and as a `RemoteRequest` key (older receivers ignore
/// keys they do not know), so every route honours it without new parameters on the way.
public struct SendOptions: Equatable, Sendable {
    /// `FORCE_SEND=1`: type even over a draft.
    public var force: Bool
    /// `SKIP_DISMISS=1`: do not Escape out of a Claude Code dialog.
    public var skipDismiss: Bool
    /// Explicit enter delay (environment or registry); nil = by the program in the pane.
    public var enterDelayMilliseconds: Int?

    public init(force: Bool = false, skipDismiss: Bool = false, enterDelayMilliseconds: Int? = nil) {
        self.force = force; self.skipDismiss = skipDismiss; self.enterDelayMilliseconds = enterDelayMilliseconds
    }
}
