@preconcurrency import Glibc

extension TmuxWire {
    /// The client's half of the conversation after the command was sent: fed the server's
    /// bytes as they arrive, it answers through `send` and says when the conversation is over.
    ///
    /// Why a separate value: it holds every decision `run` makes about the server's messages
    /// but no socket, so the fuzz tests can feed it arbitrary bytes (Tests/Fuzz).
    ///
    /// Policy: a frame whose length field is shorter than its header, a message too short for
    /// its fields, or a message type this client never asked for ends the conversation with
    /// exit status 1 (the reason on stderr where there is one) — never a trap, never a guess.
    struct ServerReader {
        let input: [UInt8]
        var result = Result(status: 1, stdout: [], stderr: [], timedOut: false)
        /// stream → 1 (stdout) or 2 (stderr)
        var streams: [Int32: Int32] = [:]
        /// Bytes of a frame not complete yet.
        var buffer: [UInt8] = []

        enum Step {
            /// The frames so far are handled; read more.
            case needMore
            /// The conversation is over with this result.
            case finished(Result)
            /// The server speaks another protocol version (the command did not run).
            case versionMismatch
        }

        init(input: [UInt8]) { self.input = input }

        /// Handles every complete frame in `buffer + chunk`. `send` writes a reply and returns
        /// false when the socket failed.
        mutating func consume(_ chunk: [UInt8], send: ([UInt8]) -> Bool) -> Step {
            buffer += chunk
            while buffer.count >= headerSize {
                let type = UInt32(littleEndianBytes: buffer, at: 0)
                let length = Int(buffer[4]) | Int(buffer[5]) << 8
                guard length >= headerSize else { return .finished(failed(result)) }
                guard buffer.count >= length else { break }
                let data = Array(buffer[headerSize..<length])
                buffer.removeFirst(length)
                switch Message(rawValue: type) {
                case .version:
                    return .versionMismatch
                case .writeOpen:
                    guard data.count >= 12 else { return .finished(failed(result)) }
                    let stream = Int32(bitPattern: UInt32(littleEndianBytes: data, at: 0))
                    let target = Int32(bitPattern: UInt32(littleEndianBytes: data, at: 4))
                    streams[stream] = target == 2 ? 2 : 1
                    let error: Int32 = (target == 1 || target == 2) ? 0 : EBADF
                    guard send(message(.writeReady, int32(stream) + int32(error))) else { return .finished(failed(result)) }
                case .write:
                    guard data.count >= 4 else { return .finished(failed(result)) }
                    let stream = Int32(bitPattern: UInt32(littleEndianBytes: data, at: 0))
                    if streams[stream] == 2 { result.stderr += data[4...] } else { result.stdout += data[4...] }
                case .writeClose:
                    break
                case .readOpen:
                    guard data.count >= 8 else { return .finished(failed(result)) }
                    let stream = int32(Int32(bitPattern: UInt32(littleEndianBytes: data, at: 0)))
                    var reply: [UInt8] = []
                    var offset = 0
                    let room = maximumMessage - headerSize - 4
                    while offset < input.count {
                        let end = min(offset + room, input.count)
                        reply += message(.read, stream + Array(input[offset..<end]))
                        offset = end
                    }
                    reply += message(.readDone, stream + int32(0))
                    guard send(reply) else { return .finished(failed(result)) }
                case .exit, .shutdown:
                    result.status = data.count >= 4 ? Int32(bitPattern: UInt32(littleEndianBytes: data, at: 0)) : 1
                    _ = send(message(.exiting, []))
                    return .finished(result)
                case .exited:
                    return .finished(result)
                default:
                    // Anything else (attach, shell, lock…) is not ours to handle.
                    result.stderr += Array("unexpected tmux message \(type)\n".utf8)
                    return .finished(failed(result))
                }
            }
            return .needMore
        }
    }
}
