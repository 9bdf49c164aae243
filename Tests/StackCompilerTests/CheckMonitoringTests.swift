import StackDiagnostics
import Testing

@testable import StackCompiler

/// What a new-user trial of monitoring found: values Prometheus would take in a sense the user
/// did not mean, and follow-on warnings after a value that did not decode.
@Suite struct CheckMonitoringTests {
    /// Prometheus reads a zero retention as none set and keeps its default of 15 days.
    @Test func aZeroRetentionIsAnError() {
        for zero in ["0d", "0s", "0h0m"] {
            let diagnostic = expectOnly(
                Codes.invalidValue,
                in: """
                    stackc: 1
                    name: shop
                    domain: example.org
                    monitoring: {metrics: true, retention: 1️⃣\(zero)}
                    apps: {web: {image: "nginx:1.27"}}
                    """)
            #expect(diagnostic?.message.contains("default 15 days") == true, "\(String(describing: diagnostic))")
            #expect(diagnostic?.expected == "a duration greater than 0, such as 15d")
        }
        let stack = resolved(
            """
            stackc: 1
            name: shop
            domain: example.org
            monitoring: {metrics: true, retention: 1h}
            apps: {web: {image: "nginx:1.27"}}
            """)
        #expect(stack?.monitoring.retention == TimeSpan(seconds: 3600))
    }
}
