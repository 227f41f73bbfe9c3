/// `AGENT_MESH_TRACE=1`: one stderr line per delivery step with the elapsed time, for
/// diagnosing a slow or stuck send in the field.
///
/// It sits at the bottom layer because every layer traces (tmux calls, the registrar, the
/// delivery engine, the tools); it only reads the environment, the clock and writes stderr.
enum Trace {
    static let isOn = Environment.get("AGENT_MESH_TRACE") == "1"
    static let start = MonotonicClock.microseconds()

    static func log(_ message: @autoclosure () -> String) {
        guard isOn else { return }
        let us = MonotonicClock.microseconds() - start
        let frac = us % 1_000
        let digits = frac < 10 ? "00\(frac)" : frac < 100 ? "0\(frac)" : "\(frac)"
        Output.err("notify-pane: trace +\(us / 1_000).\(digits)ms \(message())\n")
    }
}
