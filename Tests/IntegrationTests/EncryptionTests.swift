@testable import AgentMesh
import Foundation
import Testing

/// `notify-pane --encrypt` with the real `age` and real ssh-ed25519 keys: the pane gets a
/// pointer, the inbox an age file that the recipient's key opens to the exact bytes, and the
/// plaintext is nowhere on disk. Skipped with a printed reason when age or ssh-keygen is missing.
@Suite("Encrypted bodies with age", .serialized)
struct EncryptionTests {
    static let hasAge = (try? ProcessRunner.run(Command("age", ["--version"])))?.isSuccess ?? false
    static let hasKeygen = (try? ProcessRunner.run(Command("ssh-keygen", ["-?"])))?.status != nil

    func require(_ test: String = #function) -> Bool {
        guard Package.require(test) else { return false }
        if !Self.hasAge { print("SKIP \(test): age is not installed (apt install age)"); return false }
        return true
    }

    /// An ed25519 key pair in the mesh's `~/.ssh`; returns the private key's path.
    func makeKey(_ mesh: Mesh) throws -> String {
        let ssh = mesh.home + "/.ssh"
        try FileManager.default.createDirectory(atPath: ssh, withIntermediateDirectories: true)
        let r = try ProcessRunner.run(Command("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", ssh + "/id_ed25519"]))
        try #require(r.isSuccess, "\(r.stderrText)")
        return ssh + "/id_ed25519"
    }

    func decrypt(_ file: String, key: String) throws -> [UInt8] {
        let r = try ProcessRunner.run(Command("age", ["--decrypt", "--identity", key, file]))
        try #require(r.isSuccess, "\(r.stderrText)")
        return r.stdout
    }

    /// Every file under `dir` whose bytes contain `needle`.
    func filesHolding(_ needle: String, under dir: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: dir)
        var hits: [String] = []
        while let rel = e?.nextObject() as? String {
            let path = dir + "/" + rel
            if let d = FileManager.default.contents(atPath: path), d.range(of: Data(needle.utf8)) != nil { hits.append(rel) }
        }
        return hits
    }

    @Test("a message: a pointer is typed, the age file opens to the exact bytes with the recipient's key, no plaintext on disk")
    func message() throws {
        guard require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        let key = try makeKey(mesh)
        let secret = "SECRET-7731 $(id) `x` ; \"q\" 'q'\nline two ünï\n\u{1}end"
        let r = try mesh.notify(["--encrypt", mesh.address("mesh", "rec"), "-"], stdin: Array(secret.utf8))
        #expect(r.code == 0, "\(r)")
        let typed = maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self))
        let pattern = #/\[from tester @ TIME\] file dropped at ~/\.agent-inbox/tester/(msg-[0-9a-z]+\.age) \(\d+ bytes\): an encrypted message; read it with: age -d -i ~/\.ssh/id_ed25519 <that file>\r/#
        let match = try #require(typed.wholeMatch(of: pattern), "\(typed)")
        let file = mesh.home + "/.agent-inbox/tester/" + String(match.1)
        #expect(try decrypt(file, key: key) == Array(secret.stripSuffixNewline.utf8))
        #expect(filesHolding("SECRET-7731", under: mesh.home + "/.agents").isEmpty)
        #expect(filesHolding("SECRET-7731", under: mesh.home + "/.agent-inbox").isEmpty)
        #expect(!typed.contains("SECRET"))
    }

    @Test("a file: dropped as <name>.age with the note in plain text; a host without a key is refused (exit 1), nothing typed")
    func fileAndNoKey() throws {
        guard require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        let addr = mesh.address("mesh", "rec")
        let payload = mesh.file("diff.patch")
        let bytes = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(bytes).write(to: URL(fileURLWithPath: payload))

        let refused = try mesh.notify(["--encrypt", addr, "hello"])
        #expect(refused.code == 1 && refused.stderr.contains("no public key to encrypt to for host testhost"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: out) || (FileManager.default.contents(atPath: out) ?? Data()).isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: mesh.home + "/.agents/outbox")) ?? []).filter { $0.hasSuffix(".toml") }.isEmpty)

        let key = try makeKey(mesh)
        let r = try mesh.notify(["--encrypt", addr, "--file", payload, "please apply"])
        #expect(r.code == 0, "\(r)")
        let typed = maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self))
        #expect(typed.contains("file dropped at ~/.agent-inbox/tester/diff.patch.age ("), "\(typed)")
        #expect(typed.hasSuffix("): please apply (encrypted; read it with: age -d -i ~/.ssh/id_ed25519 <that file>)\r"), "\(typed)")
        #expect(try decrypt(mesh.home + "/.agent-inbox/tester/diff.patch.age", key: key) == bytes)

        let broadcast = try mesh.notify(["--encrypt", "--all", "x"])
        #expect(broadcast.code == 1 && broadcast.stderr.contains("--encrypt sends to one address"), "\(broadcast)")
    }
}

private extension String {
    var stripSuffixNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
