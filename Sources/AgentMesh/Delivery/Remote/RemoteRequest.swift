@preconcurrency import Glibc

/// The request a sender streams to `notify-pane --deliver-stdin` on the recipient's host.
///
/// Wire format (version 1), all on ssh's stdin, nothing in the remote command line:
/// ```
/// agent-mesh-deliver 1\n
/// <key> <byte count>\n<that many bytes>\n      (repeated; keys below, any order)
/// end\n
/// <file bytes>                                  (only with file-size; exactly that many)
/// ```
/// Keys: `address`, `sender`, `time` (epoch seconds of the sender's tag), `body` (raw message
/// bytes, may be empty), `force`/`skip-dismiss` (`1`), `enter-delay` (ms) — the sender's
/// `SendOptions` —, `file-name`, `file-size`, `file-sha256` (hex). Every value is
/// length-prefixed, so no byte of a message is ever interpreted; unknown keys are ignored
/// (newer senders, older receivers), which is how a new option travels without a version bump.
///
/// The receiver answers on stdout after the ready line with a `RemoteReply`.
public struct RemoteRequest: Equatable, Sendable {
    public var address: String
    public var sender: String
    public var time: Int
    public var body: [UInt8]
    public var options = SendOptions()
    public var file: FileHeader?
    /// The message id (`MessageID`); receivers before it ignore the key and type no id.
    public var id: String?
    /// The id a reply answers (`re`).
    public var replyTo: String?
    /// The sending host's alias as the sender claims it (`sender-host`).
    public var senderHost: String?
    /// How many replies deep the message is (`hop`; the loop guard).
    public var hop = 0

    public struct FileHeader: Equatable, Sendable {
        public var name: String
        public var size: Int
        public var sha256: String
        public init(name: String, size: Int, sha256: String) { self.name = name; self.size = size; self.sha256 = sha256 }
    }

    public static let magic = "agent-mesh-deliver 1"

    public init(address: String, sender: String, time: Int, body: [UInt8]) {
        self.address = address; self.sender = sender; self.time = time; self.body = body
    }

    /// The header bytes (the file, if any, follows them on stdin).
    public func encoded() -> [UInt8] {
        var out = Array((RemoteRequest.magic + "\n").utf8)
        func field(_ key: String, _ value: [UInt8]) {
            out += Array("\(key) \(value.count)\n".utf8) + value + [10]
        }
        field("address", Array(address.utf8))
        field("sender", Array(sender.utf8))
        field("time", Array(String(time).utf8))
        if let id { field("id", Array(id.utf8)) }
        if let replyTo { field("re", Array(replyTo.utf8)) }
        if let senderHost { field("sender-host", Array(senderHost.utf8)) }
        if hop > 0 { field("hop", Array(String(hop).utf8)) }
        field("body", body)
        if options.force { field("force", Array("1".utf8)) }
        if options.skipDismiss { field("skip-dismiss", Array("1".utf8)) }
        if let d = options.enterDelayMilliseconds { field("enter-delay", Array(String(d).utf8)) }
        if let f = file {
            field("file-name", Array(f.name.utf8))
            field("file-size", Array(String(f.size).utf8))
            field("file-sha256", Array(f.sha256.utf8))
        }
        return out + Array("end\n".utf8)
    }

    /// Why a request could not be read.
    public struct Malformed: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ d: String) { description = "malformed delivery request: " + d }
    }

    /// Reads the header from `read` (which returns up to n bytes, [] at EOF) without reading
    /// one byte past `end\n`, so the file bytes stay in the stream for the caller.
    public static func decode(_ read: (Int) -> [UInt8]) throws(Malformed) -> RemoteRequest {
        func line() throws(Malformed) -> String {
            var bytes: [UInt8] = []
            while true {
                let b = read(1)
                guard let c = b.first else { throw Malformed("unexpected end of input") }
                if c == 10 { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(c)
                if bytes.count > 200 { throw Malformed("header line too long") }
            }
        }
        func exactly(_ n: Int) throws(Malformed) -> [UInt8] {
            var out: [UInt8] = []
            while out.count < n {
                let b = read(n - out.count)
                if b.isEmpty { throw Malformed("unexpected end of input") }
                out += b
            }
            return out
        }
        guard try line() == magic else { throw Malformed("not an agent-mesh request (version 1 expected)") }
        var fields: [String: [UInt8]] = [:]
        while true {
            let header = try line()
            if header == "end" { break }
            let parts = header.split(separator: " ")
            guard parts.count == 2, let n = Int(parts[1]), n >= 0, n <= 64 << 20 else {
                throw Malformed("bad field header '\(header)'")
            }
            fields[String(parts[0])] = try exactly(n)
            guard try exactly(1) == [10] else { throw Malformed("field \(parts[0]) not terminated") }
        }
        func text(_ k: String) -> String? { fields[k].map { String(decoding: $0, as: UTF8.self) } }
        guard let address = text("address"), let sender = text("sender"),
              let time = text("time").flatMap({ Int($0) }), let body = fields["body"] else {
            throw Malformed("address, sender, time and body are required")
        }
        var r = RemoteRequest(address: address, sender: sender, time: time, body: body)
        r.id = text("id").flatMap { MessageID.isValid($0) ? $0 : nil }
        r.replyTo = text("re").flatMap { MessageID.isValid($0) ? $0 : nil }
        r.senderHost = text("sender-host")
        r.hop = text("hop").flatMap { Int($0) }.map { max(0, min($0, 1_000)) } ?? 0
        r.options = SendOptions(force: text("force") == "1", skipDismiss: text("skip-dismiss") == "1",
                                enterDelayMilliseconds: text("enter-delay").flatMap { Int($0) })
        if let name = text("file-name") {
            guard let size = text("file-size").flatMap({ Int($0) }), size >= 0,
                  let sha = text("file-sha256"), sha.utf8.count == 64 else {
                throw Malformed("file-name needs file-size and file-sha256")
            }
            r.file = FileHeader(name: name, size: size, sha256: sha)
        }
        return r
    }

    /// A reader over a file descriptor for `decode` and the file bytes after it.
    public static func reader(fd: Int32) -> (Int) -> [UInt8] {
        { n in
            var buf = [UInt8](repeating: 0, count: max(1, n))
            let got = buf.withUnsafeMutableBytes { b in retryingEINTR { Glibc.read(fd, b.baseAddress, b.count) } }
            return got > 0 ? Array(buf[0..<got]) : []
        }
    }
}

/// The receive side's answer, on stdout after the ready line: `status <status>`, then
/// `typed <line>`, then `dismissed <dialog>` when a dialog was closed first. Failures also
/// leave one `notify-pane: error:` line on stderr and the exit status (`NotifyExitCode`).
/// A refusal before typing (bad request, unknown address, inbox) prints no reply at all.
public struct RemoteReply: Equatable, Sendable {
    public var status: DeliveryOutcome.Status?
    public var typedLine: String
    public var dismissedDialog: String?

    public init(_ result: SendResult) {
        status = result.outcome.status
        typedLine = result.typedLine
        dismissedDialog = result.outcome.dismissedDialog
    }

    public func encoded() -> String {
        var out = "status \(status?.rawValue ?? "")\ntyped \(typedLine)\n"
        if let dismissedDialog { out += "dismissed \(dismissedDialog)\n" }
        return out
    }

    /// Reads a reply; an unknown or missing status stays nil. (The sender does not use
    /// `dismissed`: a remote send never said which dialog the far side closed.)
    public init(parsing text: String) {
        status = nil
        typedLine = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("status ") { status = DeliveryOutcome.Status(rawValue: String(line.dropFirst(7))) }
            if line.hasPrefix("typed ") { typedLine = String(line.dropFirst(6)) }
            if line.hasPrefix("dismissed ") { dismissedDialog = String(line.dropFirst(10)) }
        }
    }
}
