/// Where a code is explained, for the output formats that link to it (SARIF's rules).
extension DiagnosticCode {
    /// The anchor of the `docs/diagnostics.md` section that explains the code, as GitHub makes
    /// it from the section's heading ("## Structure (E1xx)" is `structure-e1xx`); nil for a code
    /// of no documented family. The families are those the document lists first: `F0xx`,
    /// `Y0xx`, `E1xx` (with the Swift descriptions' `E11x` in a section of their own), `E2xx`,
    /// `W3xx` and `E9xx`. A test keeps this in step with the document's headings.
    public var documentationAnchor: String? {
        let digits = rawValue.dropFirst()
        guard digits.count == 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        switch (rawValue.first, digits.first) {
        case ("F", "0"): return "files"
        case ("Y", "0"): return "yaml"
        case ("E", "1"): return digits.hasPrefix("11") ? "swift-descriptions-e11x" : "structure-e1xx"
        case ("E", "2"): return "meaning-e2xx"
        case ("W", "3"): return "warnings-w3xx"
        case ("E", "9"): return "mistakes-in-stackc"
        default: return nil
        }
    }

    /// The short name in words, for a one-line description: `unknown-key` is "unknown key".
    public var summary: String {
        String(name.map { $0 == "-" ? " " : $0 })
    }
}
