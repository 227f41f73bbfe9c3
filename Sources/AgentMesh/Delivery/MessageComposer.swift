/// Builds the one line notify-pane types: the sender tag, then the body.
///
/// Policy:
/// - Tag: `[from <sender> @ <YYYY-MM-DDTHH:MM:SSZ>] ` (the bash tool's format, UTC, one space
///   after), so a receiver can tell a peer's message from its human and reply to `<sender>`,
///   then the message id as `[id:<id>] ` (`MessageID`): a regex for the bash tool's tag still
///   matches the line's start, and the receiver can name the message it answers. (No `#`:
///   the python REPL would take the rest of the line for a comment inside an open bracket.)
/// - The sender is sanitised like the body (an `AGENT_NAME` cannot smuggle control bytes).
/// - The whole line is one line: `TextSanitizer.oneLine`. A body that would not fit a prompt
///   line comfortably is never typed; see `MessagePlan`.
public enum MessageComposer {
    /// `[from <sender> @ <time>] [id:<id>] ` (the id part only when there is a valid id).
    public static func tag(sender: String, time: Int = WallClock.now(), id: String? = nil, replyTo: String? = nil,
                           hop: Int = 0) -> String {
        let idPart = id.map { MessageID.isValid($0) ? "[id:\($0)] " : "" } ?? ""
        let rePart = replyTo.map { MessageID.isValid($0) ? "[re:\($0)] " : "" } ?? ""
        let hopPart = hop > 0 ? "[hop:\(hop)] " : ""
        return "[from \(TextSanitizer.oneLine(sender)) @ \(WallClock.iso8601(time))] " + idPart + rePart + hopPart
    }

    /// The hop count a typed line carries (`[hop:N]`; none is 0).
    public static func hop(of line: String) -> Int {
        guard let r = line.firstRange(of: "[hop:") else { return 0 }
        return Int(line[r.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    /// Tag + sanitised body.
    public static func line(sender: String, body: String, time: Int = WallClock.now()) -> String {
        tag(sender: sender, time: time) + TextSanitizer.oneLine(body)
    }
}

/// How a text body travels: typed as is, or saved to the recipient's inbox with a pointer typed.
///
/// The long/multi-line rule: a body is saved to `~/.agent-inbox/<sender>/msg-<time>-<n>.txt`
/// (byte-exact, as received) and replaced by a one-line pointer when
/// - it holds a line break (LF, CR, NEL, U+2028/2029): no program family agrees on what a
///   pasted newline means (bash runs each line, the python REPL splits, Textual drops the
///   rest), so a newline is never typed; or
/// - it is longer than `maximumTypedLength` (500 Unicode scalars after sanitising). 500
///   characters is about six lines of an 80-column prompt: past that, composers start folding
///   pastes into placeholders (`[Pasted text #1]`), verification can no longer see the text,
///   and a human reading the pane is better served by a file.
public enum MessagePlan: Equatable, Sendable {
    /// Type this (sanitised) body.
    case typed(String)
    /// Save these exact bytes to the inbox; type the pointer `MessagePlan.pointer` builds.
    case inboxed([UInt8])

    public static let maximumTypedLength = 500

    public static func plan(_ body: [UInt8]) -> MessagePlan {
        let text = String(decoding: body, as: UTF8.self)
        if TextSanitizer.hasLineBreak(text) { return .inboxed(body) }
        let typed = TextSanitizer.oneLine(text)
        if typed.unicodeScalars.count > maximumTypedLength { return .inboxed(body) }
        return .typed(typed)
    }

    /// The line typed in place of an inboxed body:
    /// `long message saved at ~/.agent-inbox/<sender>/msg-….txt (N bytes, L lines)`.
    public static func pointer(displayPath: String, bytes: [UInt8]) -> String {
        var lines = bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        if let last = bytes.last, last != 10 { lines += 1 }
        return "long message saved at \(displayPath) (\(bytes.count) bytes, \(lines) line\(lines == 1 ? "" : "s"))"
    }

    /// The `--file` notification: `file dropped at <path> (N bytes)`, then `: <message>` when
    /// a message was given.
    public static func fileNote(displayPath: String, size: Int, message: String?) -> String {
        let note = "file dropped at \(displayPath) (\(size) bytes)"
        guard let message, !message.isEmpty else { return note }
        return note + ": " + message
    }
}

/// What the recipient reads after the tag — the one rendering shared by every route (this
/// host's pane, an agent-mesh host, a bash-tool host), so the lines agree byte for byte:
/// the typed body, or `MessagePlan.pointer` to the saved body, then `MessagePlan.fileNote`
/// when a file came along.
///
/// Policy: a body is planned (typed or inboxed) unless it is empty and a file is sent, in
/// which case the file note stands alone. The inbox paths are filled in by the route once it
/// has saved the bytes (`text(messageSavedAt:file:)`); the result is not yet sanitised, so a
/// route may render a placeholder path and split on it (the bash-tool script does).
public struct Notice: Equatable, Sendable {
    /// How the body travels; nil when a file is sent without a message.
    public var message: MessagePlan?

    public init(body: [UInt8], hasFile: Bool) {
        message = !body.isEmpty || !hasFile ? MessagePlan.plan(body) : nil
    }

    /// The body bytes the route must save to the inbox before it types, if any.
    public var bodyToSave: [UInt8]? {
        if case .inboxed(let bytes)? = message { return bytes }
        return nil
    }

    /// A file as the recipient is told of it: where it was saved, and its size.
    public struct SavedFile: Equatable, Sendable {
        public var displayPath: String
        public var size: Int
        public init(displayPath: String, size: Int) { self.displayPath = displayPath; self.size = size }
    }

    /// The line after the tag. `messageSavedAt` is the body's inbox path when it was saved;
    /// `file` the saved file, if one was sent.
    public func text(messageSavedAt: String?, file: SavedFile?) -> String {
        var said: String?
        switch message {
        case .typed(let text)?: said = text
        case .inboxed(let bytes)?: said = MessagePlan.pointer(displayPath: messageSavedAt ?? "", bytes: bytes)
        case nil: said = nil
        }
        guard let file else { return said ?? "" }
        return MessagePlan.fileNote(displayPath: file.displayPath, size: file.size, message: said)
    }
}
