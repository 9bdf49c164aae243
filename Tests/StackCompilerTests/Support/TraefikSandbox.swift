import Foundation
import Testing

@testable import StackCompiler

/// A real Traefik on loopback, running a build's generated configuration against the generated
/// `deploy.labels`:
///
/// - the static file the stack file mounts for the `traefik` service, with only what loopback
///   needs changed (entry point addresses, the Docker endpoint, a 1 s refresh, the file
///   provider's folder);
/// - the dynamic files the stack file mounts into that folder, as generated;
/// - a stand-in Docker API (`docker_api_standin.py`) serving the stack file's services and
///   one running task per backend;
/// - backends (`http_backend.py`): one listener per task on its own loopback address, at the
///   port the labels name; the tasks of an authenticating proxy (a service running oauth2-proxy)
///   stand in for it, configured from the service's generated environment (see `--auth-proxy`
///   in `http_backend.py`);
/// - Swarm's DNS for Traefik's own requests (forward-auth checks to `http://<service>:<port>/`):
///   Traefik's `HTTP_PROXY` is the Docker API stand-in's HTTP proxy, which sends a request for a
///   service's name to one of its tasks, as long as the service shares a network with Traefik.
///
/// Secrets are files under the sandbox: every `/run/secrets/<name>` in the stack file and the
/// configs is rewritten to `<sandbox>/secrets/<name>` and made as `deploy.sh` would (a
/// self-signed certificate for the domain, htpasswd lines for `user`). Starting checks the
/// wiring a real deployment depends on: the static file is the one `--configFile` names, the
/// dynamic files sit in the file provider's folder, every secret used is mounted on Traefik.
final class TraefikSandbox {
    /// The proxy's key in the stack file.
    static let proxyService = "traefik"

    let folder: URL
    let stackName: String
    /// The user and password every htpasswd secret holds.
    let user = "admin"
    let password = "pw-" + UUID().uuidString.prefix(12).lowercased()
    /// The certificate Traefik serves by default, which curl is told to trust (and nothing else).
    var certificate: URL { folder.appendingPathComponent("secrets/\(certificateSecret)") }
    /// Port on 127.0.0.1 by entry point name.
    private(set) var ports: [String: Int] = [:]
    /// Backend names (`<service>.<slot>`) by service key.
    private(set) var backends: [String: [String]] = [:]
    /// `deploy.labels` by service key, as generated (secret paths not rewritten).
    private(set) var labels: [String: [String: String]] = [:]

    private let built: BuildSupport.Built
    private var processes: [SandboxProcess] = []
    private var certificateSecret = ""
    private var pingEntryPoint = "traefik"
    /// Addresses whose X-Forwarded-* headers every entry point trusts (none as generated).
    private let trustedForwarders: [String]

    private init(_ built: BuildSupport.Built, trustedForwarders: [String]) throws {
        self.built = built
        self.trustedForwarders = trustedForwarders
        stackName = built.stack.name
        folder = try BuildSupport.makeTemporaryFolder("traefik-sandbox")
    }

    /// Starts everything and waits until Traefik answers `/ping` and serves every router of the
    /// labels and the dynamic files (bounded); on any failure stops what it started and throws.
    ///
    /// `trustedForwarders` (CIDR ranges) adds `forwardedHeaders.trustedIPs` to every entry point,
    /// as an operator would behind a load balancer: Traefik then keeps the X-Forwarded-* headers
    /// of requests from there (the test's curl is 127.0.0.1) instead of replacing them.
    static func start(_ built: BuildSupport.Built, trustedForwarders: [String] = []) throws -> TraefikSandbox {
        let sandbox = try TraefikSandbox(built, trustedForwarders: trustedForwarders)
        do {
            try sandbox.launch()
            return sandbox
        } catch {
            sandbox.stop()
            throw error
        }
    }

    /// Ends every process (Traefik first) and removes the sandbox's folder.
    func stop() {
        for process in processes.reversed() { process.stop() }
        processes = []
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }

    // MARK: Requests

    /// A GET to `host` and `path` on the entry point (`web` for http, `websecure` for https by
    /// default), with curl trusting only the sandbox's certificate; `headers` are sent as given.
    /// The Host header is `host:<port>` (the entry point's port on loopback).
    func get(
        _ scheme: String, _ host: String, _ path: String = "/", entryPoint: String? = nil,
        cookie: String? = nil, credentials: (user: String, password: String)? = nil,
        headers: [(name: String, value: String)] = []
    ) throws -> HTTPExchange {
        let name = entryPoint ?? (scheme == "https" ? "websecure" : "web")
        guard let port = ports[name] else { throw SandboxError("no entry point '\(name)' in the static configuration") }
        var extra = ["--cacert", certificate.path]
        if let cookie { extra += ["--cookie", cookie] }
        if let credentials { extra += ["--user", "\(credentials.user):\(credentials.password)"] }
        extra += headers.flatMap { ["--header", "\($0.name): \($0.value)"] }
        return try Curl.get("\(scheme)://\(host):\(port)\(path)", host: host, port: port, extra: extra)
    }

    /// The Host header `get` sends for `host` over `scheme`: `host:<port of the entry point>`.
    func hostHeader(_ scheme: String, _ host: String) -> String {
        "\(host):\(ports[scheme == "https" ? "websecure" : "web"] ?? 0)"
    }

    /// The sandbox's own credentials.
    var credentials: (user: String, password: String) { (user, password) }

    /// What a backend said about a request it answered (every backend body is this JSON, and
    /// every line of the request log).
    struct BackendReply: Decodable, Equatable {
        var backend: String
        var method: String
        var path: String
        var host: String
        var authorization: Bool
        /// The X-Auth-Request-User header (every value, joined by `, `), when there was one.
        var authRequestUser: String?
        /// The X-Forwarded-* headers, when there were any.
        var forwardedProto: String?
        var forwardedHost: String?
        var forwardedUri: String?
        var forwardedMethod: String?
        /// Headers whose name has a character other than a letter, a digit or a dash (which CGI,
        /// WSGI and PHP read as another header: `X.Auth.Request.User` as `X-Auth-Request-User`).
        var aliasHeaders: [String: String]?
        /// The status the backend answered with (an authenticating proxy's 202 or 302, say).
        var status: Int?
    }

    /// The backend reply in `exchange`'s body; nil when the body is not one (Traefik answered).
    static func reply(_ exchange: HTTPExchange) -> BackendReply? {
        try? JSONDecoder().decode(BackendReply.self, from: Data(exchange.body.utf8))
    }

    /// Every request the backends received so far, health probes included, in order.
    func backendRequests() -> [BackendReply] {
        let text = (try? String(contentsOf: folder.appendingPathComponent("backends.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONDecoder().decode(BackendReply.self, from: Data($0.utf8))
        }
    }

    /// The end of every process's log (Traefik's access log and errors, the stand-in's
    /// requests, the backends' errors), for failure messages.
    var diagnostics: String {
        processes.map { "--- \($0.name) log (tail)\n" + Self.stripColour($0.logTail(30)) }.joined(separator: "\n")
    }

    // MARK: Launching

    /// What the stack file says about the proxy, and the generated files it mounts.
    private struct Wiring {
        var stackText: String
        var stack: PyYAMLValue
        var proxy: PyYAMLValue
        /// The static configuration's output file and its text, as generated.
        var staticFile: String
        var staticText: String
        var staticConfig: PyYAMLValue
        /// The dynamic files: output file, name in the file provider's folder, text, contents.
        var dynamicFiles: [(file: String, name: String, text: String, config: PyYAMLValue)]
    }

    /// Makes the files, starts backends, stand-in and Traefik, and waits for the routers.
    private func launch() throws {
        let wiring = try readWiring()
        try makeSecrets(wiring)
        let secrets = folder.appendingPathComponent("secrets").path + "/"
        let rewrite = { (text: String) in text.replacingOccurrences(of: "/run/secrets/", with: secrets) }
        let dynamicFolder = folder.appendingPathComponent("dynamic")
        try FileManager.default.createDirectory(at: dynamicFolder, withIntermediateDirectories: true)
        for file in wiring.dynamicFiles {
            try Data(rewrite(file.text).utf8).write(to: dynamicFolder.appendingPathComponent(file.name))
        }
        let stackURL = folder.appendingPathComponent("stack.yml")
        try Data(rewrite(wiring.stackText).utf8).write(to: stackURL)

        let block = Loopback.Block()
        let tasks = try startBackends(wiring.stack, block: block)
        let (apiPort, proxyPort) = try startDockerStandIn(
            stackFile: stackURL, tasks: tasks, unreachable: block.address(254))
        let staticURL = try writeStaticConfig(
            rewrite(wiring.staticText), config: wiring.staticConfig,
            apiPort: apiPort, fileDirectory: dynamicFolder)
        try startTraefik(staticURL, httpProxyPort: proxyPort)
        try awaitRouters(wiring.dynamicFiles.map(\.config))
    }

    /// Reads the stack file and follows the proxy's mounts: the static file is the one
    /// `--configFile` names, the dynamic files are those in the file provider's folder.
    private func readWiring() throws -> Wiring {
        let stackText = try generated("stack.yml")
        let stack = try read(stackText, "stack.yml")
        guard let services = stack["services"]?.pairs, let proxy = services[Self.proxyService] else {
            throw SandboxError("stack.yml has no '\(Self.proxyService)' service")
        }
        labels = services.compactMapValues { service in
            service["deploy"]?["labels"]?.pairs?.compactMapValues(\.string)
        }
        let staticFile = try mountedFile(proxy, target: try configFilePath(proxy), stack: stack)
        let staticText = try generated(staticFile)
        let staticConfig = try read(staticText, staticFile)
        guard let fileDirectory = staticConfig["providers"]?["file"]?["directory"]?.string else {
            throw SandboxError(
                "\(staticFile) has no providers.file.directory: the dynamic configuration would not be read")
        }
        let dynamicFiles = try mountedFiles(proxy, under: fileDirectory, stack: stack).map { file in
            let text = try generated(file.file)
            return (file: file.file, name: file.name, text: text, config: try read(text, file.file))
        }
        guard !dynamicFiles.isEmpty else {
            throw SandboxError(
                "no config is mounted on '\(Self.proxyService)' under \(fileDirectory), the file provider's folder")
        }
        return Wiring(
            stackText: stackText, stack: stack, proxy: proxy, staticFile: staticFile, staticText: staticText,
            staticConfig: staticConfig, dynamicFiles: dynamicFiles)
    }

    /// A generated file's text.
    private func generated(_ path: String) throws -> String {
        guard let file = built.tree.file(path) else { throw SandboxError("the build has no \(path)") }
        return file.contents
    }

    /// `text` as PyYAML reads it.
    private func read(_ text: String, _ what: String) throws -> PyYAMLValue {
        guard let value = try PyYAMLValue.read(text) else { throw SandboxError("could not read \(what) with PyYAML") }
        return value
    }

    /// The path after `--configFile=` in the proxy's command.
    private func configFilePath(_ proxy: PyYAMLValue) throws -> String {
        let words =
            proxy["command"]?.items?.compactMap(\.string) ?? proxy["command"]?.string.map {
                $0.split(separator: " ").map(String.init)
            } ?? []
        guard let flag = words.first(where: { $0.hasPrefix("--configFile=") }) else {
            throw SandboxError("the '\(Self.proxyService)' command names no --configFile: \(words)")
        }
        return String(flag.dropFirst("--configFile=".count))
    }

    /// The output file (relative to the stack folder) of the config mounted at `target`.
    private func mountedFile(_ proxy: PyYAMLValue, target: String, stack: PyYAMLValue) throws -> String {
        guard let mount = try configMounts(proxy, stack: stack).first(where: { $0.target == target }) else {
            throw SandboxError(
                "no config is mounted on '\(Self.proxyService)' at \(target), the path --configFile names")
        }
        return mount.file
    }

    /// The configs mounted directly in `directory`: their output file and the name they have there.
    private func mountedFiles(_ proxy: PyYAMLValue, under directory: String, stack: PyYAMLValue) throws -> [(
        file: String, name: String
    )] {
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        return try configMounts(proxy, stack: stack).compactMap { mount in
            guard mount.target.hasPrefix(folder) else { return nil }
            let name = String(mount.target.dropFirst(folder.count))
            return name.contains("/") ? nil : (mount.file, name)
        }
    }

    /// The proxy's config mounts: where each is mounted and its output file.
    private func configMounts(_ proxy: PyYAMLValue, stack: PyYAMLValue) throws -> [(target: String, file: String)] {
        try (proxy["configs"]?.items ?? []).map { mount in
            guard let source = mount["source"]?.string, let target = mount["target"]?.string,
                let file = stack["configs"]?[source]?["file"]?.string
            else {
                throw SandboxError("a config mount of '\(Self.proxyService)' without source, target or file: \(mount)")
            }
            return (target, file.hasPrefix("./") ? String(file.dropFirst(2)) : file)
        }
    }

    // MARK: Secrets

    /// The secrets Traefik reads, by what they hold.
    private struct SecretRoles {
        var certificate: String
        var key: String
        var htpasswd: Set<String>
    }

    /// Finds every `/run/secrets/<name>` Traefik reads (its configuration files and the labels
    /// of the services it routes; other services' secrets are theirs) and what each holds. Each
    /// must be mounted on the proxy, and each must be a default certificate, its key or a
    /// basic-auth users file.
    private func secretRoles(_ wiring: Wiring) throws -> SecretRoles {
        let mounted = Set(
            (wiring.proxy["secrets"]?.items ?? []).compactMap {
                $0["target"]?.string ?? $0["source"]?.string ?? $0.string
            })
        let routedLabels = labels.values.filter { $0["traefik.enable"] == "true" }
        let texts = [wiring.staticText] + routedLabels.flatMap(\.values) + wiring.dynamicFiles.map(\.text)
        let pattern = try Regex("/run/secrets/([A-Za-z0-9._-]+)")
        let referenced = Set(
            texts.flatMap { $0.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) } })
        let unmounted = referenced.subtracting(mounted)
        guard unmounted.isEmpty else {
            throw SandboxError("secrets Traefik reads but the stack file does not mount on it: \(unmounted.sorted())")
        }
        func secretName(_ path: String?) -> String? {
            path.flatMap { $0.hasPrefix("/run/secrets/") ? String($0.dropFirst("/run/secrets/".count)) : nil }
        }
        var certificates: Set<String> = []
        var keys: Set<String> = []
        var htpasswd: Set<String> = []
        for config in wiring.dynamicFiles.map(\.config) {
            let store = config["tls"]?["stores"]?["default"]?["defaultCertificate"]
            if let name = secretName(store?["certFile"]?.string) { certificates.insert(name) }
            if let name = secretName(store?["keyFile"]?.string) { keys.insert(name) }
            for middleware in (config["http"]?["middlewares"]?.pairs ?? [:]).values {
                if let name = secretName(middleware["basicAuth"]?["usersFile"]?.string) { htpasswd.insert(name) }
            }
        }
        for (key, value) in routedLabels.flatMap({ $0 }) where key.lowercased().hasSuffix(".basicauth.usersfile") {
            if let name = secretName(value) { htpasswd.insert(name) }
        }
        let unknown = referenced.subtracting(certificates).subtracting(keys).subtracting(htpasswd)
        guard unknown.isEmpty else {
            throw SandboxError("the sandbox does not know how to make secrets \(unknown.sorted())")
        }
        guard certificates.count == 1, keys.count == 1, let certificate = certificates.first, let key = keys.first
        else {
            throw SandboxError(
                "expected one default certificate and key in the dynamic configuration, found \(certificates.sorted()) and \(keys.sorted())"
            )
        }
        return SecretRoles(certificate: certificate, key: key, htpasswd: htpasswd)
    }

    /// Makes the secrets as deploy.sh would: the certificate (for the domain and its
    /// subdomains) and key with openssl, the users files with `htpasswd -nbB` for `user`.
    private func makeSecrets(_ wiring: Wiring) throws {
        let roles = try secretRoles(wiring)
        let (certificate, key, htpasswd) = (roles.certificate, roles.key, roles.htpasswd)
        certificateSecret = certificate
        let folder = self.folder.appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let domain = built.stack.domain ?? built.stack.name
        let openssl = try SupportTool.require("openssl")
        let made = try Tools.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=\(domain)", "-addext", "subjectAltName=DNS:\(domain),DNS:*.\(domain)",
                "-keyout", folder.appendingPathComponent(key).path, "-out",
                folder.appendingPathComponent(certificate).path,
            ])
        guard made.status == 0 else { throw SandboxError("openssl could not make the certificate: \(made.summary)") }
        let htpasswdTool = try SupportTool.require("htpasswd")
        for name in htpasswd {
            let line = try Tools.run(htpasswdTool, ["-nbB", user, password])
            guard line.status == 0 else { throw SandboxError("htpasswd failed: \(line.summary)") }
            try Data(line.stdout.utf8).write(to: folder.appendingPathComponent(name))
        }
    }

    // MARK: Processes

    /// One backend per task of every service Traefik routes (`traefik.enable=true`): as many as
    /// the service's replicas (two for a global service), each on its own address of `block`
    /// at every port its labels name. Returns the addresses by service key.
    private func startBackends(_ stack: PyYAMLValue, block: Loopback.Block) throws -> [String: [String]] {
        var listens = try authProxies(stack).flatMap { ["--auth-proxy", $0.service, $0.prefix, $0.loginURL] }
        var tasks: [String: [String]] = [:]
        var host = 2
        for (service, serviceLabels) in labels.sorted(by: { $0.key < $1.key })
        where serviceLabels["traefik.enable"] == "true" {
            let deploy = stack["services"]?[service]?["deploy"]
            let count = deploy?["mode"]?.string == "global" ? 2 : (deploy?["replicas"]?.int ?? 1)
            let ports = Set(
                serviceLabels.filter { $0.key.lowercased().hasSuffix(".loadbalancer.server.port") }.compactMap {
                    Int($0.value)
                })
            guard !ports.isEmpty else {
                throw SandboxError("'\(service)' is routed but its labels name no loadbalancer.server.port")
            }
            for port in ports where !Loopback.mayListen(on: port) {
                throw SandboxError("a backend of '\(service)' must listen on port \(port), which needs root here")
            }
            guard count > 0 else { continue }
            for slot in 1...count {
                guard host < 254 else { throw SandboxError("more than 251 tasks") }
                let address = block.address(host)
                host += 1
                let name = "\(service).\(slot)"
                backends[service, default: []].append(name)
                tasks[service, default: []].append(address)
                listens += ports.sorted().flatMap { ["--listen", "\(name)=\(address):\($0)"] }
            }
        }
        let ready = folder.appendingPathComponent("backends.ready")
        let process = try SandboxProcess(
            name: "backends", executable: try SupportTool.require("python3"),
            arguments: [
                try SupportTool.script("http_backend.py").path, "--ready-file", ready.path,
                "--log", folder.appendingPathComponent("backends.jsonl").path,
            ] + listens,
            log: folder.appendingPathComponent("backends.log"))
        processes.append(process)
        try Waiting.until("the backends to listen", timeout: 10, context: { process.logTail() }) {
            guard process.isRunning else { throw SandboxError("the backends stopped:\n\(process.logTail())") }
            return FileManager.default.fileExists(atPath: ready.path)
        }
        return tasks
    }

    /// In the image of the services whose tasks stand in for an authenticating proxy.
    static let authProxyImage = "/oauth2-proxy:"

    /// The routed services that run oauth2-proxy, with what their stand-in needs from the
    /// generated environment: the sign-in flow's prefix and the realm's sign-in page. The
    /// stand-in behaves as oauth2-proxy does with `--reverse-proxy` and `--upstream=static://202`
    /// (202 to a signed-in check, a redirect built from the X-Forwarded-* headers otherwise), so
    /// a service configured otherwise is an error here rather than a wrong stand-in.
    private func authProxies(_ stack: PyYAMLValue) throws -> [(service: String, prefix: String, loginURL: String)] {
        try labels.keys.sorted().compactMap { key in
            guard labels[key]?["traefik.enable"] == "true", let service = stack["services"]?[key],
                service["image"]?.string?.contains(Self.authProxyImage) == true
            else { return nil }
            let environment = Self.environment(service)
            let expected = [
                "OAUTH2_PROXY_REVERSE_PROXY": "true", "OAUTH2_PROXY_UPSTREAMS": "static://202",
                "OAUTH2_PROXY_SKIP_PROVIDER_BUTTON": "true", "OAUTH2_PROXY_SET_XAUTHREQUEST": "true",
            ]
            for (name, value) in expected.sorted(by: { $0.key < $1.key }) where environment[name] != value {
                throw SandboxError(
                    "'\(key)' runs oauth2-proxy with \(name)=\(environment[name] ?? "(unset)"), not \(value): the sandbox's stand-in would not behave like it"
                )
            }
            guard let prefix = environment["OAUTH2_PROXY_PROXY_PREFIX"],
                let loginURL = environment["OAUTH2_PROXY_LOGIN_URL"]
            else {
                throw SandboxError(
                    "'\(key)' runs oauth2-proxy without OAUTH2_PROXY_PROXY_PREFIX or OAUTH2_PROXY_LOGIN_URL")
            }
            return (key, prefix, loginURL)
        }
    }

    /// A service's `environment`, from the mapping or the `NAME=value` list form.
    static func environment(_ service: PyYAMLValue) -> [String: String] {
        if let pairs = service["environment"]?.pairs { return pairs.compactMapValues(\.string) }
        let items = service["environment"]?.items?.compactMap(\.string) ?? []
        return Dictionary(
            items.map { item in
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { _, last in last })
    }

    /// Starts the stand-in Docker API and its HTTP proxy; returns their ports on 127.0.0.1.
    private func startDockerStandIn(
        stackFile: URL, tasks: [String: [String]], unreachable: String
    ) throws -> (api: Int, httpProxy: Int) {
        let tasksFile = folder.appendingPathComponent("tasks.json")
        let portFile = folder.appendingPathComponent("docker-api.port")
        let proxyPortFile = folder.appendingPathComponent("http-proxy.port")
        try JSONEncoder().encode(tasks).write(to: tasksFile)
        let process = try SandboxProcess(
            name: "docker API stand-in", executable: try SupportTool.require("python3"),
            arguments: [
                try SupportTool.script("docker_api_standin.py").path, "--stack-file", stackFile.path,
                "--stack-name", stackName, "--tasks", tasksFile.path, "--proxy-service", Self.proxyService,
                "--unreachable-address", unreachable, "--port-file", portFile.path,
                "--http-proxy-port-file", proxyPortFile.path,
            ],
            log: folder.appendingPathComponent("docker-api.log"))
        processes.append(process)
        func port(_ file: URL) -> Int? {
            (try? String(contentsOf: file, encoding: .utf8)).flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        var ports: (Int, Int)?
        try Waiting.until("the Docker API stand-in to listen", timeout: 10, context: { process.logTail() }) {
            guard process.isRunning else {
                throw SandboxError("the Docker API stand-in stopped:\n\(process.logTail())")
            }
            if let api = port(portFile), let proxy = port(proxyPortFile) { ports = (api, proxy) }
            return ports != nil
        }
        return ports ?? (0, 0)
    }

    /// The static configuration with only what loopback needs changed; every key it changes
    /// must already be there. The one addition, when the test asks for it: the entry points'
    /// `forwardedHeaders.trustedIPs` (`trustedForwarders`), which must not be there yet.
    private func writeStaticConfig(_ text: String, config: PyYAMLValue, apiPort: Int, fileDirectory: URL) throws -> URL
    {
        let source = folder.appendingPathComponent("traefik.generated.yml")
        let target = folder.appendingPathComponent("traefik.yml")
        try Data(text.utf8).write(to: source)
        var changes: [[String]] = [
            ["providers", "swarm", "endpoint", "http://127.0.0.1:\(apiPort)"],
            ["providers", "swarm", "refreshSeconds", "1s"],
            ["providers", "file", "directory", fileDirectory.path],
        ]
        var additions: [[String: [String]]] = []
        for name in (config["entryPoints"]?.pairs ?? [:]).keys.sorted() {
            let port = try Loopback.freePort()
            ports[name] = port
            changes.append(["entryPoints", name, "address", "127.0.0.1:\(port)"])
            if !trustedForwarders.isEmpty {
                additions.append([
                    "path": ["entryPoints", name, "forwardedHeaders", "trustedIPs"], "value": trustedForwarders,
                ])
            }
        }
        pingEntryPoint = config["ping"]?["entryPoint"]?.string ?? "traefik"
        let arguments = [
            "-c", Self.rewriteScript, source.path, target.path,
            String(decoding: try JSONEncoder().encode(changes), as: UTF8.self),
            String(decoding: try JSONEncoder().encode(additions), as: UTF8.self),
        ]
        let run = try Tools.run(try SupportTool.require("python3"), arguments)
        guard run.status == 0 else { throw SandboxError("could not adapt the static configuration: \(run.summary)") }
        return target
    }

    /// argv: source, target, JSON list of [key, …, key, value]: sets each existing key; JSON
    /// list of {"path": [key, …], "value": …}: adds each key the configuration does not have
    /// (making the mappings on the way).
    static let rewriteScript = """
        import json, sys, yaml
        source, target, changes = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
        additions = json.loads(sys.argv[4])
        with open(source, encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
        for change in changes:
            *path, value = change
            node = config
            for key in path[:-1]:
                node = node.get(key) if isinstance(node, dict) else None
            if not isinstance(node, dict) or path[-1] not in node:
                sys.exit("the static configuration has no " + ".".join(path))
            node[path[-1]] = value
        for addition in additions:
            path, node = addition["path"], config
            for key in path[:-1]:
                node = node.setdefault(key, {})
            if path[-1] in node:
                sys.exit("the static configuration already has " + ".".join(path))
            node[path[-1]] = addition["value"]
        with open(target, "w", encoding="utf-8") as handle:
            yaml.safe_dump(config, handle, sort_keys=False)
        """

    /// Starts Traefik and waits until its ping entry point answers. Its requests to names (not
    /// loopback addresses, which Go never sends through a proxy) go through the stand-in's HTTP
    /// proxy on `httpProxyPort`, which resolves service names as Swarm's DNS would.
    private func startTraefik(_ staticConfig: URL, httpProxyPort: Int) throws {
        let process = try SandboxProcess(
            name: "traefik", executable: try SupportTool.require("traefik"),
            arguments: ["--configFile=\(staticConfig.path)"],
            log: folder.appendingPathComponent("traefik.log"), in: folder,
            environment: [
                "HTTP_PROXY": "http://127.0.0.1:\(httpProxyPort)", "http_proxy": nil, "HTTPS_PROXY": nil,
                "https_proxy": nil, "NO_PROXY": nil, "no_proxy": nil, "ALL_PROXY": nil, "all_proxy": nil,
            ])
        processes.append(process)
        guard let port = ports[pingEntryPoint] else {
            throw SandboxError("the ping entry point '\(pingEntryPoint)' is not defined")
        }
        try Waiting.until("Traefik to answer /ping", context: { self.diagnostics }) {
            guard process.isRunning else { throw SandboxError("Traefik stopped:\n\(self.diagnostics)") }
            return (try? Curl.get("http://127.0.0.1:\(port)/ping", host: "127.0.0.1", port: port))?.status == 200
        }
    }

    /// Waits until every router of the labels and the dynamic files answers something other than
    /// 404 (Traefik's answer when no router matches) at its host and path.
    private func awaitRouters(_ dynamicConfigs: [PyYAMLValue]) throws {
        var routers: [(name: String, rule: String, entryPoints: [String], tls: Bool)] = []
        for serviceLabels in labels.values where serviceLabels["traefik.enable"] == "true" {
            for (key, rule) in serviceLabels where key.hasPrefix("traefik.http.routers.") && key.hasSuffix(".rule") {
                let router = String(key.dropLast(".rule".count))
                routers.append(
                    (
                        router, rule,
                        (serviceLabels["\(router).entrypoints"] ?? "").split(separator: ",").map(String.init),
                        serviceLabels["\(router).tls"] == "true"
                    ))
            }
        }
        for config in dynamicConfigs {
            for (name, router) in config["http"]?["routers"]?.pairs ?? [:] {
                routers.append(
                    (
                        name, router["rule"]?.string ?? "", router["entryPoints"]?.items?.compactMap(\.string) ?? [],
                        router["tls"] != nil
                    ))
            }
        }
        let host = try Regex("Host\\(`([^`]+)`\\)")
        let prefix = try Regex("PathPrefix\\(`([^`]+)`\\)")
        for router in routers.sorted(by: { $0.name < $1.name }) {
            guard let name = router.rule.firstMatch(of: host)?.output[1].substring.map(String.init) else {
                throw SandboxError("router \(router.name): no Host in rule \(router.rule)")
            }
            let path = router.rule.firstMatch(of: prefix)?.output[1].substring.map(String.init) ?? "/"
            for entryPoint in router.entryPoints {
                var last = "no answer"
                try Waiting.until(
                    "router \(router.name) (\(router.rule)) on \(entryPoint)",
                    context: { "last: \(last)\n\(self.diagnostics)" }
                ) {
                    do {
                        let exchange = try get(router.tls ? "https" : "http", name, path, entryPoint: entryPoint)
                        last = exchange.description
                        return exchange.status != 404
                    } catch {
                        last = "\(error)"
                        return false
                    }
                }
            }
        }
    }

    /// `text` without the ANSI colours Traefik's log has even in a file.
    static func stripColour(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}
