/// Quantities the manifest gives and the passes write out: spans of time, sizes and
/// schedules. The syntax decoder reads them (`ScalarFormats.swift`); every output format has
/// its own spelling here.

/// A length of time, in seconds.
struct TimeSpan: Hashable {
    /// Whole seconds.
    var seconds: Int

    /// The shortest exact form Docker and Prometheus accept: `90s`, `5m`, `2h`, `1h30m`.
    var goString: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }

    /// Prometheus form, which also allows days.
    var prometheusString: String {
        seconds % 86_400 == 0 ? "\(seconds / 86_400)d" : goString
    }
}

/// An amount of memory or disk, in bytes (binary multiples).
struct ByteSize: Hashable {
    /// Bytes.
    var bytes: Int64

    /// Docker's form: `512M`, `2G`, or bytes when not a whole multiple.
    var dockerString: String {
        for (unit, shift) in [("G", 30), ("M", 20), ("K", 10)] where bytes % (Int64(1) << shift) == 0 {
            return "\(bytes >> shift)\(unit)"
        }
        return String(bytes)
    }
}

/// A backup schedule: `hourly`, `daily`, `weekly` or five cron fields.
struct Schedule: Hashable {
    /// The five cron fields.
    var cron: String
}
