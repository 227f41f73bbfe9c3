@preconcurrency import Glibc

/// Which version of an agent runs in a pane, for a profile's `[<kind>.versions."<range>"]`
/// tables.
///
/// Policy:
/// - Asked only when the pane's kind has version tables; a send to any other pane pays nothing.
/// - The binary is `/proc/<pid>/exe` of the agent's own process. When that is a launcher
///   (node, python …) or was replaced since the agent started (`(deleted)`: an upgrade ran
///   under it, and the file on disk is another version), the version is unknown and the
///   kind's own keys apply — they describe the newest release tested.
/// - The binary runs once with the profile's `version_args` (deadline 2 s, empty stdin); the
///   first dotted number it prints is cached in `~/.agents/cache/agent-versions`, keyed by the
///   binary's path, size and modification time, so later sends pay a stat and a small read.
///   A binary that prints no version is cached as unknown, so it is not run on every send; one
///   that could not be started or timed out is not cached (the next send asks again).
public struct AgentVersions {
    public var paths: MeshPaths
    public var context: MeshContext
    /// Where the process table is read (a test points it at a fixture folder).
    public var procRoot = "/proc"
    static let deadlineMilliseconds = 2_000

    public init(paths: MeshPaths, context: MeshContext = .live) { self.paths = paths; self.context = context }

    var cacheFile: String { paths.agents + "/cache/agent-versions" }

    /// The version of the agent process `pid`, or nil when it cannot be told.
    public func version(pid: Int, arguments: [String]) -> String? {
        guard !arguments.isEmpty, let exe = FileSystem.linkTarget("\(procRoot)/\(pid)/exe"),
              exe.hasPrefix("/"), !exe.hasSuffix(" (deleted)"),
              !AgentDetector.launchers.contains(FileSystem.baseName(exe).lowercased()) else { return nil }
        return version(executable: exe, arguments: arguments)
    }

    /// The version `executable` reports, from the cache when the file is unchanged.
    public func version(executable: String, arguments: [String]) -> String? {
        guard let size = FileSystem.size(executable), let mtime = FileSystem.modificationTime(executable),
              !executable.contains("\t"), !executable.contains("\n") else { return nil }
        let stamp = "\(size)\t\(mtime)"
        if let hit = readCache()[executable], hit.stamp == stamp { return hit.version.isEmpty ? nil : hit.version }
        let command = Command(executable, arguments, timeoutMilliseconds: Self.deadlineMilliseconds)
        // Not started (ETXTBSY, EAGAIN) or past its deadline: unknown this time, not cached.
        guard let result = try? context.runner.run(command), !result.timedOut else {
            Trace.log("agent version of \(executable): could not run it")
            return nil
        }
        let found = result.isSuccess ? VersionRange.firstVersion(in: result.stdoutText) ?? "" : ""
        Trace.log("agent version of \(executable): \(found.isEmpty ? "unknown" : found)")
        store(executable, stamp: stamp, version: found)
        return found.isEmpty ? nil : found
    }

    /// Path → (size and mtime, version), from lines `version \t size \t mtime \t path`; a line
    /// that does not parse is skipped.
    func readCache() -> [String: (stamp: String, version: String)] {
        guard let text = try? FileSystem.readText(cacheFile) else { return [:] }
        var map: [String: (stamp: String, version: String)] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
            if f.count == 4 { map[String(f[3])] = ("\(f[1])\t\(f[2])", String(f[0])) }
        }
        return map
    }

    /// Records one binary's version (replacing its earlier entry), atomically, under a lock.
    /// A failure only costs the next send another run of the binary.
    func store(_ executable: String, stamp: String, version: String) {
        do throws(SystemError) {
            try FileSystem.makeDirectories(FileSystem.directory(of: cacheFile))
            try FileSystem.makeDirectories(paths.locks)
            let lock = try FileLock(path: paths.locks + "/agent-versions.lock", timeoutMilliseconds: 2_000)
            defer { lock.unlock() }
            var entries = readCache()
            entries[executable] = (stamp, version)
            let lines = entries.map { "\($0.value.version)\t\($0.value.stamp)\t\($0.key)" }.sorted()
            try FileSystem.writeAtomically(cacheFile, text: lines.joined(separator: "\n") + "\n")
        } catch {
            Trace.log("agent version cache not written: \(error)")
        }
    }
}
