/// Bare (unquoted) values: booleans, integers, and recognising the kinds we do not support.
///
/// Policy:
/// - A bare value is read as one token of `A-Za-z0-9_+-.:` (plus the space between a date
///   and a time), then classified. Nothing is decoded from a prefix of a token.
/// - Integers follow TOML 1.0 exactly: optional sign on decimals only, no leading zeros,
///   `_` only between digits, `0x`/`0o`/`0b` prefixes in lower case, and the value must fit
///   `Int64` (`-9223372036854775808` included); anything else is invalid.
/// - Floats (including `inf`/`nan`) and dates/times are recognised by their full TOML 1.0
///   grammar (with range checks on dates and times) and reported as *unsupported* at the
///   token's start. A token that only resembles one (`1.`, `2021-13-01`) is *invalid*.
extension TOMLCursor {
    /// Parses a boolean or integer at the position, or throws unsupported/invalid.
    mutating func parseBareValue() throws(TOMLError) -> TOMLValue {
        let start = pos
        while let b = peek(), TOMLCursor.isTokenByte(b) { pos += 1 }
        // "1979-05-27 07:32:00": a date, one space, then a time continues the token.
        if pos - start == 10, peek() == 0x20, let d = peek(1), TOMLCursor.isDigit(d),
           TOMLDateTime.isDate(bytes[start..<pos]) {
            pos += 1
            while let b = peek(), TOMLCursor.isTokenByte(b) { pos += 1 }
        }
        let token = bytes[start..<pos]
        if token.isEmpty {
            throw invalid(isAtEnd || peek() == 0x0A || peek() == 0x0D ? "expected a value" : "invalid value")
        }
        if token.elementsEqual("true".utf8) { return .bool(true) }
        if token.elementsEqual("false".utf8) { return .bool(false) }
        switch TOMLDateTime.classify(token) {
        case .notDateLike: break
        case .malformed: throw invalid("invalid date or time", at: start)
        case .valid(let kind): throw unsupported(kind, at: start)
        }
        if let isFloat = TOMLCursor.classifyFloat(token) {
            guard isFloat else { throw invalid("invalid float", at: start) }
            throw unsupported("float", at: start)
        }
        guard let value = TOMLCursor.parseInteger(token) else {
            throw invalid("invalid integer", at: start)
        }
        return .integer(value)
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        isBareKeyByte(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// The integer a token spells, or nil when it is not a valid TOML integer or overflows.
    static func parseInteger(_ token: ArraySlice<UInt8>) -> Int64? {
        var digits = token[...]
        var radix: UInt64 = 10
        var negative = false
        if digits.count > 2, digits.first == UInt8(ascii: "0") {
            switch digits[digits.startIndex + 1] {
            case UInt8(ascii: "x"): radix = 16
            case UInt8(ascii: "o"): radix = 8
            case UInt8(ascii: "b"): radix = 2
            default: break
            }
            if radix != 10 { digits = digits.dropFirst(2) }
        }
        if radix == 10, let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard let magnitude = parseDigits(digits, radix: radix) else { return nil }
        // Leading zeros are allowed after a radix prefix, never in decimals.
        if radix == 10, digits.count > 1, digits.first == UInt8(ascii: "0") { return nil }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// Digits with single `_` separators between them; nil on bad syntax or UInt64 overflow.
    private static func parseDigits(_ digits: ArraySlice<UInt8>, radix: UInt64) -> UInt64? {
        guard let first = digits.first, first != UInt8(ascii: "_"),
              digits.last != UInt8(ascii: "_") else { return nil }
        var value: UInt64 = 0
        var previousUnderscore = false
        for b in digits {
            if b == UInt8(ascii: "_") {
                if previousUnderscore { return nil }
                previousUnderscore = true
                continue
            }
            previousUnderscore = false
            guard let d = hexValue(b), UInt64(d) < radix else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            value = s
        }
        return value
    }

    /// nil when the token is not float-like (no `.`, `e`, `E`, and not inf/nan); true for a
    /// valid TOML float; false for a malformed one.
    static func classifyFloat(_ token: ArraySlice<UInt8>) -> Bool? {
        var body = token[...]
        if let sign = body.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            body = body.dropFirst()
        }
        if body.elementsEqual("inf".utf8) || body.elementsEqual("nan".utf8) { return true }
        if body.starts(with: "0x".utf8) || body.starts(with: "0o".utf8) || body.starts(with: "0b".utf8) {
            return nil
        }
        let exponent = body.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let dot = body.firstIndex(of: UInt8(ascii: "."))
        if exponent == nil && dot == nil { return nil }
        let mantissaEnd = exponent ?? body.endIndex
        let integerPart = body[body.startIndex..<(dot ?? mantissaEnd)]
        // Integer part: a decimal integer without sign and without leading zeros.
        guard isDigitRun(integerPart),
              !(integerPart.count > 1 && integerPart.first == UInt8(ascii: "0")) else { return false }
        if let dot {
            guard dot < mantissaEnd, isDigitRun(body[(dot + 1)..<mantissaEnd]) else { return false }
        }
        if let exponent {
            var exp = body[(exponent + 1)...]
            if let sign = exp.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exp = exp.dropFirst()
            }
            guard isDigitRun(exp) else { return false }
        }
        return true
    }

    /// One or more decimal digits with single `_` separators between digits.
    private static func isDigitRun(_ s: ArraySlice<UInt8>) -> Bool {
        guard let first = s.first, isDigit(first), let last = s.last, isDigit(last) else { return false }
        var previousUnderscore = false
        for b in s {
            if b == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if isDigit(b) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }
}
