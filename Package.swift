// swift-tools-version:6.1
//===----------------------------------------------------------------------===//
//
// This source file is part of the OnPremWatch open source project
//
// Copyright (c) 2026 the OnPremWatch project authors
// Licensed under Apache License v2.0
//
// See LICENSE for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import PackageDescription

/// Strict settings for every target, the ones swift-log sets: Swift 6 mode comes from the tools version.
let strict: [SwiftSetting] = [
    // SE-0335: existential types spelled `any`.
    .enableUpcomingFeature("ExistentialAny"),
    // SE-0409: an import is internal unless it says `public import`, so a module's API names its dependencies.
    .enableUpcomingFeature("InternalImportsByDefault"),
    // SE-0444: a file sees the members of the modules it imports itself, not those another file imported.
    .enableUpcomingFeature("MemberImportVisibility"),
    // SE-0461: a nonisolated async function runs on its caller's actor unless it says `@concurrent`.
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    // Every public type says whether it is Sendable: conforms, or is marked unavailable.
    .unsafeFlags(["-Xfrontend", "-require-explicit-sendable"]),
]

let package = Package(
    name: "onprem-watch",
    products: [
        .executable(name: "onprem-watch", targets: ["onprem-watch"]),
        // For the libFuzzer package in Fuzz/ only; nothing of it is in the function.
        .library(name: "FuzzChecks", targets: ["FuzzChecks"]),
        // The importers (onprem-watch import runs it): YAML and TOML parsers, never in the Lambda zip.
        .executable(name: "onprem-watch-import", targets: ["onprem-watch-import"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // MARK: - C at the edges
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Pins glibc symbols that got new versions after 2.34 (provided.al2023) to their old versions.
        .target(name: "CGlibcCompat"),

        // MARK: - Layers, from the leaf up; each depends only on those above it.
        // The vocabulary every layer shares, no C: deadlines, coded errors and their payload, JSON, file bytes, the
        // sleep, CloudWatch's data rules.
        // JSON as the function reads and writes it: the value, a strict parser (RFC 8259), text escaping.
        .target(name: "JSON", swiftSettings: strict),
        .target(name: "Core", dependencies: ["JSON"], swiftSettings: strict),
        .target(name: "UTCTime", swiftSettings: strict),
        // The C edges: libcurl (HTTP) and libpq (PostgreSQL), each behind classes that own their handles.
        .target(name: "CurlHTTP", dependencies: ["CCurl", "Core"], swiftSettings: strict),
        .target(name: "PostgresClient", dependencies: ["CLibPQ", "Core"], swiftSettings: strict),
        .target(
            name: "AWSSigning", dependencies: ["Core", "UTCTime", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // What CloudWatch accepts and how a request says it, pure: datums, limits, planning, the form body, EMF.
        .target(name: "MetricModel", dependencies: ["Core", "UTCTime"], swiftSettings: strict),
        .target(
            name: "AWSClients", dependencies: ["Core", "UTCTime", "AWSSigning", "MetricModel", "CurlHTTP", "CZlib"],
            swiftSettings: strict),
        .target(
            name: "LambdaRuntime",
            dependencies: ["Core", "CurlHTTP", "UTCTime", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // The pure model: customers, queries, alarms, payloads.
        .target(name: "CatalogModel", dependencies: ["Core", "MetricModel", "UTCTime"], swiftSettings: strict),
        // The collector: handlers, row mapping, sinks.
        .target(
            name: "MetricsCollector",
            dependencies: [
                "Core", "CatalogModel", "PostgresClient", "LambdaRuntime", "MetricModel", "AWSClients", "AWSSigning",
                "UTCTime", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The support-case worker's model (pure): SQS batches, alarm notifications, routing, the case's text.
        .target(name: "CaseModel", dependencies: ["Core", "CatalogModel", "UTCTime"], swiftSettings: strict),
        // The support-case worker (`_HANDLER=cases`): episodes in DynamoDB, cases in AWS Support or a webhook.
        .target(
            name: "CaseWorker",
            dependencies: [
                "Core", "CatalogModel", "CaseModel", "AWSClients", "AWSSigning", "CurlHTTP", "LambdaRuntime", "UTCTime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The CloudFormation stack around the function, generated from the catalog (pure): `onprem-watch synth`.
        // It links neither libpq nor libcurl.
        .target(name: "StackSynth", dependencies: ["Core", "CatalogModel", "MetricModel"], swiftSettings: strict),
        .target(
            name: "OnPremWatchCommands",
            dependencies: [
                "Core", "CatalogModel", "MetricsCollector", "CaseWorker", "StackSynth", "LambdaRuntime",
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

        // Another tool's query files to catalog entries (issue 28, docs/importing.md): pure but for the files a file
        // names. YAML through Yams (libyaml) and TOML through TOMLKit (toml++, C++): only onprem-watch-import links
        // them, so they never reach the Lambda zip (`--product onprem-watch`).
        .target(
            name: "CatalogImport",
            dependencies: [
                "Core", "JSON", "CatalogModel", .product(name: "Yams", package: "Yams"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "onprem-watch-import",
            dependencies: ["CatalogImport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),

        // The properties the fuzz targets check (Fuzz/, make fuzz), shared with the tests that replay the corpora.
        .target(
            name: "FuzzChecks", dependencies: ["Core", "MetricModel", "CurlHTTP", "CatalogModel", "StackSynth"],
            swiftSettings: strict),

        // Benchmark only: PutMetricData requests and bytes, ours against naive batching (make bench).
        .executableTarget(name: "batching-bench", dependencies: ["MetricModel"], swiftSettings: strict),

        // MARK: - Tests
        // The importers on the tools' own files (Tests/Fixtures/importers); every fragment is loaded as a catalog.
        .testTarget(
            name: "CatalogImportTests", dependencies: ["CatalogImport", "CatalogModel", "JSON"],
            swiftSettings: strict),
        .testTarget(name: "CurlHTTPTests", dependencies: ["Core", "CurlHTTP"], swiftSettings: strict),
        .testTarget(
            name: "AWSSigningTests", dependencies: ["Core", "AWSSigning"],
            exclude: ["aws4_testsuite", "botocore_sign.py"], swiftSettings: strict),
        .testTarget(name: "AWSClientsTests", dependencies: ["Core", "AWSClients"], swiftSettings: strict),
        .testTarget(name: "MetricModelTests", dependencies: ["Core", "MetricModel"], swiftSettings: strict),
        .testTarget(name: "CoreTests", dependencies: ["Core"], swiftSettings: strict),
        .testTarget(
            name: "JSONTests", dependencies: ["JSON"], exclude: ["JSONTestSuite", "json-numbers.txt"],
            swiftSettings: strict),
        .testTarget(
            name: "CatalogModelTests", dependencies: ["Core", "CatalogModel", "MetricModel"], swiftSettings: strict),
        .testTarget(
            name: "CaseModelTests", dependencies: ["Core", "CatalogModel", "CaseModel"], swiftSettings: strict),
        .testTarget(name: "FuzzChecksTests", dependencies: ["FuzzChecks"], swiftSettings: strict),
        .testTarget(
            name: "CaseWorkerTests",
            dependencies: [
                "Core", "CatalogModel", "CaseModel", "CaseWorker", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(name: "UTCTimeTests", dependencies: ["UTCTime"], swiftSettings: strict),
        .testTarget(name: "PostgresClientTests", dependencies: ["Core", "PostgresClient"], swiftSettings: strict),
        .testTarget(
            name: "LambdaRuntimeTests",
            dependencies: ["Core", "LambdaRuntime", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StackSynthTests",
            dependencies: ["Core", "CatalogModel", "MetricModel", "StackSynth", "PostgresClient", "AWSClients"],
            swiftSettings: strict),
        .testTarget(
            name: "MetricsCollectorTests",
            dependencies: [
                "Core", "CatalogModel", "PostgresClient", "MetricsCollector", "LambdaRuntime", "MetricModel",
                "AWSClients",
                "StackSynth", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Core", "CatalogModel", "PostgresClient", "LambdaRuntime", "MetricsCollector", "MetricModel",
                "AWSClients",
                "CurlHTTP", .product(name: "Logging", package: "swift-log"),
            ],
            // The Python helpers the tests run (boto3 against moto, the end-to-end drivers and what they share).
            exclude: [
                "create_secret.py", "read_metrics.py", "stack_e2e.py", "cases_e2e.py", "server_health_e2e.py",
                "e2e_support.py", "role_identity.py", "fake_postgres.py", "deploy_e2e.py",
                "catalog_repo_test.py", "silence_test.py", "import_e2e.py",
            ],
            swiftSettings: strict
        ),
    ]
)
