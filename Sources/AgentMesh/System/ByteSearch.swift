@preconcurrency import Glibc
import CShims

/// Substring search over bytes with `memmem(3)`: what scans of a log's tail use, because
/// `Substring.contains` costs microseconds per line and a send may read 512 KB of log.
public enum ByteSearch {
    /// The start offsets of every non-overlapping occurrence of `needle` in `haystack`.
    public static func offsets(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
        var result: [Int] = []
        haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { nee in
                guard let base = hay.baseAddress, let n = nee.baseAddress else { return }
                var from = 0
                while from <= hay.count - nee.count,
                      let hit = cshims_memmem(base + from, hay.count - from, n, nee.count) {
                    let offset = base.distance(to: UnsafeRawPointer(hit))
                    result.append(offset)
                    from = offset + nee.count
                }
            }
        }
        return result
    }

    /// The offset where the line holding `offset` starts (just after the previous `\n`).
    public static func lineStart(before offset: Int, in bytes: [UInt8]) -> Int {
        var i = offset
        while i > 0 && bytes[i - 1] != 10 { i -= 1 }
        return i
    }
}
