import StackDiagnostics

/// Reads the keys that ask for artifact families later work adds (a Redis server's backup);
/// contributes one warning per asking key, at that key, so nobody mistakes the output for
/// complete. The front end already checks these sections fully.
struct PendingFamiliesPass: BuildPass {
    /// One key that asks for something not generated yet.
    struct Pending {
        var span: SourceSpan?
        var what: String
        /// The help: what the output does meanwhile, if anything, and where to read more.
        var help: String

        init(span: SourceSpan?, what: String, meanwhile: Help = .statusTable) {
            self.span = span
            self.what = what
            self.help = meanwhile.rawValue
        }
    }

    /// What the output does meanwhile: the help of the warning (one text per kind, made once).
    enum Help: String {
        case statusTable = "see the README's status table for what is generated"
    }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        for pending in Self.pending(stack) {
            plan.warn(
                Codes.notGeneratedYet, pending.what + ": checked, but not generated yet by this stackc",
                at: pending.span ?? stack.sectionSpans.manifest, help: pending.help)
        }
    }

    static func pending(_ stack: ResolvedStack) -> [Pending] {
        var pending: [Pending] = []
        for database in stack.databases {
            if database.engine == .redis, database.backup != nil {
                pending.append(
                    Pending(span: database.backupSpan ?? database.span, what: "the backup job of '\(database.name)'"))
            }
        }
        return pending
    }
}
