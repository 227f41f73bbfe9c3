// TEMPORARY: minimal reader/writer used until the full TOML parser lands. Delete on merge.
public enum TOML {
    public static func write(_ table: TOMLTable, headerComments: [String] = []) -> String {
        var out = headerComments.map { "# " + $0.replacing("\n", with: " ") + "\n" }.joined()
        func key(_ k: String) -> String {
            (!k.isEmpty && k.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 }) ? k : quote(k)
        }
        func value(_ v: TOMLValue) -> String {
            switch v {
            case .string(let s): return quote(s)
            case .integer(let i): return String(i)
            case .bool(let b): return b ? "true" : "false"
            case .array(let a): return "[" + a.map(value).joined(separator: ", ") + "]"
            case .table: return "{}"
            }
        }
        func emit(_ t: TOMLTable, _ path: [String]) {
            let scalars = t.entries.filter { $0.value.table == nil }
            if !path.isEmpty && !scalars.isEmpty { out += "\n[" + path.map(key).joined(separator: ".") + "]\n" }
            for (k, v) in scalars { out += "\(key(k)) = \(value(v))\n" }
            for (k, v) in t.entries { if let sub = v.table { emit(sub, path + [k]) } }
        }
        emit(table, [])
        return out
    }

    public static func quote(_ s: String) -> String {
        var o = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\t": o += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7f {
                    let h = String(u.value, radix: 16, uppercase: true)
                    o += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else { o.unicodeScalars.append(u) }
            }
        }
        return o + "\""
    }

    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var root = TOMLTable()
        var path: [String] = []
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var c = Array(raw.unicodeScalars)[...]
            func skip() { while let f = c.first, f == " " || f == "\t" || f == "\r" { c = c.dropFirst() } }
            func fail(_ r: String) -> TOMLError { TOMLError(line: lineNo, column: raw.unicodeScalars.count - c.count + 1, reason: r) }
            func str() throws(TOMLError) -> String {
                guard c.first == "\"" else { throw fail("expected string") }
                c = c.dropFirst(); var s = String.UnicodeScalarView()
                while let f = c.first {
                    c = c.dropFirst()
                    if f == "\"" { return String(s) }
                    if f == "\\" {
                        guard let e = c.first else { break }; c = c.dropFirst()
                        switch e {
                        case "n": s.append("\n"); case "t": s.append("\t"); case "\"": s.append("\""); case "\\": s.append("\\")
                        case "r": s.append("\r"); case "b": s.append("\u{8}"); case "f": s.append("\u{c}")
                        case "u", "U":
                            let n = e == "u" ? 4 : 8
                            guard c.count >= n, let v = UInt32(String(String.UnicodeScalarView(c.prefix(n))), radix: 16), let sc = Unicode.Scalar(v) else { throw fail("bad escape") }
                            s.append(sc); c = c.dropFirst(n)
                        default: throw fail("bad escape")
                        }
                    } else { s.append(f) }
                }
                throw fail("unterminated string")
            }
            func key() throws(TOMLError) -> [String] {
                var parts: [String] = []
                while true {
                    skip()
                    if c.first == "\"" { parts.append(try str()) } else {
                        var k = String.UnicodeScalarView()
                        while let f = c.first, f.properties.isAlphabetic || ("0"..."9").contains(f) || f == "-" || f == "_" { k.append(f); c = c.dropFirst() }
                        if k.isEmpty { throw fail("expected key") }
                        parts.append(String(k))
                    }
                    skip()
                    if c.first == "." { c = c.dropFirst() } else { return parts }
                }
            }
            func value() throws(TOMLError) -> TOMLValue {
                skip()
                if c.first == "\"" { return .string(try str()) }
                if c.first == "[" {
                    c = c.dropFirst(); var items: [TOMLValue] = []
                    while true { skip(); if c.first == "]" { c = c.dropFirst(); return .array(items) }
                        items.append(try value()); skip(); if c.first == "," { c = c.dropFirst() } }
                }
                var w = String.UnicodeScalarView()
                while let f = c.first, f != " " && f != "," && f != "]" && f != "#" && f != "\r" { w.append(f); c = c.dropFirst() }
                let word = String(w)
                if word == "true" { return .bool(true) }
                if word == "false" { return .bool(false) }
                if let i = Int64(word) { return .integer(i) }
                throw fail("unsupported value")
            }
            skip()
            if c.isEmpty || c.first == "#" { continue }
            if c.first == "[" {
                c = c.dropFirst(); path = try key(); guard c.first == "]" else { throw fail("expected ]") }
                c = c.dropFirst()
                func ensure(_ t: inout TOMLTable, _ p: ArraySlice<String>) { guard let h = p.first else { return }
                    var sub = t[h]?.table ?? TOMLTable(); ensure(&sub, p.dropFirst()); t[h] = .table(sub) }
                ensure(&root, path[...]); continue
            }
            let k = try key(); guard c.first == "=" else { throw fail("expected =") }
            c = c.dropFirst(); let v = try value(); skip()
            if !(c.isEmpty || c.first == "#") { throw fail("trailing characters") }
            func set(_ t: inout TOMLTable, _ p: ArraySlice<String>) throws(TOMLError) {
                if p.count == 1 { if t[p.first!] != nil { throw fail("duplicate key") }; t[p.first!] = v; return }
                var sub = t[p.first!]?.table ?? TOMLTable(); try set(&sub, p.dropFirst()); t[p.first!] = .table(sub)
            }
            try set(&root, (path + k)[...])
        }
        return root
    }
}
