/// One send, planned: who (the recipient's registry entry, the sender, the tag's time), what
/// (the body and/or a file, rendered through `Notice`) and how (`SendOptions`). Every route
/// of `SendPipeline` works from this one value.
public struct OutgoingMessage: Sendable {
    public var entry: AgentEntry
    public var sender: String
    /// The message bytes as given (words joined by spaces, or stdin); may be empty with a file.
    public var body: [UInt8]
    public var filePath: String?
    public var options: SendOptions
    /// Epoch seconds of the sender's tag (`[from … @ <time>]`) and of saved message names.
    public var time: Int
    /// The message's id, made when the message is planned (`MessageID`), in its tag and records.
    public var id: String
    /// The id this message answers (`--reply`), typed as `[re:<id>]`.
    public var replyTo: String?
    /// Replies deep (a reply's hop is its question's + 1), typed as `[hop:N]` when above 0.
    public var hop = 0

    public init(entry: AgentEntry, sender: String, body: [UInt8], filePath: String? = nil,
                options: SendOptions = SendOptions(), time: Int = WallClock.now(), id: String = MessageID.make()) {
        self.entry = entry; self.sender = sender; self.body = body; self.filePath = filePath
        self.options = options; self.time = time; self.id = id
    }

    /// What the recipient will read after the tag (paths still to fill in).
    public var notice: Notice { Notice(body: body, hasFile: filePath != nil) }
}

/// Delivery into a pane of this host — the local route, and the far end of the agent-mesh
/// route (`RemoteReceiver` runs it on the recipient's host).
///
/// Policy: the body (when inboxed) and the file are saved to this host's inbox first
/// (`Inbox`: atomic, never overwriting), the notice is rendered with their paths and
/// sanitised to one line, the tag is put before it, and `DeliveryEngine` types it.
public enum LocalDelivery {
    /// Where a `--file` comes from: a path here, or the bytes that follow a remote request.
    public enum FileSource {
        case path(String)
        case stream(RemoteRequest.FileHeader, read: (Int) -> [UInt8])
    }

    /// Why the inbox could not take a send.
    public enum InboxProblem: Error {
        case cannotWrite(SystemError)
        /// A streamed file ended early or its SHA-256 differed; nothing was published.
        case damagedFile(name: String)
    }

    /// The local route: saves, renders, types. An inbox failure is a `.tmuxFailure` outcome.
    public static func deliver(_ m: OutgoingMessage, paths: MeshPaths, senderHost: String? = nil,
                               context: MeshContext = .live) -> SendResult {
        let line: String
        do {
            line = try typedLine(m.notice, sender: m.sender, time: m.time, file: m.filePath.map { .path($0) },
                                 inbox: Inbox(paths: paths))
        } catch {
            switch error {
            case .cannotWrite(let e): return SendResult(DeliveryOutcome(.tmuxFailure, "cannot write to the inbox: \(e)"))
            case .damagedFile(let name):
                return SendResult(DeliveryOutcome(.tmuxFailure, "file \(TextSanitizer.oneLine(name)) arrived damaged"))
            }
        }
        return type(line, to: m.entry, sender: m.sender, time: m.time, options: m.options, paths: paths, id: m.id,
                    replyTo: m.replyTo, hop: m.hop, senderHost: senderHost ?? m.entry.host, context: context)
    }

    /// Saves the inboxed body and the file in this host's inbox; returns the sanitised line
    /// after the tag.
    public static func typedLine(_ notice: Notice, sender: String, time: Int, file: FileSource?,
                                 inbox: Inbox) throws(InboxProblem) -> String {
        var messageSavedAt: String?
        if let bytes = notice.bodyToSave {
            messageSavedAt = try saving { () throws(SystemError) in
                try inbox.saveMessage(sender: sender, bytes: bytes, time: time).displayPath
            }
        }
        var saved: Notice.SavedFile?
        switch file {
        case .path(let path)?:
            let drop = try saving { () throws(SystemError) in try inbox.drop(sender: sender, copying: path) }
            saved = Notice.SavedFile(displayPath: drop.displayPath, size: drop.size)
        case .stream(let header, let read)?:
            let received = try saving { () throws(SystemError) in try inbox.receive(header, sender: sender, read: read) }
            guard let drop = received else { throw .damagedFile(name: header.name) }
            saved = Notice.SavedFile(displayPath: drop.displayPath, size: drop.size)
        case nil:
            break
        }
        return TextSanitizer.oneLine(notice.text(messageSavedAt: messageSavedAt, file: saved))
    }

    static func saving<T>(_ write: () throws(SystemError) -> T) throws(InboxProblem) -> T {
        do { return try write() } catch { throw .cannotWrite(error) }
    }

    /// Tag + `line` through the engine.
    public static func type(_ line: String, to entry: AgentEntry, sender: String, time: Int, options: SendOptions,
                            paths: MeshPaths, id: String? = nil, replyTo: String? = nil, hop: Int = 0,
                            senderHost: String? = nil, context: MeshContext = .live) -> SendResult {
        // A reply someone waits for on stdout (`--ask`) is handed to it, not typed.
        let waiters = Waiters(paths: paths)
        if let re = replyTo, waiters.isWaiting(re) {
            do { try waiters.deliver(re, text: line) } catch {
                return SendResult(DeliveryOutcome(.tmuxFailure, "cannot hand the reply to the waiting asker: \(error)"))
            }
            return SendResult(DeliveryOutcome(.delivered, "handed to the asker waiting for it"), typedLine: line)
        }
        if let re = replyTo, waiters.wasAbandoned(re) {
            // The asker gave up: keep the answer in the inbox as well as typing it.
            _ = try? Inbox(paths: paths).saveReply(sender: sender, id: re, text: line)
        }
        let text = MessageComposer.tag(sender: sender, time: time, id: id, replyTo: replyTo, hop: hop) + line
        var request = DeliveryRequest(entry: entry, text: text, options: options, messageID: id)
        request.sender = sender
        request.recipient = entry.address
        request.senderHost = senderHost
        return SendResult(DeliveryEngine(paths: paths, context: context).deliver(request), typedLine: line)
    }
}
