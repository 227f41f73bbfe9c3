/// Gives every window of a host a distinct, stable address.
///
/// Base address: `<host>-<session>-<window>` (each part a `Slug`). Policy when two windows
/// share a base address (same slug, or sessions whose names slug alike):
/// 1. A window that already holds an address in the current slice keeps it (stability: a
///    new window never steals a name someone is using).
/// 2. Otherwise the lowest (session name, window index) gets the plain base address.
/// 3. Every other one gets `<base>-w<index>` (its window index), extended with further
///    `-w<index>` until free — so no two tables ever share an address.
public enum AddressAssigner {
    public struct Window: Sendable {
        public let session: String
        public let index: Int
        public let name: String
        /// tmux's window id (`@7`); identifies "the same window" across renames and runs.
        public let windowID: String

        public init(session: String, index: Int, name: String, windowID: String) {
            self.session = session
            self.index = index
            self.name = name
            self.windowID = windowID
        }
    }

    public static func base(host: String, session: String, windowName: String, index: Int) -> String {
        "\(Slug.host(host))-\(Slug.session(session))-\(Slug.window(name: windowName, index: index))"
    }

    /// Addresses for `windows`, in the same order. `reserved` addresses are never handed out
    /// (entries of another tmux server on the same host). `previous` maps window ids to the address
    /// each held before (from the current slice), so unchanged windows keep theirs.
    public static func assign(host: String, windows: [Window], previous: [String: String] = [:],
                              reserved: Set<String> = []) -> [String] {
        var result = [String?](repeating: nil, count: windows.count)
        var taken = reserved
        let bases = windows.map { base(host: host, session: $0.session, windowName: $0.name, index: $0.index) }
        // 1. Keep a previous address when it still matches the window's base name.
        for (i, w) in windows.enumerated() {
            if let old = previous[w.windowID], !taken.contains(old),
               old == bases[i] || old.hasPrefix(bases[i] + "-w") {
                result[i] = old
                taken.insert(old)
            }
        }
        // 2. Plain bases in (session, index) order.
        let order = windows.indices.sorted {
            (windows[$0].session, windows[$0].index) < (windows[$1].session, windows[$1].index)
        }
        for i in order where result[i] == nil && !taken.contains(bases[i]) {
            result[i] = bases[i]
            taken.insert(bases[i])
        }
        // 3. Suffixed.
        for i in order where result[i] == nil {
            var candidate = bases[i]
            repeat { candidate += "-w\(windows[i].index)" } while taken.contains(candidate)
            result[i] = candidate
            taken.insert(candidate)
        }
        return result.map { $0! }
    }
}
