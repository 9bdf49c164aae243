import StackDiagnostics
import Testing

@testable import StackCompiler

/// The structural rules the syntax decoder enforces (E100–E108): each with a small manifest
/// that breaks it, and the spot the diagnostic must point at.
@Suite struct CheckStructureTests {
    @Test func unsupportedVersionPointsAtTheNumber() {
        let diagnostic = expectOnly(
            Codes.unsupportedVersion,
            in: """
                stackc: 1️⃣2
                name: shop
                apps: {}
                """)
        #expect(diagnostic?.expected == "1")
    }

    @Test func unknownTopLevelKeySuggestsTheKnownOne() {
        let diagnostic = expectOnly(
            Codes.unknownKey,
            in: """
                stackc: 1
                name: shop
                1️⃣domian: example.org
                apps: {}
                """)
        #expect(diagnostic?.help == "did you mean 'domain'?")
        #expect(diagnostic?.message == "unknown key 'domian' in the manifest")
    }

    @Test func unknownAppKeySuggestsReplicas() {
        let diagnostic = expectOnly(
            Codes.unknownKey,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    1️⃣replica: 2
                """)
        #expect(diagnostic?.help == "did you mean 'replicas'?")
        #expect(diagnostic?.expected?.contains("replicas") == true)
    }

    @Test func unknownClusterKeySuggestsStorageDriver() {
        let diagnostic = expectOnly(
            Codes.unknownKey,
            in: """
                stackc: 1
                name: shop
                cluster:
                  disk: 20G
                  1️⃣storage_drivr: zfs
                apps: {}
                """)
        #expect(diagnostic?.help == "did you mean 'storage_driver'?")
    }

    @Test func unknownKeyDeepInsideAnApp() {
        let diagnostic = expectOnly(
            Codes.unknownKey,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    update: {order: stop-first, 1️⃣paralelism: 2}
                """)
        #expect(diagnostic?.help == "did you mean 'parallelism'?")
    }

    @Test func unknownKeyFarFromEveryKnownKeyPointsAtXKeys() {
        let diagnostic = expectOnly(
            Codes.unknownKey,
            in: """
                stackc: 1
                name: shop
                1️⃣anchors: {a: 1}
                apps: {}
                """)
        #expect(diagnostic?.help?.contains("'x-'") == true)
    }

    @Test func wrongTypeForReplicas() {
        expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 1️⃣[2]
                """)
    }

    @Test func wrongTypeForApps() {
        expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps: 1️⃣[web, api]
                """)
    }

    @Test func wrongTypeForTheWholeManifest() {
        expectOnly(Codes.wrongType, in: "1️⃣just a sentence\n")
    }

    @Test func wrongTypeForABooleanExplainsYAML12() {
        let diagnostic = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: web
                    https: 1️⃣no
                """)
        #expect(diagnostic?.help?.contains("YAML 1.2") == true)
    }

    @Test func wrongTypeForANumberWhereAStringIsExpectedSuggestsQuotes() {
        let diagnostic = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: 1️⃣1.5
                """)
        #expect(diagnostic?.help == "quote it to make it a string: \"1.5\"")
    }

    @Test func composeKeysSayWhatStackcCallsThem() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              web:
                image: nginx:1.27
                1️⃣environment: {A: b}
                2️⃣restart: always
            """, [ExpectedDiagnostic(Codes.unknownKey, "1️⃣"), ExpectedDiagnostic(Codes.unknownKey, "2️⃣")])
        #expect(
            diagnostics.map(\.help) == [
                "Compose's 'environment' is 'env' here: a mapping of NAME: value",
                "Swarm restarts failed tasks by itself; remove 'restart'",
            ])
    }

    @Test func composeKeysOutsideAnAppGetTheUsualSuggestion() {
        let diagnostic = expectOnly(
            Codes.unknownKey,
            in: """
                stackc: 1
                name: shop
                1️⃣labels: {a: b}
                apps: {}
                """)
        #expect(diagnostic?.help?.contains("Compose") == false)
    }

    @Test func composeVolumeListShowsTheMapping() {
        let diagnostic = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    volumes:
                      1️⃣- html:/usr/share/nginx/html
                """)
        #expect(
            diagnostic?.help
                == "volumes map a name to the path in the container, one per line: 'html: /usr/share/nginx/html'")
    }

    @Test func aWordWhereAListIsExpectedShowsTheList() {
        let diagnostic = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  api:
                    image: nginx:1.27
                  web:
                    image: nginx:1.27
                    depends_on: 1️⃣api
                """)
        #expect(diagnostic?.help == "write a list: [api]")
    }

    @Test func quotedBooleanSuggestsRemovingTheQuotes() {
        let diagnostic = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: web
                    https: 1️⃣"false"
                """)
        #expect(diagnostic?.help == "remove the quotes: false")
    }

    @Test func quotedIntegerSuggestsRemovingTheQuotes() {
        let diagnostic = expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 1️⃣"8080"
                """)
        #expect(diagnostic?.help == "remove the quotes: 8080")
    }

    @Test func wrongTypeForEntrypoint() {
        expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    entrypoint: [tini, 1️⃣{a: 1}]
                """)
    }

    @Test func wrongTypeForAnEmptyValue() {
        expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas:1️⃣
                """)
    }

    @Test func missingVersionPointsAtTheStartOfTheManifest() {
        let diagnostic = expectOnly(
            Codes.missingKey,
            in: """
                # a comment before the first key
                1️⃣name: shop
                apps: {}
                """)
        #expect(diagnostic?.help == "add 'stackc: 1'")
    }

    @Test func missingNameAndApps() {
        expectDiagnostics(
            """
            1️⃣stackc: 1
            """, [.init(Codes.missingKey, "1️⃣"), .init(Codes.missingKey, "1️⃣")])
    }

    @Test func healthMapWithoutPath() {
        expectOnly(
            Codes.missingKey,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    1️⃣health:
                      interval: 10s
                """)
    }

    @Test func metricsMapWithoutPort() {
        expectOnly(
            Codes.missingKey,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                monitoring: {metrics: true}
                apps:
                  web:
                    image: nginx:1.27
                    1️⃣metrics: {path: /stats}
                """)
    }

    @Test func identityWithoutADatabaseToDefaultTo() {
        let diagnostic = expectOnly(
            Codes.missingKey,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                1️⃣identity:
                  roles: [staff]
                databases:
                  one: {}
                  two: {}
                apps: {}
                """)
        #expect(diagnostic?.help == "choose one of one, two")
    }

    @Test func userWithoutName() {
        expectOnly(
            Codes.missingKey,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity:
                  users:
                    - 1️⃣email: a@example.org
                databases: {pg: {}}
                apps: {}
                """)
    }

    @Test func negativeReplicas() {
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 1️⃣-1
                """)
    }

    @Test func portOutOfRange() {
        let diagnostic = expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 1️⃣70000
                """)
        #expect(diagnostic?.expected == "an integer from 1 to 65535")
    }

    @Test func misspelledEnumValueSuggestsTheValidOne() {
        let diagnostic = expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                tls:
                  mode: 1️⃣acmee
                  email: ops@example.org
                apps: {}
                """)
        #expect(diagnostic?.help == "did you mean 'acme'?")
        #expect(diagnostic?.expected == "one of selfsigned, acme, provided")
    }

    @Test func appBackupTrueIsNotASchedule() {
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    volumes: {data: /data}
                    backup: 1️⃣true
                """)
    }

    @Test func authWithoutHost() {
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    auth: 1️⃣basic
                """)
    }

    @Test func nodeAddressEndingInZero() {
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                cluster:
                  address: 1️⃣10.0.0.0
                apps: {}
                """)
    }

    @Test func appNameThatIsNotADNSLabel() {
        let diagnostic = expectOnly(
            Codes.invalidName,
            in: """
                stackc: 1
                name: shop
                apps:
                  1️⃣Web_Server:
                    image: nginx:1.27
                """)
        #expect(diagnostic?.help == "try 'web-server'")
    }

    @Test(arguments: ["my_stack", "Shop", "1shop", "shop-", "é", String(repeating: "a", count: 64)])
    func stackNamesThatAreNotDNSLabels(name: String) {
        expectOnly(
            Codes.invalidName,
            in: """
                stackc: 1
                name: 1️⃣\(name)
                apps: {}
                """)
    }

    @Test func stackNameOf63CharactersIsAName() {
        // The name is valid; only the Swarm service names it makes are too long.
        expectOnly(
            Codes.nameTooLong,
            in: """
                stackc: 1
                name: 1️⃣\(String(repeating: "a", count: 63))
                apps: {}
                """)
    }

    @Test func roleNameThatIsNotADNSLabel() {
        expectOnly(
            Codes.invalidName,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity:
                  roles: [staff, 1️⃣Admins]
                databases: {pg: {}}
                apps: {}
                """)
    }

    @Test func environmentVariableName() {
        expectOnly(
            Codes.invalidName,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    env:
                      GOOD: 1
                      1️⃣1BAD: 2
                """)
    }

    @Test func secretName() {
        expectOnly(
            Codes.invalidName,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    secrets: [api_key, 1️⃣-bad]
                """)
    }

    @Test func databaseName() {
        expectOnly(
            Codes.invalidName,
            in: """
                stackc: 1
                name: shop
                databases:
                  1️⃣main_db: {}
                apps: {}
                """)
    }

    @Test func sizeWithoutUnitSuggestsOne() {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    resources:
                      memory: 1️⃣512
                """)
        #expect(diagnostic?.help == "add a unit, for example '512M'")
    }

    @Test func durationWithoutUnitSuggestsSeconds() {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    health: {path: /health, interval: 1️⃣30}
                """)
        #expect(diagnostic?.help == "add a unit: '30s'")
    }

    @Test func durationFarBeyondWhatDockerCanHold() {
        // 100 000 000 days, many times over: rejected, not an arithmetic overflow.
        let huge = String(repeating: "99999999d", count: 20_000)
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                monitoring:
                  retention: 1️⃣\(huge)
                apps: {}
                """)
    }

    @Test func ipv4Address() {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                cluster:
                  address: 1️⃣192.168.300.1
                apps: {}
                """)
    }

    @Test func hostWithScheme() {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: 1️⃣https://web.example.org/
                """)
        #expect(diagnostic?.help == "give the host name only, without scheme or path")
    }

    @Test func misspelledScheduleSuggestsDaily() {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                databases:
                  pg:
                    backup: 1️⃣dayly
                apps: {}
                """)
        #expect(diagnostic?.help == "did you mean 'daily'?")
    }

    @Test func cronExpressionOutOfRange() {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                databases:
                  pg:
                    backup: 1️⃣"0 25 * * *"
                apps: {}
                """)
    }

    @Test func uppercaseImageName() {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: 1️⃣Nginx:1.27
                """)
        #expect(diagnostic?.help == "image names are lowercase")
    }

    @Test func routePathWithoutLeadingSlash() {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: web
                    path: 1️⃣api
                """)
        #expect(diagnostic?.help == "write '/api'")
    }

    @Test(arguments: [
        "/", "//", "/a/../b", "/..", "/data/..", "relative/path", "/with space", "/c:d", "\"/tab\\there\"",
        "\"/nel\\u0085\"",
    ])
    func volumePathsThatAreRejected(path: String) {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    volumes:
                      data: 1️⃣\(path)
                """)
    }

    @Test(arguments: ["/data", "/data/", "/data/..hidden", "/a/.../b", "/srv/./x", "/ünïcode/ok"])
    func volumePathsThatAreAccepted(path: String) {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              web:
                image: nginx:1.27
                volumes:
                  data: \(path)
            """, [])
    }

    @Test(arguments: ["/a b", "/a?b=1", "/a#b", "\"/a\\u2003b\"", "\"/a\\u0001\""])
    func routePathsThatAreRejected(path: String) {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: web
                    path: 1️⃣\(path)
                """)
    }

    @Test func notAnSSHKey() {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                cluster:
                  ssh_keys:
                    - 1️⃣my laptop key
                apps: {}
                """)
    }

    @Test func relativeBackupTarget() {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                backup:
                  target: 1️⃣backups
                apps: {}
                """)
    }

    @Test func emailAddress() {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                monitoring:
                  metrics: true
                  alerts: {email: 1️⃣ops-at-example.org}
                apps: {}
                """)
    }

    @Test func duplicateRoleInAList() {
        let manifest = """
            stackc: 1
            name: shop
            domain: example.org
            identity:
              roles: [2️⃣admin, staff, 1️⃣admin]
            databases: {pg: {}}
            apps: {}
            """
        let diagnostic = expectOnly(Codes.duplicateEntry, in: manifest)
        expectNote(diagnostic, "the first 'admin' is here", at: "2️⃣", in: manifest)
        #expect(diagnostic?.help == "remove one")
    }

    @Test func duplicateInALongList() {
        // Long lists find repeats through a dictionary, short ones by comparing.
        let roles = (0..<30).map { "\($0 == 29 ? "2️⃣" : "")r\($0)" }.joined(separator: ", ")
        let manifest = """
            stackc: 1
            name: shop
            domain: example.org
            identity:
              roles: [\(roles), 1️⃣r29]
            databases: {pg: {}}
            apps: {}
            """
        let diagnostic = expectOnly(Codes.duplicateEntry, in: manifest)
        expectNote(diagnostic, "the first 'r29' is here", at: "2️⃣", in: manifest)
    }

    @Test func duplicateUser() {
        expectOnly(
            Codes.duplicateEntry,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity:
                  users:
                    - name: alice
                    - name: 1️⃣alice
                databases: {pg: {}}
                apps: {}
                """)
    }

    @Test func serviceNameBeyondTheSwarmLimit() {
        let stack = String(repeating: "s", count: 40)
        let app = String(repeating: "a", count: 30)
        let diagnostic = expectOnly(
            Codes.nameTooLong,
            in: """
                stackc: 1
                name: \(stack)
                apps:
                  1️⃣\(app):
                    image: nginx:1.27
                """)
        #expect(diagnostic?.message.contains("71 characters") == true)
    }

    @Test func serviceNameAtTheSwarmLimitIsFine() {
        // 40 + 1 + 22 = 63: the longest allowed; the platform's own services are shorter.
        let stack = String(repeating: "s", count: 40)
        let app = String(repeating: "a", count: 22)
        expectDiagnostics(
            """
            stackc: 1
            name: \(stack)
            apps:
              \(app):
                image: nginx:1.27
            """, [])
    }
}
