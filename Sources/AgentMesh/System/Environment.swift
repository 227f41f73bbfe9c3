@preconcurrency import Glibc
import CShims

/// Reads the process environment (no Foundation).
public enum Environment {
    public static func get(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The value when set and non-empty.
    public static func nonEmpty(_ name: String) -> String? {
        guard let v = get(name), !v.isEmpty else { return nil }
        return v
    }

    /// The whole environment as `NAME=value` strings.
    public static func all() -> [String] {
        var result: [String] = []
        guard var p = cshims_environ() else { return result }
        while let entry = p.pointee {
            result.append(String(cString: entry))
            p += 1
        }
        return result
    }

    /// The environment with `overrides` applied (a nil value removes the variable).
    public static func merged(with overrides: [String: String?]) -> [String] {
        var result = all().filter { entry in
            let name = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
            return overrides[name] == nil
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            if let value { result.append("\(name)=\(value)") }
        }
        return result
    }

    /// `$HOME`, else the passwd entry's home directory, else `/`.
    public static func home() -> String {
        if let home = nonEmpty("HOME") { return home }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    /// The short host name (`hostname -s`).
    public static func shortHostName() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        let full = String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
        return full.split(separator: ".").first.map(String.init) ?? full
    }
}
