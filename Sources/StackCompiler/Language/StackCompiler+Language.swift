/// The manifest language's reference and schema, rendered from `ManifestLanguage`.
extension StackCompiler {
    /// `docs/reference.md`: every section and key of the manifest, as Markdown.
    public static func languageReference() -> String { ReferenceRenderer.render() }

    /// The JSON Schema (draft 2020-12) of the manifest that `stackc schema` prints.
    public static func manifestSchema() -> String { ManifestSchemaRenderer.render() }
}
