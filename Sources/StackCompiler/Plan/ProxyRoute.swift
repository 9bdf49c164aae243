/// A host (and path) the edge proxy sends to a service, contributed by the pass that adds the
/// service and rendered by the proxy renderer (Traefik labels or HAProxy backends).
struct ProxyRoute {
    /// The service's key in the stack file.
    var service: String
    var host: String
    /// `/` for the whole host.
    var path: String
    /// The port the service's containers serve.
    var port: Int
    /// False: plain HTTP only, no redirect and no HSTS.
    var https: Bool
    var sticky: Bool
    /// Who may pass.
    var auth: Auth
    /// Where the proxy checks each task's health, if anywhere.
    var healthPath: String?
    var healthInterval: TimeSpan?
    /// How many tasks the service may have, so HAProxy reserves enough server slots.
    var expectedTasks: Int

    /// What the proxy asks of a request before it forwards it.
    enum Auth: Equatable {
        /// Nothing: the service does its own logins, if any.
        case none
        /// A password from the htpasswd lines in this secret.
        case basic(secret: String)
        /// No request passes, and the answer says why: the manifest protects the service with a
        /// login this stackc cannot make yet. Never routed open.
        case refuse(reason: String)
    }

    /// Why every request is refused, for a route whose login cannot be made.
    var refusal: String? {
        if case .refuse(let reason) = auth { return reason }
        return nil
    }

    /// The htpasswd secret, for `auth: basic`.
    var basicAuthSecret: String? {
        if case .basic(let secret) = auth { return secret }
        return nil
    }

    /// A name for routers, backends and cookies: the service, and the path when it is not `/`,
    /// after a `_`. Service names never contain `_`, so `api` at `/api` (`api_api`) cannot
    /// collide with a service called `api-api`.
    var name: String {
        guard path != "/" else { return service }
        let suffix = path.split(separator: "/").joined(separator: "-")
            .map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "-" }.joined()
        return "\(service)_\(suffix.lowercased())"
    }
}
