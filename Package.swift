// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "clientele",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "clientele", targets: ["Clientele"]),
        .executable(name: "clientele-bench", targets: ["ClienteleBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "CRMCore",
            swiftSettings: swiftSettings
        ),
        // An S3 object-store client (Signature V4 on swift-crypto); knows nothing of the CRM.
        .target(
            name: "S3Client",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // iCalendar (RFC 5545) documents; knows nothing of the CRM.
        .target(name: "ICalendar", swiftSettings: swiftSettings),
        // Text out of documents (Office, OpenDocument, PDF, plain) for search; knows nothing of the CRM.
        .target(
            name: "DocumentText",
            dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CRMStore",
            dependencies: [
                "CRMCore",
                "S3Client",
                "DocumentText",
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CRMWeb",
            dependencies: [
                "CRMCore",
                "CRMStore",
                "ICalendar",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Clientele",
            dependencies: [
                "S3Client",
                "CRMCore",
                "CRMStore",
                "CRMWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ICalendarTests",
            dependencies: ["ICalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "S3ClientTests",
            dependencies: ["S3Client"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CRMCoreTests",
            dependencies: ["CRMCore", "CRMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ClienteleBench",
            dependencies: [
                "CRMCore",
                "CRMStore",
                "CRMWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                // Only to run the plain-SQL baselines the figures are compared with.
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Benchmarks/ClienteleBench",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CRMTestSupport",
            dependencies: ["CRMCore", "CRMStore", "S3Client", .product(name: "PostgresKit", package: "postgres-kit")],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CRMStoreTests",
            dependencies: [
                "CRMCore", "CRMStore", "CRMTestSupport", "S3Client", "DocumentText", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CRMWebTests",
            dependencies: [
                "CRMCore",
                "CRMStore",
                "CRMWeb",
                "CRMTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
