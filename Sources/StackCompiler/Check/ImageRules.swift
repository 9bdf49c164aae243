import StackDiagnostics

/// Images must be able to do what the manifest asks of them: a version that can roll out, and
/// a server the preset knows how to route to.
enum ImageRules: CheckRule {
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        for app in syntax.apps {
            guard let image = app.image else { continue }
            let reference = ImageReference(image.value)
            if app.preset?.value == .nextcloud, let tag = reference.tag,
                tag.split(separator: "-").contains("fpm")
            {
                let apache = tag.split(separator: "-").filter { $0 != "alpine" }.map { $0 == "fpm" ? "apache" : $0 }
                report.error(
                    Codes.presetImageMismatch,
                    "the image '\(image.value)' runs PHP-FPM (FastCGI on port 9000), but the nextcloud preset routes and checks HTTP on port 80",
                    at: image.span, expected: "an image that serves HTTP, such as nextcloud:30-apache",
                    help: "use the Apache variant: '\(reference.repository):\(apache.joined(separator: "-"))'")
            }
            if reference.digest == nil, reference.tag == nil || reference.tag == "latest" {
                report.warning(
                    Codes.unpinnedImage,
                    reference.tag == nil
                        ? "the image '\(image.value)' of app '\(app.name.value)' has no version tag, so a new version never rolls out"
                        : "the image '\(image.value)' of app '\(app.name.value)' is tagged 'latest', so a new version never rolls out",
                    at: image.span,
                    help:
                        "the stack file does not change when 'latest' moves, so 'docker stack deploy' updates nothing, and with --resolve-image never (STACKC_RESOLVE_IMAGE=never, or no registry at hand) each node keeps the image it has; pin a version tag, such as '\(reference.repository):1.2.3'"
                )
            }
        }
    }
}
