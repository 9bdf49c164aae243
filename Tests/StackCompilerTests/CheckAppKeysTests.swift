import StackDiagnostics
import Testing

@testable import StackCompiler

/// The app keys of issue 12: published ports, delivered files, extra hosts, placement on a
/// named node, a health command and `health: none`; decoded, checked, resolved.
@Suite struct CheckAppKeysTests {
    // MARK: ports

    @Test func portsResolveInBothForms() {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            apps:
              db:
                image: postgres:17
                ports: ["5432:5432", "53:53/udp", {target: 80, published: 8080, protocol: tcp, mode: host}]
            """)
        #expect(
            stack?.apps.first?.ports == [
                PublishedPort(target: 5432, published: 5432, transport: .tcp, mode: .ingress),
                PublishedPort(target: 53, published: 53, transport: .udp, mode: .ingress),
                PublishedPort(target: 80, published: 8080, transport: .tcp, mode: .host),
            ])
    }

    @Test func aBadShorthandShowsTheLongForm() {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                apps:
                  db: {image: postgres:17, ports: [1️⃣"5432"]}
                """)
        #expect(diagnostic?.message == "'5432' is not valid for an entry of 'ports' of app 'db'")
        #expect(
            diagnostic?.help
                == "write the published port, ':', then the container's port, or the long form: '{target: 5432, published: 5432}'"
        )
    }

    @Test func portsOutOfRangeAndMissingKeysAreReported() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              db: {image: postgres:17, ports: [1️⃣"70000:1", 2️⃣{target: 5432}, {target: 1, published: 3️⃣0}]}
            """,
            [
                ExpectedDiagnostic(Codes.invalidValue, "1️⃣"), ExpectedDiagnostic(Codes.missingKey, "2️⃣"),
                ExpectedDiagnostic(Codes.invalidValue, "3️⃣"),
            ])
        #expect(
            diagnostics.first?.message == "an entry of 'ports' of app 'db' has a port outside 1 to 65535: '70000:1'")
        #expect(diagnostics.dropFirst().first?.message == "an entry of 'ports' of app 'db' has no 'published'")
    }

    @Test func aPortPublishedTwiceIsAnErrorWithANote() {
        let manifest = """
            stackc: 1
            name: shop
            apps:
              a: {image: nginx:1.27, ports: [1️⃣"8080:80", "53:53/udp"]}
              b: {image: nginx:1.27, ports: ["53:53", {target: 80, published: 2️⃣8080, mode: host}]}
            """
        let diagnostic = expectOnly(Codes.portConflict, at: "2️⃣", in: manifest)
        #expect(diagnostic?.message == "port 8080/tcp is published by app 'a' and app 'b'")
        expectNote(diagnostic, "port 8080 is first published here", at: "1️⃣", in: manifest)
        let twice = expectOnly(
            Codes.portConflict,
            in: """
                stackc: 1
                name: shop
                apps:
                  a: {image: nginx:1.27, ports: ["8080:80", 1️⃣"8080:81"]}
                """)
        #expect(twice?.message == "port 8080/tcp is published twice by app 'a'")
    }

    @Test func theProxyPortsAreTakenOnlyWhileAnythingIsRouted() {
        let diagnostic = expectOnly(
            Codes.portConflict,
            in: """
                stackc: 1
                name: shop
                domain: shop.test
                apps:
                  web: {image: nginx:1.27, host: www, port: 80}
                  dns: {image: coredns/coredns:1.11, ports: [1️⃣"443:443", "443:443/udp"]}
                """)
        #expect(diagnostic?.message == "app 'dns' publishes port 443, which the edge proxy takes for HTTPS")
        _ = resolved(
            """
            stackc: 1
            name: shop
            apps:
              dns: {image: coredns/coredns:1.11, ports: ["443:443", "80:80"]}
            """)
        expectOnly(
            Codes.portConflict,
            in: """
                stackc: 1
                name: shop
                domain: shop.test
                proxy: {dashboard: true}
                apps:
                  dns: {image: coredns/coredns:1.11, ports: [1️⃣"80:8080"]}
                """)
    }

    @Test func hostModeRunsOneTaskPerNode() {
        let diagnostic = expectOnly(
            Codes.unplaceableReplicas,
            in: """
                stackc: 1
                name: shop
                cluster: {managers: 1, workers: 2}
                apps:
                  dns:
                    image: coredns/coredns:1.11
                    replicas: 1️⃣3
                    placement: {role: worker}
                    ports: [{target: 53, published: 53, protocol: udp, mode: host}]
                """)
        #expect(
            diagnostic?.message
                == "app 'dns' wants 3 replicas, but it publishes port 53 in host mode, so at most one task runs on each of its 2 nodes"
        )
        #expect(diagnostic?.help == "lower 'replicas' to 2, use 'mode: ingress', or add nodes")
        _ = resolved(
            """
            stackc: 1
            name: shop
            cluster: {managers: 1, workers: 2}
            apps:
              dns: {image: coredns/coredns:1.11, replicas: 3, ports: [{target: 53, published: 53, mode: host}]}
            """)
    }

    // MARK: files

    @Test func filesResolveWithTheSourceSpan() {
        let manifest = MarkedManifest(
            """
            stackc: 1
            name: shop
            apps:
              web:
                image: nginx:1.27
                files: {/etc/nginx/nginx.conf: 1️⃣../config/nginx.conf}
            """)
        let stack = resolved(manifest.text)
        let file = stack?.apps.first?.files.first
        #expect(file?.containerPath == "/etc/nginx/nginx.conf")
        #expect(file?.source == "../config/nginx.conf")
        #expect(file?.span?.start == manifest["1️⃣"])
    }

    @Test func filesHaveAbsoluteTargetsAndRelativeSources() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              web:
                image: nginx:1.27
                files:
                  1️⃣nginx.conf: ./nginx.conf
                  /etc/passwd: 2️⃣/etc/passwd
                  3️⃣/etc/app/: ./app.conf
                  4️⃣/etc/../x: ./x
            """,
            [
                ExpectedDiagnostic(Codes.invalidFormat, "1️⃣"), ExpectedDiagnostic(Codes.invalidFormat, "2️⃣"),
                ExpectedDiagnostic(Codes.invalidFormat, "3️⃣"), ExpectedDiagnostic(Codes.invalidFormat, "4️⃣"),
            ])
        #expect(
            diagnostics[1].help
                == "the file must come with the manifest: give its path relative to the manifest's folder")
        #expect(diagnostics[2].help == "name the file itself, not its folder")
    }

    @Test func aFileInsideAVolumeIsAnError() {
        let manifest = """
            stackc: 1
            name: shop
            apps:
              web:
                image: nginx:1.27
                volumes: {conf: 1️⃣/etc/nginx}
                files: {2️⃣/etc/nginx/nginx.conf: ./nginx.conf, /etc/nginx-other/x.conf: ./x.conf}
            """
        let diagnostic = expectOnly(Codes.mountOverlap, at: "2️⃣", in: manifest)
        #expect(
            diagnostic?.message
                == "the file '/etc/nginx/nginx.conf' of 'files' of app 'web' is inside the volume 'conf' mounted at '/etc/nginx'"
        )
        expectNote(diagnostic, "the volume 'conf' is mounted here", at: "1️⃣", in: manifest)
    }

    // MARK: extra_hosts

    @Test func extraHostsResolveTheVIP() {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            cluster: {managers: 3, vip: 192.168.56.100}
            apps:
              web: {image: nginx:1.27, extra_hosts: {Shop.Example.org: vip, ldap.example.org: 10.0.0.5}}
            """)
        #expect(
            stack?.apps.first?.extraHosts == [
                ExtraHost(host: "shop.example.org", address: "192.168.56.100"),
                ExtraHost(host: "ldap.example.org", address: "10.0.0.5"),
            ])
    }

    @Test func extraHostsNeedAVIPAndValidNames() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              web: {image: nginx:1.27, extra_hosts: {shop.example.org: 1️⃣vip, 2️⃣bad_host: 10.0.0.1, x.org: 3️⃣10.0.0}}
            """,
            [
                ExpectedDiagnostic(Codes.invalidValue, "1️⃣"), ExpectedDiagnostic(Codes.invalidFormat, "2️⃣"),
                ExpectedDiagnostic(Codes.invalidFormat, "3️⃣"),
            ])
        #expect(
            diagnostics.first?.message
                == "app 'web' maps 'shop.example.org' to the cluster's 'vip', but 'cluster' has no 'vip'")
        #expect(diagnostics.first?.help == "set 'cluster.vip', or give the address itself")
    }

    // MARK: placement.node

    @Test func aNamedNodeResolvesAndCountsAsOneEligibleNode() {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            cluster: {managers: 1, workers: 2}
            databases:
              pg: {placement: {node: worker-2}}
            apps:
              web: {image: nginx:1.27, replicas: 2, placement: {node: manager-1, role: manager}}
            """)
        #expect(stack?.apps.first?.placement.node == "manager-1")
        #expect(stack?.databases.first?.placement.node == "worker-2")
        let diagnostic = expectOnly(
            Codes.unplaceableReplicas,
            in: """
                stackc: 1
                name: shop
                cluster: {managers: 1, workers: 2}
                apps:
                  web: {image: nginx:1.27, replicas: 1️⃣3, placement: {node: worker-1, max_per_node: 2}}
                """)
        #expect(
            diagnostic?.message
                == "app 'web' wants 3 replicas, but 'max_per_node: 2' on the node 'worker-1' allows only 2")
    }

    @Test func anUnknownNodeListsTheNodes() {
        let diagnostic = expectOnly(
            Codes.unknownReference,
            in: """
                stackc: 1
                name: shop
                cluster: {managers: 1, workers: 2}
                apps:
                  web: {image: nginx:1.27, placement: {node: 1️⃣worker-3}}
                """)
        #expect(diagnostic?.message == "app 'web' names the node 'worker-3', which does not exist")
        #expect(diagnostic?.expected == "one of manager-1, worker-1, worker-2")
        #expect(diagnostic?.help == "did you mean 'worker-1'?")
    }

    @Test func aRoleThatContradictsTheNodeIsAnError() {
        let manifest = """
            stackc: 1
            name: shop
            cluster: {managers: 1, workers: 1}
            apps:
              web: {image: nginx:1.27, placement: {node: 2️⃣worker-1, role: 1️⃣manager}}
            """
        let diagnostic = expectOnly(Codes.invalidValue, in: manifest)
        #expect(diagnostic?.message == "app 'web' is placed on 'worker-1', a worker, but also on the role 'manager'")
        #expect(diagnostic?.help == "remove 'role': 'node' alone says where it runs")
        expectNote(diagnostic, "the node is named here", at: "2️⃣", in: manifest)
    }

    @Test func replicasPinnedToOneNodeShareItsVolume() {
        _ = resolved(
            """
            stackc: 1
            name: shop
            cluster: {managers: 3}
            apps:
              web: {image: nginx:1.27, replicas: 2, volumes: {data: /data}, placement: {node: manager-2}}
            """)
    }

    @Test func oneNodeClustersShareEveryVolume() {
        _ = resolved(
            """
            stackc: 1
            name: shop
            cluster: {managers: 1, workers: 0}
            apps:
              web: {image: nginx:1.27, replicas: 3, volumes: {data: /data}}
            """)
        expectOnly(
            Codes.volumeNeedsSharedStorage,
            in: """
                stackc: 1
                name: shop
                cluster: {managers: 1, workers: 1}
                apps:
                  web: {image: nginx:1.27, replicas: 3, volumes: {1️⃣data: /data}}
                """)
    }

    // MARK: health

    @Test func aHealthCommandResolvesWithoutAPort() {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            apps:
              worker: {image: python:3.12-slim, health: {command: "python -c 'import sys'", interval: 10s}}
              cache: {image: redis:7.4, health: {command: [redis-cli, ping]}}
            """)
        #expect(stack?.apps[0].health?.command == .shell("python -c 'import sys'"))
        #expect(stack?.apps[0].health?.path == nil)
        #expect(stack?.apps[0].health?.interval == TimeSpan(seconds: 10))
        #expect(stack?.apps[1].health?.command == .words(["redis-cli", "ping"]))
    }

    /// `none` quoted is the same string to YAML, and the form a `stack.swift` hands over (JSON)
    /// quotes every string.
    @Test(arguments: ["none", "\"none\""])
    func healthNoneDropsThePresetsCheck(none: String) {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            domain: shop.test
            databases: {pg: {}}
            apps:
              cloud: {image: nextcloud:30-apache, preset: nextcloud, host: cloud, database: pg, health: \(none)}
            """)
        #expect(stack?.apps.first.map { $0.health == nil } == true)
    }

    @Test func aCommandWhereThePathGoesSaysHowToGiveACommand() {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                apps:
                  web: {image: nginx:1.27, port: 80, health: 1️⃣curl -f http://localhost/ || exit 1}
                """)
        #expect(
            diagnostic?.help
                == "'health' takes the path of an HTTP check; a command goes under 'command': 'health: {command: \"curl -f http://localhost/ || exit 1\"}'"
        )
        #expect(diagnostic?.expected == "a path such as /healthz, 'none', or a mapping with 'path' or 'command'")
    }

    @Test func pathAndCommandTogetherAreOneError() {
        let manifest = """
            stackc: 1
            name: shop
            apps:
              web: {image: nginx:1.27, port: 80, health: {path: 2️⃣/healthz, command: 1️⃣[true]}}
            """
        let diagnostic = expectOnly(Codes.invalidValue, in: manifest)
        #expect(diagnostic?.message == "'health' of app 'web' has both 'path' and 'command'")
        expectNote(diagnostic, "the 'path' is here", at: "2️⃣", in: manifest)
    }
}
