@preconcurrency import Glibc

/// What the library reaches the world through — processes, the clock, the environment and
/// output — passed in as one value instead of reached through statics (as swiftly's
/// `SwiftlyCoreContext`). `MeshContext.live` is the real thing; a test hands in a scripted
/// runner (every tmux and ssh call answered from a script), a clock that only advances
/// when slept, a fixed environment and an output that records, and runs the send path,
/// verify and the CLI's exit codes in microseconds.
///
/// Policy: code below CLI takes the context (or the one part it needs) as a parameter with
/// `.live` as its default, so callers that do not test keep their shape. What stays static
/// on purpose: `Trace` (diagnostics, read once from the environment) and the registry
/// hook's and agent-discover's own flows, which run only end to end.
public struct MeshContext: Sendable {
    public var environment: EnvironmentValues
    public var runner: any CommandRunning
    public var clock: any MeshClock
    public var output: any OutputSink

    public init(environment: EnvironmentValues = .process, runner: any CommandRunning = SystemRunner(),
                clock: any MeshClock = SystemClock(), output: any OutputSink = StandardOutput()) {
        self.environment = environment; self.runner = runner; self.clock = clock; self.output = output
    }

    /// The process's own environment, real processes, the system clock, stdout/stderr.
    public static let live = MeshContext()
}

/// Runs `Command`s: `SystemRunner` with posix_spawn (`ProcessRunner`), or a test's script.
public protocol CommandRunning: Sendable {
    func run(_ command: Command) throws(SystemError) -> ProcessResult
    func runAll(_ commands: [Command]) throws(SystemError) -> [ProcessResult]
    @discardableResult func spawnDetached(_ command: Command) throws(SystemError) -> pid_t
    /// False for a runner that must see every tmux command (a script): the tmux wire, which
    /// talks to the server socket itself, is then never used.
    var allowsTmuxWire: Bool { get }
}

public struct SystemRunner: CommandRunning {
    public init() {}
    public func run(_ command: Command) throws(SystemError) -> ProcessResult { try ProcessRunner.run(command) }
    public func runAll(_ commands: [Command]) throws(SystemError) -> [ProcessResult] { try ProcessRunner.runAll(commands) }
    @discardableResult
    public func spawnDetached(_ command: Command) throws(SystemError) -> pid_t { try ProcessRunner.spawnDetached(command) }
    public var allowsTmuxWire: Bool { true }
}

/// Monotonic milliseconds for deadlines, sleeping, and the wall clock for records.
public protocol MeshClock: Sendable {
    func milliseconds() -> Int
    func sleep(milliseconds: Int)
    /// Seconds since the epoch.
    func now() -> Int
}

public struct SystemClock: MeshClock {
    public init() {}
    public func milliseconds() -> Int { MonotonicClock.milliseconds() }
    public func sleep(milliseconds ms: Int) { MonotonicClock.sleep(milliseconds: ms) }
    public func now() -> Int { WallClock.now() }
}

/// Where a tool's stdout and stderr text goes.
public protocol OutputSink: Sendable {
    func out(_ text: String)
    func err(_ text: String)
}

extension OutputSink {
    /// `<tool>: error: <message>` on stderr — the one error format of every tool.
    public func error(tool: String, _ message: String) { err("\(tool): error: \(message)\n") }
}

public struct StandardOutput: OutputSink {
    public init() {}
    public func out(_ text: String) { Output.out(text) }
    public func err(_ text: String) { Output.err(text) }
}

/// Environment lookups: the process's (`getenv`), or a fixed table.
public struct EnvironmentValues: Sendable {
    let lookup: @Sendable (String) -> String?

    public init(_ lookup: @escaping @Sendable (String) -> String?) { self.lookup = lookup }

    public static let process = EnvironmentValues { Environment.get($0) }

    public static func fixed(_ values: [String: String]) -> EnvironmentValues { EnvironmentValues { values[$0] } }

    public func get(_ name: String) -> String? { lookup(name) }

    /// The value when set and non-empty.
    public func nonEmpty(_ name: String) -> String? {
        guard let v = lookup(name), !v.isEmpty else { return nil }
        return v
    }
}
