/// Message ids: short, unique across hosts, sortable by time, safe in a file name and a tag.
///
/// Format: 16 characters of Crockford base32, lower case (`0-9a-z` without `i l o u`):
/// 9 for the creation time in milliseconds since the epoch (enough until the year 3084), then
/// 7 random (35 bits from the system's generator). Two ids compare as their creation times;
/// two messages created in the same millisecond on any hosts collide with odds of 1 in 34
/// billion. Example: `1m8sc2k9x3q7a4bd`.
public enum MessageID {
    static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    public static let length = 16

    public static func make(milliseconds: Int = WallClock.milliseconds()) -> String {
        var g = SystemRandomNumberGenerator()
        var out = [UInt8](repeating: 0, count: length)
        var t = max(0, milliseconds)
        for k in stride(from: 8, through: 0, by: -1) { out[k] = alphabet[t & 31]; t >>= 5 }
        var r = g.next()
        for k in 9..<length { out[k] = alphabet[Int(r & 31)]; r >>= 5 }
        return String(decoding: out, as: UTF8.self)
    }

    public static func isValid<S: StringProtocol>(_ id: S) -> Bool {
        id.utf8.count == length && id.utf8.allSatisfy { alphabet.contains($0) }
    }

    /// The creation time (ms since the epoch) an id carries, nil when it is not an id.
    public static func milliseconds(of id: String) -> Int? {
        guard isValid(id) else { return nil }
        var t = 0
        for c in id.utf8.prefix(9) { t = t << 5 | alphabet.firstIndex(of: c)! }
        return t
    }
}
