/// Suggests the registered addresses closest to a mistyped one.
///
/// Policy: a candidate qualifies when its edit distance (Levenshtein, by Unicode scalar) is
/// at most max(2, a third of the longer name), or when one name starts with or contains the
/// other. Up to three are returned, closest first (ties alphabetical).
public enum AddressSuggester {
    public static func suggest(_ query: String, among candidates: [String], limit: Int = 3) -> [String] {
        let q = query.lowercased()
        var scored: [(Int, String)] = []
        for c in Set(candidates) {
            let lc = c.lowercased()
            let d = distance(q, lc)
            let related = !q.isEmpty && (lc.hasPrefix(q) || q.hasPrefix(lc) || lc.contains(q))
            if d <= max(2, max(q.count, lc.count) / 3) || related {
                scored.append((related ? min(d, 3) : d, c))
            }
        }
        return scored.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.prefix(limit).map(\.1)
    }

    /// Levenshtein distance.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
