import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The cluster's virtual IP on real keepalived (Debian's): the keepalived configs stackc
/// generates for three managers (`nodes/keepalived/manager-N.conf`), used as they are, each in
/// a namespace of its own on one bridge with the node's address from the model, with the two
/// files the generated `setup-node.sh vip` writes beside them, as on a real manager (interface
/// and password). The VIP must be on manager-1, move to manager-2 when manager-1's edge proxy stops answering (its track script
/// fails) or its keepalived stops, come back when manager-1 is well again, and never go to
/// manager-3 while manager-2 is well; a manager with another password must not be heard.
///
/// Needs root (network and mount namespaces); every process is ended by its process id and the
/// namespaces go with their holders.
@Suite(.serialized) struct NodesVIPFailoverTests {
    static let vip = "192.168.56.100"

    static let manifest = """
        stackc: 1
        name: vip
        domain: vip.test
        cluster: {managers: 3, workers: 1, provision: vagrant, vip: \(vip)}
        apps:
          web:
            image: nginx:1.27-alpine
            port: 80
            host: www
        """

    /// The managers' names and addresses as the spec places them: manager-1 on `cluster.address`
    /// (by default 192.168.56.101), the next ones consecutively.
    static let managers = (1...3).map { (name: "manager-\($0)", address: "192.168.56.\(100 + $0)") }

    /// `keepalived -t` accepts each generated config in its node, where its interface exists.
    @Test func everyManagersConfigPassesKeepalivedsCheck() throws {
        let cluster = try Self.makeCluster()
        defer { cluster.end() }
        for manager in cluster.managers {
            let check = try cluster.configTest(manager.name)
            #expect(check.status == 0, "keepalived -t on \(manager.name)'s config:\n\(check.output)")
        }
    }

    /// The VIP follows manager-1's health: its edge proxy stopped, then back; its keepalived
    /// stopped, then back. Manager-2 takes over each time, manager-3 never.
    @Test func theVIPMovesToManager2AndBack() throws {
        let cluster = try Self.makeCluster()
        defer { cluster.end() }
        for manager in cluster.managers { try cluster.startEdgeProxy(manager.name) }
        for manager in cluster.managers { try cluster.startKeepalived(manager.name) }

        var holders = try cluster.waitForHolders(["manager-1"])
        try #require(holders == ["manager-1"], "at start the VIP is on \(holders), not manager-1:\n\(cluster.logs)")

        #expect(cluster.stopEdgeProxy("manager-1") != nil, "manager-1's edge proxy did not end")
        holders = try cluster.waitForHolders(["manager-2"])
        try #require(
            holders == ["manager-2"],
            "with manager-1's edge proxy down the VIP is on \(holders), not manager-2:\n\(cluster.logs)")

        try cluster.startEdgeProxy("manager-1")
        holders = try cluster.waitForHolders(["manager-1"])
        try #require(
            holders == ["manager-1"],
            "with manager-1's edge proxy back the VIP is on \(holders), not manager-1:\n\(cluster.logs)")

        let stopped = cluster.stopKeepalived("manager-1")
        #expect(stopped == 0, "manager-1's keepalived did not stop cleanly on SIGTERM:\n\(cluster.log("manager-1"))")
        holders = try cluster.waitForHolders(["manager-2"])
        try #require(
            holders == ["manager-2"],
            "with manager-1's keepalived stopped the VIP is on \(holders), not manager-2:\n\(cluster.logs)")

        try cluster.startKeepalived("manager-1")
        holders = try cluster.waitForHolders(["manager-1"])
        #expect(
            holders == ["manager-1"],
            "with manager-1's keepalived back the VIP is on \(holders), not manager-1:\n\(cluster.logs)")

        // Looks are samples; manager-3's log says whether it ever became master between them.
        let onManager3 = cluster.sightings.filter { $0.contains("manager-3") }
        let looks = "\(onManager3.count) of \(cluster.sightings.count) looks"
        #expect(
            onManager3.isEmpty && !cluster.log("manager-3").contains("Entering MASTER STATE"),
            "manager-3 held the VIP while manager-2 was well (\(looks)):\n\(cluster.logs)")
    }

    /// A manager whose password differs is not heard: manager-2, with another password, takes
    /// the VIP as if it were alone while manager-1 keeps it, and manager-3, which hears
    /// manager-1, does not.
    @Test func aManagerWithAnotherPasswordIsNotHeard() throws {
        let cluster = try Self.makeCluster(passwordOf: ["manager-2": "0therPw!"])
        defer { cluster.end() }
        for manager in cluster.managers { try cluster.startEdgeProxy(manager.name) }
        for manager in cluster.managers { try cluster.startKeepalived(manager.name) }
        let holders = try cluster.waitForHolders(["manager-1", "manager-2"])
        let both = "not on both manager-1 and manager-2"
        #expect(
            holders == ["manager-1", "manager-2"],
            "with another password on manager-2 the VIP is on \(holders), \(both):\n\(cluster.logs)")
        #expect(
            cluster.log("manager-2").contains("received an invalid passwd"),
            "manager-2 does not say it refused the others' adverts for their password:\n\(cluster.log("manager-2"))")
        #expect(
            !cluster.sightings.contains { $0.contains("manager-3") }
                && !cluster.log("manager-3").contains("Entering MASTER STATE"),
            "manager-3, which hears manager-1, took the VIP:\n\(cluster.logs)")
    }

    /// Builds the manifest with stackc and sets up the managers with the configs it generated
    /// (one password for all, unless `passwordOf` gives a manager another).
    static func makeCluster(passwordOf: [String: String] = [:]) throws -> KeepalivedManagers {
        guard geteuid() == 0 else {
            throw KeepalivedManagers.SetupFailure(
                description: "the VIP failover test must run as root: it runs keepalived in private network and "
                    + "mount namespaces (CI runs it as root); run `make test` as root")
        }
        let workspace = try Workspace("vip")
        defer { workspace.remove() }
        try workspace.write("vip.yml", manifest)
        let build = try workspace.stackc("build", "vip.yml")
        guard build.status == 0 else {
            throw KeepalivedManagers.SetupFailure(description: "stackc could not build the manifest:\n\(build)")
        }
        let password = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8))
        var managers: [KeepalivedManagers.Manager] = []
        let setupScript = "out/vip/nodes/setup-node.sh"
        for (name, address) in Self.managers {
            let path = "out/vip/nodes/keepalived/\(name).conf"
            guard workspace.exists(path), workspace.exists(setupScript) else {
                throw KeepalivedManagers.SetupFailure(
                    description: "stackc wrote no \(path) or \(setupScript):\n\(build)")
            }
            managers.append(
                .init(
                    name: name, address: address, config: try workspace.read(path),
                    setupScript: try workspace.read(setupScript), password: passwordOf[name] ?? password))
        }
        return try KeepalivedManagers(managers, vip: vip)
    }
}
