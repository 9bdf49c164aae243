import StackDiagnostics

/// Apps, databases and platform services share one namespace of Swarm services: no two may
/// share a name, and `<stack>_<name>` must fit Swarm's 63 characters (the names become DNS
/// names on the overlay networks).
enum ServiceNameRules: CheckRule {
    /// Swarm's longest service name.
    static let limit = 63

    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        checkConflicts(syntax, stack, &report)
        guard let stackName = syntax.name else { return }
        // An app's own companions (its sign-in proxy) count against its name.
        let owned: [(String, SourceSpan)] =
            syntax.apps.map { app in
                (
                    app.signsInThroughProxy ? PlatformNames.signInProxy(app: app.name.value) : app.name.value,
                    app.name.span
                )
            }
            + syntax.databases.map { ($0.name.value, $0.name.span) }
        for (name, span) in owned where stackName.value.count + 1 + name.count > limit {
            report.error(
                Codes.nameTooLong,
                "the service name '\(stackName.value)_\(name)' has \(stackName.value.count + 1 + name.count) characters; Swarm allows \(limit)",
                at: span,
                help:
                    "shorten the stack name or this name by \(Self.characters(stackName.value.count + 1 + name.count - limit))"
            )
        }
        let reported = Set(owned.map(\.0))
        if let longest = stack.platformServiceNames.filter({ !reported.contains($0) }).max(by: { $0.count < $1.count }),
            stackName.value.count + 1 + longest.count > limit
        {
            report.error(
                Codes.nameTooLong,
                "the stack name is too long for its platform service '\(stackName.value)_\(longest)' (\(limit) characters at most)",
                at: stackName.span, help: "shorten the stack name to \(Self.characters(limit - 1 - longest.count))")
        }
    }

    /// "1 character", "2 characters".
    static func characters(_ count: Int) -> String { count == 1 ? "1 character" : "\(count) characters" }

    static func checkConflicts(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        // A set: a stack adds a service per app with some features (a sign-in proxy per
        // `auth: oidc` app), and every app's name is looked up.
        let platform = Set(stack.platformServiceNames)
        var seen: [String: String] = [:]
        for database in syntax.databases {
            seen[database.name.value] = "database '\(database.name.value)'"
            if platform.contains(database.name.value) || PlatformNames.dependencySections.contains(database.name.value)
            {
                conflict(database.name, with: "a platform service", suffix: "db", &report)
            }
        }
        for app in syntax.apps {
            if let other = seen[app.name.value] {
                conflict(app.name, with: other, &report)
            } else if platform.contains(app.name.value) || PlatformNames.dependencySections.contains(app.name.value) {
                conflict(app.name, with: "a platform service", &report)
            }
        }
    }

    static func conflict(
        _ name: Located<String>, with other: String, suffix: String = "app", _ report: inout DiagnosticSink
    ) {
        report.error(
            Codes.nameConflict,
            "the name '\(name.value)' is taken by \(other); every app, database and platform service is one Swarm service",
            at: name.span, help: "rename it, for example '\(name.value)-\(suffix)'")
    }
}
