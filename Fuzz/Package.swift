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

// The libFuzzer targets, a package of their own as swift-protobuf keeps its FuzzTesting: built only by
// `make fuzz` (scripts/fuzz.sh) with `-sanitize=fuzzer,address`, never by `swift build` of the function. Its one
// executable runs libFuzzer's driver over the property of FuzzChecks that FUZZ_TARGET names.
import PackageDescription

let package = Package(
    name: "onprem-watch-fuzz",
    dependencies: [.package(name: "onprem-watch", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "OnPremFuzz", dependencies: ["CFuzzerDriver", .product(name: "FuzzChecks", package: "onprem-watch")]),
    ]
)
