@testable import AgentMesh
import Foundation

/// toml-test's tagged JSON shape (`{"type":"string","value":"…"}`, arrays as arrays, tables as
/// objects), used to compare our decoding with the corpus and with Python's `tomllib`.
/// Strings and keys are compared as UTF-8 bytes: Swift's `String ==` would equate canonically
/// equivalent but different scalar sequences.
indirect enum Tagged: Equatable, CustomStringConvertible {
    case scalar(type: String, value: [UInt8])
    case array([Tagged])
    case table([[UInt8]: Tagged])

    /// Our decoding in tagged form. Integers are normalised through `Int64` so `"+1"` and `"1"`
    /// compare equal.
    init(_ value: TOMLValue) {
        switch value {
        case .string(let s): self = .scalar(type: "string", value: Array(s.utf8))
        case .integer(let i): self = .scalar(type: "integer", value: Array(String(i).utf8))
        case .bool(let b): self = .scalar(type: "bool", value: Array((b ? "true" : "false").utf8))
        case .array(let a): self = .array(a.map(Tagged.init))
        case .table(let t): self.init(t)
        }
    }

    init(_ table: TOMLTable) {
        var out: [[UInt8]: Tagged] = [:]
        for (k, v) in table.entries { out[Array(k.utf8)] = Tagged(v) }
        self = .table(out)
    }

    /// Parses tagged JSON (from a `.json` file or python's output); nil on an unexpected shape.
    init?(json: Any) {
        if let array = json as? [Any] {
            var out: [Tagged] = []
            for element in array {
                guard let t = Tagged(json: element) else { return nil }
                out.append(t)
            }
            self = .array(out)
        } else if let object = json as? [String: Any] {
            if object.count == 2, let type = object["type"] as? String, let value = object["value"] as? String {
                var bytes = Array(value.utf8)
                if type == "integer", let i = Int64(value) { bytes = Array(String(i).utf8) }
                self = .scalar(type: type, value: bytes)
                return
            }
            var out: [[UInt8]: Tagged] = [:]
            for (k, v) in object {
                guard let t = Tagged(json: v) else { return nil }
                out[Array(k.utf8)] = t
            }
            self = .table(out)
        } else {
            return nil
        }
    }

    init?(jsonBytes: [UInt8]) {
        guard let any = try? JSONSerialization.jsonObject(with: Data(jsonBytes), options: [.fragmentsAllowed])
        else { return nil }
        self.init(json: any)
    }

    var description: String {
        switch self {
        case .scalar(let type, let value): return "\(type):\(String(decoding: value, as: UTF8.self).debugDescription)"
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .table(let t):
            let keys = t.keys.map { String(decoding: $0, as: UTF8.self) }.sorted()
            return "{" + keys.map { "\($0.debugDescription): \(t[Array($0.utf8)]!)" }.joined(separator: ", ") + "}"
        }
    }
}

enum TOMLTestSupport {
    /// The package root: the nearest folder above this file that holds Package.swift.
    static func packageRoot(from file: String = #filePath) -> String? {
        var dir = file
        while let slash = dir.lastIndex(of: "/"), slash != dir.startIndex {
            dir = String(dir[..<slash])
            if FileManager.default.fileExists(atPath: dir + "/Package.swift") { return dir }
        }
        return nil
    }

    /// toml-test's `tests` folder: `$TOML_TEST_DIR` (the repository or its `tests` folder), else
    /// `<package root>/../shared/toml-test/tests`; nil when neither exists.
    static func corpusDirectory() -> String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["TOML_TEST_DIR"], !env.isEmpty {
            candidates += [env, env + "/tests"]
        }
        if let root = packageRoot() { candidates.append(root + "/../shared/toml-test/tests") }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/files-toml-1.0.0") }
    }

    static func readBytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// A python3 script: TOML on stdin, toml-test tagged JSON on stdout; exit 2 if rejected.
    static let pythonDecoder = """
    import sys, json, tomllib
    def tag(v):
        if isinstance(v, bool): return {"type": "bool", "value": "true" if v else "false"}
        if isinstance(v, int): return {"type": "integer", "value": str(v)}
        if isinstance(v, str): return {"type": "string", "value": v}
        if isinstance(v, list): return [tag(x) for x in v]
        if isinstance(v, dict): return {k: tag(x) for k, x in v.items()}
        return {"type": "other", "value": repr(v)}
    try:
        doc = tomllib.loads(sys.stdin.buffer.read().decode("utf-8"))
    except Exception as e:
        print(e, file=sys.stderr); sys.exit(2)
    sys.stdout.write(json.dumps(tag(doc), ensure_ascii=True))
    """

    /// Whether python3 with `tomllib` can run here; a reason when it cannot.
    static func pythonUnavailableReason() -> String? {
        guard let r = try? ProcessRunner.run(Command("python3", ["-c", "import tomllib"], timeoutMilliseconds: 10_000))
        else { return "python3 not found on PATH" }
        return r.isSuccess ? nil : "python3 has no tomllib (needs 3.11+): \(r.stderrText)"
    }

    /// What `tomllib` makes of `text`, or an error message.
    static func pythonDecode(_ text: String) -> Result<Tagged, PythonFailure> {
        guard let r = try? ProcessRunner.run(Command("python3", ["-c", pythonDecoder], input: Array(text.utf8),
                                                     timeoutMilliseconds: 10_000))
        else { return .failure(PythonFailure(message: "could not run python3")) }
        guard r.isSuccess else { return .failure(PythonFailure(message: "tomllib rejected: \(r.stderrText)")) }
        guard let tagged = Tagged(jsonBytes: r.stdout) else {
            return .failure(PythonFailure(message: "unreadable JSON: \(r.stdoutText)"))
        }
        return .success(tagged)
    }

    struct PythonFailure: Error { let message: String }
}
