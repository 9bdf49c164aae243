import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// The diagnostics a new user found misleading (issue 12): one error per mistake, at the place
/// of the mistake, with help that says the stackc form.
@Suite struct CheckMisleadingTests {
    @Test func aBareNodeMemoryIsMegabytesWhenLarge() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            cluster: {provision: vagrant, memory: 1️⃣2048, disk: 2️⃣20480}
            apps:
              web: {image: nginx:1.27, resources: {memory: 3️⃣2}}
            """,
            [
                ExpectedDiagnostic(Codes.invalidFormat, "1️⃣"), ExpectedDiagnostic(Codes.invalidFormat, "2️⃣"),
                ExpectedDiagnostic(Codes.invalidFormat, "3️⃣"),
            ])
        #expect(
            diagnostics.map(\.help) == [
                "add a unit, for example '2048M' (the same as '2G')",
                "add a unit, for example '20480M' (the same as '20G')", "add a unit, for example '2G'",
            ])
        let small = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                cluster: {provision: vagrant, memory: 1️⃣4}
                apps: {}
                """)
        #expect(small?.help == "add a unit, for example '4G'")
    }

    @Test func aMissingColonIsReportedOnItsLine() {
        for manifest in [
            """
            stackc: 1
            name: shop
            apps:
              web:
                image1️⃣ nginx:1.27
                replicas: 2
            """,
            """
            stackc: 1
            name: shop
            apps:
              web:
                replicas: 2
                image1️⃣ nginx:1.27
              api:
                image: nginx:1.27
            """,
            """
            stackc: 1
            name: shop
            apps:
              web:
                replicas: 2
                image1️⃣ nginx:1.27 # the web server
            """,
        ] {
            let diagnostic = expectOnly(YAMLDiagnostics.syntax, in: manifest)
            #expect(diagnostic?.message == "invalid YAML: a ':' is missing after the key 'image'")
            #expect(diagnostic?.help == "write 'image: nginx:1.27'")
        }
    }

    @Test func aValueWithAColonIsStillAQuotingProblem() {
        let diagnostic = expectOnly(
            YAMLDiagnostics.syntax,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    command: echo a1️⃣: b
                """)
        #expect(diagnostic?.help == "a value that contains ': ' must be quoted")
    }

    @Test func aDomainWithASchemeIsOneError() {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                domain: 1️⃣https://shop.test
                apps:
                  web: {image: nginx:1.27, host: www, port: 80}
                """)
    }

    @Test func aProvisionThatDoesNotDecodeIsOneError() {
        expectOnly(
            Codes.wrongType,
            in: """
                stackc: 1
                name: shop
                cluster: {provision: 1️⃣[vagrant, ignition], cpus: 4, memory: 4G}
                apps: {}
                """)
    }

    @Test func anEmailOnASingleLabelDomainIsAccepted() {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            domain: localdomain
            tls: {mode: selfsigned, email: mario@localdomain}
            identity: {users: [{name: mario, email: mario@localdomain}]}
            databases: {pg: {}}
            apps: {}
            """)
        #expect(stack?.tls.email == "mario@localdomain")
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                tls: {email: 1️⃣mario@local_domain}
                apps: {}
                """)
    }

    @Test func composeSpellingsGetTheStackcForm() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: shop.test
            tls: 1️⃣acme
            proxy: 2️⃣traefik
            apps:
              web:
                image: nginx:1.27
                host: www
                port: 3️⃣"8080:80"
                env: 4️⃣[TZ=Europe/Paris, LANG=C]
                depends_on: 5️⃣{api: {condition: service_healthy}}
                resources: {6️⃣limits: {cpus: '0.50', memory: 512M}}
              api:
                image: nginx:1.27
                resources: {cpus: 7️⃣50%}
            """,
            [
                ExpectedDiagnostic(Codes.wrongType, "1️⃣"), ExpectedDiagnostic(Codes.wrongType, "2️⃣"),
                ExpectedDiagnostic(Codes.wrongType, "3️⃣"), ExpectedDiagnostic(Codes.wrongType, "4️⃣"),
                ExpectedDiagnostic(Codes.wrongType, "5️⃣"), ExpectedDiagnostic(Codes.unknownKey, "6️⃣"),
                ExpectedDiagnostic(Codes.wrongType, "7️⃣"),
            ])
        #expect(
            diagnostics.map(\.help) == [
                "write 'tls: {mode: acme, email: you@example.org}'",
                "write 'proxy: {kind: traefik}'",
                "'port' is the port the container serves, which the proxy routes to: 'port: 80'; to publish a port on the nodes, use 'ports: [\"8080:80\"]'",
                "env maps a name to its value: '{TZ: Europe/Paris, LANG: C}'",
                "write the names alone: 'depends_on: [api]'; stackc waits until each is reachable, so no condition is needed",
                "Compose's 'limits' are written on 'resources' itself: 'resources: {cpus: 0.5, memory: 512M}'",
                "give a number of CPUs: '0.5' is 50% of one CPU",
            ])
    }

    @Test func appKeysUnderEnvAreAWarning() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: shop.test
            apps:
              web:
                image: nginx:1.27
                env: {TZ: UTC, 1️⃣host: www, 2️⃣sticky: true, HOST: x}
            """,
            [ExpectedDiagnostic(Codes.envLooksLikeAppKey, "1️⃣"), ExpectedDiagnostic(Codes.envLooksLikeAppKey, "2️⃣")])
        #expect(diagnostics.first?.message == "'host' in 'env' of app 'web' is named like the app key 'host'")
        #expect(
            diagnostics.first?.help
                == "environment variables are usually upper case; if 'host' is meant for the app, move it out of 'env' to the app's own keys"
        )
    }

    @Test func nextcloudOnFPMIsRejectedAtTheImage() {
        let diagnostic = expectOnly(
            Codes.presetImageMismatch,
            in: """
                stackc: 1
                name: shop
                domain: shop.test
                databases: {pg: {}}
                apps:
                  cloud: {preset: nextcloud, image: 1️⃣nextcloud:30-fpm-alpine, host: cloud, database: pg}
                """)
        #expect(
            diagnostic?.message
                == "the image 'nextcloud:30-fpm-alpine' runs PHP-FPM (FastCGI on port 9000), but the nextcloud preset routes and checks HTTP on port 80"
        )
        #expect(diagnostic?.help == "use the Apache variant: 'nextcloud:30-apache'")
    }

    @Test func unpinnedImagesAreAWarning() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              a: {image: 1️⃣nginx}
              b: {image: 2️⃣ghcr.io/org/app:latest}
              c: {image: localhost:5000/app:1.0}
              d: {image: "nginx@sha256:0123456789012345678901234567890123456789012345678901234567890123"}
            """,
            [ExpectedDiagnostic(Codes.unpinnedImage, "1️⃣"), ExpectedDiagnostic(Codes.unpinnedImage, "2️⃣")])
        #expect(
            diagnostics.first?.message
                == "the image 'nginx' of app 'a' has no version tag, so a new version never rolls out")
        #expect(
            diagnostics.last?.message
                == "the image 'ghcr.io/org/app:latest' of app 'b' is tagged 'latest', so a new version never rolls out")
        #expect(
            diagnostics.last?.help
                == "the stack file does not change when 'latest' moves, so 'docker stack deploy' updates nothing, and with --resolve-image never (STACKC_RESOLVE_IMAGE=never, or no registry at hand) each node keeps the image it has; pin a version tag, such as 'ghcr.io/org/app:1.2.3'"
        )
    }

    @Test func secretNamesOverSwarmsLimitAreTooLong() {
        let long = String(repeating: "s", count: 65)
        let diagnostic = expectOnly(
            Codes.nameTooLong,
            in: """
                stackc: 1
                name: shop
                apps:
                  web: {image: nginx:1.27, secrets: [1️⃣\(long), \(String(repeating: "t", count: 64))]}
                """)
        #expect(diagnostic?.message == "the secret name '\(long.prefix(57))...' has 65 characters; Swarm allows 64")
        #expect(diagnostic?.help == "shorten it by 1 character")
    }
}
