import Foundation
import Testing

/// Sign-in and the command line: `auth: oidc` on an app behind a sign-in proxy needs Traefik, so
/// with HAProxy `stackc lint` and `stackc build` exit 1 with E225 at the `auth` value and write
/// nothing; Nextcloud, which signs in by itself, builds behind HAProxy.
@Suite struct IdentityCommandTests {
    static func manifest(preset: String) -> String {
        """
        stackc: 1
        name: shop
        domain: example.org
        proxy: {kind: haproxy}
        identity: {database: pg}
        databases: {pg: {}}
        apps:
          web: {preset: \(preset), image: nextcloud:30-apache, port: 80, host: www, auth: oidc, database: pg}

        """
    }

    @Test func aSignInProxyBehindHAProxyStopsLintAndBuild() throws {
        let workspace = try Workspace("identity-e225")
        defer { workspace.remove() }
        let text = Self.manifest(preset: "generic")
        try workspace.write("shop.yml", text)
        // Where `oidc` stands on line 8 (the app's line), counted from 1.
        let line = text.components(separatedBy: "\n")[7]
        let column = try #require(line.range(of: "auth: oidc")).upperBound.utf16Offset(in: line) - "oidc".count + 1
        let lint = try workspace.stackc("lint", "shop.yml")
        #expect(lint.status == 1, "\(lint)")
        #expect(
            lint.stderr.hasPrefix("shop.yml:8:\(column): error[E225]: app 'web' signs in with 'auth: oidc'"), "\(lint)")
        #expect(lint.stderr.hasSuffix("shop.yml: 1 error, 0 warnings\n"), "\(lint)")
        let json = try workspace.stackc("lint", "--format", "json", "shop.yml")
        #expect(json.status == 1, "\(json)")
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json)")
        #expect(objects.count == 1, "\(json)")
        #expect(objects.first?["code"] as? String == "E225")
        #expect(objects.first?["name"] as? String == "sign-in-needs-traefik")
        #expect(objects.first?["severity"] as? String == "error")
        #expect(objects.first?["line"] as? Int == 8 && objects.first?["column"] as? Int == column)
        #expect(objects.first?["length"] as? Int == 4, "the whole value 'oidc'")
        let build = try workspace.stackc("build", "shop.yml", "-o", "built")
        #expect(build.status == 1, "\(build)")
        #expect(build.stderr.contains("error[E225]"), "\(build)")
        #expect(!workspace.exists("built"), "nothing written")
    }

    @Test func nextcloudSignsInBehindHAProxy() throws {
        let workspace = try Workspace("identity-nextcloud-haproxy")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.manifest(preset: "nextcloud"))
        let build = try workspace.stackc("build", "shop.yml", "-o", "built")
        #expect(build.status == 0, "\(build)")
        #expect(!build.stderr.contains("error["), "\(build)")
        #expect(workspace.exists("built/shop/nextcloud/web-oidc.sh"))
        #expect(workspace.exists("built/shop/keycloak/shop-realm.json"))
    }
}
