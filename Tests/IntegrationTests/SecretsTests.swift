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

import AWSClients
import CatalogModel
import Core
import Foundation
import LambdaRuntime
import Logging
import MetricModel
import Testing

@testable import MetricsCollector
@testable import PostgresClient

/// Customers whose login is a Secrets Manager secret, against moto (signatures checked) and the local PostgreSQL.
@Suite(
    .serialized,
    .enabled(
        if: LiveServices.environment["ONPREM_TEST_MOTO"] != nil && LiveServices.postgresPort != nil,
        "needs moto and PostgreSQL (make test)"))
struct SecretsTests {
    let port = LiveServices.postgresPort ?? 0

    static func createSecret(_ name: String, _ value: String) throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "create_secret.py"
        ).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, name, value]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The handler as the stack runs it: under the function role's statements for this catalog, its server
    /// verified (`verify-full`, the default) under the CA that the secret carries, or, with `bundle`, the
    /// function's CA bundle.
    ///
    /// The database is ops_v2: PostgresTests counts the function's connections to ops_v1 in pg_stat_activity, and
    /// suites run at once.
    func handler(secret: String, bundle: Bool = true) throws -> MetricsHandler {
        let catalog = """
            {"customers": [{"opname": "Secret customer", "ip": "127.0.0.1", "port": \(port), "database": "ops_v2",
                            "version": "1", "secret": "\(secret)"}],
             "queries": [{"name": "demo-query", "versions": ["1"], "cloudwatchDimension": "demo",
                          "query": "select row_to_json(row) from (select 1 as one) row"}]}
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-catalog-\(getpid()).json")
            .path
        try catalog.write(toFile: path, atomically: true, encoding: .utf8)
        let role = try LiveServices.roleIdentity(catalog: catalog, role: "FunctionRole")
        var environment = [
            "ONPREM_CATALOG": path, "ONPREM_METRICS_SINK": "none", "AWS_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL": LiveServices.environment["ONPREM_TEST_MOTO"] ?? "",
            "AWS_ACCESS_KEY_ID": role.accessKeyID, "AWS_SECRET_ACCESS_KEY": role.secretAccessKey,
            // Not the test CA: only what the secret carries can verify the server.
            "ONPREM_PG_CA_BUNDLE": "/nonexistent-bundle.pem",
        ]
        if bundle { environment["ONPREM_PG_CA_BUNDLE"] = LiveServices.environment["ONPREM_TEST_PG_CA"] }
        return try MetricsHandler(environment: environment)
    }

    func invoke(_ handler: MetricsHandler) throws -> [UInt8] {
        let context = LambdaContext(
            requestID: "t", invokedFunctionARN: "", traceID: nil,
            deadline: Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + 20_000), logger: Logger(label: "t"))
        return try handler.handle(
            Array(#"{"customer": "Secret customer", "query": "demo-query"}"#.utf8), context: context)
    }

    @Test("a secret created in Secrets Manager is used to log in to PostgreSQL, by name and by ARN")
    func logsInWithSecret() throws {
        let name = "onprem/customer-\(getpid())"
        let arn = try Self.createSecret(
            name, #"{"username": "\#(LiveServices.postgresUser)", "password": "\#(LiveServices.postgresPassword)"}"#)
        for id in [name, arn] {
            let output = String(decoding: try invoke(try handler(secret: id)), as: UTF8.self)
            #expect(output.contains("\"status\":\"ok\""), "\(output)")
        }
    }

    @Test("the secret's sslrootcert (PEM) verifies the server; without it and with no bundle that knows the CA, none")
    func caFromSecret() throws {
        let ca = try String(contentsOfFile: LiveServices.environment["ONPREM_TEST_PG_CA"] ?? "", encoding: .utf8)
        let login: [String: String] = [
            "username": LiveServices.postgresUser, "password": LiveServices.postgresPassword, "sslrootcert": ca,
        ]
        let withCA = "onprem/with-ca-\(getpid())"
        _ = try Self.createSecret(
            withCA, String(decoding: try JSONSerialization.data(withJSONObject: login), as: UTF8.self))
        let output = String(decoding: try invoke(try handler(secret: withCA, bundle: false)), as: UTF8.self)
        #expect(output.contains("\"status\":\"ok\""), "\(output)")

        let plain = "onprem/no-ca-\(getpid())"
        _ = try Self.createSecret(
            plain, #"{"username": "\#(LiveServices.postgresUser)", "password": "\#(LiveServices.postgresPassword)"}"#)
        do {
            _ = try invoke(try handler(secret: plain, bundle: false))
            Issue.record("a server was trusted without its CA")
        } catch {
            #expect(ErrorPayload(error).errorType == "Postgres.ConnectFailed")
            #expect(!"\(error)".contains("nonexistent"), "the error names no file: \(error)")
        }
    }

    @Test("a wrong password in the secret is Postgres.AuthFailed; a missing secret is Secrets.NotFound")
    func failures() throws {
        let name = "onprem/wrong-\(getpid())"
        _ = try Self.createSecret(name, #"{"username": "\#(LiveServices.postgresUser)", "password": "nope"}"#)
        #expect(throws: PostgresError.self) { try invoke(try handler(secret: name)) }
        do {
            _ = try invoke(try handler(secret: "onprem/does-not-exist"))
            Issue.record("no error for a missing secret")
        } catch {
            #expect(ErrorPayload(error).errorType == "Secrets.NotFound")
            #expect(!"\(error)".contains("nope"))
        }
    }
}
