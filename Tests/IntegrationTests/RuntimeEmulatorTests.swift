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

import CatalogModel
import Core
import CurlHTTP
import Foundation
import LambdaRuntime
import MetricModel
import Testing

@testable import PostgresClient

/// The built binary against cargo-lambda's Runtime API emulator: the real loop, the real wire.
@Suite(.serialized, .enabled(if: LiveServices.runtimeEmulator != nil, "needs ONPREM_TEST_EMULATOR (make test)"))
struct RuntimeEmulatorTests {
    let emulator = LiveServices.runtimeEmulator ?? ""
    var invokeURL: String { "\(emulator)/2015-03-31/functions/_/invocations" }

    func start(_ extra: [String: String], limit: Int) throws -> ChildProcess {
        var environment = ChildProcess.environment(extra)
        environment["AWS_LAMBDA_RUNTIME_API"] = "\(emulator)/.rt"
        return try ChildProcess(LiveServices.binary, arguments: ["--limit", "\(limit)"], environment: environment)
    }

    @Test("the echo handler returns each event's bytes unchanged, JSON or not, and the process keeps serving")
    func echo() throws {
        try LiveServices.withEmulator {
            let child = try start(["_HANDLER": "echo"], limit: 3)
            let events = ["{\"customer\":\"Customer 1\"}", "not json at all", "[1,2,3]"]
            for event in events {
                let response = try TestHTTP.post(invokeURL, body: event)
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == event)
            }
            let result = child.finish()
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test("with no arguments, as bootstrap starts it in Lambda, the binary serves at once, without the parser")
    func noArguments() throws {
        try LiveServices.withEmulator {
            var environment = ChildProcess.environment(["_HANDLER": "echo"])
            environment["AWS_LAMBDA_RUNTIME_API"] = "\(emulator)/.rt"
            let child = try ChildProcess(LiveServices.binary, environment: environment)
            let response = try TestHTTP.post(invokeURL, body: "{\"n\": 1}")
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "{\"n\": 1}")
            _ = child.finish(timeout: .seconds(1))

            environment["AWS_LAMBDA_RUNTIME_API"] = nil
            let unconfigured = try ChildProcess(LiveServices.binary, environment: environment).finish()
            #expect(unconfigured.status == 64)
            #expect(unconfigured.stderr.contains("AWS_LAMBDA_RUNTIME_API is not set"))
        }
    }

    @Test("a handler error reaches the caller as errorType/errorMessage JSON, and JSON logs carry the requestId")
    func handlerErrorAndJSONLogs() throws {
        try LiveServices.withEmulator {
            let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("catalog.json").path
            let child = try start(
                [
                    "_HANDLER": "metrics", "AWS_LAMBDA_LOG_FORMAT": "JSON", "ONPREM_CATALOG": catalog,
                    "ONPREM_METRICS_SINK": "none",
                ], limit: 2)
            for _ in 0..<2 {
                let response = try TestHTTP.post(invokeURL, body: "{\"customer\": 12")
                #expect(response.status == 500)
                let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                #expect(json?["errorType"] as? String == "Event.Invalid")
            }
            let result = child.finish()
            #expect(result.status == 0)
            let lines = result.stderr.split(separator: "\n").filter { $0.contains("invocation failed") }
            #expect(lines.count == 2)
            for line in lines {
                let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(record?["level"] as? String == "ERROR")
                #expect((record?["requestId"] as? String)?.isEmpty == false)
                #expect(record?["timestamp"] is String)
            }
        }
    }

    @Test("an unknown _HANDLER is reported through /init/error and the process exits non-zero")
    func initError() throws {
        try LiveServices.withEmulator {
            let child = try start(["_HANDLER": "nonsense"], limit: 1)
            let result = child.finish()
            #expect(result.status == 1)
            #expect(result.stderr.contains("Runtime.UnknownHandler"))
        }
    }

    @Test("the CloudWatch sink without credentials is reported through /init/error as CloudWatch.NoCredentials")
    func noCredentials() throws {
        try LiveServices.withEmulator {
            let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("catalog.json").path
            var environment = ["_HANDLER": "metrics", "ONPREM_CATALOG": catalog, "ONPREM_METRICS_SINK": "cloudwatch"]
            environment["AWS_ACCESS_KEY_ID"] = ""
            let result = try start(environment, limit: 1).finish()
            #expect(result.status == 1)
            #expect(result.stderr.contains("CloudWatch.NoCredentials"))
        }
    }

    @Test("a broken catalog is reported through /init/error as Catalog.Invalid, naming the bad entry")
    func brokenCatalog() throws {
        try LiveServices.withEmulator {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("broken-catalog-\(getpid()).json")
                .path
            try
                #"{"customers": [{"opname": "c", "ip": "h", "port": "nope", "database": "d", "version": "1"}], "queries": []}"#
                .write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let result = try start(["_HANDLER": "metrics", "ONPREM_CATALOG": path], limit: 1).finish()
            #expect(result.status == 1)
            #expect(result.stderr.contains("Catalog.Invalid"))
            #expect(result.stderr.contains("customers[0]") && result.stderr.contains("port"))
        }
    }
}
