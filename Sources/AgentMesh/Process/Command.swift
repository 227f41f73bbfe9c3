/// An external command modelled as data: what to run, with what input, and its deadline.
///
/// Builders (`Tmux`, `SSH`, `Rsync`) return `Command` values so unit tests can compare their
/// argv without running anything; `ProcessRunner` is the one place that executes them.
/// `executable` is looked up on `PATH` unless it contains a `/`.
public struct Command: Sendable, Equatable, CustomStringConvertible {
    public var executable: String
    public var arguments: [String]
    /// Bytes written to the child's stdin, then stdin is closed. Message bodies travel here,
    /// never in argv.
    public var input: [UInt8]
    /// A file streamed to stdin after `input` (large file transfers), or nil.
    public var inputFile: String?
    /// Deadline in milliseconds; the child gets SIGTERM then SIGKILL when it passes.
    /// Every command the tools run has one: nothing may hang a hook or an agent.
    public var timeoutMilliseconds: Int
    /// Environment overrides (nil value = unset); nil map = inherit unchanged.
    public var environment: [String: String?]?
    /// An earlier deadline, in milliseconds from the start, for the first byte on stdout; nil =
    /// none. A child that has said nothing by then is killed like one past its deadline
    /// (`ProcessResult.missedFirstOutput`). ssh uses it: a remote side that answers at once with
    /// a ready line proves the connection works, so a wedged ControlMaster costs this long, not
    /// the whole deadline.
    public var firstOutputMilliseconds: Int?
    /// Test only (`PausePoint`): the step to pause at once all of stdin was written, before
    /// any answer is read (`after-request` of a remote send); nil in every real run.
    public var pauseAfterInput: String?

    public init(_ executable: String, _ arguments: [String], input: [UInt8] = [],
                inputFile: String? = nil, timeoutMilliseconds: Int = 5_000,
                environment: [String: String?]? = nil, firstOutputMilliseconds: Int? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.input = input
        self.inputFile = inputFile
        self.timeoutMilliseconds = timeoutMilliseconds
        self.environment = environment
        self.firstOutputMilliseconds = firstOutputMilliseconds
    }

    /// argv[0...] as the child sees it.
    public var argv: [String] { [executable] + arguments }

    /// The command line, shell-quoted, for error messages and logs.
    public var description: String { argv.map(ShellQuote.quote).joined(separator: " ") }
}

/// How a child ended. A non-zero exit is a value to inspect, not an error.
public enum TerminationStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var isSuccess: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let code): return "exit \(code)"
        case .signaled(let signal): return "signal \(signal)"
        }
    }
}

/// What running a `Command` produced.
public struct ProcessResult: Sendable {
    public let command: Command
    public let status: TerminationStatus
    public let stdout: [UInt8]
    public let stderr: [UInt8]
    /// True when the deadline passed and the child was killed.
    public let timedOut: Bool
    /// True when the child was killed because its first stdout byte did not come in time
    /// (`Command.firstOutputMilliseconds`); `timedOut` is then true as well.
    public let missedFirstOutput: Bool
    public let elapsedMilliseconds: Double

    public init(command: Command, status: TerminationStatus, stdout: [UInt8], stderr: [UInt8],
                timedOut: Bool, missedFirstOutput: Bool = false, elapsedMilliseconds: Double) {
        self.command = command; self.status = status; self.stdout = stdout; self.stderr = stderr
        self.timedOut = timedOut; self.missedFirstOutput = missedFirstOutput
        self.elapsedMilliseconds = elapsedMilliseconds
    }

    public var isSuccess: Bool { status.isSuccess && !timedOut }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// Throws `CommandFailed` unless the command exited 0 in time.
    @discardableResult
    public func check() throws(CommandFailed) -> ProcessResult {
        if !isSuccess { throw CommandFailed(self) }
        return self
    }
}

/// A command that did not succeed: the command, how it ended, and the first line of stderr.
public struct CommandFailed: Error, CustomStringConvertible, Sendable {
    public let command: Command
    public let status: TerminationStatus
    public let stderr: String
    public let timedOut: Bool
    public let missedFirstOutput: Bool

    public init(_ result: ProcessResult) {
        command = result.command
        status = result.status
        stderr = result.stderrText
        timedOut = result.timedOut
        missedFirstOutput = result.missedFirstOutput
    }

    public var description: String {
        let name = command.executable.split(separator: "/").last.map(String.init) ?? command.executable
        if missedFirstOutput, let first = command.firstOutputMilliseconds {
            return "\(name) \(command.arguments.first ?? ""): no answer within \(first) ms"
        }
        if timedOut {
            return "\(name) \(command.arguments.first ?? "") timed out after \(command.timeoutMilliseconds) ms"
        }
        let firstLine = stderr.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        let detail = firstLine.isEmpty ? status.description : firstLine
        return "\(name) \(command.arguments.first ?? ""): \(detail)"
    }
}

/// POSIX `sh` quoting: the one way any string becomes a single shell word.
public enum ShellQuote {
    /// Returns `s` unchanged when it is made only of safe characters, else wrapped in single
    /// quotes with each `'` written as `'\''`. Safe in sh, bash, zsh, dash and fish.
    public static func quote(_ s: String) -> String {
        if !s.isEmpty && s.utf8.allSatisfy(isSafe) { return s }
        return "'" + s.replacing("'", with: "'\\''") + "'"
    }

    private static func isSafe(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"),
             UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "+"),
             UInt8(ascii: "="), UInt8(ascii: ","):
            return true
        default:
            return false
        }
    }
}
