/// Renders `RUNBOOK.md`: how an operator deploys and runs this stack, written from the same
/// finished plan as the other files (services, routes, networks, volumes, secrets and their
/// recipes, nodes, deploy steps, backups) and the stack overview. Every command in it is for
/// this stack and is complete shell; nothing in it is a secret's value.
///
/// Sections, in order: what the stack is (with a Mermaid diagram), prerequisites, the first
/// deploy, where credentials are kept, changes (an app, a node, secrets, backups), and where
/// things live.
enum RunbookRenderer {
    /// The file's name in the output folder.
    static let path = "RUNBOOK.md"

    /// The runbook; nil when the plan has no overview (a build with passes of a test's own).
    /// `paths` are the other files of the output folder.
    static func render(
        _ plan: FinishedPlan, edge: RenderedEdge?, wrappers: [EntrypointWrapperRenderer.Wrapper], paths: [String]
    ) -> String? {
        guard let overview = plan.overview else { return nil }
        let facts = RunbookFacts(
            plan: plan, overview: overview, edge: edge, wrappers: wrappers, paths: (paths + [path]).sorted())
        var lines = header(facts)
        lines += RunbookStackSection.lines(facts)
        lines += RunbookPrerequisitesSection.lines(facts)
        lines += RunbookFirstDeploySection.lines(facts)
        lines += RunbookCredentialsSection.lines(facts)
        lines += RunbookChangesSection.lines(facts)
        lines += RunbookRotationSection.lines(facts)
        lines += RunbookBackupSection.lines(facts)
        lines += RunbookLayoutSection.lines(facts)
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    static func header(_ facts: RunbookFacts) -> [String] {
        let header = facts.plan.context.headerLines
        var lines = ["<!-- " + header.joined(separator: "\n     ") + " -->", ""]
        lines += ["# Runbook: the stack \(Markdown.code(facts.stack))", ""]
        let domain = facts.overview.domain.map { " under \(Markdown.code($0))" } ?? ""
        lines += [
            "How to deploy and run the Docker Swarm stack \(Markdown.code(facts.stack))\(domain), made from "
                + "\(Markdown.code(facts.plan.context.sourcePath)). Every command is written for this stack. Run "
                + "`./deploy.sh` and the `docker` commands on a manager of the swarm, in this folder, unless a step "
                + "says otherwise.",
            "",
            "- [What the stack is](#what-the-stack-is)",
            "- [Prerequisites](#prerequisites)",
            "- [First deploy](#first-deploy)",
            "- [Where credentials are kept](#where-credentials-are-kept)",
            "- [Changes](#changes): [add an app](#add-an-app), [add a node](#add-a-node), "
                + "[rotate secrets](#rotate-secrets), [restore a backup](#restore-a-backup)",
            "- [Where things live](#where-things-live)",
            "",
        ]
        return lines
    }
}
