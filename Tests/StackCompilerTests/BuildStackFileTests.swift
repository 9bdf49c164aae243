import Foundation
import Testing

@testable import StackCompiler

/// `stack.yml` as the tools that consume it see it: Docker's own loader (`docker stack config`,
/// which validates against the v3 schema and prints the interpolated, normalised file), the
/// Compose JSON Schema, and a YAML 1.1 reader (PyYAML), for every manifest in `manifests/` and
/// the synthetic ones of `BuildCase`.
@Suite struct BuildStackFileTests {
    /// `docker stack config` accepts the file, and what it makes of it is what the manifest
    /// says: environment values exactly as written (so `$` survived interpolation and no value
    /// became a boolean or number), commands, replicas, placement, networks, volumes, resources.
    @Test(arguments: BuildCase.all)
    func dockerReadsWhatTheManifestSays(_ buildCase: BuildCase) throws {
        guard let built = BuildSupport.build(path: buildCase.path, text: buildCase.text) else { return }
        let folder = try BuildSupport.makeTemporaryFolder("docker")
        defer { try? FileManager.default.removeItem(at: folder) }
        try BuildSupport.write(built.tree, to: folder)
        // The tags deploy.sh sets for the images it builds, as `docker stack deploy` reads them.
        let tags = Self.builtImageTags(in: built.tree.file("stack.yml")?.contents ?? "")
        guard
            let docker = try Tools.run(
                "env", tags.map { "\($0)=src-\($0.lowercased())" } + ["docker", "stack", "config", "-c", "stack.yml"],
                in: folder)
        else { return }
        try #require(docker.status == 0, "docker stack config rejects \(buildCase.path)'s stack.yml: \(docker.summary)")
        guard let normalised = try PyYAMLValue.read(docker.stdout) else { return }
        for app in built.stack.apps where app.build != nil {
            let variable = PlatformNames.builtImageTagVariable(app: app.name)
            let repository = app.image.prefix { $0 != "$" }
            #expect(
                normalised["services"]?[app.name]?["image"]?.string == "\(repository)src-\(variable.lowercased())",
                "the image of '\(app.name)' is not tagged with \(variable): \(docker.stdout.prefix(2000))")
        }
        StackFileExpectations(stack: built.stack, buildCase: buildCase, document: normalised, dollarsDoubled: false)
            .verifyAll()
    }

    /// The variables `${STACKC_TAG_...:?...}` in a stack file, each once.
    static func builtImageTags(in text: String) -> [String] {
        var seen: [String] = []
        for match in text.matches(of: /\$\{(STACKC_TAG_[A-Z0-9_]+):\?/) where !seen.contains(String(match.1)) {
            seen.append(String(match.1))
        }
        return seen
    }

    /// The Compose Specification's JSON Schema accepts the file.
    @Test(arguments: BuildCase.all)
    func composeSchemaAcceptsIt(_ buildCase: BuildCase) throws {
        guard let built = BuildSupport.build(path: buildCase.path, text: buildCase.text) else { return }
        let folder = try BuildSupport.makeTemporaryFolder("schema")
        defer { try? FileManager.default.removeItem(at: folder) }
        try BuildSupport.write(built.tree, to: folder)
        guard
            let run = try Tools.run(
                "check-jsonschema", ["--builtin-schema", "vendor.compose-spec", "stack.yml"], in: folder)
        else { return }
        #expect(run.status == 0, "check-jsonschema rejects \(buildCase.path)'s stack.yml: \(run.summary)")
    }

    /// Read by a YAML 1.1 reader before Docker touches it, the file already holds strings
    /// wherever Docker wants strings, every key is a string, and each `$` is written `$$`.
    @Test(arguments: BuildCase.all)
    func yaml11ReaderSeesOnlyStrings(_ buildCase: BuildCase) throws {
        guard let built = BuildSupport.build(path: buildCase.path, text: buildCase.text),
            let stackFile = built.tree.file("stack.yml")
        else {
            Issue.record("no stack.yml")
            return
        }
        guard let document = try PyYAMLValue.read(stackFile.contents) else { return }
        #expect(
            StackFileExpectations.nonStringKeys(document).isEmpty,
            "keys a YAML 1.1 reader does not read as strings: \(StackFileExpectations.nonStringKeys(document))")
        let expectations = StackFileExpectations(
            stack: built.stack, buildCase: buildCase, document: document, dollarsDoubled: true)
        expectations.verifyEnvironment()
        expectations.verifyResources()
        expectations.verifyLabels()
    }
}

/// What `stack.yml`, as read back, must say for a manifest. `expected…` values come from the
/// resolved stack (what the manifest means), except where `BuildCase` spells them out by hand.
struct StackFileExpectations {
    let stack: ResolvedStack
    let buildCase: BuildCase
    let document: PyYAMLValue
    /// True when reading the file itself (before Docker's interpolation turns `$$` into `$`).
    let dollarsDoubled: Bool

    var services: PyYAMLValue? { document["services"] }

    func verifyAll() {
        #expect(document["version"]?.string != nil, "version is \(String(describing: document["version"]))")
        verifyEnvironment()
        verifyCommands()
        verifyDeploy()
        verifyNetworks()
        verifyVolumes()
        verifyResources()
        verifyLabels()
        verifyDatabases()
        verifyHealthchecks()
        verifyNodeLocalStatePinned()
    }

    /// The service of an app or database; records an issue when it is missing.
    func service(_ name: String) -> PyYAMLValue? {
        guard let service = services?[name] else {
            Issue.record(
                "\(buildCase.path): no service '\(name)' in \(String(describing: services?.pairs?.keys.sorted()))")
            return nil
        }
        return service
    }

    func verifyEnvironment() {
        for app in stack.apps {
            let expected = buildCase.expectedEnvironment[app.name] ?? app.env
            // The model must agree with what the manifest's author wrote, too.
            if let handWritten = buildCase.expectedEnvironment[app.name] {
                #expect(
                    app.env.map(\.key) == handWritten.map(\.key) && app.env.map(\.value) == handWritten.map(\.value),
                    "\(app.name): the resolved environment differs from the manifest's")
            }
            guard let service = service(app.name) else { continue }
            let actual = service["environment"]?.pairs ?? [:]
            // stackc adds the variables of a database connection and a preset; nothing else.
            let added = Set(actual.keys).subtracting(expected.map(\.key))
            let stackcOwned = [
                "DATABASE_", "POSTGRES_", "MYSQL_", "NEXTCLOUD_", "REDIS_", "OVERWRITE", "TRUSTED_PROXIES",
                "APACHE_DISABLE_REWRITE_IP", "STACKC_",
            ]
            #expect(
                added.allSatisfy { key in stackcOwned.contains { key.hasPrefix($0) } },
                "\(app.name): unexpected variables \(added.sorted())")
            for (key, value) in expected {
                let want = dollarsDoubled ? value.replacingOccurrences(of: "$", with: "$$") : value
                #expect(
                    actual[key]?.string == want,
                    "\(buildCase.path) \(app.name).\(key): read \(actual[key].map(String.init(describing:)) ?? "nothing"), expected \"\(want)\""
                )
            }
        }
    }

    func verifyCommands() {
        for (name, expected) in buildCase.expectedCommands {
            guard let service = service(name) else { continue }
            let words = service["command"]?.items?.map { $0.string ?? "<\($0)>" }
            #expect(words == expected, "\(name): command \(String(describing: service["command"]))")
        }
    }

    func verifyDeploy() {
        for app in stack.apps {
            guard let deploy = service(app.name)?["deploy"] else {
                Issue.record("\(app.name): no deploy section")
                continue
            }
            switch app.replicas {
            case .global:
                #expect(deploy["mode"]?.string == "global", "\(app.name): mode \(String(describing: deploy["mode"]))")
                #expect(deploy["replicas"] == nil, "\(app.name): a global service with replicas")
            case .count(let count):
                #expect(deploy["mode"]?.string == "replicated")
                #expect(
                    deploy["replicas"]?.int == count,
                    "\(app.name): replicas \(String(describing: deploy["replicas"])), expected \(count)")
            }
            let constraints = deploy["placement"]?["constraints"]?.items?.map { $0.string ?? "<\($0)>" } ?? []
            // An app whose volumes stay on one node's disk is pinned to the node labelled for it.
            let pinned = !app.volumes.isEmpty && !stack.cluster.hasSharedStorage && app.placement.node == nil
            let pin = pinned ? ["node.labels.stackc.pin.\(stack.name).\(app.name) == true"] : []
            #expect(constraints == Self.constraints(app.placement) + pin, "\(app.name): constraints \(constraints)")
            #expect(
                deploy["placement"]?["max_replicas_per_node"]?.int == app.placement.maxPerNode,
                "\(app.name): max_replicas_per_node \(String(describing: deploy["placement"]?["max_replicas_per_node"]))"
            )
            let update = deploy["update_config"]
            #expect(update?["order"]?.string == app.update.order.rawValue)
            #expect(update?["parallelism"]?.int == app.update.parallelism)
            #expect(update?["failure_action"]?.string == app.update.failureAction.rawValue)
            #expect(
                Self.seconds(update?["delay"]) == app.update.delay?.seconds,
                "\(app.name): update delay \(String(describing: update?["delay"]))")
            #expect(
                Self.seconds(update?["monitor"]) == app.update.monitor?.seconds,
                "\(app.name): update monitor \(String(describing: update?["monitor"]))")
        }
    }

    /// Apps join `apps`, routed ones `public`, each database consumer its server's network, and
    /// apps Prometheus scrapes `monitoring`.
    func verifyNetworks() {
        for app in stack.apps {
            guard let service = service(app.name) else { continue }
            var expected: Set<String> = ["apps"]
            if app.route != nil { expected.insert("public") }
            if let database = app.database { expected.insert("db-\(database)") }
            for dependency in app.dependsOn where dependency.kind == .database {
                expected.insert("db-\(dependency.name)")
            }
            if app.preset == .nextcloud, stack.taskCount(app.replicas) > 1 { expected.insert("\(app.name)-cache") }
            if app.metrics != nil, stack.monitoring.metrics { expected.insert("monitoring") }
            #expect(
                Self.names(service["networks"]) == expected,
                "\(app.name): networks \(String(describing: service["networks"]))")
        }
        let declared = Set(document["networks"]?.pairs?.keys.map { $0 } ?? [])
        let used = Set(stack.apps.flatMap { Self.names(services?[$0.name]?["networks"]) })
        #expect(used.isSubset(of: declared), "networks used but not declared: \(used.subtracting(declared))")
    }

    /// Volumes of apps on a cluster with shared storage are bound from `/data/<stack>/`, so that
    /// tasks can move; every other volume is a plain named volume on one node.
    func verifyVolumes() {
        for app in stack.apps {
            let tasks = stack.taskCount(app.replicas)
            let bound = stack.cluster.hasSharedStorage
            let mounts = service(app.name)?["volumes"]?.items ?? []
            for volume in app.volumes {
                let key = "\(app.name)-\(volume.name)"
                #expect(
                    mounts.contains {
                        $0["source"]?.string == key && $0["target"]?.string == volume.path
                            && $0["type"]?.string == "volume"
                    },
                    "\(app.name): no mount of '\(key)' at \(volume.path) in \(mounts)")
                guard let declared = document["volumes"]?[key] else {
                    Issue.record("\(buildCase.path): volume '\(key)' not declared")
                    continue
                }
                if bound {
                    #expect(declared["driver"]?.string == "local")
                    #expect(declared["driver_opts"]?["type"]?.string == "none")
                    #expect(declared["driver_opts"]?["o"]?.string == "bind")
                    #expect(
                        declared["driver_opts"]?["device"]?.string == "/data/\(stack.name)/\(key)",
                        "\(key): device \(String(describing: declared["driver_opts"]?["device"]))")
                } else {
                    #expect(
                        declared["driver_opts"] == nil && declared["driver"] == nil,
                        "\(key): \(tasks) task(s), shared storage \(stack.cluster.sharedStorage), but declared \(declared)"
                    )
                }
            }
        }
    }

    /// CPU and memory values are strings (the v3 schema's `cpus` is a string) and mean what
    /// the manifest says; reservations default to the limits.
    func verifyResources() {
        for app in stack.apps {
            guard let service = service(app.name) else { continue }
            let resources = service["deploy"]?["resources"]
            guard let limits = app.resources else {
                #expect(resources == nil, "\(app.name): resources without 'resources' in the manifest")
                continue
            }
            let expected: [(String, Double?, ByteSize?)] = [
                ("limits", limits.cpus, limits.memory),
                ("reservations", limits.reserveCPUs ?? limits.cpus, limits.reserveMemory ?? limits.memory),
            ]
            for (kind, cpus, memory) in expected {
                let section = resources?[kind]
                if let cpus {
                    let text = section?["cpus"]?.string
                    #expect(
                        text.flatMap(Double.init).map { abs($0 - cpus) < 0.0005 } == true,
                        "\(app.name) \(kind).cpus: \(String(describing: section?["cpus"])), expected the string of \(cpus)"
                    )
                }
                if let memory {
                    let text = section?["memory"]?.string
                    // Docker normalises sizes to bytes; the file itself keeps the unit.
                    let want = dollarsDoubled ? memory.dockerString : String(memory.bytes)
                    #expect(
                        text == want,
                        "\(app.name) \(kind).memory: \(String(describing: section?["memory"])), expected \"\(want)\"")
                }
            }
        }
    }

    /// Service and container labels are maps of strings.
    func verifyLabels() {
        for (name, service) in services?.pairs ?? [:] {
            for labels in [service["labels"], service["deploy"]?["labels"]].compactMap({ $0 }) {
                let bad = (labels.pairs ?? [:]).filter { $0.value.string == nil }
                #expect(labels.pairs != nil && bad.isEmpty, "\(name): labels that are not strings: \(bad)")
            }
        }
    }

    /// One server per database: the engine's image, its own internal network, its data volume,
    /// its placement, and the administrator password as an external secret.
    func verifyDatabases() {
        for database in stack.databases {
            guard let service = service(database.name) else { continue }
            #expect(service["image"]?.string == "\(database.engine.rawValue):\(database.version)")
            #expect(Self.names(service["networks"]) == ["db-\(database.name)"])
            let network = document["networks"]?["db-\(database.name)"]
            #expect(
                network?["internal"]?.bool == true && network?["attachable"]?.bool == true,
                "db-\(database.name): \(String(describing: network))")
            let mounts = service["volumes"]?.items ?? []
            #expect(
                mounts.contains { $0["source"]?.string == "\(database.name)-data" },
                "\(database.name): mounts \(mounts)")
            let constraints = service["deploy"]?["placement"]?["constraints"]?.items?.compactMap(\.string) ?? []
            // A database server keeps its files on one node's disk: pinned there.
            let pin =
                database.placement.node == nil ? ["node.labels.stackc.pin.\(stack.name).\(database.name) == true"] : []
            #expect(
                constraints == Self.constraints(database.placement) + pin,
                "\(database.name): constraints \(constraints)")
            #expect(
                network?["driver_opts"]?["encrypted"]?.string == "",
                "db-\(database.name): traffic between nodes is not encrypted: \(String(describing: network))")
            let secret = "\(database.name)-admin-password"
            let hasSecret = (service["secrets"]?.items ?? []).contains { $0["source"]?.string == secret }
            #expect(
                hasSecret == (database.engine != .redis),
                "\(database.name): secrets \(String(describing: service["secrets"]))")
            if database.engine != .redis {
                #expect(document["secrets"]?[secret]?["external"]?.bool == true)
                #expect(document["secrets"]?[secret]?["name"]?.string == "\(stack.name)_\(secret)")
            }
        }
    }

    /// The pinning rule, read off the stack file alone: every service that mounts a named volume
    /// not bound from the shared storage runs on one node (a pin label or a named node), and the
    /// services that mount the same such volume run on the same one. A global service's tasks
    /// each have their own node's volume: it is pinned nowhere.
    func verifyNodeLocalStatePinned() {
        let declared = document["volumes"]?.pairs ?? [:]
        // Not on the shared storage, and not a volume each node has its own of.
        let local = Set(
            declared.filter {
                $0.value["driver_opts"]?["device"] == nil
                    && $0.value["labels"]?[PlatformNames.perNodeVolumeLabel]?.string != "true"
            }.keys)
        var pinOfVolume: [String: Set<String>] = [:]
        for (name, service) in document["services"]?.pairs ?? [:] {
            if service["deploy"]?["mode"]?.string == "global" {
                let constraints = service["deploy"]?["placement"]?["constraints"]?.items?.compactMap(\.string) ?? []
                #expect(!constraints.contains { $0.contains(".stackc.pin.") }, "\(name) is global but pinned")
                continue
            }
            let sources = (service["volumes"]?.items ?? []).compactMap { mount -> String? in
                mount["type"]?.string == "volume" ? mount["source"]?.string : nil
            }
            let localSources = sources.filter(local.contains)
            guard !localSources.isEmpty else { continue }
            let constraints = service["deploy"]?["placement"]?["constraints"]?.items?.compactMap(\.string) ?? []
            let pins = Set(
                constraints.filter {
                    $0.hasPrefix("node.labels.stackc.pin.\(stack.name).") || $0.hasPrefix("node.labels.stackc.node == ")
                })
            #expect(
                pins.count == 1, "\(name) keeps \(localSources) on a node's disk, but is not pinned: \(constraints)")
            for volume in localSources { pinOfVolume[volume, default: []].formUnion(pins) }
        }
        for (volume, pins) in pinOfVolume {
            #expect(pins.count == 1, "the services that mount '\(volume)' are pinned apart: \(pins.sorted())")
        }
    }

    /// Apps with a health path and a port get a check the engine runs.
    func verifyHealthchecks() {
        for app in stack.apps {
            guard let service = service(app.name) else { continue }
            let test = service["healthcheck"]?["test"]?.items?.compactMap(\.string)
            if let health = app.health, let path = health.path, health.command == nil, let port = app.port {
                #expect(
                    test?.first == "CMD-SHELL"
                        && test?.last?.contains("http://127.0.0.1:\(port)\(path)") == true,
                    "\(app.name): healthcheck \(String(describing: test))")
            } else {
                #expect(test == nil, "\(app.name): a healthcheck without health and port")
            }
        }
    }

    // MARK: Helpers

    /// Placement constraints as Docker writes them, worked out here independently of the pass.
    static func constraints(_ placement: Placement) -> [String] {
        (placement.role.map { ["node.role == \($0.rawValue)"] } ?? [])
            + placement.labels.map { "node.labels.\($0.key) == \($0.value)" }
            + (placement.node.map { ["node.labels.stackc.node == \($0)"] } ?? [])
    }

    /// The names in a list of names, or the keys of a map (Docker prints `networks:` as a map).
    static func names(_ value: PyYAMLValue?) -> Set<String> {
        if let items = value?.items { return Set(items.compactMap(\.string)) }
        return Set(value?.pairs?.keys.map { $0 } ?? [])
    }

    /// A Go duration (`1m30s`, or Docker's `1m30s`/`10s`) in whole seconds.
    static func seconds(_ value: PyYAMLValue?) -> Int? {
        guard let text = value?.string else { return nil }
        var total = 0
        var number = ""
        for character in text {
            if character.isNumber {
                number.append(character)
                continue
            }
            guard let amount = Int(number), let unit = ["h": 3600, "m": 60, "s": 1][String(character)] else {
                return nil
            }
            total += amount * unit
            number = ""
        }
        return number.isEmpty ? total : nil
    }

    /// Paths of mapping keys that a reader did not take for strings (`on:` read as `True`).
    static func nonStringKeys(_ value: PyYAMLValue, path: String = "") -> [String] {
        switch value {
        case .map(let pairs):
            return pairs.flatMap { key, child in
                (key.hasPrefix("!") ? ["\(path)/\(key)"] : []) + nonStringKeys(child, path: "\(path)/\(key)")
            }
        case .list(let items):
            return items.enumerated().flatMap { nonStringKeys($1, path: "\(path)[\($0)]") }
        case .string, .other:
            return []
        }
    }
}
