/// One send as the command line asked for it, before it is turned into a typed line.
public struct OutgoingMessage: Sendable {
    public var entry: AgentEntry
    public var sender: String
    /// The message bytes as given (words joined by spaces, or stdin); may be empty with a file.
    public var body: [UInt8]
    public var filePath: String?
    public var enterDelayMilliseconds: Int?
    public var force: Bool
    public var skipDismiss: Bool
}

/// Delivery to an agent on this host: inbox writes here, then the engine.
public enum LocalDelivery {
    /// Drops the file / long body into this host's inbox, composes the line, runs the engine.
    /// Returns the outcome and the line typed after the tag (for the success message).
    public static func deliver(_ m: OutgoingMessage, paths: MeshPaths,
                               time: Int = WallClock.now()) -> (DeliveryOutcome, String) {
        let inbox = Inbox(paths: paths)
        var line: String
        do {
            line = try compose(m, inbox: inbox, time: time)
        } catch {
            return (DeliveryOutcome(.tmuxFailure, "cannot write to the inbox: \(error)"), "")
        }
        line = TextSanitizer.oneLine(line)
        let text = MessageComposer.tag(sender: m.sender, time: time) + line
        let request = DeliveryRequest(entry: m.entry, text: text, enterDelayMilliseconds: m.enterDelayMilliseconds,
                                      force: m.force, skipDismiss: m.skipDismiss)
        return (DeliveryEngine(paths: paths).deliver(request), line)
    }

    /// The line after the tag: the body, or the inbox pointer, or the file note.
    public static func compose(_ m: OutgoingMessage, inbox: Inbox, time: Int) throws(SystemError) -> String {
        var message: String?
        if !m.body.isEmpty || m.filePath == nil {
            switch MessagePlan.plan(m.body) {
            case .typed(let text):
                message = text
            case .inboxed(let bytes):
                let saved = try inbox.saveMessage(sender: m.sender, bytes: bytes, time: time)
                message = MessagePlan.pointer(displayPath: saved.displayPath, bytes: bytes)
            }
        }
        guard let path = m.filePath else { return message ?? "" }
        let drop = try inbox.drop(sender: m.sender, copying: path)
        return MessagePlan.fileNote(displayPath: drop.displayPath, size: drop.size, message: message)
    }
}

/// Delivery to an agent on another host.
///
/// MULTI-HOST: the one place the remote transport plugs in: `RemoteSender` runs notify-pane's
/// receive side (`--deliver-stdin`, `RemoteReceiver`) over one ssh on `entry.host`, shipping
/// the body and file there, so the far host's inbox and `DeliveryEngine` do exactly what
/// `LocalDelivery` does here; a bash-tool host gets a tmux-only paste instead.
public enum RemoteDelivery {
    public static func deliver(_ m: OutgoingMessage, paths: MeshPaths) -> (DeliveryOutcome, String) {
        RemoteSender.deliver(m, paths: paths)
    }
}
