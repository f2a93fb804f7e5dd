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

import Foundation
import Testing

/// A PostgreSQL impostor on another loopback address (`fake_postgres.py`) that refuses TLS and asks for the
/// password in clear: the attack of issue 25, where a payload's inline customer sent a catalog customer's password
/// to it. Through the real binary (`onprem-watch replay`), with a canary password in `PGPASSWORD`, no payload and no
/// default of the catalog may make it give the password away.
@Suite(.serialized, .enabled(if: LiveServices.postgresPort != nil, "needs the live services (make test)"))
struct PasswordTheftTests {
    static let canary = "canary-\(getpid())-do-not-send"

    /// Runs `events` through `replay` against a catalog of customers at the impostor, and returns each run's
    /// output and the impostor's report.
    func attack(
        auth: String, customers: (Int) -> [[String: Any]], events: (Int) -> [String],
        environment extra: [String: String] = [:]
    ) throws -> (outputs: [String], report: String) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("theft-\(getpid())-\(auth)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "fake_postgres.py"
        ).path
        let impostor = try ChildProcess(
            "/usr/bin/env",
            arguments: [
                "python3", "-u", script, "--host", "127.0.0.2", "--port", "0", "--auth", auth, "--report",
                "\(work)/report.jsonl",
            ], environment: ChildProcess.environment([:]))
        defer { impostor.process.terminate() }
        let port = try impostor.firstLinePort()
        let catalog: [String: Any] = [
            "customers": customers(port),
            "queries": [["name": "q", "versions": ["1"], "query": "select 1 as one", "cloudwatchDimension": "q"]],
        ]
        try JSONSerialization.data(withJSONObject: catalog).write(to: URL(fileURLWithPath: "\(work)/catalog.json"))
        var outputs: [String] = []
        for (index, event) in events(port).enumerated() {
            try event.write(toFile: "\(work)/event-\(index).json", atomically: true, encoding: .utf8)
            let environment = ChildProcess.environment(
                [
                    "ONPREM_CATALOG": "\(work)/catalog.json", "ONPREM_METRICS_SINK": "none",
                    "PGPASSWORD": Self.canary, "PGSSLMODE": "disable",
                    "ONPREM_PG_CA_BUNDLE": LiveServices.environment["ONPREM_TEST_PG_CA"] ?? "",
                ].merging(extra) { $1 })
            let run = try ChildProcess(
                LiveServices.binary, arguments: ["replay", "\(work)/event-\(index).json", "--timeout-ms", "5000"],
                environment: environment
            ).finish()
            outputs.append(run.stdout + run.stderr)
        }
        // The impostor writes a connection's line when it ends; the runs above have ended theirs.
        Thread.sleep(forTimeInterval: 0.3)
        let report = (try? String(contentsOfFile: "\(work)/report.jsonl", encoding: .utf8)) ?? ""
        return (outputs, report)
    }

    static func customer(_ name: String, port: Int, _ extra: [String: Any] = [:]) -> [String: Any] {
        ["opname": name, "ip": "127.0.0.2", "port": port, "database": "ops", "version": "1", "user": "kpi"]
            .merging(extra) { $1 }
    }

    @Test(
        "no catalog default gives the password to a server that refuses TLS, in clear or as MD5",
        arguments: ["cleartext", "md5"])
    func catalogDefaults(auth: String) throws {
        let (outputs, report) = try attack(
            auth: auth,
            customers: { port in
                [
                    Self.customer("Default", port: port),
                    Self.customer("Require", port: port, ["sslmode": "require"]),
                    Self.customer("Bound", port: port, ["sslmode": "prefer", "channelBinding": "require"]),
                ]
            },
            events: { _ in ["Default", "Require", "Bound"].map { #"{"customer": "\#($0)", "query": "q"}"# } })
        for output in outputs {
            #expect(output.contains("Postgres.ConnectFailed"), "\(output)")
            #expect(!output.contains(Self.canary))
        }
        #expect(!report.contains(Self.canary), "\(report)")
        #expect(!report.contains("\"passwordReceived\": true"), "\(report)")
    }

    static func inline(_ name: String, port: Int, _ extra: String = "") -> String {
        #"{"customer": {"opname": "\#(name)", "ip": "127.0.0.2", "port": \#(port), "database": "d", "version": "1"\#(extra)}, "query": "q"}"#
    }

    @Test("a payload's inline customer is refused before any connection, with or without a catalog customer's secret")
    func inlineCustomers() throws {
        let (outputs, report) = try attack(
            auth: "cleartext", customers: { _ in [Self.customer("Victim", port: 1, ["secret": "onprem/victim"])] },
            events: { port in
                [Self.inline("x", port: port, #", "secret": "onprem/victim""#), Self.inline("x", port: port)]
            })
        #expect(outputs.allSatisfy { $0.contains("Event.InlineCustomerRefused") }, "\(outputs)")
        #expect(report.isEmpty, "the impostor saw a connection: \(report)")
    }

    @Test("where inline customers are allowed (tests): no secret, no catalog name, and still no password")
    func inlineAllowed() throws {
        let (outputs, report) = try attack(
            auth: "cleartext", customers: { _ in [Self.customer("Victim", port: 1, ["secret": "onprem/victim"])] },
            events: { port in
                [
                    Self.inline("Victim", port: port), Self.inline("x", port: port, #", "secret": "onprem/victim""#),
                    Self.inline("x", port: port, #", "sslmode": "disable""#), Self.inline("tester", port: port),
                ]
            }, environment: ["ONPREM_ALLOW_INLINE_CUSTOMERS": "true"])
        for output in outputs.prefix(3) {
            #expect(output.contains("Event.InlineCustomerRefused"), "\(output)")
        }
        #expect(outputs.last?.contains("Postgres.ConnectFailed") == true, "\(outputs)")
        #expect(!report.contains(Self.canary) && !report.contains("\"passwordReceived\": true"), "\(report)")
    }
}

extension ChildProcess {
    /// The port the impostor prints as its first line (`{"port": N}`).
    func firstLinePort() throws -> Int {
        let handle = (process.standardOutput as? Pipe)?.fileHandleForReading
        var line = Data()
        while let handle, let byte = try handle.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) {
            line.append(byte)
        }
        let fields = try JSONSerialization.jsonObject(with: line) as? [String: Any]
        guard let port = fields?["port"] as? Int else { throw POSIXError(.EIO) }
        return port
    }
}
