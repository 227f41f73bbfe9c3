@testable import AgentMesh

/// libFuzzer target: `TmuxWire.ServerReader`, everything the wire client decides about the
/// server's frames, read whole and in three pieces: the outcome must not depend on the split,
/// and every reply must be well-formed frames. Same corpus as FuzzTests.tmuxWire.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTmuxWire(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: count))
    let n = input.count
    if feed(input, cuts: [n]) != feed(input, cuts: [n / 3, 2 * n / 3, n]) { fatalError("split changed the outcome") }
    return 0
}

func feed(_ input: [UInt8], cuts: [Int]) -> String {
    var reader = TmuxWire.ServerReader(input: Array("stdin".utf8))
    var replies: [UInt8] = []
    var start = 0
    for cut in cuts {
        let step = reader.consume(Array(input[start..<cut])) { checkFrames($0); replies += $0; return true }
        start = cut
        switch step {
        case .needMore: continue
        case .versionMismatch: return "version \(replies)"
        case .finished(let r): return "finished \(r.status) \(r.stdout) \(r.stderr) \(replies)"
        }
    }
    return "more \(reader.result.stdout) \(reader.result.stderr) \(replies)"
}

func checkFrames(_ bytes: [UInt8]) {
    var i = 0
    while i < bytes.count {
        guard bytes.count - i >= TmuxWire.headerSize else { fatalError("truncated reply frame") }
        let length = Int(bytes[i + 4]) | Int(bytes[i + 5]) << 8
        guard length >= TmuxWire.headerSize, length <= TmuxWire.maximumMessage, i + length <= bytes.count
        else { fatalError("bad reply frame") }
        i += length
    }
}
