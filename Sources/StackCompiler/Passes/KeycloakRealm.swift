/// The realm as Keycloak's import reads it (`RealmRepresentation`, strict: an unknown key stops
/// the import), and the partial imports the reconciler sends a running Keycloak: every role,
/// group and user the realm lacks (existing ones, and users' credentials, untouched), and every
/// client as the manifest says it now.
enum KeycloakRealm {
    /// The realm file `--import-realm` reads at Keycloak's first start.
    static func render(_ identity: IdentitySettings, clients: [RealmClient]) -> String {
        JSONWriter.write(realm(identity, clients: clients))
    }

    /// Where each part of the realm and of the partial imports comes from: each user from its
    /// entry in `identity.users`, each role from `identity.roles`, each client from what asks
    /// for it; the rest from `identity` (`origin`).
    static func origins(_ identity: IdentitySettings, clients: [RealmClient], origin: OutputOrigin) -> OriginMap {
        let map = OriginMap(origin)
        let pass = origin.producer
        for (index, user) in identity.users.enumerated() {
            map.set(["users", user.name], OutputOrigin(producer: pass, keys: ["identity.users[\(index)]"]))
        }
        for (index, role) in identity.roles.enumerated() {
            map.set(["roles", "realm", role], OutputOrigin(producer: pass, keys: ["identity.roles[\(index)]"]))
        }
        for client in clients {
            map.set(["clients", client.id], OutputOrigin(producer: pass, keys: client.manifestKeys))
        }
        return map
    }

    /// The realm file's document.
    static func realm(_ identity: IdentitySettings, clients: [RealmClient]) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("realm", .string(identity.realm)),
            ("enabled", .bool(true)),
            ("sslRequired", .string("external")),
            ("registrationAllowed", .bool(false)),
            ("loginWithEmailAllowed", .bool(true)),
            ("duplicateEmailsAllowed", .bool(false)),
            ("bruteForceProtected", .bool(true)),
        ]
        members += contents(identity, clients: clients)
        return .object(members)
    }

    /// The partial import of what may be new: roles, groups and users Keycloak skips when it
    /// has them already.
    static func additions(_ identity: IdentitySettings) -> String {
        JSONWriter.write(additionsDocument(identity))
    }

    static func additionsDocument(_ identity: IdentitySettings) -> JSONValue {
        .object([("ifResourceExists", .string("SKIP"))] + contents(identity, clients: []).filter { $0.0 != "clients" })
    }

    /// The partial import of the clients: each replaced by the manifest's version.
    static func clientUpdate(_ clients: [RealmClient]) -> String {
        JSONWriter.write(clientUpdateDocument(clients))
    }

    static func clientUpdateDocument(_ clients: [RealmClient]) -> JSONValue {
        .object([("ifResourceExists", .string("OVERWRITE")), ("clients", .array(clients.map(client)))])
    }

    /// Roles, groups, users and clients, as both the realm file and the partial imports say them.
    static func contents(_ identity: IdentitySettings, clients: [RealmClient]) -> [(String, JSONValue)] {
        let roles = JSONValue.object([
            (
                "realm",
                .array(
                    identity.roles.map { role in
                        .object([("name", .string(role)), ("description", .string("declared in the stackc manifest"))])
                    })
            )
        ])
        let groups = JSONValue.array(
            identity.groups.map { group in
                .object([
                    ("name", .string(group.name)), ("path", .string("/\(group.name)")),
                    ("realmRoles", .array(group.roles.map(JSONValue.string))),
                ])
            })
        let users = JSONValue.array(identity.users.map(user))
        return [("roles", roles), ("groups", groups), ("users", users), ("clients", .array(clients.map(client)))]
    }

    /// A user without a password: Keycloak asks for one (`UPDATE_PASSWORD`) once an
    /// administrator lets the user in (a reset e-mail, or a temporary password).
    static func user(_ user: IdentityUser) -> JSONValue {
        var members: [(String, JSONValue)] = [("username", .string(user.name)), ("enabled", .bool(true))]
        if let email = user.email {
            members += [("email", .string(email)), ("emailVerified", .bool(true))]
        }
        if let first = user.firstName { members.append(("firstName", .string(first))) }
        if let last = user.lastName { members.append(("lastName", .string(last))) }
        members += [
            ("requiredActions", .array([.string("UPDATE_PASSWORD")])),
            ("realmRoles", .array(user.roles.map(JSONValue.string))),
            ("groups", .array(user.groups.map { .string("/\($0)") })),
        ]
        return .object(members)
    }

    /// A confidential client: the standard flow only, PKCE S256, exact redirect URIs, its secret
    /// read from Keycloak's environment (`${VARIABLE}`), realm roles and groups in every token.
    static func client(_ client: RealmClient) -> JSONValue {
        var attributes: [(String, JSONValue)] = [
            ("pkce.code.challenge.method", .string("S256")),
            ("post.logout.redirect.uris", .string(client.postLogoutRedirectURIs.joined(separator: "##"))),
        ]
        if let url = client.backchannelLogoutURL {
            attributes += [
                ("backchannel.logout.url", .string(url)),
                ("backchannel.logout.session.required", .string("true")),
            ]
        }
        return .object([
            ("clientId", .string(client.id)),
            ("name", .string(client.name)),
            ("enabled", .bool(true)),
            ("protocol", .string("openid-connect")),
            ("publicClient", .bool(false)),
            ("clientAuthenticatorType", .string("client-secret")),
            ("secret", .string("${\(client.secretVariable)}")),
            ("standardFlowEnabled", .bool(true)),
            ("implicitFlowEnabled", .bool(false)),
            ("directAccessGrantsEnabled", .bool(false)),
            ("serviceAccountsEnabled", .bool(false)),
            ("frontchannelLogout", .bool(false)),
            ("rootUrl", .string(client.rootURL)),
            ("redirectUris", .array(client.redirectURIs.map(JSONValue.string))),
            ("webOrigins", .array(client.webOrigins.map(JSONValue.string))),
            ("attributes", .object(attributes)),
            ("protocolMappers", .array([rolesMapper, groupsMapper])),
        ])
    }

    /// Realm roles as a flat `roles` claim in the ID token, the access token and userinfo.
    static let rolesMapper = JSONValue.object([
        ("name", .string("realm roles")),
        ("protocol", .string("openid-connect")),
        ("protocolMapper", .string("oidc-usermodel-realm-role-mapper")),
        ("consentRequired", .bool(false)),
        (
            "config",
            .object(tokenClaims("roles") + [("multivalued", .string("true")), ("jsonType.label", .string("String"))])
        ),
    ])

    /// Group names (without their path) as a `groups` claim in the same places.
    static let groupsMapper = JSONValue.object([
        ("name", .string("groups")),
        ("protocol", .string("openid-connect")),
        ("protocolMapper", .string("oidc-group-membership-mapper")),
        ("consentRequired", .bool(false)),
        ("config", .object(tokenClaims("groups") + [("full.path", .string("false"))])),
    ])

    static func tokenClaims(_ claim: String) -> [(String, JSONValue)] {
        [
            ("claim.name", .string(claim)),
            ("id.token.claim", .string("true")),
            ("access.token.claim", .string("true")),
            ("userinfo.token.claim", .string("true")),
            ("introspection.token.claim", .string("true")),
        ]
    }
}
