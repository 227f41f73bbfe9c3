@testable import AgentMesh
import Testing

/// The parsers that read what other hosts and other users wrote, fed corpus seeds and their
/// mutants (see `Fuzzer`). Each test proves: no trap and no hang on any input, a rejected
/// input is an error value whose description says what is wrong, and where an encoder
/// exists, decoding what it wrote gives back the value.
@Suite("Fuzzing the parsers that face the network and other users")
struct FuzzTests {
    @Test("remote request decoder: any bytes give a request or a clear Malformed, never a read past end")
    func remoteRequest() {
        var fuzzer = Fuzzer(target: "remote-request", seed: 0xA11CE,
                            tokens: ["agent-mesh-deliver 1\n", "end\n", "body ", "file-size ", "address 3\n"])
        fuzzer.run { input in
            let stream = ByteStream(input)
            do throws(RemoteRequest.Malformed) {
                let request = try RemoteRequest.decode(stream.read)
                // What was decoded re-encodes to a header the decoder reads back the same.
                let again = ByteStream(request.encoded())
                #expect((try? RemoteRequest.decode(again.read)) == request)
                #expect(stream.offset <= input.count)
            } catch {
                #expect(error.description.hasPrefix("malformed delivery request: "))
                #expect(error.description.count > "malformed delivery request: ".count)
            }
        }
    }

    @Test("remote request: decode(encode(r)) == r for generated requests, however the bytes are split")
    func remoteRequestRoundTrip() throws {
        var rng = SplitMix64(seed: 0xB0B)
        for _ in 0..<500 {
            var r = RemoteRequest(address: rng.text(40), sender: rng.text(40), time: Int(bitPattern: UInt(rng.next())),
                                  body: rng.bytes(300))
            r.options = SendOptions(force: rng.below(2) == 0, skipDismiss: rng.below(2) == 0,
                                    enterDelayMilliseconds: rng.below(2) == 0 ? nil : Int(bitPattern: UInt(rng.next())))
            r.id = rng.below(2) == 0 ? nil : MessageID.make(milliseconds: rng.below(1 << 45))
            r.replyTo = rng.below(2) == 0 ? nil : MessageID.make(milliseconds: rng.below(1 << 45))
            r.senderHost = rng.below(2) == 0 ? nil : rng.text(20)
            if rng.below(2) == 0 {
                r.file = .init(name: rng.text(30), size: rng.below(1 << 20), sha256: String(repeating: "ab", count: 32))
            }
            let trailing = rng.bytes(20)
            let stream = ByteStream(r.encoded() + trailing, chunkLimit: 1 + rng.below(7), rng: rng)
            #expect(try RemoteRequest.decode(stream.read) == r)
            #expect(Array(stream.bytes[stream.offset...]) == trailing, "read past end\\n")
        }
    }

    @Test("TOML, registry documents and slices: a table or a TOMLError with a position and a reason")
    func toml() {
        var fuzzer = Fuzzer(target: "toml", seed: 0x7031,
                            tokens: ["[agents.", "]\n", " = ", "\"", "'''", "\"\"\"", "\\u", "\\U0010FFFF", "[[", "{",
                                     ".", "enter_delay = \"", "0x", "1979-05-27T07:32:00Z", "inf", "_"])
        fuzzer.run { input in
            do throws(TOMLError) {
                let table = try TOML.parse(bytes: input)
                // Anything read writes back to a document that reads as the same table.
                #expect((try? TOML.parse(TOML.write(table))) == table)
            } catch {
                #expect(error.line >= 1 && error.column >= 1 && !error.reason.isEmpty)
                #expect(error.description.contains(error.reason))
            }
            let text = String(decoding: input, as: UTF8.self)
            _ = try? RegistryDocument.parse(text)
            _ = try? LocalSlice.parse(text, defaultHost: "peer")
            _ = RegistryDocument.parseLeniently(text)
            _ = RegistryDocument.metadata(text)
        }
    }

    @Test("pane listing: records or nothing, and what they hold feeds address assignment safely")
    func paneListing() {
        let listing = PaneListing(nonce: "AMfuzzcorpus01")
        var fuzzer = Fuzzer(target: "pane-listing", seed: 0x9A4E,
                            tokens: ["AMfuzzcorpus01R", "AMfuzzcorpus01F", "\\036", "\\\\", "\\0", "%", "@"])
        fuzzer.run { input in
            let records = listing.parse(String(decoding: input, as: UTF8.self))
            let windows = records.map { AddressAssigner.Window(session: $0.sessionName, index: $0.windowIndex,
                                                               name: $0.windowName, windowID: $0.windowID) }
            let addresses = AddressAssigner.assign(host: "hub", windows: windows, previous: [:], reserved: [])
            #expect(addresses.count == windows.count)
            for r in records { _ = AgentEntry.parseDelay(r.enterDelay) }
        }
    }

    @Test("pane listing: what tmux 3.3a and 3.4 print for any names parses back to those names")
    func paneListingRoundTrip() {
        var rng = SplitMix64(seed: 0x11571)
        let listing = PaneListing(nonce: "AMfuzzcorpus01")
        for _ in 0..<300 {
            let records = (0..<(1 + rng.below(4))).map { i in
                PaneRecord(sessionName: rng.text(12), windowIndex: i, windowName: rng.text(20), windowID: "@\(i)",
                           paneID: "%\(i)", isActivePane: rng.below(2) == 0, currentCommand: rng.text(8),
                           currentPath: "/" + rng.text(15), role: rng.text(6), scope: rng.text(6),
                           enterDelay: rng.text(4), socketPath: "/tmp/" + rng.text(10), paneIndex: rng.below(4))
            }
            for vis in [false, true] {
                let output = records.map { r in
                    let values = [r.sessionName, String(r.windowIndex), r.windowName, r.windowID, r.paneID,
                                  r.isActivePane ? "1" : "0", r.currentCommand, r.currentPath, r.role, r.scope,
                                  r.enterDelay, r.socketPath, String(r.paneIndex)]
                    return "AMfuzzcorpus01R" + zip(values, PaneListing.fields).map { v, f in
                        f.isText ? TmuxPrinting.text(v, vis: vis) : v
                    }.joined(separator: "AMfuzzcorpus01F") + "\n"
                }.joined()
                let parsed = listing.parse(output)
                guard parsed == records else {
                    Issue.record("vis \(vis): \(records) printed as \(Array(output.utf8)) parsed as \(parsed)")
                    return
                }
            }
        }
    }

    @Test("probe output: a snapshot or nil, and every reading of it (input line, draft, dialog, profile) is safe")
    func probe() {
        let profiles = ProfileSet.load(agentsDirectory: nil)
        var fuzzer = Fuzzer(target: "probe", seed: 0x960BE,
                            tokens: ["AMPROBE\t", "\u{1b}[38;2;", "\u{1b}[38;5;", "\u{1b}]0;", "\u{07}", ";", "m",
                                     "\u{200D}", "\u{1F3FB}", "\u{301}", "❯ ", "│ > "])
        fuzzer.run { input in
            let text = String(decoding: input, as: UTF8.self)
            for line in text.split(separator: "\n") { _ = ScreenLine(parsing: line).width }
            guard let s = PaneSnapshot(probeOutput: text) else { return }
            _ = s.inputText
            _ = InputLineAnalysis.draft(in: s)
            _ = InputLineAnalysis.dialog(in: s)
            _ = SubmissionCheck.presence(of: "hello world from the fuzzer", in: s)
            for kind in ["claude", "codex"] { _ = ScreenReading.read(s, profile: profiles.profile(kind)) }
        }
    }

    @Test("tmux wire reader: any server bytes end in a result, more reading or a version refusal, split anyhow")
    func tmuxWire() {
        var fuzzer = Fuzzer(target: "tmux-wire", seed: 0x3173,
                            tokens: ["\u{10}\u{0}", "\u{ff}\u{ff}", "\u{0}\u{0}\u{0}\u{0}"])
        var split = SplitMix64(seed: 0x5917)
        fuzzer.run { input in
            let whole = TmuxWireCheck.feed(input, chunks: [input.count])
            let cuts = (0..<(1 + split.below(5))).map { _ in split.below(input.count + 1) }
            let pieces = TmuxWireCheck.feed(input, chunks: cuts)
            #expect(whole == pieces, "the split changed the outcome")
        }
    }

    @Test("tmux format decode: any field decodes; what tmux prints for a text decodes back to it")
    func tmuxFormat() {
        var fuzzer = Fuzzer(target: "tmux-format", seed: 0xF0F0, tokens: ["\\", "\\\\", "\\0", "\\400", "\\7"])
        fuzzer.run { input in _ = TmuxFormat.decode(String(decoding: input, as: UTF8.self)) }
        var rng = SplitMix64(seed: 0xF1F1)
        for _ in 0..<1_000 {
            let s = rng.text(30)
            #expect(TmuxFormat.decode(TmuxPrinting.text(s, vis: false)) == s)
            #expect(TmuxFormat.decode(TmuxPrinting.text(s, vis: true)) == s)
        }
    }
}
