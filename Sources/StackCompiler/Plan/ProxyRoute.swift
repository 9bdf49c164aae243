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
    /// The pass and keys it comes from (stamped by `BuildPlan.addRoute` when nil).
    var origin: OutputOrigin? = nil
    /// The origin of the sticky-cookie settings, when the manifest writes `sticky`.
    var stickyOrigin: OutputOrigin? = nil

    /// What the proxy asks of a request before it forwards it.
    enum Auth: Equatable {
        /// Nothing: the service does its own logins, if any.
        case none
        /// A password from the htpasswd lines in this secret.
        case basic(secret: String)
        /// A single sign-on session, which the authenticating proxy checks for every request
        /// and starts when there is none.
        case signIn(SignInProxy)
        /// Only requests from these address ranges (CIDR), for a service whose clients cannot
        /// log in (the registry mirror, which engines pull through); others get 403.
        case fromNetworks([String])
    }

    /// The service that checks a sign-in session, and where: a request passes when its answer to
    /// `/` (with the request's own host and path in `X-Forwarded-*`) is 2xx; without a session it
    /// answers with the redirect to the realm's sign-in page. `<prefix>/` on the route's host is
    /// routed to it, for the sign-in flow (start, callback, sign-out).
    struct SignInProxy: Equatable {
        var service: String
        var port: Int
        /// `/oauth2` for a route at `/`, else the route's path followed by `/oauth2`.
        var prefix: String

        /// Where the proxy asks, inside the stack's network.
        var checkAddress: String { "http://\(service):\(port)/" }

        /// The route of the sign-in flow on the protected route's host: `<prefix>/` to the
        /// sign-in proxy itself, open (it is the way in).
        func flowRoute(for protected: ProxyRoute) -> ProxyRoute {
            ProxyRoute(
                service: service, host: protected.host, path: prefix, port: port, https: protected.https, sticky: false,
                auth: .none, healthPath: nil, healthInterval: nil, expectedTasks: 1)
        }
    }

    /// The sign-in proxy, for `auth: oidc` through the proxy.
    var signIn: SignInProxy? {
        if case .signIn(let proxy) = auth { return proxy }
        return nil
    }

    /// The address ranges requests must come from, when the route is limited to them.
    var allowedNetworks: [String]? {
        if case .fromNetworks(let ranges) = auth { return ranges }
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
