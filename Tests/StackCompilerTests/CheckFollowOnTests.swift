import StackDiagnostics
import Testing

@testable import StackCompiler

/// One mistake, one error: a value that is written but does not decode is not also reported
/// as missing, and keys that lost their indentation are reported once, where it went wrong.
@Suite struct CheckFollowOnTests {
    @Test func aQuotedPortIsNotAlsoAMissingPort() {
        let diagnostic = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web: {image: nginx:1.27, host: www, port: 1️⃣"8080"}
                """)
        #expect(diagnostic?.help == "remove the quotes: 8080")
    }

    @Test func aBadPortWithAHealthCheckIsNotAlsoAMissingPort() {
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                apps:
                  web: {image: nginx:1.27, port: 1️⃣70000, health: /healthz}
                """)
    }

    @Test func anInvalidEmailIsNotAlsoAMissingEmail() {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                tls: {mode: acme, email: 1️⃣not-an-email}
                apps: {}
                """)
    }

    @Test func aBadlyNamedDatabaseDoesNotLeaveIdentityWithoutOne() {
        expectOnly(
            Codes.invalidName,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity: {roles: [staff]}
                databases:
                  1️⃣Pg: {}
                apps: {}
                """)
    }

    @Test func metricsThatDoNotDecodeGetNoWarning() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              web: {image: nginx:1.27, metrics: {port: 1️⃣"9100"}}
              api: {image: nginx:1.27, metrics: 2️⃣/metrics}
            """, [ExpectedDiagnostic(Codes.wrongType, "1️⃣"), ExpectedDiagnostic(Codes.wrongType, "2️⃣")])
    }

    /// `yes` and `on` are strings in YAML 1.2: their error is enough, and what depends on
    /// metrics or logs is not also warned about as if they were off.
    @Test func metricsOrLogsThatDoNotDecodeAreNotAlsoOff() {
        let manifest = """
            stackc: 1
            name: shop
            domain: example.org
            monitoring: {metrics: 1️⃣yes, logs: 2️⃣on, retention: 30d, log_retention: 7d, alerts: true, grafana: true}
            apps:
              web: {image: nginx:1.27, metrics: 9100}
              api: {image: nginx:1.27, metrics: {port: 9100, path: /m}}
            """
        expectDiagnostics(
            manifest, [ExpectedDiagnostic(Codes.wrongType, "1️⃣"), ExpectedDiagnostic(Codes.wrongType, "2️⃣")])
        // Written as off, the same keys are warned about.
        let off = manifest.replacingOccurrences(of: "1️⃣yes", with: "false")
            .replacingOccurrences(of: "2️⃣on", with: "false")
        let codes = StackCompiler.check(SourceFile(path: "test.yml", text: off)).diagnostics.map(\.code)
        #expect(codes.filter { $0 == Codes.noEffect }.count == 4, "\(codes)")
        #expect(codes.filter { $0 == Codes.metricsWithoutMonitoring }.count == 2, "\(codes)")
    }

    /// A `monitoring` section that is not a mapping has its error; the apps' metrics are not
    /// also unscraped.
    @Test func aMonitoringSectionThatDoesNotDecodeLeavesAppMetricsAlone() {
        for section in ["1️⃣yes", "1️⃣[metrics]"] {
            expectOnly(
                Codes.wrongType,
                in: """
                    stackc: 1
                    name: shop
                    monitoring: \(section)
                    apps:
                      web: {image: nginx:1.27, metrics: 9100}
                    """)
        }
    }

    @Test func appKeysBelowAnEmptyAppAreOneError() {
        let diagnostic = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  1️⃣web:
                  image: nginx:1.27
                  replicas: 2
                  api:
                    image: nginx:1.27
                """)
        #expect(
            diagnostic?.message
                == "app 'web' is empty, and the app keys below it ('image', 'replicas') are read as apps")
        #expect(diagnostic?.help == "indent 'image', 'replicas' two more spaces than 'web:'")
    }

    @Test func anEmptyAppAloneHasNoImage() {
        expectOnly(
            Codes.imageOrBuild,
            in: """
                stackc: 1
                name: shop
                apps:
                  1️⃣web:
                """)
    }

    @Test func anAppThatIsNotAMappingIsOnlyThat() {
        expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  web: 1️⃣nginx:1.27
                """)
    }

    @Test func aUserWithABadNameIsNamedByItsLine() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            identity:
              roles: [admin]
              users:
                - {name: 1️⃣zoë, roles: [2️⃣ädmin, 3️⃣staf]}
            databases: {pg: {}}
            apps: {}
            """,
            [
                ExpectedDiagnostic(Codes.invalidName, "1️⃣"), ExpectedDiagnostic(Codes.invalidName, "2️⃣"),
                ExpectedDiagnostic(Codes.unknownReference, "3️⃣"),
            ])
        #expect(diagnostics.map(\.help) == ["try 'zoe'", "try 'admin'", nil])
        #expect(diagnostics.last?.message == "the user at line 7 names the role 'staf', which does not exist")
    }

    @Test func platformRoutesWithoutADomainPointAtTheSection() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            1️⃣identity:
              realm: corp
            2️⃣registry: {}
            databases: {pg: {}}
            apps: {}
            """, [ExpectedDiagnostic(Codes.domainRequired, "1️⃣"), ExpectedDiagnostic(Codes.domainRequired, "2️⃣")])
    }

    @Test func aMisspeltSectionIsReadAsTheSectionItWasMeantToBe() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            1️⃣clustr:
              workers: 2
              shared_storage: nfs
            identity: {roles: [admin]}
            2️⃣databses:
              pg: {}
            apps:
              web: {image: nginx:1.27, replicas: 2, volumes: {data: /data}, database: pg, placement: {role: worker}}
              api: {image: nginx:1.27, depends_on: [pg], database: pg}
            """, [ExpectedDiagnostic(Codes.unknownKey, "1️⃣"), ExpectedDiagnostic(Codes.unknownKey, "2️⃣")])
    }

    @Test func aSectionWrittenTwiceUnderTwoSpellingsKeepsTheRightOne() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            databases: {pg: {}}
            1️⃣databses: {other: {}}
            apps:
              web: {image: nginx:1.27, database: 2️⃣other}
            """, [ExpectedDiagnostic(Codes.unknownKey, "1️⃣"), ExpectedDiagnostic(Codes.unknownReference, "2️⃣")])
    }

    @Test func nodesThatOverflowTheNetworkAreNotAlsoCheckedAgainstTheVIP() {
        let diagnostic = expectOnly(
            Codes.addressOverflow,
            in: """
                stackc: 1
                name: shop
                cluster:
                  managers: 3
                  workers: 4
                  address: 1️⃣10.0.0.250
                  vip: 10.0.0.252
                apps: {}
                """)
        #expect(diagnostic?.help == "start lower, for example 10.0.0.101")
    }

    @Test func plainHTTPWithOIDCIsOnlyTheError() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            identity: {}
            databases: {pg: {}}
            apps:
              web: {image: nginx:1.27, port: 80, host: www, auth: oidc, https: 1️⃣false}
            """, [ExpectedDiagnostic(Codes.oidcWithoutHTTPS, "1️⃣")])
    }
}
