@testable import AgentMesh

/// libFuzzer target: the probe parser (`PaneSnapshot(probeOutput:)`, `ScreenLine(parsing:)`;
/// a pane's screen is whatever its program printed) and every reading made of a snapshot.
let profiles = ProfileSet.load(agentsDirectory: nil)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProbe(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    for line in text.split(separator: "\n") { _ = ScreenLine(parsing: line).width }
    guard let s = PaneSnapshot(probeOutput: text) else { return 0 }
    _ = s.inputText
    _ = InputLineAnalysis.draft(in: s)
    _ = InputLineAnalysis.dialog(in: s)
    _ = SubmissionCheck.presence(of: "hello world from the fuzzer", in: s)
    for kind in ["claude", "codex"] { _ = ScreenReading.read(s, profile: profiles.profile(kind)) }
    return 0
}
