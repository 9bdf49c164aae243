import StackDiagnostics
import YAML

extension CodeExplanation {
    /// The codes of files that cannot be read (`F0xx`) and of YAML that is not one plain document (`Y0xx`).
    static let files: [CodeExplanation] = [
        CodeExplanation(
            DiagnosticCode.unreadableFile,
            documentation: """
                the file named on the command line cannot be read (it does not exist, is a folder, or is not
                readable). Every command exits with 2; the message goes to standard error, and with `--format json`,
                `sarif` or `github` also into that output (no line or column).
                """,
            withoutExample:
                "it is about the file named on the command line, which stackc cannot read; no manifest text can show it"
        ),
        CodeExplanation(
            Codes.unreadableDeliveredFile,
            documentation: """
                reported by `stackc build` (and `lint`): a file an app delivers with `files` cannot be: it does not
                exist or cannot be read (relative to the manifest's folder), it is not UTF-8 text, or it is larger
                than the 500 KB a Swarm config holds. The error points at the file's name in the manifest; nothing is
                written.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    files:
                      /etc/nginx/conf.d/default.conf: nginx.conf
                """,
            fixed: ExampleInput(
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    files:
                      /etc/nginx/conf.d/default.conf: nginx.conf
                """,
                files: [
                    (
                        "nginx.conf",
                        """
                        server {
                            listen 80;
                            root /usr/share/nginx/html;
                        }
                        """
                    )
                ])),
        CodeExplanation(
            DiagnosticCode.staleOutput,
            documentation: """
                reported by `stackc check` in the tools' formats (`--format json`, `sarif`, `github`), one per file of
                `out/<stack>/` that is not what `stackc build` writes now, is missing, or is left from an earlier
                build that wrote it; at that file, without a line, with the exit status 1 of a stale check. In text,
                `check` lists the files on standard error instead. Run `stackc build` and commit the result.
                """,
            withoutExample:
                "it is about the files in the output folder, which differ from what the manifest builds, not about the manifest"
        ),
        CodeExplanation(
            YAMLDiagnostics.syntax,
            documentation: """
                the text is not well-formed YAML (an unclosed bracket or quote, a tab used for indentation, a `: `
                inside a plain value, an implicit key longer than 1024 characters, bytes that are not UTF-8, control
                characters). Fix the text at the position shown; quote values that contain `: ` or ` #`; indent with
                spaces.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    env:
                      GREETING: hello: world
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    env:
                      GREETING: "hello: world"
                """),
        CodeExplanation(
            YAMLDiagnostics.multipleDocuments,
            documentation: """
                a second document starts (`---` after content). A manifest is one document: remove the second one or
                move it to a file of its own. A single leading `---` is fine.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                ---
                name: other
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            YAMLDiagnostics.duplicateKey,
            documentation: """
                the same key twice in one mapping (for example two apps with the same name), the merge key `<<`
                included (merge several mappings with one list, `<<: [*a, *b]`). A note points at the first; keep one
                of them.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 2
                    replicas: 3
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 3
                """),
        CodeExplanation(
            YAMLDiagnostics.unsupportedTag,
            documentation: """
                a tag outside the YAML core schema (`!!binary`, `!!set`, `!custom`), or a core tag on a value it
                cannot have (`!!int two`). Remove the tag; only `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`,
                `!!map`, `!!seq` and `!` are read.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: !!int two
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 2
                """),
        CodeExplanation(
            YAMLDiagnostics.limit,
            documentation: """
                nesting deeper than 200 levels, aliases that would expand to more than a million nodes (an "alias
                bomb"), or a file over 64 MiB. No real manifest comes near these bounds; the input is generated or
                damaged.
                """,
            withoutExample:
                "the input it needs (nesting deeper than 200 levels, an alias bomb, 64 MiB) is too large to show here"),
        CodeExplanation(
            YAMLDiagnostics.unknownAnchor,
            documentation: """
                an alias `*name` with no `&name` defined before it. Define the anchor above the alias (anchors only
                reach forward), or fix its spelling.
                """,
            fails: """
                stackc: 1
                name: shop
                x-image: &image nginx:1.27
                apps:
                  web:
                    image: *imgae
                """,
            fixed: """
                stackc: 1
                name: shop
                x-image: &image nginx:1.27
                apps:
                  web:
                    image: *image
                """),
        CodeExplanation(
            YAMLDiagnostics.badKey,
            documentation: """
                a mapping key that is not a scalar (`[a, b]: 1`, `? {a: 1}`), or a merge key `<<` whose value is not a
                mapping or a list of mappings. Use plain string keys; write `<<: *anchor` where `&anchor` is on a
                mapping.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    env:
                      [A, B]: 1
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    env:
                      A: 1
                      B: 1
                """),
        CodeExplanation(
            YAMLDiagnostics.empty,
            documentation: """
                the file holds no document: it is empty or only comments. A manifest begins with `stackc: 1`, then
                `name: <stack>` and `apps:`.
                """,
            fails: """
                # the shop's stack, to be written
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                """),
    ]
}
