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

    /// An app scraped every 5m or more has no series between scrapes (Prometheus's lookback is
    /// 5m): an error where the interval is written, whatever its spelling.
    @Test(arguments: ["5m", "300s", "1h30m", "7d", "4m60s"])
    func aScrapeIntervalOfFiveMinutesOrMoreIsAnError(interval: String) {
        let diagnostic = expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                monitoring: {metrics: true}
                apps:
                  web: {image: "nginx:1.27", metrics: {port: 9100, interval: 1️⃣\(interval)}}
                """)
        #expect(diagnostic?.message.contains("vanish between scrapes") == true, "\(String(describing: diagnostic))")
        #expect(diagnostic?.expected?.contains("at most 4m59s") == true)
    }

    /// Above Prometheus's advised 2m and under 5m, one missed scrape leaves a gap: a warning,
    /// and the interval is still used.
    @Test(arguments: ["2m1s", "3m", "4m59s"])
    func aScrapeIntervalAboveTwoMinutesIsAWarning(interval: String) {
        let manifest = """
            stackc: 1
            name: shop
            domain: example.org
            monitoring: {metrics: true}
            apps:
              web: {image: "nginx:1.27", metrics: {port: 9100, interval: 1️⃣\(interval)}}
            """
        let diagnostic = expectOnly(Codes.longScrapeInterval, in: manifest)
        #expect(diagnostic?.help == "use at most 2m, so that a missed scrape leaves no gap")
        let stack = MarkedManifest(manifest).check().stack
        #expect(stack?.apps[0].metrics?.interval == TimeSpan(seconds: SyntaxDecoder.durationSeconds(interval) ?? 0))
    }

    /// Up to 2m is what Prometheus advises: no diagnostic.
    @Test(arguments: ["1s", "1m", "2m", "1m59s"])
    func aScrapeIntervalOfAtMostTwoMinutesIsFine(interval: String) {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            domain: example.org
            monitoring: {metrics: true}
            apps:
              web: {image: "nginx:1.27", metrics: {port: 9100, interval: \(interval)}}
            """)
        #expect(stack?.apps[0].metrics?.interval == TimeSpan(seconds: SyntaxDecoder.durationSeconds(interval) ?? 0))
    }

    /// A path that starts with '/' but holds a query or a space is refused for what it holds,
    /// the same way for every key read as a path.
    @Test(arguments: [
        ("metrics: {port: 9100, path: 1️⃣/admin/metrics?format=prometheus}", "has a query string ('?format=prometheus')"),
        ("metrics: {port: 9100, path: 1️⃣\"/metrics extra\"}", "holds a space"),
        ("metrics: {port: 9100, path: 1️⃣/metrics#all}", "has a fragment ('#all')"),
        ("host: www, path: 1️⃣/shop?x=1", "has a query string ('?x=1')"),
        ("host: www, path: 1️⃣\"/shop\\tfront\"", "holds whitespace or a control character (U+9)"),
        ("health: {path: 1️⃣\"/health`x\"}", "holds '`'"),
        ("health: 1️⃣/healthz?full=1", "has a query string ('?full=1')"),
        ("host: www, path: 1️⃣shop", "does not start with '/'"),
    ])
    func aPathSaysWhatIsWrongWithIt(keys: String, problem: String) {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                monitoring: {metrics: true}
                apps:
                  web: {image: "nginx:1.27", port: 80, \(keys)}
                """)
        #expect(diagnostic?.message.contains(problem) == true, "\(String(describing: diagnostic?.message))")
        #expect(diagnostic?.expected == SyntaxDecoder.routePathExpected)
        #expect(diagnostic?.expected?.contains("starting with '/'") == true)
    }
}
