/// The certificate the edge proxy serves, shared by the Traefik and HAProxy renderers: a
/// wildcard certificate made at deploy time (`selfsigned`), the operator's (`provided`), or
/// none, because the proxy obtains them itself (`acme`).
struct EdgeCertificate {
    /// The secret holding the PEM certificate (with its chain).
    var certificateSecret: String
    /// The secret holding the PEM private key.
    var keySecret: String

    /// Declares the certificate's secrets in the proxy's plan, for the domain and every host
    /// in `hosts` it does not cover; nil for ACME.
    static func require(_ edge: EdgePlan, hosts: [String], _ plan: inout BuildPlan) -> EdgeCertificate? {
        let domain = edge.domain
        let names = uncovered(hosts, domain: domain)
        let keys = plan.origin.keys
        plan.reading(edge.certificateKeys)
        defer { plan.reading(keys) }
        switch edge.tls.mode {
        case .acme:
            return nil
        case .selfsigned:
            return EdgeCertificate(
                certificateSecret: plan.requireSecret(
                    PlatformNames.tlsCertificateSecret,
                    recipe: .selfSignedCertificate(domain: domain, names: names, part: .certificate)),
                keySecret: plan.requireSecret(
                    PlatformNames.tlsKeySecret,
                    recipe: .selfSignedCertificate(domain: domain, names: names, part: .key)))
        case .provided:
            let also = names.isEmpty ? "" : ", and for \(names.joined(separator: ", "))"
            return EdgeCertificate(
                certificateSecret: plan.requireSecret(
                    PlatformNames.tlsCertificateSecret,
                    recipe: .provided(what: "the PEM certificate chain for *.\(domain) and \(domain)\(also)")),
                keySecret: plan.requireSecret(
                    PlatformNames.tlsKeySecret, recipe: .provided(what: "the PEM private key of that certificate")))
        }
    }
}

extension EdgeCertificate {
    /// The hosts `*.<domain>` and `<domain>` do not cover (outside the domain, or more than one
    /// label under it: a wildcard covers one), each once, sorted.
    static func uncovered(_ hosts: [String], domain: String) -> [String] {
        Set(
            hosts.filter { host in
                guard host != domain else { return false }
                guard host.hasSuffix("." + domain) else { return true }
                return host.dropLast(domain.count + 1).contains(".")
            }
        ).sorted()
    }

    /// Where the trust service finds the host's `/etc/docker`, and the certificate.
    static let trustMount = "/host-docker"
    static let trustCertificateTarget = "edge-certificate.pem"

    /// With a self-signed certificate and a registry, a service on every node that puts the
    /// certificate where the node's engine looks for a registry's CA
    /// (`/etc/docker/certs.d/<host>/ca.crt`, read at each connection) for the registry's and
    /// the mirror's hosts, then idles: the engines that pull the stack's images, push them
    /// (`deploy.sh`'s) and pull through the mirror trust the proxy, a node that joins later
    /// too. The certificate is public; the key stays with the proxy.
    static func addTrust(_ certificate: EdgeCertificate?, _ edge: EdgePlan, _ plan: inout BuildPlan) {
        guard edge.registryTrust, let certificate else { return }
        var service = PlannedService(image: RegistryPass.image)
        service.kind = .global
        service.entrypoint = ["/bin/sh", "-c", trustScript, PlatformNames.registryTrustService] + edge.registryHosts
        service.secrets = [(certificate.certificateSecret, trustCertificateTarget)]
        service.hostPaths = [("/etc/docker", trustMount, false)]
        plan.addService(PlatformNames.registryTrustService, service)
    }

    /// Copies the certificate for each host given (replacing the file in one step), says so,
    /// and waits for the end of the task.
    static let trustScript = [
        "set -e",
        "for host in \"$@\"; do",
        "  mkdir -p \"\(trustMount)/certs.d/$host\"",
        "  cp /run/secrets/\(trustCertificateTarget) \"\(trustMount)/certs.d/$host/ca.crt.new\"",
        "  mv \"\(trustMount)/certs.d/$host/ca.crt.new\" \"\(trustMount)/certs.d/$host/ca.crt\"",
        "done",
        "echo \"stackc: this node's engine trusts the edge certificate for $*\"",
        "trap 'exit 0' TERM INT",
        "while :; do sleep 3600 & wait $!; done",
    ].joined(separator: "\n")
}
