import StackDiagnostics

/// Each app runs an image (or builds one into the stack's registry) and only asks for what
/// the platform provides.
enum AppRules: CheckRule {
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        for app in syntax.apps {
            let name = app.name.value
            // A preset knows its image: only a generic app must name one.
            if !app.imageOrBuildWritten, (app.preset?.value ?? .generic) == .generic {
                report.error(
                    Codes.imageOrBuild, "app '\(name)' has neither 'image' nor 'build'", at: app.name.span,
                    expected: "'image:' (such as nginx:1.27-alpine) or 'build:' (a folder)",
                    help: "add 'image: <name>:<tag>'")
            }
            if let build = app.build, syntax.registry == nil {
                report.error(
                    Codes.buildWithoutRegistry,
                    "app '\(name)' is built from '\(build.value)', but the stack has no 'registry' to push it to",
                    at: build.span, help: "add a 'registry:' section, or use a published 'image'")
            }
            if let image = app.image, let build = app.build {
                report.error(
                    Codes.imageOrBuild, "app '\(name)' has both 'image' and 'build'", at: build.span,
                    help: "remove 'image: \(image.value)'; a built app is tagged in the stack's registry")
            }
            if let metrics = app.metrics, metrics.port != nil, syntax.metricsKnownOff {
                report.warning(
                    Codes.metricsWithoutMonitoring,
                    "app '\(name)' exposes metrics, but 'monitoring.metrics' is off, so nothing scrapes them",
                    at: metrics.span, help: "set 'monitoring: {metrics: true}', or remove 'metrics'")
            }
            if syntax.cluster?.vip == nil, let entry = app.extraHosts.first(where: { $0.address.value == .vip }) {
                report.error(
                    Codes.invalidValue,
                    "app '\(name)' maps '\(entry.host.value)' to the cluster's 'vip', but 'cluster' has no 'vip'",
                    at: entry.address.span, expected: "an IPv4 address, or 'vip' with 'cluster.vip' set",
                    help: "set 'cluster.vip', or give the address itself")
            }
            if let backup = app.backup, backup.value != nil, app.volumes.isEmpty {
                report.warning(
                    Codes.backupWithoutVolumes, "app '\(name)' has a 'backup' schedule but no volumes to back up",
                    at: backup.span, help: "remove 'backup', or add 'volumes'")
            }
        }
    }
}
