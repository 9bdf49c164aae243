/// The manifest section each pass reads, for what it contributes without narrower keys (the
/// source map of `stackc explain FILE:LINE`). A section the manifest leaves out is never named:
/// the stack's `name` stands for what the pass makes from defaults.

/// `section` when the manifest writes it (its span), else the stack's `name`.
private func section(_ key: ManifestKeyPath, written: Bool) -> [ManifestKeyPath] {
    written ? [key] : ["name"]
}

extension App {
    /// `apps.<name>.<key>` when the manifest writes the key (`AppKeySpans.written`), else nil.
    func writtenKey(_ key: String) -> ManifestKeyPath? {
        keySpans.written.contains(key) ? "apps.\(name).\(key)" : nil
    }
}

extension EdgeProxyPass {
    /// What the certificate is made for: `tls` and `domain`, those the manifest writes.
    static func certificateKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        let keys: [ManifestKeyPath] =
            (stack.sectionSpans.tls != nil ? ["tls"] : []) + (stack.sectionSpans.domain != nil ? ["domain"] : [])
        return keys.isEmpty ? ["name"] : keys
    }
}

extension AppServicesPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] { section("apps", written: !stack.apps.isEmpty) }
}

extension DatabaseServersPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("databases", written: !stack.databases.isEmpty)
    }
}

extension DatabaseInitPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("databases", written: !stack.databases.isEmpty)
    }
}

extension NextcloudPresetPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] { section("apps", written: !stack.apps.isEmpty) }
}

extension IdentityPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("identity", written: stack.sectionSpans.identity != nil)
    }
}

extension SingleSignOnPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("identity", written: stack.sectionSpans.identity != nil)
    }
}

extension RegistryPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("registry", written: stack.sectionSpans.registry != nil)
    }
}

extension MetricsPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("monitoring", written: stack.sectionSpans.monitoring != nil)
    }
}

extension AlertmanagerPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("monitoring", written: stack.sectionSpans.monitoring != nil)
    }
}

extension MonitoringRoutesPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("monitoring", written: stack.sectionSpans.monitoring != nil)
    }
}

extension GrafanaPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("monitoring", written: stack.sectionSpans.monitoring != nil)
    }
}

extension LogsPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("monitoring", written: stack.sectionSpans.monitoring != nil)
    }
}

extension DeliveredFilesPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] { section("apps", written: !stack.apps.isEmpty) }
}

extension DockerfilesPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] { section("apps", written: !stack.apps.isEmpty) }
}

extension NodesPass {
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] {
        section("cluster", written: stack.sectionSpans.cluster != nil)
    }
}
