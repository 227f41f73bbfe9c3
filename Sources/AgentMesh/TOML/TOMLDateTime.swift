/// Recognises TOML 1.0 dates and times so the parser can reject them as *unsupported* (they
/// are valid TOML) without ever decoding them, while still calling a malformed one invalid.
///
/// Policy: the full RFC 3339 shapes TOML 1.0 allows — `YYYY-MM-DD`, a time `HH:MM:SS` with
/// optional fraction (seconds are required in 1.0), joined by `T`, `t` or one space, with an
/// optional `Z`/`z`/`±HH:MM` offset — with range checks: month 1–12, day within the month
/// (leap years honoured), hour 0–23, minute 0–59, second 0–60.
enum TOMLDateTime {
    enum Shape: Equatable {
        /// Does not start like a date (`DDDD-`) or a time (`DD:`).
        case notDateLike
        /// Starts like one but breaks the grammar or a range.
        case malformed
        /// A valid date/time; the payload names the kind for the error message.
        case valid(String)
    }

    static func classify(_ token: ArraySlice<UInt8>) -> Shape {
        let t = Array(token)
        if t.count >= 5, t[0..<4].allSatisfy(TOMLCursor.isDigit), t[4] == UInt8(ascii: "-") {
            guard t.count >= 10, isDate(t[0..<10]) else { return .malformed }
            if t.count == 10 { return .valid("local date") }
            let sep = t[10]
            guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == 0x20 else { return .malformed }
            guard let afterTime = timeEnd(t, from: 11) else { return .malformed }
            if afterTime == t.count { return .valid("local date-time") }
            return isOffset(t[afterTime...]) ? .valid("offset date-time") : .malformed
        }
        if t.count >= 3, t[0..<2].allSatisfy(TOMLCursor.isDigit), t[2] == UInt8(ascii: ":") {
            return timeEnd(t, from: 0) == t.count ? .valid("local time") : .malformed
        }
        return .notDateLike
    }

    /// `YYYY-MM-DD` with a real day of a real month.
    static func isDate(_ s: ArraySlice<UInt8>) -> Bool {
        let d = Array(s)
        guard d.count == 10, d[4] == UInt8(ascii: "-"), d[7] == UInt8(ascii: "-"),
              let year = number(d, 0, 4), let month = number(d, 5, 2), let day = number(d, 8, 2),
              (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// End index of `HH:MM:SS(.fraction)?` starting at `i`, or nil.
    private static func timeEnd(_ t: [UInt8], from i: Int) -> Int? {
        guard t.count >= i + 8, t[i + 2] == UInt8(ascii: ":"), t[i + 5] == UInt8(ascii: ":"),
              let h = number(t, i, 2), let m = number(t, i + 3, 2), let s = number(t, i + 6, 2),
              h <= 23, m <= 59, s <= 60 else { return nil }
        var end = i + 8
        if end < t.count, t[end] == UInt8(ascii: ".") {
            end += 1
            let digitsStart = end
            while end < t.count, TOMLCursor.isDigit(t[end]) { end += 1 }
            if end == digitsStart { return nil }
        }
        return end
    }

    private static func isOffset(_ s: ArraySlice<UInt8>) -> Bool {
        let o = Array(s)
        if o.count == 1 { return o[0] == UInt8(ascii: "Z") || o[0] == UInt8(ascii: "z") }
        guard o.count == 6, o[0] == UInt8(ascii: "+") || o[0] == UInt8(ascii: "-"), o[3] == UInt8(ascii: ":"),
              let h = number(o, 1, 2), let m = number(o, 4, 2) else { return false }
        return h <= 23 && m <= 59
    }

    /// The decimal value of `count` digits at `i`, or nil if any is not a digit.
    private static func number(_ t: [UInt8], _ i: Int, _ count: Int) -> Int? {
        guard i + count <= t.count else { return nil }
        var v = 0
        for k in i..<(i + count) {
            guard TOMLCursor.isDigit(t[k]) else { return nil }
            v = v * 10 + Int(t[k] - UInt8(ascii: "0"))
        }
        return v
    }
}
