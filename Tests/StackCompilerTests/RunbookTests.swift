import Foundation
import Testing

@testable import StackCompiler

/// `RUNBOOK.md` of every committed manifest, every synthetic one and two of its own says only
/// what the output holds: every shell block passes shellcheck; every file it names is in the
/// output folder; every host it names is one the proxy serves, and it names each of them;
/// every secret it names is one of `stack.yml`, every secret the operator provides has its
/// `docker secret create` command; the credentials folder is the one `deploy.sh` uses; the
/// Mermaid diagram is the stack's graph (`stackc graph`), follows `MermaidFlowchart`'s strict
/// grammar, declares every node an edge uses and shows every service of `stack.yml`.
/// Each check is also run on a runbook with a mistake planted, which it must find.
@Suite struct RunbookTests {
    /// The manifests, by name: the repository's, the shared synthetic ones, then this suite's.
    static let manifests: [String] =
        BuildSupport.repoManifestPaths() + SyntheticManifests.all.map(\.name) + own.map(\.name)

    /// Stacks that reach what the others do not: a cluster provisioned by hand with a virtual IP,
    /// a provided certificate, a registry with two users, a mail relay's password, node labels,
    /// a named node, published ports, the manifest's own secrets, a route below `/`, backups of
    /// every kind of source to S3, Redis users; and a stack that routes nothing.
    static let own: [(name: String, text: String)] = [
        (
            "runbook-ops.yml",
            """
            stackc: 1
            name: ops
            domain: ops.example.com
            tls: {mode: provided}
            cluster:
              managers: 3
              workers: 2
              address: 10.20.30.11
              vip: 10.20.30.10
              shared_storage: glusterfs
            registry:
              users: [ci, deploy]
            monitoring:
              metrics: true
              alerts:
                email: oncall@ops.example.com
                smtp: relay.example.net:2525
                user: alerts@ops.example.com
            backup: {target: "s3://ops-backups/swarm", keep: 5}
            databases:
              pg: {backup: daily}
              maria: {engine: mariadb, backup: "30 1 * * *"}
              cache: {engine: redis, backup: hourly}
            apps:
              front:
                image: nginx:1.27-alpine
                replicas: 4
                port: 80
                host: www
                auth: basic
                placement:
                  labels: {zone: eu-1}
                  max_per_node: 2
              api:
                image: ghcr.io/example/api:2
                port: 9000
                host: www
                path: /v1
                database: maria
                secrets: [api-token]
                volumes:
                  cache: /var/cache/api
                ports: ["5353:53/udp"]
                placement: {node: worker-2}
                backup: weekly
              report:
                image: alpine:3.20
                command: [sleep, infinity]
                database: pg
              worker:
                image: alpine:3.20
                command: [sleep, infinity]
                database: cache
            """
        ),
        (
            "runbook-bare.yml",
            """
            stackc: 1
            name: bare
            apps:
              job:
                image: alpine:3.20
                command: [sleep, infinity]
                volumes:
                  state: /var/lib/job
            """
        ),
    ]

    /// A built stack: its finished plan, its files, and its runbook.
    struct Built {
        var plan: FinishedPlan
        var tree: OutputTree
        var runbook: String
        /// `stack.yml` as PyYAML reads it.
        var stackFile: PyYAMLValue
    }

    static func build(_ name: String) throws -> Built? {
        let text: String
        if let synthetic = (SyntheticManifests.all + own).first(where: { $0.name == name }) {
            text = synthetic.text
        } else {
            text = try String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(name), encoding: .utf8)
        }
        return try build(path: name, text: text)
    }

    static func build(path: String, text: String, passes: [any BuildPass] = BuildPipeline.passes) throws -> Built? {
        guard let stack = BuildSupport.build(path: path, text: text)?.stack else { return nil }
        let plan = BuildPipeline.contribute(stack, sourceDirectory: ".", files: FilesRead(), passes: passes)
        let tree = SwarmBackend.render(plan).tree
        let runbook = try #require(tree.file("RUNBOOK.md")?.contents, "\(path): no RUNBOOK.md")
        let stackText = try #require(tree.file("stack.yml")?.contents)
        let stackFile = try #require(try PyYAMLValue.read(stackText))
        return Built(plan: plan, tree: tree, runbook: runbook, stackFile: stackFile)
    }

    // MARK: The tests

    @Test(arguments: manifests)
    func everyShellBlockPassesShellcheck(name: String) throws {
        let built = try #require(try Self.build(name))
        let blocks = RunbookText.blocks(built.runbook, language: "sh")
        #expect(!blocks.isEmpty, "\(name): the runbook has no shell block")
        for problem in try Self.shellcheck(blocks) {
            Issue.record("\(name): \(problem)")
        }
    }

    @Test(arguments: manifests)
    func everyFileItNamesIsInTheOutput(name: String) throws {
        let built = try #require(try Self.build(name))
        for problem in try Self.missingFiles(built) {
            Issue.record("\(name): \(problem)")
        }
    }

    @Test(arguments: manifests)
    func itNamesExactlyTheHostsTheProxyServes(name: String) throws {
        let built = try #require(try Self.build(name))
        for problem in try Self.hostProblems(built) {
            Issue.record("\(name): \(problem)")
        }
    }

    @Test(arguments: manifests)
    func everySecretItNamesIsOneOfTheStack(name: String) throws {
        let built = try #require(try Self.build(name))
        for problem in try Self.secretProblems(built) {
            Issue.record("\(name): \(problem)")
        }
    }

    @Test(arguments: manifests)
    func theDiagramIsSaneAndShowsEveryService(name: String) throws {
        let built = try #require(try Self.build(name))
        for problem in try Self.diagramProblems(built) {
            Issue.record("\(name): \(problem)")
        }
    }

    /// The diagram is the stack's graph as `stackc graph` prints it: one renderer, not two.
    @Test(arguments: manifests)
    func theDiagramIsTheGraphOfStackcGraph(name: String) throws {
        let built = try #require(try Self.build(name))
        let graph = StackGraph(plan: built.plan, edge: RenderedEdge.render(built.plan))
        #expect(RunbookText.blocks(built.runbook, language: "mermaid") == [graph.mermaid], "\(name)")
    }

    @Test(arguments: own.map(\.name))
    func buildingTwiceGivesTheSameRunbook(name: String) throws {
        let first = try #require(try Self.build(name))
        let second = try #require(try Self.build(name))
        #expect(Array(first.runbook.utf8) == Array(second.runbook.utf8))
    }

    /// Every check finds the mistake planted in a runbook that passes it.
    @Test func everyCheckFindsAPlantedMistake() throws {
        let built = try #require(try Self.build("manifests/coreos-lab.yml"))
        func planted(_ text: String) -> Built {
            var copy = built
            copy.runbook += "\n" + text + "\n"
            return copy
        }
        let unquoted = RunbookText.blocks(planted("```sh\nrm -rf $folder/*\n```").runbook, language: "sh")
        #expect(try !Self.shellcheck(unquoted).isEmpty, "shellcheck passed an unquoted variable")
        #expect(try !Self.missingFiles(planted("See `nodes/ignition/worker-9.ign`.")).isEmpty)
        #expect(try !Self.missingFiles(planted("```sh\nbash nodes/missing.sh\n```")).isEmpty)
        #expect(try !Self.hostProblems(planted("Open https://ghost.b3.swarm/.")).isEmpty)
        #expect(try !Self.secretProblems(planted("The secret `lab_db-ghost-password`.")).isEmpty)
        #expect(try !Self.secretProblems(planted("```sh\ndocker secret rm api-key\n```")).isEmpty)
        var renamed = built
        renamed.runbook = renamed.runbook.replacingOccurrences(
            of: "$HOME/.config/stackc/lab", with: "$HOME/.stackc/lab")
        #expect(try !Self.secretProblems(renamed).isEmpty, "a credentials folder deploy.sh does not use passed")
        #expect(try !Self.diagramProblems(planted("```mermaid\nflowchart LR\n  s1 --> s99\n```")).isEmpty)
        var withoutService = built
        withoutService.runbook = withoutService.runbook.replacingOccurrences(of: "\"grafana<br/>", with: "\"g<br/>")
        #expect(try !Self.diagramProblems(withoutService).isEmpty, "a diagram without grafana passed")
    }

    /// A provided secret gets its exact `docker secret create` command, and the versioned and
    /// kept names are those `deploy.sh` uses (read from the runbook itself, so a renamed secret
    /// or a changed default shows).
    @Test func providedSecretsHaveTheirCommands() throws {
        let built = try #require(try Self.build("runbook-ops.yml"))
        for name in ["ops_tls-certificate", "ops_tls-key", "ops_alertmanager-smtp-password", "api-token"] {
            #expect(built.runbook.contains("docker secret create \(name) -"), "no command creates \(name)")
        }
        // Two users: the rotation asks which, instead of picking one.
        #expect(built.runbook.contains("USER_NAME='' # fill in: one of ci, deploy"))
    }

    /// Every backup job is in the runbook with its schedule and its repository as named on its
    /// node, and its restore block is the one `BackupRestoreSteps` writes for it (which the
    /// backup tests run), naming that same repository.
    @Test(arguments: manifests)
    func everyBackupJobHasItsRepositoryAndRestoreSteps(name: String) throws {
        let built = try #require(try Self.build(name))
        let section = try #require(RunbookText.section(built.runbook, heading: "### Restore a backup"))
        guard let backups = built.plan.backups else {
            #expect(section.contains("nothing of this stack is backed up"), "\(name): \(section)")
            return
        }
        let blocks = RunbookText.blocks(section, language: "sh")
        for job in backups.jobs {
            let repository = backups.repositoryOnNode(of: job.name)
            #expect(section.contains("`\(repository)`"), "\(name): no repository \(repository) for \(job.name)")
            #expect(section.contains("`\(job.schedule.cron)`"), "\(name): no schedule for \(job.name)")
            let steps = BackupRestoreSteps.steps(job, backups, built.plan)
            let block = steps.commands.joined(separator: "\n") + "\n"
            #expect(blocks.contains(block), "\(name): the restore block of \(job.name) is not in the runbook")
            #expect(block.contains("RESTIC_REPOSITORY:-\(repository)}"), "\(name): \(job.name) restores elsewhere")
            let restore = try #require(
                RunbookText.section(section, heading: "#### Restore `\(job.name)`"), "\(name): \(job.name)")
            #expect(restore.contains(steps.place), "\(name): \(job.name) does not say where to run")
        }
    }

    // MARK: Shell blocks

    /// Each block through `shellcheck -s bash` (every severity) and `bash -n`, as a file of its
    /// own; a problem names the block by its number and first line.
    static func shellcheck(_ blocks: [String]) throws -> [String] {
        let folder = try BuildSupport.makeTemporaryFolder("runbook-sh")
        defer { try? FileManager.default.removeItem(at: folder) }
        var problems: [String] = []
        for (index, block) in blocks.enumerated() {
            let file = folder.appendingPathComponent("block-\(index + 1).sh")
            try Data(block.utf8).write(to: file)
            let name = "shell block \(index + 1) (\(block.split(separator: "\n").first ?? ""))"
            let lint = try #require(try Tools.run("shellcheck", ["--shell=bash", "--severity=style", file.path]))
            if lint.status != 0 { problems.append("\(name) fails shellcheck:\n\(block)\n\(lint.stdout)") }
            let syntax = try #require(try Tools.run("bash", ["-n", file.path]))
            if syntax.status != 0 { problems.append("\(name) is not bash:\n\(syntax.stderr)") }
        }
        return problems
    }

    // MARK: Files

    /// Paths the runbook names (in code spans and shell words) that no file of the output has.
    /// Paths outside the folder are left out: absolute ones (on a node, in a container), those
    /// from `..`, and the repository's own (the manifest, the output folder); so are images.
    static func missingFiles(_ built: Built) throws -> [String] {
        let paths = Set(built.tree.files.map(\.path))
        let images = RunbookText.images(built.stackFile)
        // Made on the operator's machine, not by the build: Vagrant's channel.
        let madeLater: Set<String> = ["nodes/.swarm/"]
        let repository: Set<String> = [
            built.plan.context.sourcePath, "out/\(built.plan.context.stackName)",
        ]
        var problems: [String] = []
        for token in try RunbookText.pathCandidates(built.runbook) {
            let path = token.hasPrefix("./") ? String(token.dropFirst(2)) : token
            if madeLater.contains(path) || repository.contains(path) { continue }
            if images.contains(where: { $0.hasPrefix(path) }) { continue }
            let exists = path.hasSuffix("/") ? paths.contains { $0.hasPrefix(path) } : paths.contains(path)
            if !exists { problems.append("the runbook names '\(token)', which the output does not have") }
        }
        return problems
    }

    // MARK: Hosts

    /// Hosts under the domain the runbook names that the proxy does not serve, and hosts the
    /// proxy serves that the runbook does not name.
    static func hostProblems(_ built: Built) throws -> [String] {
        let served = Set(built.plan.routes.map(\.host) + [built.plan.edge?.dashboardHost].compactMap { $0 })
        var text = built.runbook
        for image in RunbookText.images(built.stackFile) { text = text.replacingOccurrences(of: image, with: "") }
        var problems: [String] = []
        if let domain = built.plan.overview?.domain {
            let pattern =
                "(?<![A-Za-z0-9.-])(?:[a-z0-9-]+\\.)+" + NSRegularExpression.escapedPattern(for: domain)
                + "(?![A-Za-z0-9-])"
            for host in try RunbookText.matches(pattern, in: text) where !served.contains(host) {
                problems.append("the runbook names the host '\(host)', which the proxy does not serve")
            }
        }
        for host in served.sorted() where !built.runbook.contains("`\(host)`") {
            problems.append("the proxy serves '\(host)', which the runbook does not name")
        }
        return problems
    }

    // MARK: Secrets

    /// Names `<stack>_…` that are no secret, service, volume or kept password of the stack;
    /// names `docker secret create` or `rm` is given that are no secret of `stack.yml`; secrets
    /// of `stack.yml` the runbook does not name; a secret the operator provides without its
    /// command; a credentials folder other than `deploy.sh`'s.
    static func secretProblems(_ built: Built) throws -> [String] {
        let stack = built.plan.context.stackName
        let secrets = Set((built.stackFile["secrets"]?.pairs ?? [:]).values.compactMap { $0["name"]?.string })
        let services = Set((built.stackFile["services"]?.pairs ?? [:]).keys)
        let volumes = Set((built.stackFile["volumes"]?.pairs ?? [:]).keys)
        let deploy = built.tree.file("deploy.sh")?.contents ?? ""
        // What deploy.sh keeps: `<secret>.<user>` of logins, `<kept>.<user>` of htpasswd users.
        var kept = Set<String>()
        var generated = Set<String>()
        for line in deploy.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let command = words.first, words.count > 1 else { continue }
            switch command {
            case "ensure_login_secret" where words.count == 3:
                kept.insert("\(words[1]).\(words[2])")
                generated.insert(words[1])
            case "ensure_htpasswd_secret" where words.count > 3:
                kept.insert(words[2])
                for user in words[3...] { kept.insert("\(words[2]).\(user)") }
                generated.insert(words[1])
            case "ensure_random_secret", "ensure_cookie_key_secret":
                generated.insert(words[1])
            case "ensure_certificate" where words.count > 2:
                generated.formUnion(words[1...2])
            default:
                break
            }
        }
        let known =
            secrets.union(services.map { "\(stack)_\($0)" }).union(volumes.map { "\(stack)_\($0)" }).union(kept)
        var problems: [String] = []
        let pattern =
            "(?<![A-Za-z0-9_.-])" + NSRegularExpression.escapedPattern(for: stack) + "_[A-Za-z0-9._-]*[A-Za-z0-9]"
        for name in Set(try RunbookText.matches(pattern, in: built.runbook)).sorted() where !known.contains(name) {
            problems.append("the runbook names '\(name)', which is no secret, service, volume or kept password")
        }
        for block in RunbookText.blocks(built.runbook, language: "sh") {
            for line in block.split(separator: "\n") {
                for name in RunbookText.secretArguments(String(line)) where !secrets.contains(name) {
                    problems.append("'\(line)' names the secret '\(name)', which stack.yml does not have")
                }
            }
        }
        for name in secrets.sorted() {
            if !built.runbook.contains("`\(name)`") {
                problems.append("the secret '\(name)' of stack.yml is not in the runbook")
            }
            if !generated.contains(name) && !built.runbook.contains("docker secret create \(name) -") {
                problems.append("the operator provides '\(name)', but the runbook has no command that creates it")
            }
        }
        let folder =
            try RunbookText.matches("(?m)^CREDENTIALS_DIR=.*$", in: deploy).first?
            .replacingOccurrences(of: "$STACK", with: stack) ?? "(none in deploy.sh)"
        for line in Set(try RunbookText.matches("(?m)^CREDENTIALS_DIR=.*$", in: built.runbook)) where line != folder {
            problems.append("the runbook sets '\(line)', deploy.sh '\(folder)'")
        }
        return problems
    }

    // MARK: The diagram

    /// One Mermaid flowchart: every line a node declaration or an edge, ids declared once, every
    /// edge between declared nodes, every service of `stack.yml` and every host a node.
    static func diagramProblems(_ built: Built) throws -> [String] {
        let diagrams = RunbookText.blocks(built.runbook, language: "mermaid")
        guard diagrams.count == 1, let diagram = diagrams.first else {
            return ["the runbook has \(diagrams.count) Mermaid blocks, not one"]
        }
        let chart = MermaidFlowchart(diagram)
        var problems = chart.problems
        let shown = Set(chart.nodes.values.compactMap { $0.lines.first?.split(separator: " ").first.map(String.init) })
        for service in (built.stackFile["services"]?.pairs ?? [:]).keys.sorted() where !shown.contains(service) {
            problems.append("the diagram does not show the service '\(service)'")
        }
        let labels = Set(chart.nodes.values.map { $0.lines.joined(separator: "\n") })
        let hosts = built.plan.routes.map(\.host) + [built.plan.edge?.dashboardHost].compactMap { $0 }
        for host in Set(hosts).sorted() where !labels.contains(host) {
            problems.append("the diagram does not show the host '\(host)'")
        }
        return problems
    }
}

/// Reading a runbook's Markdown: its fenced blocks, code spans and sections.
enum RunbookText {
    /// The text of every fenced block in `language` (without the fences).
    static func blocks(_ text: String, language: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```\(language)" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The text outside fenced blocks.
    static func prose(_ text: String) -> String {
        var inBlock = false
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inBlock.toggle()
            } else if !inBlock {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The section that starts at the line `heading`, up to the next heading of its level or
    /// above.
    static func section(_ text: String, heading: String) -> String? {
        let level = heading.prefix { $0 == "#" }.count
        var lines: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == heading {
                inside = true
            } else if inside, line.hasPrefix("#"), line.prefix(while: { $0 == "#" }).count <= level {
                break
            }
            if inside { lines.append(line) }
        }
        return inside ? lines.joined(separator: "\n") : nil
    }

    /// Every match of `pattern` in `text`.
    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    /// Code spans of the prose and words of the shell blocks that look like relative paths of the
    /// output: a file name with an extension of the output's files (or `Vagrantfile`), or a
    /// folder (ending in `/`), in any folder.
    static func pathCandidates(_ text: String) throws -> [String] {
        let spans = try matches("`[^`\n]+`", in: prose(text)).map { String($0.dropFirst().dropLast()) }
        let words = blocks(text, language: "sh").flatMap {
            $0.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" })
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"';")) }
        }
        let path = try NSRegularExpression(
            pattern: #"^(\./)?([A-Za-z0-9_.-]+/)*"#
                + #"([A-Za-z0-9_.-]+\.(sh|yml|yaml|json|ign|conf|cfg|md)|Vagrantfile|[A-Za-z0-9_.-]+/)$"#
        )
        return (spans + words).filter { token in
            guard !token.hasPrefix("/"), !token.hasPrefix(".."), !token.contains("$"), !token.contains("://"),
                !token.contains("@")
            else { return false }
            return path.firstMatch(in: token, range: NSRange(token.startIndex..., in: token)) != nil
        }
    }

    /// The images of `stack.yml`'s services.
    static func images(_ stackFile: PyYAMLValue) -> [String] {
        (stackFile["services"]?.pairs ?? [:]).values.compactMap { $0["image"]?.string }
    }

    /// The secret names a `docker secret create` (the one before `-`) or `docker secret rm` (all)
    /// line is given.
    static func secretArguments(_ line: String) -> [String] {
        let words = line.split(separator: " ").map(String.init)
        guard let docker = words.firstIndex(of: "docker"), words.count > docker + 2, words[docker + 1] == "secret"
        else { return [] }
        let rest = Array(words[(docker + 3)...])
        switch words[docker + 2] {
        case "rm":
            return rest.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
        case "create":
            guard let dash = rest.firstIndex(of: "-"), dash > 0 else { return [] }
            return [rest[dash - 1].trimmingCharacters(in: CharacterSet(charactersIn: "'"))]
        default:
            return []
        }
    }
}
