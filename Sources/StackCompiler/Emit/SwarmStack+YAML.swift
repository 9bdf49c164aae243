import YAML

/// The stack file as YAML, in the key order of Docker's own documentation. Every label and
/// environment value is a string; CPU and memory values are strings, as the v3 schema requires.
extension SwarmStack {
    /// The document for `stack.yml`.
    var yaml: YAMLValue {
        var top: [(key: String, value: YAMLValue)] = [("version", .string("3.8"))]
        top.append(("services", .mapping(services.map { ($0.name, $0.service.yaml) })))
        if !networks.isEmpty {
            top.append(("networks", .mapping(networks.map { ($0.name, $0.network.yaml) })))
        }
        if !volumes.isEmpty {
            top.append(("volumes", .mapping(volumes.map { ($0.name, $0.volume.yaml) })))
        }
        if !configs.isEmpty {
            top.append(
                (
                    "configs",
                    .mapping(
                        configs.map { entry in
                            (
                                entry.name,
                                .mapping([("file", .string(entry.config.file)), ("name", .string(entry.config.name))])
                            )
                        })
                ))
        }
        if !secrets.isEmpty {
            top.append(
                (
                    "secrets",
                    .mapping(
                        secrets.map { secret in
                            (secret.key, .mapping([("external", .bool(true)), ("name", .string(secret.name))]))
                        })
                ))
        }
        return .mapping(top)
    }
}

extension SwarmService {
    var yaml: YAMLValue {
        var out: [(key: String, value: YAMLValue)] = [("image", .string(image))]
        if let hostname { out.append(("hostname", .string(hostname))) }
        if let user { out.append(("user", literalString(user))) }
        if let entrypoint { out.append(("entrypoint", .sequence(entrypoint.map(literalString)))) }
        switch command {
        case .string(let text): out.append(("command", literalString(text)))
        case .list(let words): out.append(("command", .sequence(words.map(literalString))))
        case nil: break
        }
        if !environment.isEmpty { out.append(("environment", stringMap(environment))) }
        if !labels.isEmpty { out.append(("labels", stringMap(labels))) }
        if !ports.isEmpty {
            out.append(
                (
                    "ports",
                    .sequence(
                        ports.map { port in
                            .mapping([
                                ("target", .int(port.target)), ("published", .int(port.published)),
                                ("protocol", .string(port.transport)), ("mode", .string(port.mode)),
                            ])
                        })
                ))
        }
        if !extraHosts.isEmpty { out.append(("extra_hosts", .sequence(extraHosts.map(YAMLValue.string)))) }
        if !networks.isEmpty { out.append(("networks", .sequence(networks.map(YAMLValue.string)))) }
        if !volumes.isEmpty || !binds.isEmpty {
            let named: [YAMLValue] = volumes.map { volume in
                var entry: [(key: String, value: YAMLValue)] = [
                    ("type", .string("volume")), ("source", .string(volume.source)), ("target", .string(volume.target)),
                ]
                if readOnlyVolumeTargets.contains(volume.target) { entry.append(("read_only", .bool(true))) }
                return .mapping(entry)
            }
            let bound: [YAMLValue] = binds.map { bind in
                .mapping([
                    ("type", .string("bind")), ("source", .string(bind.source)), ("target", .string(bind.target)),
                    ("read_only", .bool(bind.readOnly)),
                ])
            }
            out.append(("volumes", .sequence(named + bound)))
        }
        if !configs.isEmpty {
            out.append(
                (
                    "configs",
                    .sequence(
                        configs.map { config in
                            .mapping([
                                ("source", .string(config.source)), ("target", .string(config.target)),
                                ("mode", .int(config.mode)),
                            ])
                        })
                ))
        }
        if !secrets.isEmpty {
            out.append(
                (
                    "secrets",
                    .sequence(
                        secrets.map { secret in
                            .mapping([("source", .string(secret.source)), ("target", .string(secret.target))])
                        })
                ))
        }
        if let healthcheck { out.append(("healthcheck", healthcheck.yaml)) }
        if let stopGracePeriod { out.append(("stop_grace_period", .string(stopGracePeriod.goString))) }
        if let logging {
            var entries: [(key: String, value: YAMLValue)] = [("driver", .string(logging.driver))]
            if !logging.options.isEmpty { entries.append(("options", stringMap(logging.options))) }
            out.append(("logging", .mapping(entries)))
        }
        out.append(("deploy", deploy.yaml))
        return .mapping(out)
    }
}

extension SwarmHealthcheck {
    var yaml: YAMLValue {
        .mapping([
            ("test", .flowSequence(test.map(literalString))),
            ("interval", .string(interval.goString)),
            ("timeout", .string(timeout.goString)),
            ("retries", .int(retries)),
            ("start_period", .string(startPeriod.goString)),
        ])
    }
}

extension SwarmDeploy {
    var yaml: YAMLValue {
        var out: [(key: String, value: YAMLValue)] = [("mode", .string(mode))]
        if let replicas { out.append(("replicas", .int(replicas))) }
        if let endpointMode { out.append(("endpoint_mode", .string(endpointMode))) }
        if !labels.isEmpty { out.append(("labels", stringMap(labels))) }
        var placement: [(key: String, value: YAMLValue)] = []
        if !constraints.isEmpty { placement.append(("constraints", .sequence(constraints.map(literalString)))) }
        if !preferences.isEmpty {
            placement.append(("preferences", .sequence(preferences.map { .mapping([("spread", .string($0))]) })))
        }
        if let maxReplicasPerNode { placement.append(("max_replicas_per_node", .int(maxReplicasPerNode))) }
        if !placement.isEmpty { out.append(("placement", .mapping(placement))) }
        var resources: [(key: String, value: YAMLValue)] = []
        if let limits, let value = resourceValues(limits) { resources.append(("limits", value)) }
        if let reservations, let value = resourceValues(reservations) { resources.append(("reservations", value)) }
        if !resources.isEmpty { out.append(("resources", .mapping(resources))) }
        var restart: [(key: String, value: YAMLValue)] = [
            ("condition", .string(restartPolicy.condition)),
            ("delay", .string(restartPolicy.delay.goString)),
        ]
        if let maxAttempts = restartPolicy.maxAttempts { restart.append(("max_attempts", .int(maxAttempts))) }
        if let window = restartPolicy.window { restart.append(("window", .string(window.goString))) }
        out.append(("restart_policy", .mapping(restart)))
        if let updateConfig { out.append(("update_config", updateConfig.yaml)) }
        if let rollbackConfig { out.append(("rollback_config", rollbackConfig.yaml)) }
        return .mapping(out)
    }

    private func resourceValues(_ values: (cpus: Double?, memory: ByteSize?)) -> YAMLValue? {
        var out: [(key: String, value: YAMLValue)] = []
        if let cpus = values.cpus { out.append(("cpus", .string(Self.cpuString(cpus)))) }
        if let memory = values.memory { out.append(("memory", .string(memory.dockerString))) }
        return out.isEmpty ? nil : .mapping(out)
    }

    /// `0.5`, `2`, `0.25`: at most three decimals, no trailing zeros.
    static func cpuString(_ cpus: Double) -> String {
        let milli = Int(cpus * 1000 + 0.5)
        let whole = milli / 1000
        let fraction = milli % 1000
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}

extension SwarmUpdateConfig {
    var yaml: YAMLValue {
        var out: [(key: String, value: YAMLValue)] = [("parallelism", .int(parallelism))]
        if let delay { out.append(("delay", .string(delay.goString))) }
        out.append(("failure_action", .string(failureAction)))
        if let monitor { out.append(("monitor", .string(monitor.goString))) }
        out.append(("order", .string(order)))
        return .mapping(out)
    }
}

extension SwarmNetwork {
    var yaml: YAMLValue {
        var out: [(key: String, value: YAMLValue)] = [("driver", .string("overlay"))]
        if encrypted { out.append(("driver_opts", .mapping([("encrypted", .string(""))]))) }
        if attachable { out.append(("attachable", .bool(true))) }
        if `internal` { out.append(("internal", .bool(true))) }
        if let name { out.append(("name", .string(name))) }
        if let subnet {
            out.append(("ipam", .mapping([("config", .sequence([.mapping([("subnet", .string(subnet))])]))])))
        }
        return .mapping(out)
    }
}

extension SwarmVolume {
    var yaml: YAMLValue {
        guard let bindDevice else {
            return .mapping(labels.isEmpty ? [] : [("labels", .mapping(labels.map { ($0.key, .string($0.value)) }))])
        }
        return .mapping([
            ("driver", .string("local")),
            (
                "driver_opts",
                .mapping([("type", .string("none")), ("o", .string("bind")), ("device", .string(bindDevice))])
            ),
        ])
    }
}

/// A map whose values are all strings, as Docker requires for labels and environment.
private func stringMap(_ pairs: [(key: String, value: String)]) -> YAMLValue {
    .mapping(pairs.map { ($0.key, literalString($0.value)) })
}

/// A string that `docker stack deploy` passes on unchanged: `$` starts an interpolation in
/// stack files, so a literal one is written `$$`.
func literalString(_ text: String) -> YAMLValue {
    guard text.utf8.contains(UInt8(ascii: "$")) else { return .string(text) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 4)
    for byte in text.utf8 {
        bytes.append(byte)
        if byte == UInt8(ascii: "$") { bytes.append(byte) }
    }
    return .string(String(decoding: bytes, as: UTF8.self))
}
