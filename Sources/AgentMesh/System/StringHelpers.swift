/// The few string helpers full Foundation would give and FoundationEssentials lacks
/// (`trimmingCharacters`, `padding(toLength:…)`), written on the standard library. They sit at
/// the bottom layer because config, registry and sync parsing all use them.
extension Substring {
    /// Drops leading and trailing spaces, tabs and CRs (no Foundation).
    func trimmingSpaces() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return s
    }
}

extension String {
    func trimmingSpaces() -> String { String(Substring(self).trimmingSpaces()) }
}

extension String {
    /// Right-pads with `pad` to `length` (no Foundation).
    func padding(toLength length: Int, withPad pad: Character) -> String {
        count >= length ? String(prefix(length)) : self + String(repeating: pad, count: length - count)
    }
}
