@testable import AgentMesh
import Foundation
import Testing

/// `Encryption` over a recording runner: which key is chosen, and the age command as data.
/// (EncryptionTests run the real age.)
@Suite("--encrypt: recipient keys and the age command")
struct EncryptionUnitTests {
    /// Records the command and writes what age would (the `--output` file).
    final class AgeStub: CommandRunning, @unchecked Sendable {
        var commands: [Command] = []
        var exitStatus: Int32 = 0
        func run(_ command: Command) throws(SystemError) -> ProcessResult {
            commands.append(command)
            if exitStatus == 0, let i = command.arguments.firstIndex(of: "--output") {
                try FileSystem.writeAtomically(command.arguments[i + 1], Array("age-encryption.org/v1 …".utf8))
            }
            return ProcessResult(command: command, status: .exited(exitStatus), stdout: [],
                                 stderr: Array((exitStatus == 0 ? "" : "age: error: bad recipient").utf8), timedOut: false, elapsedMilliseconds: 1)
        }
        func runAll(_ commands: [Command]) throws(SystemError) -> [ProcessResult] { try commands.map { c throws(SystemError) in try run(c) } }
        func spawnDetached(_ command: Command) throws(SystemError) -> pid_t { 0 }
        var allowsTmuxWire: Bool { false }
    }

    func home() throws -> String {
        let dir = NSTemporaryDirectory() + "am-enc-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir + "/.ssh", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/.agents/keys", withIntermediateDirectories: true)
        return dir
    }

    static let ed = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    static let rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"

    @Test("keys: ~/.agents/keys/<host>.pub first, then the key authorized for that peer; this host's own key; none → exit 1")
    func keys() throws {
        let dir = try home()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let enc = Encryption(paths: MeshPaths(home: dir), context: .live)
        try "restrict,command=\"x\" \(Self.rsa) agent-mesh-peer:h2\n\(Self.ed) someone@else\n".write(toFile: dir + "/.ssh/authorized_keys", atomically: true, encoding: .utf8)
        let fromPeer = try enc.recipients(host: "h2", selfAlias: "h1")
        #expect(fromPeer.keys == [Self.rsa] && fromPeer.identity == "~/.ssh/id_rsa")
        try "# h2's key\n\(Self.ed) amh2@h2\necdsa-sha2-nistp256 AAAA ignored\n".write(toFile: dir + "/.agents/keys/h2.pub", atomically: true, encoding: .utf8)
        let fromFile = try enc.recipients(host: "h2", selfAlias: "h1")
        #expect(fromFile.keys == [Self.ed] && fromFile.identity == "~/.ssh/id_ed25519")
        #expect(throws: Encryption.Refusal.self) { try enc.recipients(host: "h3", selfAlias: "h1") }
        #expect(throws: Encryption.Refusal.self) { try enc.recipients(host: "h1", selfAlias: "h1") }
        try "\(Self.ed) me@h1\n".write(toFile: dir + "/.ssh/id_ed25519.pub", atomically: true, encoding: .utf8)
        #expect(try enc.recipients(host: "h1", selfAlias: "h1").keys == [Self.ed])
    }

    @Test("the body goes to age on stdin, never in argv; the sealed file replaces it; a failed age leaves nothing behind")
    func command() throws {
        let dir = try home()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "\(Self.ed) x\n".write(toFile: dir + "/.agents/keys/h2.pub", atomically: true, encoding: .utf8)
        let stub = AgeStub()
        let enc = Encryption(paths: MeshPaths(home: dir), context: MeshContext(runner: stub))
        let entry = AgentEntry(address: "h2-s-w", host: "h2", target: "s:0", session: "s", window: "w")
        let secret = "--recipient evil; $(id)"
        let m = OutgoingMessage(entry: entry, sender: "h1", body: Array(secret.utf8))
        let sealed = try enc.seal(m, selfAlias: "h1")
        let c = try #require(stub.commands.first)
        #expect(c.executable == "age" && c.input == Array(secret.utf8) && c.inputFile == nil)
        #expect(Array(c.arguments.prefix(3)) == ["--encrypt", "--recipient", Self.ed] && c.arguments[3] == "--output")
        #expect(!c.arguments.contains { $0.contains("evil") })
        let folder = Outbox(paths: MeshPaths(home: dir)).sealedFolder(m.id)
        #expect(sealed.filePath == folder + "/msg-\(m.id).age" && FileSystem.exists(sealed.filePath!))
        #expect(!String(decoding: sealed.body, as: UTF8.self).contains("evil"))

        stub.exitStatus = 1
        let m2 = OutgoingMessage(entry: entry, sender: "h1", body: Array("x".utf8))
        #expect(throws: Encryption.Refusal.self) { try enc.seal(m2, selfAlias: "h1") }
        #expect(!FileSystem.exists(Outbox(paths: MeshPaths(home: dir)).sealedFolder(m2.id)))
    }
}
