/// Address slugs: the bash tool's rule, kept exactly so addresses match across a mixed mesh.
///
/// slug = lower-case; every run of characters outside `[a-z0-9]` becomes one `-`; leading and
/// trailing `-` trimmed; at most 40 characters (trimmed again after the cut).
public enum Slug {
    public static let maximumLength = 40

    public static func make(_ name: String) -> String {
        var out: [UInt8] = []
        var pendingDash = false
        for byte in name.lowercased().utf8 {
            let isAlnum = (97...122).contains(byte) || (48...57).contains(byte)
            if isAlnum {
                if pendingDash && !out.isEmpty { out.append(45) }
                pendingDash = false
                out.append(byte)
            } else {
                pendingDash = true
            }
        }
        if out.count > maximumLength { out = Array(out[0..<maximumLength]) }
        while out.last == 45 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// The window part of an address: the slug of its name, or `win<index>` when that is empty.
    public static func window(name: String, index: Int) -> String {
        let s = make(name)
        return s.isEmpty ? "win\(index)" : s
    }

    /// The session part: the slug of its name, or `s` when that is empty.
    public static func session(_ name: String) -> String {
        let s = make(name)
        return s.isEmpty ? "s" : s
    }

    /// The host part: the slug of the alias, or `host` when that is empty.
    public static func host(_ alias: String) -> String {
        let s = make(alias)
        return s.isEmpty ? "host" : s
    }

    /// True when `s` is a syntactically valid address (what slugs and `-` joins can produce).
    public static func isAddress(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }
}
