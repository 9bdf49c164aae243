import StackDiagnostics

/// Every diagnostic code the manifest checks use, with a stable ID; `docs/diagnostics.md`
/// explains each one (a test keeps the two in step).
enum Codes {
    // Structure: what the syntax decoder finds.
    static let unsupportedVersion = DiagnosticCode("E100", "unsupported-version")
    static let unknownKey = DiagnosticCode("E101", "unknown-key")
    static let wrongType = DiagnosticCode("E102", "wrong-type")
    static let missingKey = DiagnosticCode("E103", "missing-key")
    static let invalidValue = DiagnosticCode("E104", "invalid-value")
    static let invalidName = DiagnosticCode("E105", "invalid-name")
    static let invalidFormat = DiagnosticCode("E106", "invalid-format")
    static let duplicateEntry = DiagnosticCode("E107", "duplicate-entry")
    static let nameTooLong = DiagnosticCode("E108", "name-too-long")
    // Meaning: what the checks over the whole manifest find.
    static let unknownReference = DiagnosticCode("E201", "unknown-reference")
    static let dependencyCycle = DiagnosticCode("E202", "dependency-cycle")
    static let duplicateRoute = DiagnosticCode("E203", "duplicate-route")
    static let oidcWithoutIdentity = DiagnosticCode("E204", "oidc-without-identity")
    static let oidcWithoutHTTPS = DiagnosticCode("E205", "oidc-without-https")
    static let missingPort = DiagnosticCode("E206", "missing-port")
    static let buildWithoutRegistry = DiagnosticCode("E207", "build-without-registry")
    static let storageDriverNeedsDisk = DiagnosticCode("E208", "storage-driver-needs-disk")
    static let vipOutsideNetwork = DiagnosticCode("E209", "vip-outside-network")
    static let vipIsNodeAddress = DiagnosticCode("E210", "vip-is-node-address")
    static let noWorkers = DiagnosticCode("E211", "no-workers")
    static let unplaceableReplicas = DiagnosticCode("E212", "unplaceable-replicas")
    static let volumeNeedsSharedStorage = DiagnosticCode("E213", "volume-needs-shared-storage")
    static let acmeWithoutEmail = DiagnosticCode("E214", "acme-without-email")
    static let domainRequired = DiagnosticCode("E215", "domain-required")
    static let addressOverflow = DiagnosticCode("E216", "address-overflow")
    static let wrongDatabaseEngine = DiagnosticCode("E217", "wrong-database-engine")
    static let mirrorWithoutRegistry = DiagnosticCode("E218", "mirror-without-registry")
    static let imageOrBuild = DiagnosticCode("E219", "image-or-build")
    static let nameConflict = DiagnosticCode("E220", "name-conflict")
    static let acmeNeedsTraefik = DiagnosticCode("E221", "acme-needs-traefik")
    static let mountOverlap = DiagnosticCode("E222", "mount-overlap")
    static let portConflict = DiagnosticCode("E223", "port-conflict")
    static let presetImageMismatch = DiagnosticCode("E224", "preset-image-mismatch")
    static let signInNeedsTraefik = DiagnosticCode("E225", "sign-in-needs-traefik")
    static let loginBypassed = DiagnosticCode("E226", "login-bypassed")
    static let presetNeedsOwnHost = DiagnosticCode("E227", "preset-needs-own-host")
    static let driverNotOnCoreOS = DiagnosticCode("E228", "driver-not-on-coreos")
    static let ignitionWithoutKeys = DiagnosticCode("E229", "ignition-without-keys")
    // Warnings: the build still succeeds.
    static let stickySingleReplica = DiagnosticCode("W301", "sticky-single-replica")
    static let managerCount = DiagnosticCode("W302", "manager-count")
    static let plainHTTP = DiagnosticCode("W303", "plain-http")
    static let acmePrivateDomain = DiagnosticCode("W304", "acme-private-domain")
    static let metricsWithoutMonitoring = DiagnosticCode("W305", "metrics-without-monitoring")
    static let backupWithoutVolumes = DiagnosticCode("W306", "backup-without-volumes")
    static let unknownImageStart = DiagnosticCode("W308", "unknown-image-start")
    static let noEffect = DiagnosticCode("W309", "no-effect")
    static let envLooksLikeAppKey = DiagnosticCode("W310", "env-looks-like-app-key")
    static let unpinnedImage = DiagnosticCode("W311", "unpinned-image")
    static let userWithoutEmail = DiagnosticCode("W313", "user-without-email")
    static let longScrapeInterval = DiagnosticCode("W314", "long-scrape-interval")

    // Build: images that cannot run what stackc asks of them.
    static let missingImageTool = DiagnosticCode("W320", "missing-image-tool")
    static let unknownImageTools = DiagnosticCode("W321", "unknown-image-tools")
    static let unreadableDockerfile = DiagnosticCode("W322", "unreadable-dockerfile")

    // Build: a file an app delivers that cannot be (read by the command line, checked by the build).
    static let unreadableDeliveredFile = DiagnosticCode("F002", "unreadable-delivered-file")

    // Swift descriptions: a `stack.swift` that gives no manifest.
    static let descriptionDoesNotCompile = DiagnosticCode("E110", "description-does-not-compile")
    static let descriptionFailed = DiagnosticCode("E111", "description-failed")
    static let descriptionInvalid = DiagnosticCode("E112", "description-invalid")

    // Build: contributions that contradict each other, a mistake in stackc itself.
    static let internalConflict = DiagnosticCode("E900", "internal-conflict")

    /// Every code, in documentation order.
    static let all: [DiagnosticCode] = [
        unsupportedVersion, unknownKey, wrongType, missingKey, invalidValue, invalidName, invalidFormat,
        duplicateEntry, nameTooLong, unknownReference, dependencyCycle, duplicateRoute, oidcWithoutIdentity,
        oidcWithoutHTTPS, missingPort, buildWithoutRegistry, storageDriverNeedsDisk, vipOutsideNetwork,
        vipIsNodeAddress, noWorkers, unplaceableReplicas, volumeNeedsSharedStorage, acmeWithoutEmail,
        domainRequired, addressOverflow, wrongDatabaseEngine, mirrorWithoutRegistry, imageOrBuild, nameConflict,
        acmeNeedsTraefik, mountOverlap, portConflict, presetImageMismatch, signInNeedsTraefik,
        loginBypassed, presetNeedsOwnHost, driverNotOnCoreOS, ignitionWithoutKeys,
        stickySingleReplica, managerCount, plainHTTP, acmePrivateDomain, metricsWithoutMonitoring,
        backupWithoutVolumes, unknownImageStart, noEffect, envLooksLikeAppKey,
        unpinnedImage, userWithoutEmail, longScrapeInterval, missingImageTool, unknownImageTools,
        unreadableDockerfile, unreadableDeliveredFile, descriptionDoesNotCompile, descriptionFailed,
        descriptionInvalid, internalConflict,
    ]
}
