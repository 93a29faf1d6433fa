import Foundation

/// Templates, catalogs, static assets and the OpenAPI document, shipped inside the build as the module's
/// `Resources` folder (copied whole, so its layout is the same as in the repository).
enum WebResources {
    static var directory: URL { Bundle.module.bundleURL.appendingPathComponent("Resources") }
}
