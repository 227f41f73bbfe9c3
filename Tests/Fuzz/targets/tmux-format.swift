@testable import AgentMesh

/// libFuzzer target: `TmuxFormat.decode`, which undoes tmux's backslash doubling and vis(3)
/// escapes in every free-text field (names are anyone's).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTmuxFormat(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = TmuxFormat.decode(String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self))
    return 0
}
