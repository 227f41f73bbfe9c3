@testable import AgentMesh
import Testing

/// Models and drivers the fuzz tests need: a byte stream for `RemoteRequest.decode`, what
/// tmux prints for a text field, and the wire reader fed in pieces.

/// A stream over bytes that hands out at most `chunkLimit` bytes per read (as a pipe may).
final class ByteStream {
    let bytes: [UInt8]
    var offset = 0
    let chunkLimit: Int
    var rng: SplitMix64

    init(_ bytes: [UInt8], chunkLimit: Int = .max, rng: SplitMix64 = SplitMix64(seed: 1)) {
        self.bytes = bytes; self.chunkLimit = chunkLimit; self.rng = rng
    }

    func read(_ n: Int) -> [UInt8] {
        let limit = chunkLimit == .max ? n : 1 + rng.below(chunkLimit)
        let end = min(bytes.count, offset + max(0, min(n, limit)))
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// What tmux prints for a free-text field asked for with `TmuxFormat.text`: backslashes
/// doubled by the format, then on 3.4/3.5a vis(3) with `VIS_OCTAL|VIS_CSTYLE|VIS_NOSLASH`
/// (tab and newline raw, C escapes where C has them, `\0` as `\000` before an octal digit,
/// other control bytes as three octal digits, UTF-8 kept).
enum TmuxPrinting {
    static func text(_ s: String, vis: Bool) -> String {
        let doubled = Array(s.utf8).flatMap { $0 == 0x5C ? [0x5C, 0x5C] : [$0] }
        guard vis else { return String(decoding: doubled, as: UTF8.self) }
        var out: [UInt8] = []
        for (i, b) in doubled.enumerated() {
            let next = i + 1 < doubled.count ? doubled[i + 1] : 0
            switch b {
            case 0x09, 0x0A: out.append(b)
            case 0x0D: out += Array("\\r".utf8)
            case 0x07: out += Array("\\a".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0B: out += Array("\\v".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case 0x00: out += Array(((0x30...0x37).contains(next) ? "\\000" : "\\0").utf8)
            case 0..<0x20, 0x7F:
                let o = String(b, radix: 8)
                out += Array(("\\" + String(repeating: "0", count: 3 - o.count) + o).utf8)
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Feeds server bytes to `TmuxWire.ServerReader` split at `chunks` (cut offsets) and sums up
/// what happened; checks every reply is one or more well-formed frames.
enum TmuxWireCheck {
    struct Outcome: Equatable {
        var step = "more"
        var status: Int32 = 1
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var replies: [UInt8] = []
    }

    static func feed(_ input: [UInt8], chunks cuts: [Int]) -> Outcome {
        var reader = TmuxWire.ServerReader(input: Array("stdin for load-buffer".utf8))
        var outcome = Outcome()
        var start = 0
        for cut in (cuts + [input.count]).sorted() where cut >= start {
            let step = reader.consume(Array(input[start..<cut])) { reply in
                #expect(wellFormed(reply), "malformed reply frame")
                outcome.replies += reply
                return true
            }
            start = cut
            switch step {
            case .needMore: continue
            case .versionMismatch: outcome.step = "version"; return outcome
            case .finished(let r):
                outcome.step = "finished"
                outcome.status = r.status; outcome.stdout = r.stdout; outcome.stderr = r.stderr
                return outcome
            }
        }
        outcome.stdout = reader.result.stdout; outcome.stderr = reader.result.stderr
        return outcome
    }

    static func wellFormed(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            guard bytes.count - i >= TmuxWire.headerSize else { return false }
            let length = Int(bytes[i + 4]) | Int(bytes[i + 5]) << 8
            guard length >= TmuxWire.headerSize, length <= TmuxWire.maximumMessage, i + length <= bytes.count else { return false }
            i += length
        }
        return true
    }
}

extension SplitMix64 {
    /// Text of up to `max` scalars mixing ASCII, controls, backslashes, quotes and non-ASCII.
    mutating func text(_ max: Int) -> String {
        let pool: [Unicode.Scalar] = ["a", "Z", "0", "7", " ", "\\", "\"", "'", "\t", "\n", "\r", "\u{0}", "\u{1b}",
                                      "\u{7f}", "é", "\u{301}", "中", "🚀", "\u{200D}", "=", "[", "]", ".", "#", "%", "@"]
        var s = String.UnicodeScalarView()
        for _ in 0..<below(max + 1) { s.append(pool[below(pool.count)]) }
        return String(s)
    }

    mutating func bytes(_ max: Int) -> [UInt8] {
        (0..<below(max + 1)).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}
