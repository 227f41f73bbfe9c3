@testable import AgentMesh

/// libFuzzer target: `TOML.parse(bytes:)` and the registry readers over it (peer slices come
/// from other hosts). Mirrors FuzzTests.toml: what parses writes back to the same table; a
/// rejection is a TOMLError with a position and a reason.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: count))
    do throws(TOMLError) {
        let table = try TOML.parse(bytes: input)
        if (try? TOML.parse(TOML.write(table))) != table { fatalError("parse(write(t)) != t") }
    } catch {
        if error.line < 1 || error.column < 1 || error.reason.isEmpty { fatalError("unclear error: \(error)") }
    }
    let text = String(decoding: input, as: UTF8.self)
    _ = try? RegistryDocument.parse(text)
    _ = try? LocalSlice.parse(text, defaultHost: "peer")
    _ = RegistryDocument.parseLeniently(text)
    _ = RegistryDocument.metadata(text)
    return 0
}
