// swift-tools-version:6.1
// The libFuzzer targets, a package of their own as swift-protobuf keeps its FuzzTesting: built only by
// `make fuzz` (scripts/fuzz.sh) with `-sanitize=fuzzer,address`, never by `swift build` of the function. Each
// target's main runs libFuzzer's driver over one property of FuzzChecks.
import PackageDescription

let targets = ["FuzzJSON", "FuzzHTTP1", "FuzzPayload", "FuzzCatalog", "FuzzPlanner"]

let package = Package(
    name: "onprem-watch-fuzz",
    dependencies: [.package(name: "onprem-watch", path: "..")],
    targets: [.target(name: "CFuzzerDriver")]
        + targets.map { name in
            .executableTarget(
                name: name, dependencies: ["CFuzzerDriver", .product(name: "FuzzChecks", package: "onprem-watch")])
        }
)
