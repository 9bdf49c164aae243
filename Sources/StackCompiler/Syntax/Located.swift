import StackDiagnostics

/// A value from the manifest together with where it was written.
struct Located<Value> {
    /// The decoded value.
    var value: Value
    /// Where it was written.
    var span: SourceSpan
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}
