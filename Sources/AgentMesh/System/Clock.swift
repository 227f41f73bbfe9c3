@preconcurrency import Glibc

/// `CLOCK_MONOTONIC` in milliseconds and microseconds: deadlines and durations.
public enum MonotonicClock {
    public static func milliseconds() -> Int { microseconds() / 1_000 }

    public static func microseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int(ts.tv_sec) * 1_000_000 + Int(ts.tv_nsec) / 1_000
    }

    /// Sleeps at least `ms` milliseconds (EINTR resumed).
    public static func sleep(milliseconds ms: Int) {
        guard ms > 0 else { return }
        var request = timespec(tv_sec: ms / 1_000, tv_nsec: (ms % 1_000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}

/// Wall-clock time in UTC, formatted without Foundation.
public enum WallClock {
    /// Seconds since the epoch.
    public static func now() -> Int { Int(time(nil)) }

    /// Milliseconds since the epoch (message ids sort by it).
    public static func milliseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int(ts.tv_sec) * 1_000 + Int(ts.tv_nsec) / 1_000_000
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` — the sender tag's and the registry's timestamp format.
    public static func iso8601(_ seconds: Int = now()) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))"
            + "T\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ` back to epoch seconds; nil when malformed.
    public static func parseISO8601(_ text: String) -> Int? {
        parseISO8601(bytes: Array(text.utf8)[...])
    }

    /// The same over bytes (a log line's first 20), with no String made: log scans call it
    /// once per matching line.
    public static func parseISO8601(bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count == 20 else { return nil }
        let b0 = bytes.startIndex
        func at(_ i: Int) -> UInt8 { bytes[b0 + i] }
        let b = (0..<20).map(at)
        guard b.count == 20, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 90
        else { return nil }
        func num(_ r: Range<Int>) -> Int32? {
            var v: Int32 = 0
            for i in r { guard (48...57).contains(b[i]) else { return nil }; v = v * 10 + Int32(b[i] - 48) }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10),
              let h = num(11..<13), let mi = num(14..<16), let s = num(17..<19) else { return nil }
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        return daysSinceEpoch(year: Int(y), month: Int(mo), day: Int(d)) * 86_400
            + Int(h) * 3_600 + Int(mi) * 60 + Int(s)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date — arithmetic, because glibc's
    /// `timegm` reads /etc/localtime on first use (~0.3 ms on every send's loop-guard scan).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
