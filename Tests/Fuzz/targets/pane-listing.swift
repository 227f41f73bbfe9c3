@testable import AgentMesh

/// libFuzzer target: `PaneListing.parse` (window and session names are anyone's) and what
/// registration does with the records: address assignment and the enter-delay option.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPaneListing(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    let records = PaneListing(nonce: "AMfuzzcorpus01").parse(text)
    let windows = records.map { AddressAssigner.Window(session: $0.sessionName, index: $0.windowIndex,
                                                       name: $0.windowName, windowID: $0.windowID) }
    let addresses = AddressAssigner.assign(host: "hub", windows: windows, previous: [:], reserved: [])
    if addresses.count != windows.count { fatalError("an address per window expected") }
    for r in records { _ = AgentEntry.parseDelay(r.enterDelay) }
    return 0
}
