/// A tmux server's version as `#{version}` prints it (`3.2a`, `3.7c`, `next-3.8`, `master`),
/// reduced to what decides flags: major and minor.
///
/// Policy: a version that cannot be read (`master`, an empty answer from a very old server)
/// compares as the newest, because flags are only added for new versions when the old ones
/// reject them (`paste-buffer -S` is an error before 3.7).
public struct TmuxVersion: Comparable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) { self.major = major; self.minor = minor }

    public init(_ text: String) {
        var digits = Substring(text)
        if let dash = digits.lastIndex(of: "-") { digits = digits[digits.index(after: dash)...] }
        let parts = digits.split(separator: ".", maxSplits: 1)
        let major = parts.first.flatMap { Int($0) }
        let minor = parts.count > 1 ? Int(parts[1].prefix(while: \.isNumber)) : 0
        if let major, let minor { self.init(major: major, minor: minor) } else { self.init(major: 99, minor: 0) }
    }

    public static func < (a: TmuxVersion, b: TmuxVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

    public var description: String { "\(major).\(minor)" }

    /// 3.7 runs pasted text through vis(3) unless `paste-buffer -S` is given; older ones reject `-S`.
    public var pasteNeedsRawFlag: Bool { self >= TmuxVersion(major: 3, minor: 7) }
}
