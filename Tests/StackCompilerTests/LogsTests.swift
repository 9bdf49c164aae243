import Foundation
import Testing

@testable import StackCompiler

/// The logs (`monitoring.logs`, LogsPass): neither Loki nor Fluent Bit runs here, so each of
/// their configurations is checked against a schema of its documented format
/// (`Tests/Logs/*.schema.json`, each citing the documentation and version it follows) by
/// check-jsonschema, for every manifest with logs; and the files are checked against each other
/// and against the stack file as Docker reads it: the shipper sends where Loki listens, every
/// service's log lines carry the labels the shipper reads, the shipper reads where the engine
/// writes, Loki keeps its data on its volume.
@Suite(.serialized) struct LogsTests {
    /// Logs with an edge proxy of its own plan (HAProxy), shared storage, a database and a
    /// retention of its own.
    static let manifest = """
        stackc: 1
        name: logstack
        domain: logs.test
        proxy: {kind: haproxy}
        cluster: {managers: 1, workers: 2, shared_storage: nfs}
        databases:
          pg: {}
        monitoring:
          logs: true
          log_retention: 7d
        apps:
          web:
            image: example/web:1
            replicas: 2
            port: 8080
            host: www
            database: pg

        """

    /// Logs without metrics or Grafana, on node-local storage, the default retention.
    static let logsOnly = """
        stackc: 1
        name: quietlogs
        domain: quiet.test
        monitoring: {logs: true, grafana: false}
        apps:
          api: {image: "example/api:1", port: 9000, host: api}

        """

    /// No logs.
    static let noLogs = """
        stackc: 1
        name: nologs
        domain: nologs.test
        monitoring: {metrics: true}
        apps:
          api: {image: "example/api:1", port: 9000, host: api}

        """

    /// Every manifest the tests read: committed, acceptance, synthetic, generated and the above.
    static let manifests: [(name: String, text: String)] =
        PrometheusTests.committed("manifests") + PrometheusTests.committed("Tests/Acceptance/manifests")
        + SyntheticManifests.all + [
            ("logs/generated.yml", GeneratedManifests.apps(3, name: "generated")),
            ("logs/logstack.yml", manifest), ("logs/quietlogs.yml", logsOnly), ("logs/nologs.yml", noLogs),
        ]

    static let lokiFile = "loki/loki.yml"
    static let shipperFile = "fluent-bit/fluent-bit.yaml"

    static func schema(_ name: String) -> URL {
        BuildSupport.repoRoot.appendingPathComponent("Tests/Logs/\(name).schema.json")
    }

    static func build(_ name: String) throws -> BuildSupport.Built {
        let text = try #require(manifests.first { $0.name == name }?.text, "no manifest \(name)")
        return try #require(BuildSupport.build(path: name, text: text))
    }

    static func document(_ built: BuildSupport.Built, _ path: String) throws -> PyYAMLValue {
        let text = try #require(built.tree.file(path)?.contents, "no \(path)")
        return try #require(try PyYAMLValue.read(text))
    }

    /// The stack file as `docker stack config` normalises it (the loader `docker stack deploy`
    /// uses): it must accept the file.
    static func normalisedStack(_ built: BuildSupport.Built) throws -> PyYAMLValue {
        let folder = try BuildSupport.makeTemporaryFolder("logs-docker")
        defer { try? FileManager.default.removeItem(at: folder) }
        try BuildSupport.write(built.tree, to: folder)
        let docker = try #require(try Tools.run("docker", ["stack", "config", "-c", "stack.yml"], in: folder))
        try #require(docker.status == 0, "docker stack config rejects stack.yml: \(docker.summary)")
        return try #require(try PyYAMLValue.read(docker.stdout))
    }

    /// Runs check-jsonschema with `schema` on `files` (name, contents), written to a folder.
    static func validate(_ schema: String, _ files: [(name: String, text: String)]) throws -> ToolRun {
        let folder = try BuildSupport.makeTemporaryFolder("logs-schema")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
        return try #require(
            try Tools.run(
                "check-jsonschema", ["--schemafile", Self.schema(schema).path] + files.map(\.name), in: folder))
    }

    /// The record keys a Loki output's labels read (`$attrs['com.docker.swarm.service.name']`
    /// reads `com.docker.swarm.service.name` of `attrs`), by map.
    static func accessedKeys(_ labels: String, of map: String) -> [String] {
        let prefix = "$\(map)['"
        return labels.split(separator: ",").compactMap { pair in
            guard let value = pair.split(separator: "=", maxSplits: 1).last.map(String.init),
                let range = value.range(of: prefix),
                let end = value.range(of: "']", range: range.upperBound..<value.endIndex)
            else { return nil }
            return String(value[range.upperBound..<end.lowerBound])
        }
    }

    /// The Loki label names of an output's `labels`.
    static func labelNames(_ labels: String) -> [String] {
        labels.split(separator: ",").compactMap {
            $0.split(separator: "=").first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    // MARK: - 1. Each configuration against its documented format

    /// Every `loki.yml` and `fluent-bit.yaml` passes its schema; a manifest without logs has
    /// neither file, nor either service, nor a `logging` on any service.
    @Test func everyConfigurationPassesTheSchemaOfItsFormat() throws {
        var loki: [(name: String, text: String)] = []
        var shipper: [(name: String, text: String)] = []
        for (name, _) in Self.manifests {
            let built = try Self.build(name)
            let stackFile = try #require(built.tree.file("stack.yml")).contents
            guard built.stack.monitoring.logs else {
                #expect(built.tree.file(Self.lokiFile) == nil && built.tree.file(Self.shipperFile) == nil, "\(name)")
                #expect(!stackFile.contains("\n  loki:\n") && !stackFile.contains("\n  fluent-bit:\n"), "\(name)")
                #expect(!stackFile.contains("\n    logging:\n"), "\(name): logging without logs")
                continue
            }
            // Numbered: two manifests may name the same stack.
            let stem = "\(loki.count + 1)-\(built.stack.name)"
            loki.append(("\(stem)-loki.yml", try #require(built.tree.file(Self.lokiFile)).contents))
            shipper.append(("\(stem)-fluent-bit.yaml", try #require(built.tree.file(Self.shipperFile)).contents))
        }
        #expect(loki.count >= 3, "too few manifests with logs: \(loki.map(\.name))")
        let lokiRun = try Self.validate("loki-config", loki)
        #expect(lokiRun.status == 0, "\(lokiRun.summary)")
        let shipperRun = try Self.validate("fluent-bit-config", shipper)
        #expect(shipperRun.status == 0, "\(shipperRun.summary)")
    }

    /// The schemas refuse what the programs refuse (so the test above passes because the files
    /// are right): a misspelt key, an index period retention cannot work with, a plugin that is
    /// not there, a key in the wrong case, a label name Loki refuses.
    @Test(arguments: [
        ("loki-config", "retention_enabled: true", "retention_enable: true"),
        ("loki-config", "period: 24h", "period: 168h"),
        ("loki-config", "store: tsdb", "store: tsdbx"),
        ("fluent-bit-config", "name: systemd", "name: journald"),
        ("fluent-bit-config", "match: journal", "Match: journal"),
        ("fluent-bit-config", "source=journal", "log-source=journal"),
        ("fluent-bit-config", "read_from_tail: 'on'", "read_from_tail: 'yes please'"),
    ])
    func theSchemasRefuseWhatTheProgramsRefuse(schema: String, original: String, mutated: String) throws {
        let built = try Self.build("logs/logstack.yml")
        let path = schema == "loki-config" ? Self.lokiFile : Self.shipperFile
        let text = try #require(built.tree.file(path)).contents
        try #require(text.contains(original), "\(path) no longer holds '\(original)'")
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let run = try Self.validate(schema, [(name, text.replacingOccurrences(of: original, with: mutated))])
        #expect(run.status != 0, "the \(schema) schema accepts '\(mutated)'")
    }

    // MARK: - 2. The files and the stack file agree

    /// Both Loki outputs send to Loki's service name and port, on a network both services are
    /// on; Grafana's address for Loki (PlatformService.loki.internalURL) is that one.
    @Test(arguments: ["logs/logstack.yml", "logs/quietlogs.yml", "manifests/campus.yml"])
    func theShipperSendsWhereLokiListens(name: String) throws {
        let built = try Self.build(name)
        let stack = try Self.normalisedStack(built)
        let services = try #require(stack["services"]?.pairs)
        let lokiName = try #require(
            services.first { $0.value["image"]?.string?.hasPrefix("grafana/loki:") == true }?.key, "no Loki")
        let shipper = try #require(services[PlatformService.fluentBit.name], "no fluent-bit")
        let listenPort = try #require(try Self.document(built, Self.lokiFile)["server"]?["http_listen_port"]?.int)
        let outputs = try #require(try Self.document(built, Self.shipperFile)["pipeline"]?["outputs"]?.items)
        #expect(outputs.count == 2)
        for output in outputs {
            #expect(output["host"]?.string == lokiName)
            #expect(output["port"]?.int == listenPort)
        }
        let lokiNetworks = Set(services[lokiName]?["networks"]?.pairs?.keys.map { $0 } ?? [])
        let shipperNetworks = Set(shipper["networks"]?.pairs?.keys.map { $0 } ?? [])
        #expect(!lokiNetworks.intersection(shipperNetworks).isEmpty, "\(lokiNetworks) \(shipperNetworks)")
        #expect(lokiNetworks.contains(PlatformNames.monitoringNetwork))
        #expect(PlatformService.loki.internalURL == "http://\(lokiName):\(listenPort)")
    }

    /// Every service of the stack (the edge proxy's and the databases' too) logs to rotated
    /// json-file logs whose lines carry every container label the shipper's outputs read, and
    /// every label of the shipper's container output is one Loki accepts and the issue names.
    @Test(arguments: ["logs/logstack.yml", "logs/quietlogs.yml", "manifests/campus.yml"])
    func everyServiceLogsTheLabelsTheShipperReads(name: String) throws {
        let built = try Self.build(name)
        let stack = try Self.normalisedStack(built)
        let outputs = try #require(try Self.document(built, Self.shipperFile)["pipeline"]?["outputs"]?.items)
        let containerLabels = try #require(
            outputs.first { $0["match"]?.string?.hasPrefix("container") == true }?["labels"]?.string)
        let read = Self.accessedKeys(containerLabels, of: "attrs")
        #expect(
            Set(read) == ["com.docker.stack.namespace", "com.docker.swarm.service.name", "com.docker.swarm.task.name"])
        #expect(Set(Self.labelNames(containerLabels)) == ["source", "node", "stack", "service", "task"])
        let services = try #require(stack["services"]?.pairs)
        // The edge proxy's service comes from a plan of its own: it is among them.
        let edge = [PlatformService.traefik.name, PlatformService.haproxy.name]
        #expect(services.keys.contains { edge.contains($0) }, "\(services.keys.sorted())")
        #expect(Set(built.stack.apps.map(\.name)).isSubset(of: services.keys))
        for (service, definition) in services {
            let logging = definition["logging"]
            #expect(logging?["driver"]?.string == "json-file", "\(name): \(service) logs elsewhere")
            let carried = Set((logging?["options"]?["labels"]?.string ?? "").split(separator: ",").map(String.init))
            #expect(carried.isSuperset(of: read), "\(name): \(service)'s lines lack \(Set(read).subtracting(carried))")
            #expect(logging?["options"]?["max-size"]?.string != nil, "\(name): \(service) is not rotated")
            #expect(Int(logging?["options"]?["max-file"]?.string ?? "") ?? 0 >= 2, "\(name): \(service)")
        }
    }

    /// The shipper, on every node, reads where the engine writes each container's json-file log
    /// and the journal's two folders (with the machine id), read-only; its positions are on a
    /// volume of the node's own, and the global service is pinned nowhere.
    @Test(arguments: ["logs/logstack.yml", "logs/quietlogs.yml"])
    func theShipperReadsWhereTheEngineWrites(name: String) throws {
        let built = try Self.build(name)
        let stack = try Self.normalisedStack(built)
        let shipper = try #require(stack["services"]?[PlatformService.fluentBit.name])
        #expect(shipper["deploy"]?["mode"]?.string == "global")
        #expect(shipper["deploy"]?["placement"]?["constraints"] == nil, "a pinned log shipper")
        let mounts = shipper["volumes"]?.items ?? []
        let binds = mounts.filter { $0["type"]?.string == "bind" }
        /// The bind that holds `path` in the container: its source on the host holds it at the
        /// same place, read-only.
        func covered(_ path: String) -> Bool {
            binds.contains { bind in
                guard let target = bind["target"]?.string, let source = bind["source"]?.string else { return false }
                return (path == target || path.hasPrefix(target + "/")) && source == target
                    && bind["read_only"]?.bool == true
            }
        }
        let config = try Self.document(built, Self.shipperFile)
        let inputs = try #require(config["pipeline"]?["inputs"]?.items)
        let tail = try #require(inputs.first { $0["name"]?.string == "tail" })
        #expect(tail["path"]?.string == "/var/lib/docker/containers/*/*-json.log")
        #expect(covered("/var/lib/docker/containers"))
        for path in ["/var/log/journal", "/run/log/journal", "/etc/machine-id"] {
            #expect(covered(path), "\(name): \(path) is not bound read-only")
        }
        let state = try #require(mounts.first { $0["type"]?.string == "volume" })
        let stateTarget = try #require(state["target"]?.string)
        for input in inputs {
            #expect(input["db"]?.string?.hasPrefix(stateTarget + "/") == true, "\(name): \(input)")
        }
        let stateSource = try #require(state["source"]?.string)
        let volume = try #require(stack["volumes"]?[stateSource])
        #expect(volume["driver_opts"] == nil, "\(name): the positions are on shared storage")
        let environment = shipper["environment"]?["NODE_NAME"]?.string
        #expect(environment == "{{.Node.Hostname}}")
        let firstLabels = try #require(outputs(config).first?["labels"]?.string)
        #expect(
            firstLabels.contains("node=${NODE_NAME}"), "the node label does not come from the variable the stack sets")
    }

    func outputs(_ config: PyYAMLValue) -> [PyYAMLValue] {
        config["pipeline"]?["outputs"]?.items ?? []
    }

    /// Loki keeps chunks, index and compactor state under its volume's mount, on the shared
    /// storage when there is one; one task on a manager; its health check asks its own /ready on
    /// the port it listens on; the retention is the manifest's, in whole days.
    @Test(arguments: [("logs/logstack.yml", 7, true), ("logs/quietlogs.yml", 15, false)])
    func lokiKeepsItsDataOnItsVolume(name: String, days: Int, shared: Bool) throws {
        let built = try Self.build(name)
        let stack = try Self.normalisedStack(built)
        let loki = try #require(stack["services"]?[PlatformService.loki.name])
        let config = try Self.document(built, Self.lokiFile)
        let mount = try #require(loki["volumes"]?.items?.first { $0["type"]?.string == "volume" })
        let target = try #require(mount["target"]?.string)
        let paths = [
            config["common"]?["path_prefix"]?.string,
            config["common"]?["storage"]?["filesystem"]?["chunks_directory"]?.string,
            config["common"]?["storage"]?["filesystem"]?["rules_directory"]?.string,
            config["compactor"]?["working_directory"]?.string,
        ]
        for path in paths {
            #expect(path == target || path?.hasPrefix(target + "/") == true, "\(name): \(String(describing: path))")
        }
        let source = try #require(mount["source"]?.string)
        let volume = try #require(stack["volumes"]?[source])
        // On the node's own disk even when the cluster has shared storage (`shared`): Loki's
        // index and chunks are not for NFS and the like.
        #expect(volume["driver_opts"]?["device"]?.string == nil, "\(name) (shared storage: \(shared)): \(volume)")
        let constraints = (loki["deploy"]?["placement"]?["constraints"]?.items ?? []).compactMap(\.string)
        #expect(constraints.contains { $0.hasPrefix("node.labels.stackc.pin.") }, "\(name): \(constraints)")
        #expect(loki["deploy"]?["replicas"]?.int == 1)
        #expect(loki["deploy"]?["placement"]?["constraints"]?.items?.first?.string == "node.role == manager")
        let port = try #require(config["server"]?["http_listen_port"]?.int)
        let test = (loki["healthcheck"]?["test"]?.items ?? []).compactMap(\.string)
        #expect(test.first == "CMD" && test.contains("-health"), "\(test)")
        #expect(test.contains("-health.url=http://127.0.0.1:\(port)/ready"), "\(test)")
        #expect(config["limits_config"]?["retention_period"]?.string == "\(days * 24)h")
        #expect(config["compactor"]?["retention_enabled"]?.bool == true)
    }

    /// A stack without logs keeps its services' logging to the nodes: nothing of this pass
    /// shows in its stack file (the output of such stacks is unchanged).
    @Test func withoutLogsTheStackFileSaysNothingOfThem() throws {
        let built = try Self.build("logs/nologs.yml")
        let stack = try Self.normalisedStack(built)
        let services = try #require(stack["services"]?.pairs)
        #expect(!services.isEmpty)
        for (service, definition) in services {
            #expect(definition["logging"] == nil, "\(service)")
        }
        #expect(services[PlatformService.loki.name] == nil && services[PlatformService.fluentBit.name] == nil)
    }

    // MARK: - 3. log_retention

    /// `log_retention` is whole days, at least one (Loki's compactor keeps logs by daily
    /// tables); without logs it does nothing and says so.
    @Test func logRetentionIsWholeDays() {
        for value in ["36h", "0d"] {
            let diagnostic = expectOnly(
                Codes.invalidValue,
                in: """
                    stackc: 1
                    name: logstack
                    domain: logs.test
                    monitoring: {logs: true, log_retention: 1️⃣\(value)}
                    apps:
                      web: {image: "nginx:1.27"}
                    """)
            #expect(diagnostic?.message.contains("whole days") == true, "\(String(describing: diagnostic))")
        }
        expectOnly(
            Codes.noEffect,
            in: """
                stackc: 1
                name: logstack
                domain: logs.test
                monitoring: {metrics: true, log_retention: 1️⃣30d}
                apps:
                  web: {image: "nginx:1.27"}
                """)
    }
}
