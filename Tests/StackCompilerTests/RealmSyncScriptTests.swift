import Foundation
import Testing

@testable import StackCompiler

/// The reconciler job's script (`keycloak/realm-sync.sh`), run for real with bash against a
/// stand-in `kcadm.sh` that records each call (its arguments, KC_CLI_PASSWORD, and a copy of the
/// file it was given with the file's path and mode) and a listener on loopback that answers the
/// readiness probe. The copy run differs from the generated script only in where it finds its
/// mounts (`/run/secrets/`, `/stackc/` → the test's folders); every setting comes from the job's
/// environment in the generated stack file.
@Suite(.serialized) struct RealmSyncScriptTests {
    static let adminPassword = #"adm1n pass 'with' "quotes" $HOME"#

    /// A secret's value: JSON-safe (the files are JSON), with what sed and bash's pattern
    /// replacement treat specially (`&`, `/`, `|`).
    static func secretValue(_ name: String) -> String { "v&l/\(name)|&~" }

    static let fakeKcadm = #"""
        #!/usr/bin/env bash
        # Stands in for kcadm.sh: each call gets a folder under $FAKE_CALLS with its arguments
        # (NUL-separated), KC_CLI_PASSWORD when it is set, and the file given with -f (a copy, its
        # path and its mode). `get realms/…` exits with $FAKE_GET_REALM_STATUS.
        set -u
        count=$(find "$FAKE_CALLS" -mindepth 1 -maxdepth 1 | wc -l)
        call=$FAKE_CALLS/$(printf '%03d' "$count")
        mkdir "$call"
        printf '%s\0' "$@" >"$call/argv"
        if [ "${KC_CLI_PASSWORD+set}" = set ]; then printf '%s' "$KC_CLI_PASSWORD" >"$call/password"; fi
        previous=""
        for argument in "$@"; do
          if [ "$previous" = -f ]; then
            printf '%s' "$argument" >"$call/file-path"
            stat -c %a "$argument" >"$call/file-mode" 2>/dev/null
            cp "$argument" "$call/file" 2>/dev/null
          fi
          previous=$argument
        done
        case "$1 ${2:-}" in
          "get realms/"*) exit "$FAKE_GET_REALM_STATUS" ;;
        esac
        exit 0
        """#

    /// One recorded call of kcadm.sh.
    struct Call: CustomStringConvertible {
        var arguments: [String]
        var password: String?
        var file: String?
        var filePath: String?
        var fileMode: String?

        /// The arguments without the trailing `--config FILE` every call carries.
        var command: [String] {
            arguments.count >= 2 && arguments[arguments.count - 2] == "--config"
                ? Array(arguments.dropLast(2)) : arguments
        }

        var description: String { arguments.joined(separator: " ") }
    }

    /// The generated job, its files written where the rewritten script reads them.
    struct Sandbox {
        let built: BuildSupport.Built
        let identity: IdentitySettings
        let folder: URL
        let secrets: URL
        let mounts: URL
        let calls: URL
        let temporary: URL
        let script: URL
        let kcadm: URL
        /// The job's environment from the stack file, its secret file moved to the test's folder.
        var environment: [String: String]
        /// Each secret the job mounts (by target) and the value written for it.
        var secretValues: [String: String] = [:]
        /// Each client's placeholder variable and the secret value that fills it.
        var placeholderValues: [String: String] = [:]
        /// The generated files the job mounts, by their path in the container.
        var mounted: [String: String] = [:]

        init() throws {
            built = try #require(BuildSupport.build(path: "sso.yml", text: IdentityTests.synthetic))
            identity = try #require(built.stack.identity)
            folder = try BuildSupport.makeTemporaryFolder("realm-sync")
            secrets = folder.appendingPathComponent("secrets")
            mounts = folder.appendingPathComponent("stackc")
            calls = folder.appendingPathComponent("calls")
            temporary = folder.appendingPathComponent("tmp")
            for url in [secrets, mounts, calls, temporary] {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            }
            let files = try SignInFiles(built)
            let job = try files.service("keycloak-realm")
            #expect(job["entrypoint"]?.items?.compactMap(\.string) == ["bash", "/stackc/realm-sync.sh"])
            let scriptText = try files.text(try files.configFile(of: job, at: "/stackc/realm-sync.sh"))
            script = try GeneratedScript.write(
                GeneratedScript.rewrite(
                    scriptText, [("/run/secrets/", secrets.path + "/"), ("/stackc/", mounts.path + "/")]),
                to: folder, as: "realm-sync.sh")
            for target in ["realm.json", "additions.json", "clients.json"] {
                let text = try files.text(try files.configFile(of: job, at: "/stackc/\(target)"))
                mounted[target] = text
                try Data(text.utf8).write(to: mounts.appendingPathComponent(target))
            }
            kcadm = try GeneratedScript.write(RealmSyncScriptTests.fakeKcadm, to: folder, as: "kcadm.sh")
            environment = SignInFiles.environment(job)
            let adminFile = try #require(environment["KEYCLOAK_ADMIN_PASSWORD_FILE"])
            try #require(adminFile.hasPrefix("/run/secrets/"))
            environment["KEYCLOAK_ADMIN_PASSWORD_FILE"] =
                secrets.path + "/" + adminFile.dropFirst("/run/secrets/".count)
            let admin = String(adminFile.dropFirst("/run/secrets/".count))
            for target in job["secrets"]?.items?.compactMap({ $0["target"]?.string }) ?? [] {
                secretValues[target] =
                    target == admin ? RealmSyncScriptTests.adminPassword : RealmSyncScriptTests.secretValue(target)
            }
            #expect(
                secretValues.count == 6,
                "the administrator's and five clients' secrets (three apps, Grafana, Prometheus): \(secretValues.keys)")
            for (target, value) in secretValues { try write(value, secret: target) }
            for (variable, file) in SignInFiles.pairs(scriptText, command: "placeholder") {
                let target = String(file.dropFirst("/run/secrets/".count))
                placeholderValues[variable] = try #require(secretValues[target], "\(variable) reads \(file)")
            }
            #expect(placeholderValues.count == 5)
        }

        func write(_ value: String, secret: String) throws {
            try Data(value.utf8).write(to: secrets.appendingPathComponent(secret))
        }

        /// `text` with every client's placeholder replaced by its secret, as Keycloak does.
        func filled(_ text: String) -> String {
            placeholderValues.reduce(text) { $0.replacingOccurrences(of: "${\($1.key)}", with: $1.value) }
        }

        /// Runs the script, Keycloak ready on `port` (nil: nothing listens), the realm there or not.
        func run(realmExists: Bool = true, port: Int?, wait: Int = 20) throws -> ToolRun? {
            var settings = environment
            settings["KEYCLOAK_HOST"] = "127.0.0.1"
            settings["KEYCLOAK_MANAGEMENT_PORT"] = String(try port ?? Loopback.freePort())
            settings["STACKC_KCADM"] = kcadm.path
            settings["STACKC_KEYCLOAK_WAIT"] = String(wait)
            settings["FAKE_CALLS"] = calls.path
            settings["FAKE_GET_REALM_STATUS"] = realmExists ? "0" : "1"
            settings["TMPDIR"] = temporary.path
            return try Tools.run(
                "env",
                ["-u", "KC_CLI_PASSWORD"] + settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [
                    "bash", script.path,
                ])
        }

        /// The calls recorded, in order.
        func recorded() throws -> [Call] {
            let names = try FileManager.default.contentsOfDirectory(atPath: calls.path).sorted()
            return try names.map { name in
                let call = calls.appendingPathComponent(name)
                func read(_ file: String) -> String? {
                    try? String(contentsOf: call.appendingPathComponent(file), encoding: .utf8)
                }
                let argv = try String(contentsOf: call.appendingPathComponent("argv"), encoding: .utf8)
                return Call(
                    arguments: argv.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(
                        String.init),
                    password: read("password"), file: read("file"), filePath: read("file-path"),
                    fileMode: read("file-mode")?.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }

        /// What is left in the folder the script's private folder was made in.
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: temporary.path)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// The readiness probe's stand-in: a listener that answers `200 OK`.
    static func readyKeycloak() throws -> (RunningProcess, Int)? { try EntrypointWrapperTests.listen() }

    /// Checks what every run shares: the sign-in first (the password only in KC_CLI_PASSWORD,
    /// never an argument, never in any other call), each call with the same private config in a
    /// private folder that is gone afterwards, and no secret value in any argument.
    func expectSignedInPrivately(
        _ calls: [Call], _ sandbox: Sandbox, sourceLocation: Testing.SourceLocation = #_sourceLocation
    )
        throws
    {
        let first = try #require(calls.first, "kcadm.sh was never called", sourceLocation: sourceLocation)
        let port = sandbox.environment["KEYCLOAK_PORT"] ?? "?"
        #expect(
            first.command == [
                "config", "credentials", "--server", "http://127.0.0.1:\(port)", "--realm", "master", "--user",
                sandbox.environment["KEYCLOAK_ADMIN_USER"] ?? "?",
            ], "\(first)", sourceLocation: sourceLocation)
        #expect(first.password == Self.adminPassword, sourceLocation: sourceLocation)
        for call in calls.dropFirst() {
            #expect(call.password == nil, "KC_CLI_PASSWORD reached \(call)", sourceLocation: sourceLocation)
        }
        let configs = Set(calls.map { Array($0.arguments.suffix(2)) })
        #expect(configs.count == 1, "\(configs)", sourceLocation: sourceLocation)
        let config = try #require(configs.first, sourceLocation: sourceLocation)
        #expect(
            config.first == "--config", "every call keeps its token in the run's own config",
            sourceLocation: sourceLocation)
        #expect(
            config.last?.hasPrefix(sandbox.temporary.path + "/") == true, "\(config)", sourceLocation: sourceLocation)
        #expect(try sandbox.leftovers().isEmpty, "the private folder is removed", sourceLocation: sourceLocation)
        for call in calls {
            for value in sandbox.secretValues.values {
                #expect(
                    !call.arguments.contains { $0.contains(value) }, "a secret in the arguments of \(call)",
                    sourceLocation: sourceLocation)
            }
        }
    }

    @Test func anExistingRealmGetsWhatItLacksItsClientsAndTheRoles() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (listener, port) = try #require(try Self.readyKeycloak())
        defer { listener.end() }
        let run = try #require(try sandbox.run(realmExists: true, port: port))
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stderr.contains("realm people is in line with the manifest"), "\(run.summary)")
        let calls = try sandbox.recorded()
        try expectSignedInPrivately(calls, sandbox)
        #expect(calls.dropFirst().first?.command == ["get", "realms/people", "--fields", "realm"], "\(calls)")
        #expect(!calls.contains { $0.command.starts(with: ["create", "realms"]) }, "\(calls)")

        // Two partial imports: the additions as mounted, then the clients with their secrets,
        // from a file only the job's user can read, removed afterwards.
        let imports = calls.filter { $0.command.starts(with: ["create", "partialImport"]) }
        try #require(imports.count == 2, "\(calls)")
        for call in imports {
            #expect(call.command.count == 6 && Array(call.command[2...4]) == ["-r", "people", "-f"], "\(call)")
        }
        #expect(imports[0].filePath == sandbox.mounts.appendingPathComponent("additions.json").path)
        #expect(imports[0].file == sandbox.mounted["additions.json"])
        #expect(imports[0].file?.contains("${") == false)
        let clients = imports[1]
        let clientsPath = try #require(clients.filePath)
        #expect(clientsPath.hasPrefix(sandbox.temporary.path + "/"), "\(clientsPath)")
        #expect(clients.fileMode == "600", "\(String(describing: clients.fileMode))")
        #expect(!FileManager.default.fileExists(atPath: clientsPath), "the filled file is left behind")
        let sent = try IdentityTests.object(try #require(clients.file))
        let expected = try IdentityTests.object(sandbox.filled(try #require(sandbox.mounted["clients.json"])))
        #expect(IdentityTests.same(sent, expected), "the clients sent are not the file with its secrets filled in")
        #expect(clients.file?.contains("${") == false)
        let secretsSent = ((sent["clients"] as? [[String: Any]]) ?? []).compactMap { $0["secret"] as? String }
        #expect(
            Set(secretsSent) == Set(sandbox.placeholderValues.values) && secretsSent.count == 5, "\(secretsSent)")

        // Then the roles the manifest gives to groups and users, each once.
        var roles: [[String]] = []
        for group in sandbox.identity.groups {
            roles += group.roles.map { ["add-roles", "-r", "people", "--gpath", "/\(group.name)", "--rolename", $0] }
        }
        for user in sandbox.identity.users {
            roles += user.roles.map { ["add-roles", "-r", "people", "--uusername", user.name, "--rolename", $0] }
        }
        #expect(roles.count == 6)
        let added = calls.filter { $0.command.first == "add-roles" }.map(\.command)
        #expect(added == roles, "\(added)")
        let lastImport = try #require(calls.lastIndex { $0.command.starts(with: ["create", "partialImport"]) })
        let firstRole = try #require(calls.firstIndex { $0.command.first == "add-roles" })
        #expect(lastImport < firstRole, "roles are added once the realm has them")
        #expect(calls.count == 2 + imports.count + roles.count, "\(calls)")
    }

    @Test func aMissingRealmIsCreatedFromTheFilledRealmFile() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (listener, port) = try #require(try Self.readyKeycloak())
        defer { listener.end() }
        let run = try #require(try sandbox.run(realmExists: false, port: port))
        #expect(run.status == 0, "\(run.summary)")
        let calls = try sandbox.recorded()
        try expectSignedInPrivately(calls, sandbox)
        try #require(calls.count == 3, "sign in, look, create: \(calls)")
        #expect(calls[1].command == ["get", "realms/people", "--fields", "realm"])
        let create = calls[2]
        #expect(
            create.command.count == 4 && Array(create.command.prefix(3)) == ["create", "realms", "-f"], "\(create)")
        let path = try #require(create.filePath)
        #expect(path.hasPrefix(sandbox.temporary.path + "/") && !FileManager.default.fileExists(atPath: path))
        #expect(create.fileMode == "600")
        let sent = try IdentityTests.object(try #require(create.file))
        let expected = try IdentityTests.object(sandbox.filled(try #require(sandbox.mounted["realm.json"])))
        #expect(IdentityTests.same(sent, expected), "the realm sent is not the realm file with its secrets filled in")
        #expect(create.file?.contains("${") == false)
        #expect(run.stderr.contains("created realm people from the realm file"), "\(run.summary)")
    }

    /// An empty client secret stops the run with a message before any file with secrets is
    /// sent (a client with an empty secret would let anyone redeem its codes).
    @Test(arguments: [true, false])
    func anEmptyClientSecretStopsTheRun(realmExists: Bool) throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let target = "oidc-api-client-secret"
        try #require(sandbox.secretValues[target] != nil)
        try sandbox.write("", secret: target)
        let (listener, port) = try #require(try Self.readyKeycloak())
        defer { listener.end() }
        let run = try #require(try sandbox.run(realmExists: realmExists, port: port))
        #expect(run.status != 0, "\(run.summary)")
        #expect(run.stderr.contains("realm-sync: error: \(sandbox.secrets.path)/\(target) is empty"), "\(run.summary)")
        #expect(!run.stderr.contains("is in line with the manifest"), "\(run.summary)")
        let calls = try sandbox.recorded()
        let sentSecrets = calls.filter { $0.filePath != sandbox.mounts.appendingPathComponent("additions.json").path }
            .filter { $0.command.contains("-f") }
        #expect(sentSecrets.isEmpty, "sent despite the empty secret: \(sentSecrets)")
        #expect(!calls.contains { $0.command.first == "add-roles" }, "\(calls)")
        #expect(try sandbox.leftovers().isEmpty)
    }

    /// Without the administrator's password nothing is asked of Keycloak at all.
    @Test func anEmptyAdministratorPasswordStopsTheRunBeforeSigningIn() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.write("", secret: "keycloak-admin-password")
        let (listener, port) = try #require(try Self.readyKeycloak())
        defer { listener.end() }
        let run = try #require(try sandbox.run(port: port))
        #expect(run.status != 0, "\(run.summary)")
        #expect(run.stderr.contains("keycloak-admin-password is empty"), "\(run.summary)")
        #expect(try sandbox.recorded().isEmpty)
    }

    /// A Keycloak that never says it is ready: one line per wait, then it gives up at its
    /// deadline, having asked nothing of kcadm.sh.
    @Test func givesUpOnAKeycloakThatIsNeverReady() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let port = try Loopback.freePort()
        let run = try #require(try sandbox.run(port: port, wait: 1))
        #expect(run.status == 1, "\(run.summary)")
        #expect(run.stderr.contains("waiting for Keycloak at 127.0.0.1:\(port)"), "\(run.summary)")
        #expect(run.stderr.contains("error: Keycloak was not ready after 1s"), "\(run.summary)")
        #expect(try sandbox.recorded().isEmpty)
    }
}

/// The Nextcloud hook that registers the realm (`nextcloud/<app>-oidc.sh`), run with sh (dash)
/// and a stand-in `php` on the PATH that records each `occ` call. The copy run differs from the
/// generated hook only in where it finds the secret and `occ`.
@Suite(.serialized) struct NextcloudOIDCHookTests {
    static let secret = #"it's a "client" secret $HOME `id`"#

    static let fakePHP = #"""
        #!/bin/sh
        # Stands in for php: records each call's arguments (NUL-separated) in a file of its own
        # under $FAKE_CALLS; `occ app:enable` exits with $FAKE_ENABLE_STATUS; `occ
        # user_oidc:provider --help` prints $FAKE_HELP; the provider call writes the variable
        # STACKC_OIDC_CLIENT_SECRET it was given to $FAKE_ENVIRONMENT, when set.
        count=$(find "$FAKE_CALLS" -mindepth 1 -maxdepth 1 | wc -l)
        printf '%s\0' "$@" >"$FAKE_CALLS/$(printf '%03d' "$count")"
        [ "$2" != app:enable ] || exit "${FAKE_ENABLE_STATUS:-0}"
        if [ "$2" = user_oidc:provider ] && [ "${3:-}" = --help ]; then
          printf '%s\n' "${FAKE_HELP:-}"
        elif [ "$2" = user_oidc:provider ] && [ -n "${FAKE_ENVIRONMENT:-}" ]; then
          printf '%s' "${STACKC_OIDC_CLIENT_SECRET:-}" >"$FAKE_ENVIRONMENT"
        fi
        exit 0
        """#

    struct Sandbox {
        let built: BuildSupport.Built
        let app: App
        let folder: URL
        let calls: URL
        let hook: URL
        let secretFile: URL
        let occ: URL

        init(manifest: String, text: String, app name: String) throws {
            built = try #require(BuildSupport.build(path: manifest, text: text))
            app = try #require(built.stack.apps.first { $0.name == name })
            folder = try BuildSupport.makeTemporaryFolder("nextcloud-oidc")
            calls = folder.appendingPathComponent("calls")
            let bin = folder.appendingPathComponent("bin")
            for url in [calls, bin] {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            }
            try GeneratedScript.write(NextcloudOIDCHookTests.fakePHP, to: bin, as: "php")
            let text = try #require(GeneratedScript.text(built, "nextcloud/\(name)-oidc.sh"))
            let secretPath = try #require(
                text.firstMatch(of: /cat (\/run\/secrets\/[^ )]+)\)/).map { String($0.1) }, "no secret read")
            secretFile = folder.appendingPathComponent("secret")
            occ = folder.appendingPathComponent("occ")
            hook = try GeneratedScript.write(
                GeneratedScript.rewrite(text, [(secretPath, secretFile.path), ("/var/www/html/occ", occ.path)]),
                to: folder, as: "hook.sh")
            try Data(NextcloudOIDCHookTests.secret.utf8).write(to: secretFile)
        }

        func run(_ settings: [String: String]) throws -> ToolRun? {
            let path =
                folder.appendingPathComponent("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
            let environment = settings.merging(["PATH": path, "FAKE_CALLS": calls.path]) { $1 }
            return try Tools.run(
                "env", environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + ["sh", hook.path])
        }

        /// Each `php` call's arguments, in order.
        func recorded() throws -> [[String]] {
            try FileManager.default.contentsOfDirectory(atPath: calls.path).sorted().map { name in
                let text = try String(contentsOf: calls.appendingPathComponent(name), encoding: .utf8)
                return text.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func synthetic() throws -> Sandbox {
        try Sandbox(manifest: "sso.yml", text: IdentityTests.synthetic, app: "my-files")
    }

    /// Tasks other than the first share its database: they leave the provider alone.
    @Test func onlyTheFirstTaskSetsUpTheProvider() throws {
        let sandbox = try Self.synthetic()
        defer { sandbox.remove() }
        let run = try #require(try sandbox.run(["STACKC_TASK_SLOT": "2"]))
        #expect(run.status == 0, "\(run.summary)")
        #expect(try sandbox.recorded().isEmpty)
    }

    @Test func theFirstTaskRegistersTheRealmWithItsClientAndRoles() throws {
        let sandbox = try Self.synthetic()
        defer { sandbox.remove() }
        let run = try #require(try sandbox.run(["STACKC_TASK_SLOT": "1"]))
        #expect(run.status == 0, "\(run.summary)")
        let calls = try sandbox.recorded()
        try #require(calls.count == 5, "\(calls)")
        #expect(calls.allSatisfy { $0.first == sandbox.occ.path }, "every call runs occ: \(calls)")
        #expect(calls[0].dropFirst() == ["app:enable", "user_oidc"])
        #expect(
            calls[1].dropFirst() == [
                "config:system:set", "allow_local_remote_servers", "--value=true", "--type=boolean",
            ])
        // No realm user signs in as an existing local account of the same name.
        #expect(
            calls[2].dropFirst() == [
                "config:system:set", "user_oidc", "soft_auto_provision", "--value=false", "--type=boolean",
            ])
        // Which ways of handing over the secret this user_oidc knows.
        #expect(calls[3].dropFirst() == ["user_oidc:provider", "--help"])
        let provider = Array(calls[4].dropFirst())
        #expect(Array(provider.prefix(2)) == ["user_oidc:provider", "keycloak"], "\(provider)")
        var options: [String: String] = [:]
        for word in provider.dropFirst(2) {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            #expect(parts.count == 2 && parts[0].hasPrefix("--") && options[parts[0]] == nil, "\(word)")
            if parts.count == 2 { options[parts[0]] = parts[1] }
        }
        // The client and the discovery document are the realm's, the secret exactly the file's.
        let identity = try #require(sandbox.built.stack.identity)
        let realm = try IdentityTests.object(
            try #require(GeneratedScript.text(sandbox.built, "keycloak/\(identity.realm)-realm.json")))
        let client = try #require(
            (realm["clients"] as? [[String: Any]])?.first { $0["clientId"] as? String == options["--clientid"] },
            "no client \(options["--clientid"] ?? "none") in the realm")
        #expect(options["--clientid"] == "my-files")
        #expect(options["--clientsecret"] == Self.secret)
        let files = try SignInFiles(sandbox.built)
        let port = SignInFiles.environment(try files.service("keycloak"))["KC_HTTP_PORT"] ?? "?"
        #expect(
            options["--discoveryuri"]
                == "http://keycloak:\(port)/realms/\(identity.realm)/.well-known/openid-configuration")
        #expect(options["--scope"] == "openid email profile")
        // Nextcloud's groups come from the claim the client's roles mapper fills.
        let rolesClaim = ((client["protocolMappers"] as? [[String: Any]]) ?? []).first {
            $0["protocolMapper"] as? String == "oidc-usermodel-realm-role-mapper"
        }.flatMap { ($0["config"] as? [String: Any])?["claim.name"] as? String }
        #expect(options["--mapping-groups"] == rolesClaim && rolesClaim != nil)
        #expect(options["--group-provisioning"] == "1")
        // Only the app's roles may sign in: the whitelist matches each of them, and nothing else.
        #expect(sandbox.app.roles == ["staff", "admin"])
        #expect(options["--group-restrict-login-to-whitelist"] == "1")
        let pattern = try #require(options["--group-whitelist-regex"])
        let regex = try NSRegularExpression(pattern: pattern)
        func matches(_ group: String) -> Bool {
            regex.firstMatch(in: group, range: NSRange(group.startIndex..., in: group)) != nil
        }
        for role in sandbox.app.roles { #expect(matches(role), "\(pattern) refuses \(role)") }
        for other in ["viewer", "staffer", "xadmin", "staff|admin", ""] {
            #expect(!matches(other), "\(pattern) admits \(other)")
        }
        #expect(run.stderr.contains("https://login.sso.test/realms/people"), "\(run.summary)")
    }

    /// An image without user_oidc gets it from the app store.
    @Test func installsUserOIDCWhenTheImageLacksIt() throws {
        let sandbox = try Self.synthetic()
        defer { sandbox.remove() }
        let run = try #require(try sandbox.run(["STACKC_TASK_SLOT": "1", "FAKE_ENABLE_STATUS": "1"]))
        #expect(run.status == 0, "\(run.summary)")
        let calls = try sandbox.recorded().map { Array($0.dropFirst()) }
        #expect(calls.count == 6, "\(calls)")
        #expect(Array(calls.prefix(2)) == [["app:enable", "user_oidc"], ["app:install", "user_oidc"]])
        #expect(calls.last?.first == "user_oidc:provider")
    }

    /// A user_oidc that reads the secret from the environment (8.4 and later) gets it there, and
    /// the secret is on no command line.
    @Test func aNewerUserOIDCGetsTheSecretFromTheEnvironment() throws {
        let sandbox = try Self.synthetic()
        defer { sandbox.remove() }
        let environment = sandbox.folder.appendingPathComponent("provider-environment")
        let help =
            "  --clientsecret-file[=CLIENTSECRET-FILE]\n  --clientsecret-env[=CLIENTSECRET-ENV]  Name of an environment variable"
        let run = try #require(
            try sandbox.run(["STACKC_TASK_SLOT": "1", "FAKE_HELP": help, "FAKE_ENVIRONMENT": environment.path]))
        #expect(run.status == 0, "\(run.summary)")
        let calls = try sandbox.recorded()
        let provider = try #require(calls.last)
        #expect(provider.contains("--clientsecret-env=STACKC_OIDC_CLIENT_SECRET"), "\(provider)")
        #expect(!calls.joined().contains { $0.contains(Self.secret) }, "the secret is on a command line: \(calls)")
        #expect(try String(contentsOf: environment, encoding: .utf8) == Self.secret)
    }

    @Test func anEmptySecretStopsTheHook() throws {
        let sandbox = try Self.synthetic()
        defer { sandbox.remove() }
        try Data().write(to: sandbox.secretFile)
        let run = try #require(try sandbox.run(["STACKC_TASK_SLOT": "1"]))
        #expect(run.status != 0, "\(run.summary)")
        #expect(run.stderr.contains("stackc: the OIDC client secret is empty"), "\(run.summary)")
        #expect(try sandbox.recorded().isEmpty)
    }

    /// A global service's tasks have no slot: Swarm renders `{{.Task.Slot}}` as the task's node
    /// ID. Such a task sets the provider up (the upsert is idempotent by identifier); numbered
    /// slots other than 1 still leave it alone.
    @Test func aGlobalServicesTasksSetUpTheProvider() throws {
        let team = try #require(SyntheticManifests.all.first { $0.name == "team.yml" })
        let sandbox = try Sandbox(manifest: team.name, text: team.text, app: "files")
        defer { sandbox.remove() }
        let files = try SignInFiles(sandbox.built)
        let service = try files.service("files")
        #expect(service["deploy"]?["mode"]?.string == "global")
        #expect(SignInFiles.environment(service)["STACKC_TASK_SLOT"] == "{{.Task.Slot}}")
        for slot in ["2", "10"] {
            let run = try #require(try sandbox.run(["STACKC_TASK_SLOT": slot]))
            #expect(run.status == 0, "\(run.summary)")
            #expect(try sandbox.recorded().isEmpty, "slot \(slot)")
        }
        let run = try #require(try sandbox.run(["STACKC_TASK_SLOT": "q1w2e3r4t5y6u7i8o9p0asdfg"]))
        #expect(run.status == 0, "\(run.summary)")
        let calls = try sandbox.recorded().map { Array($0.dropFirst()) }
        #expect(calls.last?.prefix(2) == ["user_oidc:provider", "keycloak"], "\(calls)")
    }

    /// Without `roles`, every user of the realm may sign in: no whitelist.
    @Test func withoutRolesEveryUserMaySignIn() throws {
        let team = try #require(SyntheticManifests.all.first { $0.name == "team.yml" })
        let sandbox = try Sandbox(manifest: team.name, text: team.text, app: "files")
        defer { sandbox.remove() }
        #expect(sandbox.app.roles.isEmpty)
        let run = try #require(try sandbox.run([:]))
        #expect(run.status == 0, "\(run.summary)")
        let provider = try #require(try sandbox.recorded().last)
        #expect(provider.contains("--clientid=files"), "\(provider)")
        #expect(!provider.contains { $0.hasPrefix("--group-whitelist-regex") || $0.hasPrefix("--group-restrict") })
    }
}
