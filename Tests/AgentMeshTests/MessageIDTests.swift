@testable import AgentMesh
import Testing

@Suite("Message ids and the tag that carries them")
struct MessageIDTests {
    @Test("ids are 16 base32 characters, sort by creation time, and carry it")
    func ids() {
        let a = MessageID.make(milliseconds: 1_796_000_000_000), b = MessageID.make(milliseconds: 1_796_000_000_001)
        #expect(a.count == 16 && MessageID.isValid(a) && a < b)
        #expect(MessageID.milliseconds(of: a) == 1_796_000_000_000)
        #expect(Set((0..<1000).map { _ in MessageID.make(milliseconds: 5) }).count == 1000)
        #expect(!MessageID.isValid("../../etc/pass") && !MessageID.isValid("01jf4k2m9x3qabIL"))
    }

    @Test("the tag starts as the bash tool's, then [id:<id>]; an invalid id is left out")
    func tag() throws {
        let id = MessageID.make(milliseconds: 0)
        let tag = MessageComposer.tag(sender: "hub-dev-build", time: 0, id: id)
        #expect(tag == "[from hub-dev-build @ 1970-01-01T00:00:00Z] [id:\(id)] ")
        let old = try #require(try Regex(#"^\[from (\S+) @ ([0-9TZ:-]+)\] (.*)$"#).wholeMatch(in: tag + "hello"))
        #expect(old.output.count == 4)
        #expect(MessageComposer.tag(sender: "x", time: 0, id: "bad id") == "[from x @ 1970-01-01T00:00:00Z] ")
    }

    @Test("a remote request carries the id; a request without one still decodes")
    func remoteID() throws {
        var r = RemoteRequest(address: "a", sender: "s", time: 1, body: Array("b".utf8))
        r.id = MessageID.make()
        var bytes = r.encoded()[...]
        let read: (Int) -> [UInt8] = { n in let c = Array(bytes.prefix(n)); bytes = bytes.dropFirst(c.count); return c }
        #expect(try RemoteRequest.decode(read).id == r.id)
        var old = RemoteRequest(address: "a", sender: "s", time: 1, body: [])
        old.id = nil
        var oldBytes = old.encoded()[...]
        let readOld: (Int) -> [UInt8] = { n in let c = Array(oldBytes.prefix(n)); oldBytes = oldBytes.dropFirst(c.count); return c }
        #expect(try RemoteRequest.decode(readOld).id == nil)
    }
}
