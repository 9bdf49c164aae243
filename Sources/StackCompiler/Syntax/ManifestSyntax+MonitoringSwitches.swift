/// Whether metrics and logs are off, for the rules that warn about what does nothing without
/// them.
extension ManifestSyntax {
    /// True when `monitoring.metrics` is off for certain: `false`, or not written (nor the
    /// `monitoring` section). False when it, or the section, was written with a value that did
    /// not decode: that value has its own error, and what depends on it is not also warned about
    /// as if it were off.
    var metricsKnownOff: Bool {
        guard let monitoring else { return topKeySpans["monitoring"] == nil }
        return monitoring.metrics.map { !$0.value } ?? !monitoring.metricsWritten
    }

    /// True when `monitoring.logs` is off for certain; see `metricsKnownOff`.
    var logsKnownOff: Bool {
        guard let monitoring else { return topKeySpans["monitoring"] == nil }
        return monitoring.logs.map { !$0.value } ?? !monitoring.logsWritten
    }
}
