/// The runbook's first deploy, step by step: the nodes and the swarm, this folder on a manager,
/// the secrets (those `deploy.sh` makes, and a command for each one the operator provides),
/// the certificate, the registry, `./deploy.sh`, and how to watch the stack converge.
enum RunbookFirstDeploySection {
    static func lines(_ facts: RunbookFacts) -> [String] {
        let steps: [(title: String, body: [String])?] = [
            ("The nodes and the swarm", nodeLines(facts)), ("This folder on a manager", folderLines(facts)),
            ("Secrets", secretLines(facts)), certificateLines(facts).map { ("The certificate", $0) },
            registryLines(facts).map { ("The registry", $0) }, ("Deploy", deployLines(facts)),
            ("Watch it converge", watchLines(facts)),
        ]
        var lines = ["## First deploy", ""]
        for (number, step) in steps.compactMap({ $0 }).enumerated() {
            lines += ["### \(number + 1). \(step.title)", ""] + step.body
        }
        return lines
    }

    // MARK: Nodes

    static func nodeLines(_ facts: RunbookFacts) -> [String] {
        var lines: [String] = []
        guard let nodes = facts.plan.nodes else {
            lines += [
                "On the first manager, then on each other node with the token the first prints (a manager's for a "
                    + "manager):",
                "",
            ]
            lines += Markdown.shell([
                "ADDRESS='' # fill in: this manager's address on the nodes' network",
                "docker swarm init --advertise-addr \"${ADDRESS:?fill in ADDRESS above}\"",
                "docker swarm join-token worker",
                "docker swarm join-token manager",
            ])
            lines.append("")
            return lines
        }
        switch nodes.cluster.provision {
        case .vagrant:
            lines += [
                "Vagrant brings the machines up one after the other, managers first; each runs "
                    + "`nodes/setup-node.sh all <node>`, which forms the swarm. The join tokens pass through "
                    + "`nodes/.swarm/` (never committed)"
                    + (nodes.cluster.sharedStorage == .cephfs
                        ? "; put the CephFS key there first, as `ceph.secret`." : "."),
                "",
            ]
            lines += Markdown.shell([
                "(cd nodes && vagrant up)",
                "(cd nodes && vagrant ssh \(nodes.firstManager.name) -c 'sudo docker node ls')",
            ])
        case .ignition:
            lines += ["Boot each node with its Ignition config:", ""]
            lines += Markdown.table(
                ["node", "address", "config"],
                nodes.nodes.map {
                    [Markdown.code($0.name), Markdown.code($0.address), Markdown.code("nodes/ignition/\($0.name).ign")]
                })
            lines += [
                "",
                "Once they are up, bring them the join tokens"
                    + (nodes.cluster.vip != nil ? ", the VRRP password" : "")
                    + (nodes.cluster.sharedStorage == .cephfs ? " and the CephFS key" : "")
                    + " over SSH, from your machine (it waits until `\(nodes.firstManager.name)` runs the swarm; run "
                    + "it again for a node it could not reach):",
                "",
            ]
            var block = [facts.credentialsDirectoryLine]
            if nodes.cluster.sharedStorage == .cephfs {
                block += [
                    "CEPH_KEY_FILE='' # fill in: the key of the Ceph client client.\(facts.stack)",
                    "install -d -m 700 \"$CREDENTIALS_DIR\"",
                    "install -m 600 \"${CEPH_KEY_FILE:?fill in CEPH_KEY_FILE above}\" \"$CREDENTIALS_DIR/ceph.secret\"",
                ]
            } else {
                block += ["echo \"the VRRP password, if any, is kept in $CREDENTIALS_DIR\""]
            }
            block += [
                "STACKC_CREDENTIALS_DIR=\"$CREDENTIALS_DIR\" nodes/join-nodes.sh",
                "ssh core@\(nodes.firstManager.address) sudo docker node ls",
            ]
            lines += Markdown.shell(block)
        case .none:
            lines += [
                "On each node, as root, `\(nodes.firstManager.name)` first, in a copy of this folder: "
                    + "`setup-node.sh all NODE` installs Docker with the node's settings and forms the swarm. "
                    + "`\(nodes.firstManager.name)` writes the join tokens"
                    + (nodes.cluster.vip != nil ? " and the VRRP password" : "")
                    + " into `\(NodeChannel.path)`; copy them into the same folder on each other node (mode 700, "
                    + "files 600), where its `nodes/setup-node.sh` waits for them.",
                "",
            ]
            for node in nodes.nodes {
                var block = [
                    "files=$(mktemp -d)",
                    "cp \(NodeFilesRenderer.daemonPath(nodes, node)) \"$files/daemon.json\"",
                    "cp nodes/form-swarm.sh nodes/setup-node.sh \"$files/\"",
                ]
                if nodes.cluster.vip != nil && node.role == .manager {
                    block.append("cp nodes/keepalived/\(node.name).conf \"$files/keepalived.conf\"")
                }
                block.append("STACKC_NODE_FILES=\"$files\" bash nodes/setup-node.sh all \(node.name)")
                lines += ["On \(Markdown.code(node.name)) (\(Markdown.code(node.address))):", ""]
                lines += Markdown.shell(block) + [""]
            }
            lines.removeLast()
        }
        lines += [
            "",
            "`nodes/form-swarm.sh label`, on the managers every minute, labels the nodes: each its "
                + "`\(PlatformNames.nodeNameLabel)` name and the pins of node-local state "
                + "(see [Where things live](#where-things-live)).",
            "",
        ]
        return lines
    }

    // MARK: The folder

    static func folderLines(_ facts: RunbookFacts) -> [String] {
        var lines: [String] = []
        let source = facts.plan.context.sourcePath
        var buildContexts: [String] = []
        for case .buildAndPush(_, _, let context) in facts.plan.deploySteps { buildContexts.append(context) }
        if buildContexts.isEmpty {
            lines += [
                "`deploy.sh` runs on a manager, from this folder: copy it there (or check out the repository "
                    + "there), whole, and run every command below in it unless a step says otherwise.",
                "",
            ]
        } else {
            lines += [
                "`deploy.sh` runs on a manager, from this folder, in a checkout of the repository: it builds "
                    + "\(Markdown.codes(buildContexts)) (relative to this folder, beside \(Markdown.code(source))). "
                    + "Run every command below in this folder unless a step says otherwise.",
                "",
            ]
        }
        return lines
    }

    // MARK: Secrets

    static func secretLines(_ facts: RunbookFacts) -> [String] {
        var lines: [String] = []
        let generated = facts.secrets.filter { if case .provided? = $0.recipe { false } else { $0.recipe != nil } }
        let provided = facts.secrets.filter { if case .provided? = $0.recipe { true } else { $0.recipe == nil } }
        if generated.isEmpty {
            lines += ["`deploy.sh` makes no secret for this stack.", ""]
        } else {
            lines += [
                "`deploy.sh` makes each of these when it is missing, and never prints one; Swarm keeps them "
                    + "encrypted in its Raft log, and a service sees only those it mounts (`/run/secrets/`):",
                "",
            ]
            lines += Markdown.table(
                ["secret in the swarm", "what it is", "mounted by"],
                generated.map { secret in
                    [
                        Markdown.code(secret.name), RunbookSecrets.what(secret, facts),
                        Markdown.codes(facts.services(mountingSecret: secret.key)),
                    ]
                })
            lines.append("")
        }
        guard !provided.isEmpty else { return lines }
        lines += [
            "You create these before the first deploy (`deploy.sh` stops and names the missing one). Each command "
                + "reads the value without echoing it, or from a file:",
            "",
        ]
        for secret in provided {
            lines += ["\(Markdown.code(secret.name)): \(RunbookSecrets.what(secret, facts))", ""]
            lines += Markdown.shell(RunbookSecrets.createProvided(secret, facts)) + [""]
        }
        return lines
    }

    // MARK: Certificate

    static func certificateLines(_ facts: RunbookFacts) -> [String]? {
        guard !facts.hosts.isEmpty, let edge = facts.plan.edge else { return nil }
        var lines: [String] = []
        let certificate = facts.secret(PlatformNames.tlsCertificateSecret)
        switch edge.tls.mode {
        case .selfsigned:
            var names = ["*.\(edge.domain)", edge.domain]
            if case .selfSignedCertificate(_, let extra, _)? = certificate?.recipe { names += extra }
            lines += [
                "`deploy.sh` makes one self-signed certificate, valid for 825 days, for \(Markdown.codes(names)) "
                    + "(\(Markdown.code(certificate?.name ?? PlatformNames.tlsCertificateSecret)) and its key). "
                    + "Browsers and other clients warn until they trust it; once the stack runs, this saves it for "
                    + "them:",
                "",
            ]
            let host = facts.hosts[0]
            lines += Markdown.shell([
                "openssl s_client -connect \(host):443 -servername \(host) </dev/null 2>/dev/null "
                    + "| openssl x509 -out edge-certificate.pem",
                "openssl x509 -in edge-certificate.pem -noout -subject -enddate",
            ])
            lines.append("")
        case .acme:
            lines += [
                "Traefik obtains a certificate for every host from Let's Encrypt (HTTP challenge on port 80)"
                    + (edge.tls.email.map { " as \(Markdown.code($0))" } ?? "")
                    + ", renews it itself, and keeps it in the volume "
                    + "\(Markdown.code(facts.swarmName(PlatformNames.acmeVolume))). With ACME it runs as one task.",
                "",
            ]
        case .provided:
            lines += [
                "You provide the certificate and its key (with the secrets above): "
                    + Markdown.codes(
                        facts.secrets.filter {
                            [PlatformNames.tlsCertificateSecret, PlatformNames.tlsKeySecret].contains($0.key)
                        }.map(\.name)) + ".",
                "",
            ]
        }
        return lines
    }

    // MARK: Registry

    static func registryLines(_ facts: RunbookFacts) -> [String]? {
        guard let registry = facts.overview.registry, facts.plan.hasService(PlatformService.registry.name) else {
            return nil
        }
        var lines: [String] = []
        let secret = facts.secret(PlatformNames.registryPasswordSecret)
        let kept = secret.map { "\($0.keptPasswords(stack: facts.stack)).\(registry.deployUser)" } ?? ""
        if facts.plan.buildsImages {
            lines += [
                "`deploy.sh` deploys `stack.platform.yml` first "
                    + "(\(Markdown.codes(facts.plan.deployedFirst(edge: facts.edge?.plan)))), logs in to "
                    + "\(Markdown.code(registry.host)) as \(Markdown.code(registry.deployUser)) with the "
                    + "password it keeps in `$CREDENTIALS_DIR/\(kept)`, builds each image, tags it with a hash of its "
                    + "build context, pushes it, and deploys `stack.yml` with those tags.",
                "",
            ]
        } else {
            lines += [
                "The registry \(Markdown.code(registry.host)) runs with the stack; push to it as one of "
                    + "\(Markdown.codes(registry.users)), whose passwords `deploy.sh` keeps in the credentials folder.",
                "",
            ]
        }
        var block = [
            facts.credentialsDirectoryLine,
            "docker login --username \(ShellQuoting.quote(registry.deployUser)) --password-stdin \(registry.host) "
                + "<\"$CREDENTIALS_DIR/\(kept)\"",
        ]
        if facts.overview.tls.mode == .selfsigned {
            lines += [
                "To push from another machine (a CI runner), make its engine trust the self-signed certificate for "
                    + "the registry's host, and log in there with the password `deploy.sh` kept:",
                "",
            ]
            block =
                [
                    "sudo mkdir -p /etc/docker/certs.d/\(registry.host)",
                    "openssl s_client -connect \(registry.host):443 -servername \(registry.host) </dev/null "
                        + "2>/dev/null | openssl x509 | sudo tee /etc/docker/certs.d/\(registry.host)/ca.crt "
                        + ">/dev/null",
                ] + block
        } else {
            lines += [
                "To push from another machine (a CI runner), log in there with the password `deploy.sh` kept:", "",
            ]
        }
        lines += Markdown.shell(block) + [""]
        if let mirror = registry.mirrorHost {
            lines += [
                "The mirror \(Markdown.code(mirror)) caches Docker Hub for the nodes"
                    + (facts.overview.cluster.dockerMirror ? " (`registry-mirrors` in their Docker settings)" : "")
                    + "; only requests from the cluster's networks pass.",
                "",
            ]
        }
        return lines
    }

    // MARK: Deploy

    static func deployLines(_ facts: RunbookFacts) -> [String] {
        var lines: [String] = []
        lines += [
            "`deploy.sh` checks what you provide before it changes anything, makes the missing secrets, "
                + "labels a node for each pin, deploys, and waits until every service has its tasks "
                + "(`STACKC_DEPLOY_TIMEOUT`, default 600 s), naming those that do not. Run it again at any time: it "
                + "changes only what is missing or different.",
            "",
        ]
        lines += Markdown.shell(["./deploy.sh"]) + [""]
        return lines
    }

    // MARK: Watch

    static func watchLines(_ facts: RunbookFacts) -> [String] {
        var lines: [String] = []
        let example =
            facts.overview.apps.first { facts.plan.hasService($0.name) }?.name ?? facts.services.first?.name
        var block = [
            "docker stack services \(facts.stack)",
            "docker stack ps --no-trunc --filter desired-state=running \(facts.stack)",
        ]
        if let example {
            block += [
                "docker service ps --no-trunc \(facts.swarmName(example))",
                "docker service logs --since 10m \(facts.swarmName(example))",
            ]
        }
        lines += [
            "Every service shows its replicas as `n/n` (a job: `0/1 (1/1 completed)`); a task that fails says why "
                + "in `docker service ps --no-trunc`.",
            "",
        ]
        lines += Markdown.shell(block) + [""]
        if !facts.hosts.isEmpty {
            let insecure = facts.overview.tls.mode == .selfsigned ? "--insecure " : ""
            // One URL per host: HTTPS when any route there is.
            let urls = facts.hosts.map { host in
                let https =
                    host == facts.plan.edge?.dashboardHost
                    || facts.routes(on: host).contains { $0.https }
                return "\(https ? "https" : "http")://\(host)/"
            }
            lines += ["Then every host answers through the proxy (a login answers 401 or redirects):", ""]
            let curl =
                "curl \(insecure)--silent --show-error --output /dev/null --write-out \"%{http_code} $url\\n\" \"$url\""
            // A loop over one word is a mistake to shellcheck (SC2043).
            lines += Markdown.shell(
                urls.count == 1
                    ? ["url=\(urls[0])", curl] : ["for url in \(urls.joined(separator: " ")); do", "  " + curl, "done"])
            lines.append("")
        }
        return lines
    }
}
