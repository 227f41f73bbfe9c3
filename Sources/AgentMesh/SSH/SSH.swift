/// ssh invocations as `Command` values: every call non-interactive, bounded, and sharing one
/// connection per peer.
///
/// Policy (each option is always present, so a test can compare argv):
/// - `-o BatchMode=yes`: never a password or host-key prompt; a hook or an agent cannot answer.
/// - `-o ConnectTimeout=<s>` from `SyncSettings` (default 5 s).
/// - Connection reuse: `ControlMaster=auto`, `ControlPath=<~/.agents/ssh>/%C` (the folder is
///   created 0700 by `prepareControlFolder`), `ControlPersist=<n>s`.
/// - The remote command is one string (ssh hands it to the remote login shell); builders pass
///   `sh -c '<script>'` whose script has no single quote, so any login shell runs it the same.
///   Payloads travel on stdin, never in that string.
/// - Every command has a deadline and, when the remote side answers at once with a ready line,
///   a first-output deadline (`SyncSettings.firstAnswerMilliseconds`), so a wedged
///   ControlMaster costs the connect timeout plus half a second, not the whole deadline.
public struct SSH: Sendable, Equatable {
    public var binary: String
    public var controlFolder: String
    private let paths: MeshPaths
    public var settings: SyncSettings

    public init(paths: MeshPaths, settings: SyncSettings, binary: String? = nil) {
        self.binary = binary ?? Environment.nonEmpty("AGENT_MESH_SSH") ?? "ssh"
        self.controlFolder = paths.sshControl
        self.paths = paths
        self.settings = settings
    }

    /// The options every call carries.
    public var options: [String] {
        ["-o", "BatchMode=yes",
         "-o", "ConnectTimeout=\(settings.connectTimeoutSeconds)",
         "-o", "ControlMaster=auto",
         "-o", "ControlPath=\(controlFolder)/%C",
         "-o", "ControlPersist=\(settings.controlPersistSeconds)s"]
    }

    /// `ssh <options> <alias> -- <remote>`; `remote` is the command string for the far side.
    public func command(alias: String, remote: String, input: [UInt8] = [], inputFile: String? = nil,
                        timeoutMilliseconds: Int? = nil, expectsReadyLine: Bool = true) -> Command {
        Command(binary, options + ["-T", "--", alias, remote], input: input, inputFile: inputFile,
                timeoutMilliseconds: timeoutMilliseconds ?? settings.timeoutSeconds * 1_000,
                firstOutputMilliseconds: expectsReadyLine ? settings.firstAnswerMilliseconds : nil)
    }

    /// `ssh -O exit <alias>`: asks a (possibly wedged) master to go away so the next call
    /// opens a fresh connection. Short deadline; failure is ignored by callers.
    public func exitMaster(alias: String) -> Command {
        Command(binary, options + ["-O", "exit", alias], timeoutMilliseconds: 500)
    }

    /// Creates the ControlPath folder with mode 0700 (ssh refuses sockets others can reach).
    public func prepareControlFolder() throws(SystemError) {
        try paths.ensureFolder(controlFolder, mode: 0o700)
    }

    /// What the remote script printed after its ready line (a line of its own), or nil when
    /// the ready line is missing. Lines before it (a chatty `.bashrc`) are dropped.
    public static func reply(_ stdout: [UInt8], afterReadyLine readyLine: String) -> String? {
        let ready = Array((readyLine + "\n").utf8)
        var start = 0
        while start + ready.count <= stdout.count {
            if Array(stdout[start..<(start + ready.count)]) == ready {
                return String(decoding: stdout[(start + ready.count)...], as: UTF8.self)
            }
            guard let nl = stdout[start...].firstIndex(of: 10) else { return nil }
            start = nl + 1
        }
        return nil
    }

    /// `sh -c '<script>'` for the remote login shell. The script must not contain `'`.
    public static func shellWrapped(_ script: String) -> String {
        precondition(!script.contains("'"), "remote scripts never contain a single quote")
        return "sh -c '" + script + "'"
    }

    /// A word for a POSIX sh script that itself sits inside single quotes: double-quoted, with
    /// `"`, `\`, `$` and backquote escaped. nil when `s` holds a `'`, which cannot appear
    /// inside the outer quotes; callers report it (aliases, paths and targets rarely do).
    public static func doubleQuoted(_ s: String) -> String? {
        if s.contains("'") { return nil }
        var out = "\""
        for c in s {
            if c == "\"" || c == "\\" || c == "$" || c == "`" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }
}
