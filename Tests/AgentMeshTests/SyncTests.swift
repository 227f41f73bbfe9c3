@testable import AgentMesh
import Glibc
import Testing

@Suite("SHA-256 matches the FIPS 180-4 vectors")
struct SHA256Tests {
    @Test("known vectors: empty, abc, two blocks, a million a's")
    func vectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("streaming in odd chunk sizes gives the one-shot digest")
    func streaming() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for chunk in [1, 7, 63, 64, 65, 1000] {
            var h = SHA256()
            var i = 0
            while i < data.count { h.update(Array(data[i..<min(i + chunk, data.count)])); i += chunk }
            #expect(h.finalizeHex() == SHA256.hex(data))
        }
    }

    @Test("lengths around the padding boundary (55, 56, 64 bytes)")
    func padding() {
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}

@Suite("ssh commands are data")
struct SSHCommandTests {
    let paths = MeshPaths(home: "/home/u")

    @Test("every call carries BatchMode, ConnectTimeout and the shared ControlPath, with a ready-line deadline")
    func options() {
        var settings = SyncSettings()
        settings.connectTimeoutSeconds = 3
        settings.controlPersistSeconds = 60
        let ssh = SSH(paths: paths, settings: settings, binary: "ssh")
        let c = ssh.command(alias: "h2", remote: "sh -c 'true'", input: [1, 2])
        #expect(c.argv == ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=3", "-o", "ControlMaster=auto",
                           "-o", "ControlPath=/home/u/.agents/ssh/%C", "-o", "ControlPersist=60s",
                           "-T", "--", "h2", "sh -c 'true'"])
        #expect(c.input == [1, 2])
        #expect(c.firstOutputMilliseconds == 3_500)
        #expect(c.timeoutMilliseconds == settings.timeoutSeconds * 1_000)
        #expect(ssh.exitMaster(alias: "h2").arguments.suffix(3) == ["-O", "exit", "h2"])
    }

    @Test("remote scripts contain no single quote and quote what they embed")
    func scripts() {
        let exchange = Exchange.remoteCommand(selfAlias: "h1", binDirectory: "/opt/a $b")
        #expect(exchange.hasPrefix("sh -c '") && exchange.hasSuffix("'"))
        #expect(exchange.dropFirst(7).dropLast().contains("'") == false)
        #expect(exchange.contains("\"/opt/a \\$b\""))
        #expect(exchange.contains("--exchange \"h1\""))
        let tmux = RemoteSender.tmuxOnlyCommand(target: "=my $ess:2", buffer: "agent-mesh-1-2")!
        #expect(tmux == "sh -c 'echo agent-mesh-ready 1; tmux load-buffer -b \"agent-mesh-1-2\" - && "
                + "tmux paste-buffer -p -d -b \"agent-mesh-1-2\" -t \"=my \\$ess:2\" && tmux send-keys -t \"=my \\$ess:2\" Enter'")
        #expect(RemoteSender.tmuxOnlyCommand(target: "it's", buffer: "b") == nil)
        #expect(RemoteSender.deliverCommand(binDirectory: nil).contains("exec \"$d/notify-pane\" --deliver-stdin"))
    }

    @Test("the reply is whatever follows the ready line; chatter before it is ignored")
    func reply() {
        #expect(Exchange.sliceText(fromReply: Array("motd\nagent-mesh-exchange 1\n[agents.x]\n".utf8)) == "[agents.x]\n")
        #expect(Exchange.sliceText(fromReply: Array("agent-mesh-exchange 1\n".utf8)) == "")
        #expect(Exchange.sliceText(fromReply: Array("nothing".utf8)) == nil)
    }
}

@Suite("sync settings")
struct SyncSettingsTests {
    @Test("durations: seconds, m, h, d; junk rejected")
    func durations() {
        #expect(SyncSettings.parseDuration("90") == 90)
        #expect(SyncSettings.parseDuration("15m") == 900)
        #expect(SyncSettings.parseDuration("36h") == 129_600)
        #expect(SyncSettings.parseDuration("7d") == 604_800)
        #expect(SyncSettings.parseDuration("7 days") == nil)
        #expect(SyncSettings.parseDuration("") == nil)
    }

    @Test("config.toml [sync] overrides defaults; bad values warn and are ignored")
    func config() throws {
        var s = SyncSettings()
        s.apply(try TOML.parse("connect_timeout = 2\nstale_drop_after = \"2h\"\ncontrol_persist = -1\n"), source: "c")
        #expect(s.connectTimeoutSeconds == 2)
        #expect(s.staleDropAfterSeconds == 7_200)
        #expect(s.controlPersistSeconds == 600)
        #expect(s.warnings.count == 1)
    }
}

@Suite("peer slices: validation and the never-backwards rule")
struct PeerCacheTests {
    func slice(_ host: String, serial: Int, address: String = "h2-a-b", entryHost: String? = nil) -> String {
        LocalSlice(host: host, serial: serial,
                   entries: [AgentEntry(address: address, host: entryHost ?? host, target: "a:0", session: "a", window: "b")]).render()
    }

    @Test("a slice whose entries name another host is refused")
    func wrongHost() {
        if case .valid = PeerCache.validate(slice("h2", serial: 5, entryHost: "h3"), alias: "h2") { Issue.record("accepted") }
        if case .valid = PeerCache.validate(slice("h3", serial: 5), alias: "h2") { Issue.record("accepted") }
        if case .valid = PeerCache.validate("[agents.x\nhost=", alias: "h2") { Issue.record("accepted") }
        guard case .valid(let s, let proto) = PeerCache.validate(slice("h2", serial: 5), alias: "h2") else {
            Issue.record("refused"); return
        }
        #expect(s.serial == 5 && proto == 1)
    }

    @Test("a lower serial never replaces a higher one; serial 0 (bash tool) is the freshest pull")
    func ordering() {
        let cached = PeerRecord(alias: "h2", serial: 10, protocolVersion: 1, entries: [], lastSeen: 0, isReachable: true)
        #expect(PeerCache.accepts(incomingSerial: 9, cached: cached) == false)
        #expect(PeerCache.accepts(incomingSerial: 10, cached: cached))
        #expect(PeerCache.accepts(incomingSerial: 11, cached: cached))
        #expect(PeerCache.accepts(incomingSerial: 0, cached: cached))
        #expect(PeerCache.accepts(incomingSerial: 3, cached: nil))
    }

    @Test("cache round trip, stale marking and the drop age in the assembled registry")
    func staleness() throws {
        let home = "/tmp/am-sync-unit-\(getpid())"
        defer { _ = try? ProcessRunner.run(Command("rm", ["-rf", home])) }
        let paths = MeshPaths(home: home)
        try FileSystem.makeDirectories(paths.agents)
        try FileSystem.writeAtomically(paths.peersConf, text: "h1\nh2\n")
        try FileSystem.writeAtomically(paths.selfConf, text: "h1\n")
        let cache = PeerCache(paths: paths)
        guard case .valid(let s, let p) = PeerCache.validate(slice("h2", serial: 7), alias: "h2") else { return }
        #expect(try cache.store(s, protocolVersion: p, alias: "h2", now: 1_000))
        guard case .valid(let older, _) = PeerCache.validate(slice("h2", serial: 6, address: "h2-old-x"), alias: "h2") else { return }
        #expect(try cache.store(older, protocolVersion: 1, alias: "h2", now: 1_100) == false)
        #expect(cache.read("h2")?.entries.map(\.address) == ["h2-a-b"])
        #expect(cache.read("h2")?.lastSeen == 1_100)
        try cache.mark("h2", reachable: false, now: 1_200)
        let a = RegistryAssembler(paths: paths, selfAlias: "h1", staleDropAfterSeconds: 500)
        let stale = a.cachedPeerEntries(now: 1_300)
        #expect(stale.count == 1 && stale[0].isStale && stale[0].lastSeen == WallClock.iso8601(1_100))
        #expect(a.cachedPeerEntries(now: 1_700).isEmpty)
        try cache.mark("h2", reachable: true, now: 1_800)
        #expect(a.cachedPeerEntries(now: 1_800).first?.isStale == false)
    }
}

@Suite("remote delivery request")
struct RemoteRequestTests {
    @Test("round trip with awkward bytes; reading stops exactly at the end of the header")
    func roundTrip() throws {
        var r = RemoteRequest(address: "h2-a-b", sender: "h1 x\ny", time: 1_700_000_000,
                              body: Array("; -x $(id) 'q' \"d\" \\ #{pane_id} C-c é\n\0end\n".utf8))
        r.options = SendOptions(force: true, enterDelayMilliseconds: 150)
        r.file = .init(name: "../a b.txt", size: 3, sha256: String(repeating: "a", count: 64))
        let stream = r.encoded() + [7, 8, 9]
        var offset = 0
        let decoded = try RemoteRequest.decode { n in
            let chunk = Array(stream[offset..<min(offset + n, stream.count)])
            offset += chunk.count
            return chunk
        }
        #expect(decoded == r)
        #expect(Array(stream[offset...]) == [7, 8, 9])
    }

    @Test("the wire bytes stay those of version 1, so old and new hosts interoperate")
    func wireBytes() {
        var r = RemoteRequest(address: "h2-a-b", sender: "h1", time: 7, body: Array("hi".utf8))
        r.options = SendOptions(force: true, skipDismiss: true, enterDelayMilliseconds: 150)
        r.file = .init(name: "f", size: 1, sha256: String(repeating: "a", count: 64))
        let expected = "agent-mesh-deliver 1\naddress 6\nh2-a-b\nsender 2\nh1\ntime 1\n7\nbody 2\nhi\n"
            + "force 1\n1\nskip-dismiss 1\n1\nenter-delay 3\n150\n"
            + "file-name 1\nf\nfile-size 1\n1\nfile-sha256 64\n\(String(repeating: "a", count: 64))\nend\n"
        #expect(String(decoding: r.encoded(), as: UTF8.self) == expected)
        let plain = RemoteRequest(address: "x", sender: "s", time: 0, body: [])
        #expect(String(decoding: plain.encoded(), as: UTF8.self)
                == "agent-mesh-deliver 1\naddress 1\nx\nsender 1\ns\ntime 1\n0\nbody 0\n\nend\n")
        var outcome = DeliveryOutcome(.queued)
        outcome.dismissedDialog = "/config"
        let reply = RemoteReply(SendResult(outcome, typedLine: "hello there"))
        #expect(reply.encoded() == "status queued\ntyped hello there\ndismissed /config\n")
        let read = RemoteReply(parsing: "status refused-draft\ntyped x y\n")
        #expect(read.status == .refusedDraft && read.typedLine == "x y" && read.dismissedDialog == nil)
        #expect(RemoteReply(parsing: "status what\n").status == nil)
    }

    @Test("garbage is refused")
    func garbage() {
        let bytes = Array("hello\n".utf8)
        var o = 0
        #expect(throws: RemoteRequest.Malformed.self) {
            try RemoteRequest.decode { n in let c = Array(bytes[o..<min(o + n, bytes.count)]); o += c.count; return c }
        }
    }
}

@Suite("process runner: first-output deadline")
struct FirstOutputDeadlineTests {
    @Test("a silent child is killed at the first-output deadline, long before its deadline")
    func silentChild() throws {
        let r = try ProcessRunner.run(Command("sleep", ["5"], timeoutMilliseconds: 5_000, firstOutputMilliseconds: 150))
        #expect(r.missedFirstOutput && r.timedOut)
        #expect(r.elapsedMilliseconds < 1_500)
    }

    @Test("a child that answers at once may run past the first-output deadline")
    func answeringChild() throws {
        let r = try ProcessRunner.run(Command("sh", ["-c", "echo ready; sleep 0.4; echo done"],
                                              timeoutMilliseconds: 5_000, firstOutputMilliseconds: 150))
        #expect(r.isSuccess && !r.missedFirstOutput)
        #expect(r.stdoutText == "ready\ndone\n")
    }
}

