@testable import AgentMesh
import Foundation
import Testing

@Suite("Agent versions: ranges, version tables, reading and caching a binary's version")
struct ProfileVersionTests {
    @Test("ranges compare numerically, join clauses with AND, and a bad range matches nothing")
    func ranges() {
        let cases: [(String, String, Bool)] = [
            ("<2.1.300", "2.1.299", true), ("<2.1.300", "2.1.300", false), ("<2.1.300", "2.10.0", false),
            ("<=2.1", "2.1.0", true), (">0.140", "0.147.0", true), (">=0.147.0", "0.147.0", true),
            ("=2.1.332", "2.1.332", true), ("==2.1.332", "2.1.333", false),
            ("2.1", "2.1.332", true), ("2.1.*", "2.1.332", true), ("2.1", "2.10.1", false), ("2.1", "2", false),
            (">=0.140, <0.150", "0.147.0", true), (">=0.140, <0.150", "0.150.0", false),
            (">=0.147", "0.147.0-alpha.1", true), ("<1", "abc", false),
        ]
        for (range, version, expected) in cases {
            #expect(VersionRange(range)?.contains(version) == expected, "\(range) \(version)")
        }
        for bad in ["", "latest", ">=", "2..1", "<x.1", ","] { #expect(VersionRange(bad) == nil, "\(bad)") }
    }

    @Test("the version is the first dotted number a binary prints")
    func firstVersion() {
        #expect(VersionRange.firstVersion(in: "2.1.332 (Claude Code)\n") == "2.1.332")
        #expect(VersionRange.firstVersion(in: "codex-cli 0.147.0\n") == "0.147.0")
        #expect(VersionRange.firstVersion(in: "tool v3 build 12.4.") == "12.4")
        #expect(VersionRange.firstVersion(in: "no version here 7") == nil)
    }

    /// A home with a user profile file; `body` gets the loaded set.
    func withProfiles(_ toml: String, _ body: (ProfileSet) throws -> Void) throws {
        let dir = NSTemporaryDirectory() + "am-pv-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try toml.write(toFile: dir + "/" + ProfileSet.userFileName, atomically: true, encoding: .utf8)
        let set = ProfileSet.load(agentsDirectory: dir)
        #expect(set.warning == nil)
        try body(set)
    }

    @Test("version tables lay over the kind in file order, only for versions in their range; unknown keeps the kind's own keys")
    func tables() throws {
        try withProfiles("""
        [claude.versions."<2.1"]
        enter_delay_ms = 400
        [claude.versions."<2.1".screen.old-help]
        state = "dialog"
        any = ["HelpGeneral"]
        leave = "Escape"
        [claude.versions."2.0"]
        enter_delay_ms = 500
        [claude.versions."bogus"]
        enter_delay_ms = 9
        """) { set in
            let base = set.profile("claude")
            #expect(set.hasVersionTables("claude") && !set.hasVersionTables("codex"))
            #expect(set.profile("claude", version: nil) == base)
            let current = set.profile("claude", version: "2.1.332")
            #expect(current.enterDelayMilliseconds == base.enterDelayMilliseconds && current.appliedVersionRanges.isEmpty)
            #expect(current.screens.map(\.name) == base.screens.map(\.name))
            let old = set.profile("claude", version: "2.0.5")
            #expect(old.enterDelayMilliseconds == 500 && old.appliedVersionRanges == ["<2.1", "2.0"])
            #expect(old.screens.map(\.name) == base.screens.map(\.name) + ["old-help"])
            #expect(old.composerPrompts == base.composerPrompts && old.isStrict)
            #expect(set.profile("claude", version: "1.9").enterDelayMilliseconds == 400)
        }
    }

    /// A fake `/proc/<pid>/exe` pointing at a script that counts its runs and prints `output`.
    func fakeAgent(_ root: String, pid: Int, output: String) throws -> (exe: String, runs: String) {
        let exe = root + "/bin/myagent", runs = root + "/runs"
        try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/proc/\(pid)", withIntermediateDirectories: true)
        // Written with O_CLOEXEC (FileSystem), so a child another test spawns meanwhile cannot
        // hold it open for writing, which would make running it fail with ETXTBSY.
        try FileSystem.writeAtomically(exe, Array("#!/bin/sh\necho run >> '\(runs)'\nprintf '%s\\n' '\(output)'\n".utf8), mode: 0o755)
        try? FileManager.default.removeItem(atPath: root + "/proc/\(pid)/exe")
        try FileManager.default.createSymbolicLink(atPath: root + "/proc/\(pid)/exe", withDestinationPath: exe)
        return (exe, runs)
    }

    @Test("a binary's version is read once and cached by path, size and mtime; a changed binary is asked again")
    func cached() throws {
        let root = NSTemporaryDirectory() + "am-av-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (exe, runs) = try fakeAgent(root, pid: 42, output: "myagent 3.2.1 (build 7)")
        var versions = AgentVersions(paths: MeshPaths(home: root))
        versions.procRoot = root + "/proc"
        #expect(versions.version(pid: 42, arguments: ["--version"]) == "3.2.1")
        #expect(versions.version(pid: 42, arguments: ["--version"]) == "3.2.1")
        #expect(try String(contentsOfFile: runs, encoding: .utf8) == "run\n")
        _ = try fakeAgent(root, pid: 42, output: "myagent 3.3.0 and a longer line")
        #expect(versions.version(pid: 42, arguments: ["--version"]) == "3.3.0")
        let cache = try String(contentsOfFile: root + "/.agents/cache/agent-versions", encoding: .utf8)
        #expect(cache.split(separator: "\n").count == 1 && cache.hasPrefix("3.3.0\t") && cache.hasSuffix("\t\(exe)\n"), "\(cache)")
        #expect(versions.version(pid: 42, arguments: []) == nil, "no version_args: never asked")
        #expect(versions.version(pid: 43, arguments: ["--version"]) == nil, "no such process")
    }

    @Test("a launcher, a replaced binary or a silent one gives no version (the kind's own keys apply)")
    func unknown() throws {
        let root = NSTemporaryDirectory() + "am-av2-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        var versions = AgentVersions(paths: MeshPaths(home: root))
        versions.procRoot = root + "/proc"
        _ = try fakeAgent(root, pid: 7, output: "no number")
        #expect(versions.version(pid: 7, arguments: ["--version"]) == nil)
        #expect(versions.version(pid: 7, arguments: ["--version"]) == nil)
        #expect(try String(contentsOfFile: root + "/runs", encoding: .utf8) == "run\n", "unknown is cached too")
        try FileManager.default.createDirectory(atPath: root + "/proc/8", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/proc/8/exe", withDestinationPath: "/usr/bin/node")
        #expect(versions.version(pid: 8, arguments: ["--version"]) == nil)
        try FileManager.default.createDirectory(atPath: root + "/proc/9", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/proc/9/exe", withDestinationPath: root + "/bin/myagent (deleted)")
        #expect(versions.version(pid: 9, arguments: ["--version"]) == nil)
    }
}
