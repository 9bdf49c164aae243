import Foundation
import Testing

@testable import StackCompiler

/// Sign-in through the authenticating proxy (`auth: oidc` on an app that does not speak OIDC
/// itself) at work in a real Traefik on loopback (see `TraefikSandbox`): the generated
/// forward-auth middleware asks the app's `<app>-sso` service about every request, and the
/// sign-in flow under `<path>/oauth2` is routed to that service. The `-sso` tasks are stand-ins
/// for oauth2-proxy as generated (`http_backend.py --auth-proxy`): without the stand-in's session
/// cookie they answer a check with a 302 to the realm's sign-in page, carrying the page asked
/// for (from the X-Forwarded-* headers Traefik sends); with it, 202 and `X-Auth-Request-User:
/// alice`. Traefik reaches them by their service names through a stand-in for Swarm's DNS.
@Suite(.serialized) struct EdgeSignInTests {
    /// `portal` takes the whole of `www` and admits one role, `reports` takes `/api` on the same
    /// host and admits every user of the realm, `open` has no sign-in.
    static let manifest = """
        stackc: 1
        name: signin
        domain: signin.test
        tls:
          mode: selfsigned
        cluster:
          managers: 1
        identity:
          host: auth
          realm: staff
          database: pg
          roles: [editor, viewer]
          users:
            - name: alice
              email: alice@signin.test
              roles: [editor]
        databases:
          pg:
            engine: postgres
            version: "16"
        apps:
          portal:
            image: example/portal:1
            port: 8080
            host: www
            auth: oidc
            roles: [editor]
          reports:
            image: example/reports:1
            port: 9090
            host: www
            path: /api
            auth: oidc
          open:
            image: example/open:1
            port: 8081
            host: open

        """

    static let host = "www.signin.test"
    /// The realm's sign-in page, as the identity section names it (host `auth`, realm `staff`).
    static let signInPage = "https://auth.signin.test/realms/staff/protocol/openid-connect/auth"
    /// The stand-in's session (what oauth2-proxy's cookie is in a real deployment).
    static let session = "sso_standin=ok"
    /// What a client might send to pass itself off as someone else, or as another page.
    static let spoofed: [(name: String, value: String)] = [
        ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Uri", "/elsewhere"), ("X-Forwarded-Proto", "http"),
    ]

    /// Builds the manifest and runs `body` against a started sandbox, stopped afterwards.
    func withSandbox(trustedForwarders: [String] = [], _ body: (TraefikSandbox) throws -> Void) throws {
        let built = try #require(BuildSupport.build(path: "signin.yml", text: Self.manifest))
        let sandbox = try TraefikSandbox.start(built, trustedForwarders: trustedForwarders)
        defer { sandbox.stop() }
        try body(sandbox)
    }

    /// The page a redirect sends to (its URL without the query) and its `rd` parameter (decoded).
    static func redirect(_ exchange: HTTPExchange) -> (page: String, back: String?)? {
        guard let location = exchange.value("location"), var components = URLComponents(string: location) else {
            return nil
        }
        let back = components.queryItems?.first { $0.name == "rd" }?.value
        components.query = nil
        return (components.string ?? location, back)
    }

    /// The requests the tasks of `service` received after the first `mark` of all.
    static func requests(_ sandbox: TraefikSandbox, of service: String, after mark: Int = 0)
        -> [TraefikSandbox.BackendReply]
    {
        sandbox.backendRequests().dropFirst(mark).filter { $0.backend.hasPrefix(service + ".") }
    }

    /// The requests the auth proxies (the services whose key ends in `-sso`) received after the
    /// first `mark` of all.
    static func authProxyRequests(_ sandbox: TraefikSandbox, after mark: Int = 0) -> [TraefikSandbox.BackendReply] {
        sandbox.backendRequests().dropFirst(mark).filter {
            $0.backend.split(separator: ".").first?.hasSuffix("-sso") == true
        }
    }

    /// Without a session, a protected page (either app, with its query) is a 302 to the realm's
    /// sign-in page, whose `rd` is the page asked for: host (as the client sent it) and path
    /// reached the auth proxy in X-Forwarded-Host and X-Forwarded-Uri. Neither app's tasks ever
    /// see a request, not even a client's own `X-Auth-Request-User`.
    @Test func signedOutRequestsAreSentToTheSignInPage() throws {
        try withSandbox { sandbox in
            let origin = "https://\(sandbox.hostHeader("https", Self.host))"
            for path in ["/", "/docs?page=2&tab=a%20b", "/api", "/api/items?id=7"] {
                let response = try sandbox.get("https", Self.host, path, headers: [("X-Auth-Request-User", "alice")])
                #expect(response.status == 302, "\(response)\n\(sandbox.diagnostics)")
                let redirect = Self.redirect(response)
                #expect(redirect?.page == Self.signInPage, "\(response)")
                #expect(redirect?.back == origin + path, "\(response)")
                #expect(TraefikSandbox.reply(response) == nil, "a task answered: \(response)")
            }
            for app in ["portal", "reports"] {
                let reached = Self.requests(sandbox, of: app)
                #expect(reached.isEmpty, "requests reached \(app) without a session: \(reached)")
            }
        }
    }

    /// With the auth proxy's session, each app's tasks answer with the path intact, and they
    /// receive the user the auth proxy named (`authResponseHeaders`), not the one the client sent.
    @Test func aSessionReachesTheAppWithTheSignedInUser() throws {
        try withSandbox { sandbox in
            for (path, app) in [("/docs?page=2", "portal"), ("/api/items?id=7", "reports")] {
                let response = try sandbox.get(
                    "https", Self.host, path, cookie: Self.session, headers: [("X-Auth-Request-User", "mallory")])
                #expect(response.status == 200, "\(response)\n\(sandbox.diagnostics)")
                let reply = TraefikSandbox.reply(response)
                #expect(sandbox.backends[app]?.contains(reply?.backend ?? "") == true, "\(response)")
                #expect(reply?.path == path, "\(response)")
                #expect(reply?.authRequestUser == "alice", "\(response)")
                #expect(response.value("strict-transport-security") != nil, "\(response)")
            }
        }
    }

    /// Each protected route asks its own app's auth proxy (`<app>-sso`, by its service name, at
    /// `/` on port 4180) once per request, with the request as the client made it: the host it
    /// sent, the path with its query, https, the method. The client's own X-Forwarded-Host,
    /// -Uri and -Proto do not get through, and the sign-in page is built from the real ones.
    @Test func theAuthProxyIsAskedAboutTheOriginalRequest() throws {
        try withSandbox { sandbox in
            let hostHeader = sandbox.hostHeader("https", Self.host)
            for (path, proxy, other) in [
                ("/docs?page=2", "portal-sso", "reports-sso"), ("/api/items?id=7", "reports-sso", "portal-sso"),
            ] {
                let mark = sandbox.backendRequests().count
                let response = try sandbox.get("https", Self.host, path, headers: Self.spoofed)
                #expect(response.status == 302, "\(response)\n\(sandbox.diagnostics)")
                #expect(Self.redirect(response)?.back == "https://\(hostHeader)\(path)", "\(response)")
                let checks = Self.requests(sandbox, of: proxy, after: mark)
                #expect(checks.count == 1, "\(proxy) was asked \(checks.count) times: \(checks)")
                let check = checks.first
                #expect(check?.path == "/" && check?.host == "\(proxy):\(SingleSignOn.signInProxyPort)", "\(checks)")
                #expect(check?.forwardedHost == hostHeader, "\(checks)")
                #expect(check?.forwardedUri == path, "\(checks)")
                #expect(check?.forwardedProto == "https", "\(checks)")
                #expect(check?.forwardedMethod == "GET", "\(checks)")
                #expect(check?.status == 302, "\(checks)")
                let elsewhere = Self.requests(sandbox, of: other, after: mark)
                #expect(elsewhere.isEmpty, "\(other) was asked about \(path): \(elsewhere)")
            }
        }
    }

    /// `trustForwardHeader: false` on its own: even when the entry points trust the client's
    /// X-Forwarded-* headers (an operator's load balancer in front, here curl on 127.0.0.1), and
    /// the app does see the client's X-Forwarded-Host, the auth proxy is told the real host,
    /// path and scheme, and the sign-in page sends back to the real page.
    @Test func forwardedHeadersFromATrustedHopDoNotReachTheAuthProxy() throws {
        try withSandbox(trustedForwarders: ["127.0.0.1/32"]) { sandbox in
            let hostHeader = sandbox.hostHeader("https", Self.host)
            let admitted = try sandbox.get("https", Self.host, "/docs", cookie: Self.session, headers: Self.spoofed)
            #expect(admitted.status == 200, "\(admitted)\n\(sandbox.diagnostics)")
            #expect(
                TraefikSandbox.reply(admitted)?.forwardedHost == "evil.example",
                "the entry point did not keep the client's X-Forwarded-Host, so this test shows nothing: \(admitted)")
            let mark = sandbox.backendRequests().count
            let response = try sandbox.get("https", Self.host, "/docs?page=2", headers: Self.spoofed)
            #expect(response.status == 302, "\(response)\n\(sandbox.diagnostics)")
            #expect(Self.redirect(response)?.back == "https://\(hostHeader)/docs?page=2", "\(response)")
            let checks = Self.requests(sandbox, of: "portal-sso", after: mark)
            #expect(
                checks.count == 1
                    && checks.allSatisfy {
                        $0.forwardedHost == hostHeader && $0.forwardedUri == "/docs?page=2"
                            && $0.forwardedProto == "https"
                    }, "\(checks)")
        }
    }

    /// Request headers whose names alias `X-Auth-Request-User` (`X.Auth.Request.User`,
    /// `X_Auth_Request_User`) would pass `authResponseHeaders`, so a signed-in user could name
    /// someone else to an app that reads headers the CGI way (PHP, WSGI): the generated entry
    /// points drop them (`http.aliasHeadersStrategy: delete`), and the app sees none.
    @Test func aliasesOfTheSignedInUserHeaderDoNotReachTheApp() throws {
        try withSandbox { sandbox in
            let aliases = [("X.Auth.Request.User", "mallory"), ("X_Auth_Request_User", "mallory")]
            let response = try sandbox.get("https", Self.host, "/docs", cookie: Self.session, headers: aliases)
            #expect(response.status == 200, "\(response)\n\(sandbox.diagnostics)")
            let reply = try #require(TraefikSandbox.reply(response), "\(response)")
            #expect(reply.authRequestUser == "alice", "\(response)")
            #expect(reply.aliasHeaders?.isEmpty == true, "the app received \(reply.aliasHeaders ?? [:])")
        }
    }

    /// The sign-in flow (`/oauth2/...` for the app at `/`, `/api/oauth2/...` for the app at
    /// `/api`) reaches the app's own auth proxy without a session, path and query intact, as a
    /// flow request (not a check); the apps see none of it.
    @Test func theSignInFlowReachesTheAuthProxyNotTheApp() throws {
        try withSandbox { sandbox in
            let mark = sandbox.backendRequests().count
            let flow = [
                ("/oauth2/callback?code=c1&state=s1", "portal-sso"), ("/oauth2/start?rd=%2Fdocs", "portal-sso"),
                ("/api/oauth2/callback?code=c2&state=s2", "reports-sso"),
            ]
            for (path, proxy) in flow {
                let response = try sandbox.get("https", Self.host, path)
                #expect(response.status == 200, "\(response)\n\(sandbox.diagnostics)")
                let reply = TraefikSandbox.reply(response)
                #expect(sandbox.backends[proxy]?.contains(reply?.backend ?? "") == true, "\(response)")
                #expect(reply?.path == path, "\(response)")
            }
            let asked = Self.authProxyRequests(sandbox, after: mark)
            #expect(asked.map(\.path) == flow.map(\.0) && asked.allSatisfy { $0.status == 200 }, "\(asked)")
            for app in ["portal", "reports"] {
                let reached = Self.requests(sandbox, of: app, after: mark)
                #expect(reached.isEmpty, "the sign-in flow reached \(app): \(reached)")
            }
        }
    }

    /// Routes without sign-in (an app without `auth`, and Keycloak itself) are served by their
    /// tasks without a session and without asking any auth proxy.
    @Test func unprotectedRoutesNeverAskTheAuthProxy() throws {
        try withSandbox { sandbox in
            let mark = sandbox.backendRequests().count
            for (host, path, service) in [
                ("open.signin.test", "/", "open"), ("open.signin.test", "/page?x=1", "open"),
                ("auth.signin.test", "/realms/staff/account", "keycloak"),
            ] {
                let response = try sandbox.get("https", host, path)
                #expect(response.status == 200, "\(response)\n\(sandbox.diagnostics)")
                let reply = TraefikSandbox.reply(response)
                #expect(sandbox.backends[service]?.contains(reply?.backend ?? "") == true, "\(response)")
                #expect(reply?.path == path && reply?.authRequestUser == nil, "\(response)")
            }
            let asked = Self.authProxyRequests(sandbox, after: mark)
            #expect(asked.isEmpty, "an auth proxy was asked about an unprotected route: \(asked)")
        }
    }

    /// Plain HTTP to the protected host (either app, or the sign-in flow) is redirected
    /// permanently to the same page over HTTPS before anything is asked: no auth proxy and no
    /// app sees the request.
    @Test func httpRedirectsToHttpsBeforeSignIn() throws {
        try withSandbox { sandbox in
            let mark = sandbox.backendRequests().count
            for path in ["/", "/docs?page=2", "/api/items", "/oauth2/start", "/api/oauth2/callback?code=c"] {
                for cookie in [nil, Self.session] {
                    let response = try sandbox.get("http", Self.host, path, cookie: cookie)
                    #expect([301, 308].contains(response.status), "\(response)\n\(sandbox.diagnostics)")
                    #expect(response.value("location") == "https://\(Self.host)\(path)", "\(response)")
                }
            }
            let reached = Array(sandbox.backendRequests().dropFirst(mark))
            #expect(reached.isEmpty, "redirected requests reached tasks: \(reached)")
        }
    }
}
