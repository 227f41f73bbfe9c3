@testable import AgentMesh
import Foundation
import Testing

/// `Tests/Architecture/layers.sh` on the real sources, and on small trees that break the
/// rule, so the check itself is known to catch an upward use.
@Suite("the library's folders form layers")
struct ArchitectureTests {
    func check(_ root: String? = nil) throws -> ProcessResult {
        var command = Command("/bin/bash", [Package.root + "/Tests/Architecture/layers.sh"], timeoutMilliseconds: 60_000)
        if let root { command.environment = ["LAYERS_ROOT": root] }
        return try ProcessRunner.run(command)
    }

    /// A throwaway tree: `files` maps `Folder/File.swift` to its text.
    func tree(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "layers-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        for (path, text) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test("Sources/AgentMesh: no folder uses one above it")
    func realTree() throws {
        let r = try check()
        #expect(r.isSuccess, "\(r.stdoutText)\(r.stderrText)")
        #expect(r.stdoutText.hasPrefix("layers: ok"))
    }

    @Test("an upward use (also through an added member), an unplaced folder and a name in two folders fail; comments and strings do not count")
    func violations() throws {
        let up = try tree([
            "System/Clock.swift": "/// Uses `Registrar` only in a comment.\nenum WallClock { static let s = \"Registrar\" }\n",
            "Registry/Registrar.swift": "struct Registrar { let c = WallClock.self }\n",
            "Tmux/Bad.swift": "enum Bad { static func f() { _ = \"\\(Registrar.self)\" } }\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: up) }
        let r = try check(up)
        #expect(r.status == .exited(1))
        #expect(r.stdoutText.contains("layers: Tmux uses Registry, which sits above it"), "\(r.stdoutText)")
        #expect(!r.stdoutText.contains("System uses"), "\(r.stdoutText)")

        let odd = try tree([
            "System/A.swift": "struct Twice {}\n",
            "Process/B.swift": "struct Twice {}\n",
            "Elsewhere/C.swift": "enum C {}\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: odd) }
        let o = try check(odd)
        #expect(o.status == .exited(1))
        #expect(o.stdoutText.contains("folder Elsewhere is not in LAYERS"), "\(o.stdoutText)")
        #expect(o.stdoutText.contains("Twice is declared in both"), "\(o.stdoutText)")

        // A member that an upper folder's extension adds to a lower folder's type.
        let added = try tree([
            "System/Clock.swift": "enum WallClock {}\nenum U { static let x = WallClock.registryThing() }\n",
            "Registry/More.swift": "extension WallClock {\n    static func registryThing() -> Int { 1 }\n}\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: added) }
        let a = try check(added)
        #expect(a.status == .exited(1))
        #expect(a.stdoutText.contains("layers: System uses Registry, which sits above it"), "\(a.stdoutText)")

        let fine = try tree(["System/A.swift": "enum A {}\n", "CLI/B.swift": "enum B { static let a = A.self }\n"])
        defer { try? FileManager.default.removeItem(atPath: fine) }
        #expect(try check(fine).isSuccess)
    }
}
