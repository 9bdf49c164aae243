import StackDiagnostics

/// Codes for problems in the YAML layer, below the manifest's own rules.
public enum YAMLDiagnostics {
    /// The text is not well-formed YAML.
    public static let syntax = DiagnosticCode("Y001", "yaml-syntax")
    /// More than one document in the file.
    public static let multipleDocuments = DiagnosticCode("Y002", "multiple-documents")
    /// The same key twice in one mapping.
    public static let duplicateKey = DiagnosticCode("Y003", "duplicate-key")
    /// A tag outside the YAML core schema.
    public static let unsupportedTag = DiagnosticCode("Y004", "unsupported-tag")
    /// Nesting, alias expansion or size beyond what a manifest can need.
    public static let limit = DiagnosticCode("Y005", "yaml-limit")
    /// An alias to an anchor that was never defined.
    public static let unknownAnchor = DiagnosticCode("Y006", "unknown-anchor")
    /// A mapping key that is not a scalar, or a bad merge key.
    public static let badKey = DiagnosticCode("Y007", "bad-key")
    /// An empty file, or a file that is not text.
    public static let empty = DiagnosticCode("Y008", "empty-document")
}
