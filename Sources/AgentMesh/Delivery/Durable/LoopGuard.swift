/// Stops two agents from messaging each other forever (polite agents thanking each other
/// burn tokens until someone notices).
///
/// Policy: before a send, the messages between the sender and the recipient in the last
/// `windowSeconds` (default 600) are counted, both ways, when there are some each way (a
/// conversation; one-way status messages are never stopped): this host's outbox (sent from here
/// by the sender to the recipient) and its journal (typed here for the sender, from the
/// recipient). At `maxRate` (default 8) or more, the send is refused with exit 7 and a reason
/// an agent can act on. Settings: `~/.agents/config.toml`
/// ```
/// [conversation]
/// max_rate = 8          # messages either way per window; 0 turns the guard off
/// rate_window = 600     # seconds
/// ```
/// Scope: what this host has seen. A pair whose two ends are on different hosts is counted
/// from the sender's outbox and the messages typed into the sender's pane here — both
/// directions, since the sender's pane is on this host.
public struct LoopGuard {
    public var paths: MeshPaths
    public var maxRate = 8
    public var windowSeconds = 600
    /// Replies deep a conversation may go (`max_hops`, default 6; 0 turns it off).
    public var maxHops = 6
    public var warning: String?

    public init(paths: MeshPaths) {
        self.paths = paths
        guard let text = try? FileSystem.readText(paths.configToml) else { return }
        do {
            let root = try TOML.parse(text)
            if let c = root["conversation"]?.table {
                if let n = c["max_rate"]?.integer, n >= 0 { maxRate = Int(n) }
                if let w = c["rate_window"]?.integer, w > 0 { windowSeconds = Int(w) }
                if let h = c["max_hops"]?.integer, h >= 0 { maxHops = Int(h) }
            }
        } catch {
            warning = "\(paths.configToml):\(error.line):\(error.column): \(error.reason) (loop guard uses its defaults)"
        }
    }

    /// Message ids from `a` to `b` and from `b` to `a` in the window (a message sent and typed
    /// on this host is in both records once: ids are a set).
    public func messages(between a: String, and b: String) -> (forth: Set<String>, back: Set<String>) {
        let since = (WallClock.now() - windowSeconds) * 1_000
        let outbox = Outbox(paths: paths), journal = Journal(paths: paths)
        var forth = Set<String>(), back = Set<String>()
        for id in outbox.ids(since: since) {
            guard let r = outbox.read(id), r.state != "failed", r.state != "cancelled", r.state != "expired" else { continue }
            if r.sender == a && r.to == b { forth.insert(id) } else if r.sender == b && r.to == a { back.insert(id) }
        }
        for id in journal.ids(since: since) {
            let from = journal.sender(of: id), to = journal.recipient(of: id)
            if from == a && to == b { forth.insert(id) } else if from == b && to == a { back.insert(id) }
        }
        return (forth, back)
    }

    /// The refusal of a reply `hop` deep, or nil.
    public func hopRefusal(_ hop: Int) -> String? {
        guard maxHops > 0, hop > maxHops else { return nil }
        return "loop guard: this reply would be \(hop) replies deep (limit \(maxHops)); not sent. "
            + "The conversation has gone on long enough: stop replying, or raise [conversation] max_hops"
    }

    /// The refusal's reason, or nil when the send may go. Only a conversation counts —
    /// messages both ways: a script sending status lines one way is no loop.
    public func refusal(sender: String, recipient: String) -> String? {
        guard maxRate > 0 else { return nil }
        let (forth, back) = messages(between: sender, and: recipient)
        let n = forth.count + back.count
        guard n >= maxRate, !forth.isEmpty, !back.isEmpty else { return nil }
        return "loop guard: \(n) messages between \(sender) and \(recipient) in the last \(windowSeconds / 60) minutes "
            + "(limit \(maxRate)); not sent. If no answer is needed, stop replying; to raise the limit: "
            + "[conversation] max_rate in ~/.agents/config.toml"
    }
}
