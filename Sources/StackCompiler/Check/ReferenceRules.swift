import StackDiagnostics

/// Every name that refers to something (a database, a role, a group, a `depends_on` target)
/// names something that exists, of the right kind.
enum ReferenceRules: CheckRule {
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        let databases = syntax.databases.map(\.name.value)
        // Built once, and looked up in a set: a manifest with thousands of apps stays linear.
        let targets = syntax.apps.map(\.name.value) + databases + definedSections(stack)
        let targetSet = Set(targets)
        for app in syntax.apps {
            if let database = app.database {
                if app.preset?.value == .nextcloud, let engine = stack.database(database.value)?.engine,
                    engine == .redis
                {
                    report.error(
                        Codes.wrongDatabaseEngine,
                        "Nextcloud needs a postgres or mariadb database, but '\(database.value)' is redis",
                        at: database.span, help: "name a database with 'engine: postgres' or 'engine: mariadb'")
                }
                // Each consumer of a Redis server is a user of its name there; `default` is
                // Redis's own, which stackc turns off.
                if app.name.value == "default", stack.database(database.value)?.engine == .redis {
                    report.error(
                        Codes.nameConflict,
                        "the name 'default' is taken by Redis's built-in user, which stackc turns off on '\(database.value)'; each app of a Redis database signs in as a user of its name",
                        at: app.name.span, help: "rename the app, for example 'default-app'")
                }
                // A consumer's password is the secret `<database>-<app>-password`: an app called
                // `admin` would share the server administrator's (`<database>-admin-password`).
                if app.name.value == "admin", let engine = stack.database(database.value)?.engine, engine != .redis {
                    report.error(
                        Codes.nameConflict,
                        "an app named 'admin' cannot use the database '\(database.value)': its password secret would be the server administrator's (\(PlatformNames.databaseAdminSecret(database.value)))",
                        at: app.name.span, help: "rename the app, for example 'admin-ui'")
                }
                reference(
                    database, kind: "database", among: databases, in: "app '\(app.name.value)'", &report,
                    help: databaseHint(database.value, databases: databases),
                    instead: syntax.apps.contains { $0.name.value == database.value }
                        ? "'\(database.value)' is an app; 'database' names an entry of 'databases:'" : nil)
            }
            for target in app.dependsOn where !targetSet.contains(target.value) {
                let name = app.name.value
                if let section = PlatformNames.dependencySections.first(where: { $0 == target.value }) {
                    report.error(
                        Codes.unknownReference,
                        "app '\(name)' depends on '\(section)', but the manifest has no '\(section)' section",
                        at: target.span, expected: "an app, a database, or a platform service the manifest defines",
                        help:
                            "add \(section.first.map { "aeiou".contains($0) } == true ? "an" : "a") '\(section):' section, or remove '\(section)' from 'depends_on'"
                    )
                    continue
                }
                // An app does not depend on itself: it is not offered.
                let others = targets.filter { $0 != name }
                report.error(
                    Codes.unknownReference,
                    "app '\(name)' depends on '\(target.value)', which is not an app, database or platform service",
                    at: target.span,
                    expected: others.isEmpty
                        ? "an app, a database or a platform service (none other is defined)" : "one of " + list(others),
                    help: Suggestion.closest(to: target.value, in: others).map { "did you mean '\($0)'?" }
                        ?? (engine(named: target.value) != nil
                            ? "define the database under 'databases:' and depend on its name" : nil))
            }
        }
        checkIdentity(syntax, stack, &report)
        checkRoles(syntax, &report)
    }

    /// The platform sections `depends_on` may name that the manifest defines.
    static func definedSections(_ stack: ResolvedStack) -> [String] {
        PlatformNames.dependencySections.filter { name in
            switch PlatformNames.dependencySection(name) {
            case .identity?: return stack.identity != nil
            case .registry?: return stack.registry != nil
            default: return false
            }
        }
    }

    static func checkIdentity(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        guard let identity = syntax.identity else { return }
        if identity.realm == nil, let name = syntax.name, name.value == "master" {
            report.error(
                Codes.invalidValue,
                "the stack 'master' would name its realm 'master', Keycloak's own administration realm",
                at: name.span, help: "set 'identity.realm' to another name")
        }
        if let database = identity.database {
            if reference(
                database, kind: "database", among: syntax.databases.map(\.name.value), in: "'identity'", &report),
                let engine = stack.database(database.value)?.engine, engine != .postgres
            {
                report.error(
                    Codes.wrongDatabaseEngine,
                    "Keycloak needs a postgres database, but '\(database.value)' is \(engine.rawValue)",
                    at: database.span, help: "name a database with 'engine: postgres'")
            }
        } else if syntax.everyDatabaseDecoded, StackResolver.onlyPostgres(syntax.databases) == nil {
            let postgres = syntax.databases.filter { ($0.engine?.value ?? .postgres) == .postgres }.map(\.name.value)
            report.error(
                Codes.missingKey,
                "'identity' has no 'database', and there is not exactly one postgres database to default to",
                at: syntax.topKeySpans["identity"] ?? SourceSpan(file: identity.span.file, start: identity.span.start),
                expected: "'database:' naming a postgres entry of 'databases'",
                help: postgres.isEmpty
                    ? "add a database with 'engine: postgres' and name it in 'identity.database'"
                    : "choose one of " + postgres.joined(separator: ", "))
        }
    }

    static func checkRoles(_ syntax: ManifestSyntax, _ report: inout DiagnosticSink) {
        let roles = syntax.identity?.roles.map(\.value) ?? []
        let groups = syntax.identity?.groups.map(\.name.value) ?? []
        let noIdentity = syntax.identity == nil ? "roles are defined in 'identity.roles'" : nil
        for app in syntax.apps {
            for role in app.roles {
                reference(
                    role, kind: "role", among: roles, in: "app '\(app.name.value)'", &report, help: noIdentity,
                    instead: groupHint(role.value, syntax))
            }
        }
        for group in syntax.identity?.groups ?? [] {
            for role in group.roles {
                reference(role, kind: "role", among: roles, in: "group '\(group.name.value)'", &report)
            }
        }
        for user in syntax.identity?.users ?? [] {
            let owner = user.name.map { "user '\($0.value)'" } ?? "the user at line \(user.span.start.line)"
            for role in user.roles {
                reference(role, kind: "role", among: roles, in: owner, &report, instead: groupHint(role.value, syntax))
            }
            for group in user.groups { reference(group, kind: "group", among: groups, in: owner, &report) }
        }
        if let grafana = syntax.monitoring?.grafana {
            for role in [grafana.adminRole, grafana.editorRole].compactMap({ $0 }) {
                reference(role, kind: "role", among: roles, in: "'monitoring.grafana'", &report, help: noIdentity)
            }
        }
    }

    /// For a database that is not defined: an engine's name, or none defined at all.
    static func databaseHint(_ name: String, databases: [String]) -> String? {
        if let engine = engine(named: name) {
            return "'\(name)' is an engine: name an entry of 'databases:'"
                + (databases.isEmpty ? ", such as 'db: {engine: \(engine.rawValue)}'" : "")
        }
        return databases.isEmpty ? "add it under 'databases:'" : nil
    }

    /// The engine a word names: its own name, or `mysql` for MariaDB.
    static func engine(named word: String) -> Database.Engine? {
        Database.Engine(rawValue: word) ?? (word == "mysql" ? .mariadb : nil)
    }

    /// For a role that is the name of a group: what the group carries.
    static func groupHint(_ name: String, _ syntax: ManifestSyntax) -> String? {
        guard let group = syntax.identity?.groups.first(where: { $0.name.value == name }) else { return nil }
        let roles = group.roles.map(\.value)
        return "'\(name)' is a group, not a role"
            + (roles.isEmpty ? "" : "; it carries " + roles.joined(separator: ", "))
    }

    /// Reports `name` when it is not among `known`; true when it is. `instead` is a help that
    /// beats the did-you-mean (the name is something of another kind); `help` comes after it.
    @discardableResult
    static func reference(
        _ name: Located<String>, kind: String, among known: [String], in owner: String,
        _ report: inout DiagnosticSink, help: @autoclosure () -> String? = nil,
        instead: @autoclosure () -> String? = nil
    ) -> Bool {
        guard !known.contains(name.value) else { return true }
        let suggestion = Suggestion.closest(to: name.value, in: known).map { "did you mean '\($0)'?" }
        report.error(
            Codes.unknownReference, "\(owner) names the \(kind) '\(name.value)', which does not exist", at: name.span,
            expected: known.isEmpty ? "a defined \(kind) (none are defined)" : "one of " + list(known),
            help: instead() ?? suggestion ?? help())
        return false
    }

    /// Names for an `expected:` note: all of a short list, the first few of a long one, so that
    /// thousands of unknown references to thousands of apps do not make gigabytes of messages.
    static func list(_ names: [String], limit: Int = 12) -> String {
        guard names.count > limit else { return names.joined(separator: ", ") }
        return names.prefix(limit).joined(separator: ", ") + ", … (\(names.count) in all)"
    }
}
