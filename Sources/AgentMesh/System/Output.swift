@preconcurrency import Glibc

/// Unbuffered writes to stdout and stderr with `write(2)` (no Foundation `FileHandle`).
public enum Output {
    public static func out(_ text: String) { emit(1, text) }
    public static func err(_ text: String) { emit(2, text) }

    /// `<tool>: error: <message>` on stderr — the one error format of every tool.
    public static func error(tool: String, _ message: String) {
        err("\(tool): error: \(message)\n")
    }

    public static func emit(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = retryingEINTR { write(fd, buf.baseAddress! + offset, buf.count - offset) }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
