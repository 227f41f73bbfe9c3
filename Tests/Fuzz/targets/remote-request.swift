@testable import AgentMesh

/// libFuzzer target: `RemoteRequest.decode` over arbitrary stdin bytes (what a peer streams
/// to `notify-pane --deliver-stdin`). Mirrors FuzzTests.remoteRequest: a request that
/// decodes re-encodes to the same request; a rejection is a described `Malformed`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRemoteRequest(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: count))
    var offset = 0
    func read(_ n: Int) -> [UInt8] {
        let end = min(input.count, offset + max(0, n))
        defer { offset = end }
        return Array(input[offset..<end])
    }
    do {
        let request = try RemoteRequest.decode(read)
        var again = request.encoded()[...]
        let decoded = try? RemoteRequest.decode { n in
            let piece = again.prefix(n); again = again.dropFirst(piece.count); return Array(piece)
        }
        if decoded != request { fatalError("decode(encode(r)) != r for \(request)") }
    } catch {
        if !error.description.hasPrefix("malformed delivery request: ") { fatalError("unclear error: \(error)") }
    }
    return 0
}
