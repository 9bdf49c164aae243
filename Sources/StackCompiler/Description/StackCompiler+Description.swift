import StackDiagnostics

extension StackCompiler {
    /// `check` of the manifest a `stack.swift` described: the same checks as for YAML, with
    /// every diagnostic moved to the Swift call that wrote the place it is about.
    public static func check(_ description: SwiftDescription, files: ((ResolvedStack) -> FilesRead)?) -> CheckResult {
        located(withFiles(check(description.manifest, path: description.source.path), files: files), description)
    }

    /// `lint` of the manifest a `stack.swift` described, located in the Swift source.
    public static func lint(_ description: SwiftDescription, files: ((ResolvedStack) -> FilesRead)? = nil)
        -> CheckResult
    {
        located(lint(checked: check(description.manifest, path: description.source.path), files: files), description)
    }

    static func located(_ result: CheckResult, _ description: SwiftDescription) -> CheckResult {
        var result = result
        result.diagnostics = description.locations.remap(result.diagnostics)
        return result
    }
}
