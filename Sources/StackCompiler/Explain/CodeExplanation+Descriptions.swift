import StackDiagnostics

extension CodeExplanation {
    /// The codes of a `stack.swift` that gives no manifest (`E11x`).
    static let descriptions: [CodeExplanation] = [
        CodeExplanation(
            Codes.descriptionDoesNotCompile,
            documentation: """
                `swiftc` rejected the description. Its own diagnostics come first, with the lines to fix; this one
                closes them with swiftc's exit status.
                """,
            fails: ExampleInput(
                """
                import StackDescription

                let stack = Stack("shop") {
                    Apps {
                        App("web", imgae: "nginx:1.27")
                    }
                }
                """, kind: .swift),
            fixed: ExampleInput(
                """
                import StackDescription

                let stack = Stack("shop") {
                    Apps {
                        App("web", image: "nginx:1.27")
                    }
                }
                """, kind: .swift)),
        CodeExplanation(
            Codes.descriptionFailed,
            documentation: """
                the description's program did not hand over a stack: it crashed (a Swift runtime error prints its
                message above, with its line for a `fatalError` or a `precondition` of your own), exited with a status
                other than 0, ran longer than `STACKC_DESCRIPTION_TIMEOUT` seconds (60 by default), or wrote what
                stackc cannot read (a `StackDescription` of another version). A runtime error raised by a line of the
                description is reported at that line.
                """,
            fails: ExampleInput(
                """
                import StackDescription

                let images = ["web": "nginx:1.27"]

                let stack = Stack("shop") {
                    Apps {
                        App("web", image: images["wbe"]!)
                    }
                }
                """, kind: .swift),
            fixed: ExampleInput(
                """
                import StackDescription

                let images = ["web": "nginx:1.27"]

                let stack = Stack("shop") {
                    Apps {
                        App("web", image: images["web"]!)
                    }
                }
                """, kind: .swift)),
        CodeExplanation(
            Codes.descriptionInvalid,
            documentation: """
                the program ran but its stack cannot be a manifest: it makes no `Stack`, makes two, gives a section
                (`Apps`, `Databases`, …) twice, or gives the same name twice in one place (two apps `web`, an `env`
                name twice). Shown at the call that repeats it.
                """,
            fails: ExampleInput(
                """
                import StackDescription

                let stack = Stack("shop") {
                    Apps {
                        App("web", image: "nginx:1.27")
                        App("web", image: "nginx:1.27")
                    }
                }
                """, kind: .swift),
            fixed: ExampleInput(
                """
                import StackDescription

                let stack = Stack("shop") {
                    Apps {
                        App("web", image: "nginx:1.27")
                    }
                }
                """, kind: .swift)),
    ]
}
