import StackDiagnostics

/// One group of checks over the whole manifest, named for what it enforces.
protocol CheckRule {
    /// Reports every problem of this group into `report`; `syntax` gives locations, `stack` the
    /// resolved meaning.
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink)
}

/// The rule groups, in the order they run (the output is sorted by location anyway).
enum CheckRules {
    static var all: [any CheckRule.Type] {
        [
            ReferenceRules.self, RouteRules.self, TLSRules.self, ClusterRules.self, PlacementRules.self,
            DependencyRules.self, AppRules.self, MonitoringRules.self, ServiceNameRules.self,
            PublishedPortRules.self, ImageRules.self,
        ]
    }
}
