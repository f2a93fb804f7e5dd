// swift-tools-version:6.1
import PackageDescription

/// Strict settings for every target, as swift-log does: Swift 6 mode comes from the tools version.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "onprem-watch",
    products: [
        .executable(name: "onprem-watch", targets: ["onprem-watch"]),
        // For the libFuzzer package in Fuzz/ only; nothing of it is in the function.
        .library(name: "FuzzChecks", targets: ["FuzzChecks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // MARK: - C at the edges
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Pins glibc symbols that got new versions after 2.34 (provided.al2023) to their old versions.
        .target(name: "CGlibcCompat"),

        // MARK: - Layers
        .target(name: "CurlHTTP", dependencies: ["CCurl"], swiftSettings: strict),
        .target(
            name: "AWSSigning", dependencies: ["UTCTime", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(name: "UTCTime", swiftSettings: strict),
        .target(
            name: "AWSClients", dependencies: ["UTCTime", "AWSSigning", "CurlHTTP", "LambdaRuntime", "CZlib"],
            swiftSettings: strict),
        .target(
            name: "LambdaRuntime",
            dependencies: ["CurlHTTP", "UTCTime", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "OnPremWatch",
            dependencies: [
                "LambdaRuntime", "CLibPQ", "AWSClients", "AWSSigning", "UTCTime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The CloudFormation stack around the function, generated from the catalog (pure): `onprem-watch synth`.
        .target(name: "StackSynth", dependencies: ["OnPremWatch", "AWSClients"], swiftSettings: strict),
        .target(
            name: "OnPremWatchCommands",
            dependencies: [
                "OnPremWatch", "StackSynth", "LambdaRuntime", "CurlHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "onprem-watch",
            dependencies: ["OnPremWatchCommands", "CGlibcCompat"],
            swiftSettings: strict
        ),

        // The properties the fuzz targets check (Fuzz/, make fuzz), shared with the tests that replay the corpora.
        .target(
            name: "FuzzChecks", dependencies: ["AWSClients", "CurlHTTP", "LambdaRuntime", "OnPremWatch", "StackSynth"],
            swiftSettings: strict),

        // Benchmark only: PutMetricData requests and bytes, ours against naive batching (make bench).
        .executableTarget(name: "batching-bench", dependencies: ["AWSClients"], swiftSettings: strict),

        // MARK: - Tests
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP"], swiftSettings: strict),
        .testTarget(
            name: "AWSSigningTests", dependencies: ["AWSSigning"],
            exclude: ["aws4_testsuite", "botocore_sign.py"], swiftSettings: strict),
        .testTarget(name: "AWSClientsTests", dependencies: ["AWSClients"], swiftSettings: strict),
        .testTarget(name: "FuzzChecksTests", dependencies: ["FuzzChecks"], swiftSettings: strict),
        .testTarget(name: "UTCTimeTests", dependencies: ["UTCTime"], swiftSettings: strict),
        .testTarget(
            name: "LambdaRuntimeTests",
            dependencies: ["LambdaRuntime", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(name: "StackSynthTests", dependencies: ["StackSynth", "OnPremWatch"], swiftSettings: strict),
        .testTarget(
            name: "OnPremWatchTests", dependencies: ["OnPremWatch", "LambdaRuntime"],
            exclude: ["JSONTestSuite", "json-numbers.txt"], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "LambdaRuntime", "OnPremWatch", "CurlHTTP", .product(name: "Logging", package: "swift-log"),
            ],
            // The Python helpers the tests run (boto3 against moto, the stack's end-to-end driver).
            exclude: ["create_secret.py", "read_metrics.py", "stack_e2e.py"],
            swiftSettings: strict
        ),
    ]
)
