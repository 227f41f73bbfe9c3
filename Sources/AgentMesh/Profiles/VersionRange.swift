/// A range of agent versions, as the key of a profile's `[<kind>.versions."<range>"]` table.
///
/// Syntax: clauses separated by commas, all of which must hold: `<2.1.300`, `<=2.1`,
/// `>0.140`, `>=0.147.0`, `=2.1.332` (or `==`), or a bare version or prefix (`2.1`, `2.1.*`)
/// meaning "this release line". Versions compare by their numeric components; a missing
/// component counts as 0 (`2.1` = `2.1.0`), and only the leading digits of a component count
/// (`0.147.0-alpha.1` = `0.147.0`).
///
/// Policy: a range that does not parse matches nothing (its table is never applied), so a
/// typo in a profile cannot change how a known agent is read.
public struct VersionRange: Equatable, Sendable {
    enum Op: String { case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "=", prefix = "" }
    struct Clause: Equatable { var op: Op; var version: [Int] }
    var clauses: [Clause]

    /// Nil when `text` is not a range.
    public init?(_ text: String) {
        var clauses: [Clause] = []
        for raw in text.split(separator: ",") {
            var s = Substring(raw.trimmingSpaces())
            var op = Op.prefix
            for candidate in [Op.lessOrEqual, .greaterOrEqual, .less, .greater] where s.hasPrefix(candidate.rawValue) {
                op = candidate; s = s.dropFirst(candidate.rawValue.count); break
            }
            if op == .prefix, s.hasPrefix("=") { op = .equal; s = s.drop { $0 == "=" } }
            s = Substring(String(s).trimmingSpaces())
            if op == .prefix, s.hasSuffix(".*") { s = s.dropLast(2) }
            guard let v = Self.components(s) else { return nil }
            clauses.append(Clause(op: op, version: v))
        }
        if clauses.isEmpty { return nil }
        self.clauses = clauses
    }

    public func contains(_ version: String) -> Bool {
        guard let v = Self.components(Substring(version)) else { return false }
        return clauses.allSatisfy { c in
            let order = Self.compare(v, c.version)
            switch c.op {
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            case .equal: return order == 0
            case .prefix: return Array(v.prefix(c.version.count)) == c.version
                || (v.count < c.version.count && Self.compare(v, c.version) == 0)
            }
        }
    }

    /// `1.2.3` → [1, 2, 3]; each component's leading digits; nil when there are none.
    static func components(_ s: Substring) -> [Int]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty else { return nil }
        var out: [Int] = []
        for p in parts {
            let digits = p.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9, let n = Int(digits) else { return nil }
            out.append(n)
            if digits.count < p.count { break }   // `0-alpha`: the rest is a pre-release tag
        }
        return out
    }

    static func compare(_ a: [Int], _ b: [Int]) -> Int {
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// The first dotted number in a program's `--version` output (`2.1.332 (Claude Code)`,
    /// `codex-cli 0.147.0`), or nil.
    public static func firstVersion(in text: String) -> String? {
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            guard chars[i].properties.numericType == .decimal, chars[i].isASCII else { i += 1; continue }
            var j = i
            while j < chars.count, chars[j].isASCII, chars[j].properties.numericType == .decimal || chars[j] == "." { j += 1 }
            var candidate = String(String.UnicodeScalarView(chars[i..<j]))
            while candidate.hasSuffix(".") { candidate.removeLast() }
            if candidate.contains(".") { return candidate }
            i = j
        }
        return nil
    }
}
