@preconcurrency import Glibc

/// Who may type into a pane: the window option `@agent-allow` (session-level and global
/// values apply as tmux resolves user options) and `@agent-deny`.
///
/// Patterns, separated by spaces or commas: `hub-*` (a glob over the sender's name as its tag
/// shows it: an address, an AGENT_NAME, or a host alias), `@worker-1` (a glob over the
/// sender's host), `cron@*` (both). `@agent-deny` wins over `@agent-allow`; an unset or empty
/// `@agent-allow` lets everyone this host trusts over ssh send, as before.
///
/// What is verified: a local sender's host is this host, and its uid the pane owner's
/// (`DeliveryEngine.otherUsersServer`). A remote sender's host is its key's peer over a
/// restricted key (`RemoteReceiver`), else what its request claims; its name is always a
/// claim. The trust model in the README says what that means.
public struct SenderPolicy: Equatable, Sendable {
    public var allow: [String]
    public var deny: [String]

    public init(allow: String, deny: String) {
        self.allow = Self.patterns(allow)
        self.deny = Self.patterns(deny)
    }

    static func patterns(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
    }

    static func matches(_ pattern: String, sender: String, host: String) -> Bool {
        let parts = pattern.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { return fnmatch(pattern, sender, 0) == 0 }
        let namePart = parts[0], hostPart = parts[1]
        return (namePart.isEmpty || fnmatch(namePart, sender, 0) == 0) && fnmatch(hostPart, host, 0) == 0
    }

    /// Why `sender` on `host` may not type here, or nil when it may.
    public func refusal(sender: String, host: String) -> String? {
        if let p = deny.first(where: { Self.matches($0, sender: sender, host: host) }) {
            return "sender \(sender)@\(host) is refused by this window's @agent-deny (\(p))"
        }
        guard !allow.isEmpty else { return nil }
        if allow.contains(where: { Self.matches($0, sender: sender, host: host) }) { return nil }
        return "sender \(sender)@\(host) is not in this window's @agent-allow (\(allow.joined(separator: " ")))"
    }
}
