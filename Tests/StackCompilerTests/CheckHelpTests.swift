import StackDiagnostics
import Testing

@testable import StackCompiler

/// The help notes for the mistakes new users make: what they most likely meant, written so it
/// can be copied.
@Suite struct CheckHelpTests {
    /// The help of the only diagnostic of `manifest`, which must be `code` at the marker.
    func help(_ code: DiagnosticCode, _ manifest: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        -> String?
    {
        expectOnly(code, in: manifest, sourceLocation: sourceLocation)?.help
    }

    @Test func aKeyAfterAnEmptyOneWasMeantToBeIndentedUnderIt() {
        #expect(
            help(
                Codes.unknownKey,
                """
                stackc: 1
                name: shop
                apps:
                1️⃣web:
                  image: nginx:1.27
                """) == "'apps' on line 3 is empty: to put 'web' under it, indent it further")
        #expect(
            help(
                Codes.unknownKey,
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    volumes:
                    1️⃣data: /data
                """) == "'volumes' on line 6 is empty: to put 'data' under it, indent it further")
    }

    @Test func aTypoBeatsTheEmptyKeyAbove() {
        #expect(
            help(
                Codes.unknownKey,
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    env:
                    1️⃣imag: nginx:1.27
                """) == "did you mean 'image'?")
    }

    @Test func keysInAnotherCaseGetTheirSnakeCaseName() {
        #expect(
            help(
                Codes.unknownKey,
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    health: {path: /, 1️⃣startPeriod: 30s}
                """) == "keys are written in snake_case: 'start_period'")
    }

    @Test func keysOfANestedMappingSayWhereTheyBelong() {
        #expect(
            help(
                Codes.unknownKey,
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    1️⃣maxPerNode: 1
                """) == "'max_per_node' belongs under 'placement'")
        #expect(
            help(
                Codes.unknownKey,
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    1️⃣start_period: 1m
                """) == "'start_period' belongs under 'health'")
        #expect(
            help(
                Codes.unknownKey,
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    health: {path: /, 1️⃣port: 8080}
                """) == "'port' is a key of the app itself, not of 'health'")
    }

    @Test func composeTopLevelKeys() {
        let diagnostics = expectDiagnostics(
            """
            1️⃣version: "3.8"
            stackc: 1
            name: shop
            2️⃣services:
              web: {image: nginx:1.27}
            apps: {}
            """, [ExpectedDiagnostic(Codes.unknownKey, "1️⃣"), ExpectedDiagnostic(Codes.unknownKey, "2️⃣")])
        #expect(
            diagnostics.map(\.help) == [
                "Compose's 'version' is not needed: 'stackc: 1' gives the format version",
                "Compose's 'services' is 'apps' here: a mapping of app name to app",
            ])
    }

    @Test func anAppOutsideApps() {
        #expect(
            help(
                Codes.unknownKey,
                """
                stackc: 1
                name: shop
                1️⃣web: {image: nginx:1.27}
                apps: {}
                """) == "'web' looks like an app: indent it under 'apps:'")
    }

    @Test func otherUnknownKeysAreToldAboutXKeys() {
        #expect(
            help(
                Codes.unknownKey,
                """
                stackc: 1
                name: shop
                1️⃣defaults: {a: 1}
                apps: {}
                """) == "remove it, or start it with 'x-' to keep it for your own anchors (stackc ignores x- keys)")
    }

    @Test(arguments: [
        ("5sec", "5s"), ("2weeks", "14d"), ("1.5m", "90s"), ("10 minutes", "10m"), ("36h", nil), ("1.5s", nil),
        ("soon", nil),
    ])
    func durationsInWords(written: String, suggested: String?) {
        #expect(SyntaxDecoder.durationSpelling(written) == suggested)
    }

    @Test func aDurationInWordsIsSpelledTheWayStackcReadsIt() {
        #expect(
            help(
                Codes.invalidFormat,
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    health: {path: /, timeout: 1️⃣5sec}
                """) == "write '5s'")
    }

    @Test func aSizeWithASpace() {
        #expect(
            help(
                Codes.invalidFormat,
                """
                stackc: 1
                name: shop
                cluster: {provision: vagrant, memory: 1️⃣4 GB}
                apps: {}
                """) == "write it without spaces: '4GB'")
    }

    @Test func aHostWithAnUnderscore() {
        #expect(
            help(
                Codes.invalidFormat,
                """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web: {image: nginx:1.27, port: 80, host: 1️⃣my_app}
                """) == "did you mean 'my-app'? host names have no '_'")
    }

    @Test func aHostWithASpace() {
        #expect(
            help(
                Codes.invalidFormat,
                """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web: {image: nginx:1.27, port: 80, host: 1️⃣"my host"}
                """) == "did you mean 'my-host'? host names have no spaces")
    }

    /// A domain is not "one label under the domain".
    @Test func aDomainWithASpace() {
        let manifest = """
            stackc: 1
            name: shop
            domain: 1️⃣"bad domain"
            apps: {}
            """
        #expect(help(Codes.invalidFormat, manifest) == "did you mean 'bad-domain'? host names have no spaces")
        let diagnostic = StackCompiler.check(SourceFile(path: "t.yml", text: manifest.replacing("1️⃣", with: "")))
            .diagnostics.first { $0.code == Codes.invalidFormat }
        #expect(diagnostic?.expected == "a domain name such as 'example.org'")
    }

    /// A number is not a host (`host: 8080` is most likely a port); quoted, it is a name.
    @Test func aNumberForAHost() {
        #expect(
            help(
                Codes.wrongType,
                """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web: {image: nginx:1.27, port: 80, host: 1️⃣8080}
                """) == "quote it if it is meant as a name: \"8080\"; a port goes in 'port'")
        let quoted = """
            stackc: 1
            name: shop
            domain: example.org
            apps:
              web: {image: nginx:1.27, port: 80, host: "8080"}
            """
        #expect(StackCompiler.check(SourceFile(path: "t.yml", text: quoted)).diagnostics.isEmpty)
    }

    @Test func otherNamesOfAChoice() {
        #expect(
            help(
                Codes.invalidValue,
                """
                stackc: 1
                name: shop
                databases:
                  db: {engine: 1️⃣mysql}
                apps: {}
                """) == "write 'mariadb': MariaDB serves MySQL clients")
        #expect(
            help(
                Codes.invalidValue,
                """
                stackc: 1
                name: shop
                domain: example.org
                tls: {mode: 1️⃣letsencrypt, email: a@example.org}
                apps: {}
                """) == "write 'acme': Let's Encrypt certificates come through ACME")
    }

    @Test func replicasInCapitalsOrAsAFraction() {
        #expect(
            help(
                Codes.wrongType,
                """
                stackc: 1
                name: shop
                apps:
                  web: {image: nginx:1.27, replicas: 1️⃣Global}
                """) == "write 'global' in lower case")
        let fraction = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  web: {image: nginx:1.27, replicas: 1️⃣1.5}
                """)
        #expect(fraction?.message == "'replicas' of app 'web' must be an integer or 'global', not a decimal number")
        #expect(fraction?.help == "replicas are whole tasks: write an integer")
    }

    @Test func anEngineNamedWhereADatabaseGoes() {
        #expect(
            help(
                Codes.unknownReference,
                """
                stackc: 1
                name: shop
                databases:
                  db: {engine: postgres}
                apps:
                  web: {image: nginx:1.27, database: 1️⃣postgres}
                """) == "'postgres' is an engine: name an entry of 'databases:'")
    }

    @Test func aDependencyIsNeverOfferedTheAppItself() {
        let diagnostic = expectOnly(
            Codes.unknownReference,
            in: """
                stackc: 1
                name: shop
                apps:
                  web: {image: nginx:1.27, depends_on: [1️⃣redis]}
                """)
        #expect(diagnostic?.expected == "an app, a database or a platform service (none other is defined)")
        #expect(diagnostic?.help == "define the database under 'databases:' and depend on its name")
    }

    @Test func aHealthCheckGivenAPort() {
        let diagnostic = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  web: {image: nginx:1.27, port: 80, health: 1️⃣8080}
                """)
        #expect(diagnostic?.expected == "a path such as /healthz, or a mapping")
        #expect(
            diagnostic?.help
                == "the check is sent to the app's 'port'; write the path here, for example 'health: /healthz'")
    }

    @Test func metricsGivenAPath() {
        #expect(
            help(
                Codes.wrongType,
                """
                stackc: 1
                name: shop
                apps:
                  web: {image: nginx:1.27, metrics: 1️⃣/stats}
                """) == "give the port, and the path beside it: 'metrics: {port: 9100, path: /stats}'")
    }

    @Test func aVIPOnTheBroadcastAddress() {
        let diagnostic = expectOnly(
            Codes.vipOutsideNetwork,
            in: """
                stackc: 1
                name: shop
                cluster: {address: 192.168.56.10, vip: 1️⃣192.168.56.255}
                apps: {}
                """)
        #expect(
            diagnostic?.message
                == "the virtual IP 192.168.56.255 is the broadcast address of the nodes' network 192.168.56.0/24")
    }

    @Test func unitsAreSuggestedForWhatTheKeyMeasures() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            cluster: {provision: vagrant, disk: 1️⃣20}
            monitoring: {metrics: true, retention: 2️⃣90}
            apps:
              web: {image: nginx:1.27, resources: {memory: 3️⃣512}}
            """,
            [
                ExpectedDiagnostic(Codes.invalidFormat, "1️⃣"), ExpectedDiagnostic(Codes.invalidFormat, "2️⃣"),
                ExpectedDiagnostic(Codes.invalidFormat, "3️⃣"),
            ])
        #expect(
            diagnostics.map(\.help) == [
                "add a unit, for example '20G'", "add a unit: '90d'", "add a unit, for example '512M'",
            ])
    }

    @Test func composeShapesInPlatformKeys() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            identity: {roles: [admin], groups: 1️⃣[admins]}
            databases: {pg: {backup: 2️⃣"0 3 * * MON"}}
            backup: {target: 3️⃣s3://My_Bucket/x}
            registry: {}
            apps:
              a: {image: 4️⃣"nginx:", placement: {labels: 5️⃣["node.labels.zone==eu"]}}
              b: {build: 6️⃣{context: ./b, dockerfile: Dockerfile}}
            """,
            [
                ExpectedDiagnostic(Codes.wrongType, "1️⃣"), ExpectedDiagnostic(Codes.invalidFormat, "2️⃣"),
                ExpectedDiagnostic(Codes.invalidFormat, "3️⃣"), ExpectedDiagnostic(Codes.invalidFormat, "4️⃣"),
                ExpectedDiagnostic(Codes.wrongType, "5️⃣"), ExpectedDiagnostic(Codes.wrongType, "6️⃣"),
            ])
        #expect(
            diagnostics.map(\.help) == [
                "groups map a name to the roles it carries: 'admins: [role, …]'",
                "cron fields are numbers: minute 0–59, hour 0–23, day 1–31, month 1–12, weekday 0–7 (0 and 7 are Sunday), a step at most the field's range; names such as MON are not read",
                "an S3 bucket name has lowercase letters, digits, '-' and '.' only: 's3://my-bucket/…'",
                "the tag after ':' is empty: write one, such as 'nginx:1.27'",
                "node labels map a name to a value: {zone: eu}",
                "'build' is the folder alone, with its Dockerfile in it: 'build: ./b'",
            ])
    }

    @Test func aGroupOrAnAppNamedWhereARoleOrDatabaseGoes() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            identity:
              roles: [admin, staff]
              groups: {admins: [admin, staff]}
            databases: {pg: {}}
            apps:
              a: {image: nginx:1.27}
              c: {image: nginx:1.27, host: c, port: 80, auth: oidc, roles: [1️⃣admins], database: 2️⃣a}
            """, [ExpectedDiagnostic(Codes.unknownReference, "1️⃣"), ExpectedDiagnostic(Codes.unknownReference, "2️⃣")])
        #expect(
            diagnostics.map(\.help) == [
                "'admins' is a group, not a role; it carries admin, staff",
                "'a' is an app; 'database' names an entry of 'databases:'",
            ])
    }
}
