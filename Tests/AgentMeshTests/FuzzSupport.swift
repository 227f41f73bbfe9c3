@preconcurrency import Glibc
@testable import AgentMesh
import Testing

/// The seeded mutation fuzzer CI runs (the libFuzzer targets in Tests/Fuzz go deeper, by hand).
///
/// Policy:
/// - Deterministic: a fixed seed per target, so a failure reproduces on any machine with the
///   same count; `AGENT_MESH_FUZZ_ITERATIONS` raises the count for a longer local run.
/// - Seeds are the committed corpus (`Tests/Fuzz/corpus/<target>/`), every file a valid or
///   once-crashing input; mutations flip, insert, delete, duplicate and splice bytes, write
///   boundary numbers and huge lengths, and insert the target's own tokens.
/// - No hang: inputs stay small (≤ 8 KiB) and each one must finish within a second (a
///   generous bound for a loaded 2-core machine; the parsers need microseconds).
/// - A trap ends the test process; the input being run is always in
///   `$TMPDIR/agent-mesh-fuzz/<target>.input` (rewritten before each run), ready for the corpus.
struct Fuzzer {
    var rng: SplitMix64
    let target: String
    let corpus: [[UInt8]]
    let tokens: [[UInt8]]

    static let maximumSize = 8_192
    static let boundaryNumbers = ["0", "-1", "1", "9223372036854775807", "-9223372036854775808",
                                  "9223372036854775808", "18446744073709551616", "4294967296", "2147483648",
                                  "67108864", "67108865", "99999999999999999999999", "+1", "-0", "0x7f"]

    init(target: String, seed: UInt64, tokens: [String] = []) {
        self.target = target
        rng = SplitMix64(seed: seed)
        corpus = Fuzzer.loadCorpus(target)
        self.tokens = (tokens + Fuzzer.boundaryNumbers + ["\n", "\r\n", "\t", "\\", "\u{1b}[", "\u{0}"]).map { Array($0.utf8) }
    }

    /// How many mutated inputs each target runs: small in CI, more on request.
    static var iterations: Int {
        getenv("AGENT_MESH_FUZZ_ITERATIONS").flatMap { Int(String(cString: $0)) } ?? 15_000
    }

    static func corpusDirectory(_ target: String) -> String {
        let here = #filePath
        let tests = here.split(separator: "/", omittingEmptySubsequences: false).dropLast(2).joined(separator: "/")
        return tests + "/Fuzz/corpus/" + target
    }

    static func loadCorpus(_ target: String) -> [[UInt8]] {
        let dir = corpusDirectory(target)
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted().compactMap { readFile(dir + "/" + $0) }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { return out }
            out += buf[0..<n]
        }
    }

    /// Runs `body` on every corpus file, then on `Fuzzer.iterations` mutants of them.
    mutating func run(_ body: ([UInt8]) throws -> Void) rethrows {
        #expect(!corpus.isEmpty, "no corpus in \(Fuzzer.corpusDirectory(target))")
        let record = InputRecord(target: target)
        for input in corpus + (0..<Fuzzer.iterations).map({ _ in mutant() }) {
            record.write(input)
            let start = MonotonicClock.milliseconds()
            try body(input)
            let seconds = Double(MonotonicClock.milliseconds() - start) / 1_000
            #expect(seconds < 1, "\(target): one input took \(seconds) s: \(Array(input.prefix(200)))")
        }
    }

    mutating func mutant() -> [UInt8] {
        var b = corpus.isEmpty ? [] : corpus[rng.below(corpus.count)]
        for _ in 0..<(1 + rng.below(6)) { mutate(&b) }
        return Array(b.prefix(Fuzzer.maximumSize))
    }

    mutating func mutate(_ b: inout [UInt8]) {
        let at = rng.below(b.count + 1)
        switch rng.below(9) {
        case 0 where !b.isEmpty: b[min(at, b.count - 1)] ^= UInt8(1 << rng.below(8))
        case 1: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
        case 2 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + 1 + rng.below(16)))
        case 3 where !b.isEmpty:   // duplicate a run (repeated keys, fields, frames)
            let end = min(b.count, at + 1 + rng.below(64))
            if at < end { b.insert(contentsOf: b[at..<end], at: at) }
        case 4 where !corpus.isEmpty:   // splice in part of another seed
            let other = corpus[rng.below(corpus.count)]
            let from = rng.below(other.count + 1)
            b.insert(contentsOf: other[from..<min(other.count, from + rng.below(128))], at: at)
        case 5: b.insert(contentsOf: tokens[rng.below(tokens.count)], at: at)
        case 6 where !b.isEmpty:   // replace a run of digits by a boundary number
            if let s = b[at...].firstIndex(where: { (48...57).contains($0) }) {
                let e = b[s...].firstIndex(where: { !(48...57).contains($0) }) ?? b.count
                b.replaceSubrange(s..<e, with: Array(Fuzzer.boundaryNumbers[rng.below(Fuzzer.boundaryNumbers.count)].utf8))
            }
        case 7 where !b.isEmpty: b[min(at, b.count - 1)] = [0, 0x7f, 0x80, 0xff, 0xc0, 0xed, 0xf4][rng.below(7)]
        default: b.removeSubrange(min(at, b.count)..<b.count)   // truncate
        }
    }
}

/// Keeps the input being run in a file, so a trap leaves it behind.
final class InputRecord {
    let fd: Int32
    let path: String

    init(target: String) {
        let dir = (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/agent-mesh-fuzz"
        mkdir(dir, 0o700)
        path = dir + "/" + target + ".input"
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    }

    func write(_ input: [UInt8]) {
        guard fd >= 0 else { return }
        ftruncate(fd, 0)
        _ = input.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { if fd >= 0 { close(fd) } }
}

/// A small, fast, seedable generator (Vigna's SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}
