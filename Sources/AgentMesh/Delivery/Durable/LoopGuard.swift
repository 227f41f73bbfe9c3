/// Stops two agents from messaging each other forever (polite agents thanking each other
/// burn tokens until someone notices).
///
/// Policy: before a send, the messages between the sender and the recipient in the last
/// `windowSeconds` (default 600) are counted, both ways, when there are some each way (a
/// conversation; one-way status messages are never stopped), from this host's audit log:
/// the sends made here and the remote deliveries typed here. At `maxRate` (default 8) or more, the send is refused with exit 7 and a reason
/// an agent can act on. Settings: `~/.agents/config.toml`
/// ```
/// [conversation]
/// max_rate = 8          # messages either way per window; 0 turns the guard off
/// rate_window = 600     # seconds
/// max_hops = 6          # hops deep a message may go; 0 turns it off
/// hop_window = 300      # seconds after receiving a message that a new one is "handling it"
/// ```
/// Where it is checked: by the host that types the message, under the pane lock, with the
/// recipient window's `@agent-max-rate` in place of `max_rate` when set (`DeliveryEngine`);
/// a send to another host is also checked on the sending host against its own `max_rate`
/// (and is all a bash-tool host gets). Each host counts what it has seen; the two ends of a
/// pair on different hosts both log both directions (sends made there and messages typed
/// there), so either host sees the whole conversation.
public struct LoopGuard {
    public var paths: MeshPaths
    public var maxRate = 8
    public var windowSeconds = 600
    /// Replies deep a conversation may go (`max_hops`, default 6; 0 turns it off).
    public var maxHops = 6
    /// A message sent from a pane within this many seconds of one typed into it is taken as
    /// sent while handling it: one hop deeper (`hop_window`, default 300; 0: never).
    public var hopWindowSeconds = 300
    public var warning: String?
    /// Where `maxRate` came from, for the refusal's advice.
    public var rateSource = "[conversation] max_rate in ~/.agents/config.toml"

    public init(paths: MeshPaths) {
        self.paths = paths
        guard let text = try? FileSystem.readText(paths.configToml) else { return }
        do {
            let root = try TOML.parse(text)
            if let c = root["conversation"]?.table {
                if let n = c["max_rate"]?.integer, n >= 0 { maxRate = Int(n) }
                if let w = c["rate_window"]?.integer, w > 0 { windowSeconds = Int(w) }
                if let h = c["max_hops"]?.integer, h >= 0 { maxHops = Int(h) }
                if let w = c["hop_window"]?.integer, w >= 0 { hopWindowSeconds = Int(w) }
            }
        } catch {
            warning = "\(paths.configToml):\(error.line):\(error.column): \(error.reason) (loop guard uses its defaults)"
        }
    }

    /// Messages from `a` to `b` and from `b` to `a` in the window, counted in this host's
    /// audit log (`notify.log`: one line per send from here, and one per remote delivery typed
    /// here), from its last 512 KB — one read and a `memmem` scan per pattern, so the cost
    /// stays well under a millisecond however long the log has grown.
    /// `forth` is left 0 when `back` is (no conversation: the refusal needs both) unless
    /// `countsOneWay`.
    public func messages(between a: String, and b: String, countsOneWay: Bool = false) -> (forth: Int, back: Int) {
        let since = WallClock.now() - windowSeconds
        guard let bytes = tail(since: since) else { return (0, 0) }
        func count(from x: String, to y: String) -> Int {
            var n = 0
            for status in ["delivered", "queued"] {
                let pattern = Array((" from=" + AuditLog.field(x) + " to=" + AuditLog.field(y) + " status=" + status + " ").utf8)
                for hit in ByteSearch.offsets(of: pattern, in: bytes) {
                    // A line is `<20-byte time> from=… to=… status=… …`: the pattern must sit
                    // right after the time of its own line.
                    let start = ByteSearch.lineStart(before: hit, in: bytes)
                    guard hit - start == 20, let time = WallClock.parseISO8601(bytes: bytes[start..<hit]) else { continue }
                    if time >= since { n += 1 }
                }
            }
            return n
        }
        let back = a == b ? 0 : count(from: b, to: a)
        return (back == 0 && !countsOneWay ? 0 : count(from: a, to: b), back)
    }

    /// The audit log's last 64 KB, or more (up to 512 KB) while its first whole line is still
    /// inside the window: a send reads only the lines that can count.
    func tail(since: Int) -> [UInt8]? {
        var size = 64 * 1_024
        while true {
            guard let bytes = try? FileSystem.readTail(AuditLog.path(paths), maxBytes: size) else { return nil }
            guard bytes.count == size, size < 512 * 1_024 else { return bytes }
            // The first line may be cut; the one after it is whole.
            guard let nl = bytes.firstIndex(of: 10), bytes.count > nl + 21,
                  let first = WallClock.parseISO8601(bytes: bytes[(nl + 1)..<(nl + 21)]), first >= since else { return bytes }
            size = min(size * 4, 512 * 1_024)
        }
    }

    /// The same guard with a window's `@agent-max-rate` in place of `max_rate`, when the
    /// option holds a whole number (0 turns the guard off for that window); else unchanged.
    public func overridden(byWindowOption value: String) -> LoopGuard {
        guard let n = Int(value.trimmingSpaces()), n >= 0 else { return self }
        var g = self
        g.maxRate = n
        g.rateSource = "this window's @agent-max-rate (tmux set-option -w @agent-max-rate N)"
        return g
    }

    /// How deep a new message is: a reply is one hop deeper than the message it answers (as
    /// typed here); a message sent from an agent's pane within `hopWindowSeconds` of one typed
    /// into that pane is taken as sent while handling it, one hop deeper than that one; any
    /// other message starts at 0.
    public func hop(replyTo: String?, sender: String, fromAgentPane: Bool) -> Int {
        let journal = Journal(paths: paths)
        if let re = replyTo { return MessageComposer.hop(of: journal.entry(re)?.line ?? "") + 1 }
        guard fromAgentPane, hopWindowSeconds > 0,
              let handled = journal.latest(typedFor: sender, sinceMilliseconds: WallClock.milliseconds() - hopWindowSeconds * 1_000)
        else { return 0 }
        return MessageComposer.hop(of: handled.line) + 1
    }

    /// The refusal of a message `hop` deep, or nil.
    public func hopRefusal(_ hop: Int) -> String? {
        guard maxHops > 0, hop > maxHops else { return nil }
        return "loop guard: this message would be \(hop) hops deep (limit \(maxHops): each reply, or message sent "
            + "within \(hopWindowSeconds / 60) min of receiving one, adds a hop); not sent. "
            + "The conversation has gone on long enough: stop replying, or raise [conversation] max_hops"
    }

    /// The refusal's reason, or nil when the send may go. Only a conversation counts —
    /// messages both ways: a script sending status lines one way is no loop.
    public func refusal(sender: String, recipient: String) -> String? {
        guard maxRate > 0 else { return nil }
        let (forth, back) = messages(between: sender, and: recipient)
        let n = forth + back
        guard n >= maxRate, forth > 0, back > 0 else { return nil }
        return "loop guard: \(n) messages between \(sender) and \(recipient) in the last \(windowSeconds / 60) minutes "
            + "(limit \(maxRate)); not sent. If no answer is needed, stop replying; to raise the limit: "
            + rateSource
    }
}
