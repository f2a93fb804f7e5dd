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

import Core
import Testing

@testable import CatalogModel

/// The built-in `server-health` pack as values: turning it on, its SQL for each server version, its alarms.
@Suite struct BuiltinPackTests {
    static func catalog(_ text: String) throws -> Catalog { try Catalog(json: Array(text.utf8)) }

    @Test("a customer's builtin and the catalog's both turn the pack on; it runs as the query server-health")
    func turningItOn() throws {
        let catalog = try Self.catalog(
            """
            {"builtin": ["server-health"], "customers": [
              {"opname": "a", "ip": "10.0.0.1", "database": "ops", "version": "1"},
              {"opname": "b", "ip": "10.0.0.2", "database": "ops", "version": "1", "builtin": ["server-health"]}],
             "queries": [{"name": "kpi", "versions": ["1"], "query": "SELECT 1 AS n"}]}
            """)
        for customer in catalog.customers {
            #expect(customer.builtin == [.serverHealth])
            #expect(catalog.queries(for: customer).map(\.name) == ["kpi", "server-health"])
            let pack = try catalog.query(named: "server-health", for: customer)
            #expect(pack.builtin == .serverHealth && pack.cloudwatchDimension == "server-health")
        }
        let without = try Self.catalog(
            """
            {"customers": [{"opname": "c", "ip": "10.0.0.3", "database": "ops", "version": "1"}], "queries": []}
            """)
        #expect(throws: CatalogError.self) { try without.query(named: "server-health", for: without.customers[0]) }
        #expect(without.queries(for: without.customers[0]).isEmpty)
    }

    @Test("an unknown pack, and a catalog query that takes a pack's name, are refused")
    func refusals() {
        #expect(throws: CatalogError.self) {
            try Self.catalog(#"{"builtin": ["disk-health"], "customers": [], "queries": []}"#)
        }
        #expect(throws: CatalogError.self) {
            try Self.catalog(
                #"{"customers": [], "queries": [{"name": "server-health", "versions": ["1"], "query": "SELECT 1"}]}"#)
        }
    }

    @Test(
        "the statistics views follow the server's version: bgwriter before 17, checkpointer from 17, WAL from 14, IO from 16",
        arguments: [
            (120_015, false, false, false), (130_011, false, false, false), (140_010, true, false, false),
            (150_004, true, false, false), (160_002, true, true, false), (170_000, true, true, true),
        ])
    func versions(_ version: Int, _ wal: Bool, _ io: Bool, _ checkpointer: Bool) {
        let sql = BuiltinPack.serverHealth.sql(serverVersion: version)
        #expect(sql.contains("'wal_bytes'") == wal)
        #expect(sql.contains("pg_stat_io") == io)
        #expect(sql.contains("pg_stat_checkpointer") == checkpointer)
        #expect(sql.contains("pg_stat_bgwriter") == !checkpointer)
        // One statement of JSON rows: every part a json_build_object, joined by UNION ALL, no statement separator.
        let parts = sql.split(separator: "\nUNION ALL\n").map(String.init)
        #expect(parts.allSatisfy { $0.hasPrefix("SELECT json_build_object(") })
        #expect(!sql.contains(";"))
    }

    /// Issue 28.
    @Test("the tables pack: in each database, its SQL by major, three alarmed metrics and the rest log fields")
    func tablesPack() {
        let pack = BuiltinPack.tables.definition
        #expect(pack.eachDatabase && pack.builtin == .tables && pack.counters == ["seq_scans", "index_scans"])
        let metrics = pack.units.keys.filter { !pack.isLogOnly($0) }.sorted()
        #expect(metrics == ["locks_used_percent", "tables_needing_analyze", "tables_needing_vacuum"])
        #expect(BuiltinPack.tables.estimatedSeries(as: pack) == (3, 173))
        let v12 = BuiltinPack.tables.sql(serverVersion: 120_010)
        let v15 = BuiltinPack.tables.sql(serverVersion: 150_004)
        let v18 = BuiltinPack.tables.sql(serverVersion: 180_001)
        #expect(!v12.contains("pg_stat_progress_analyze") && v12.contains("SELECT NULL::oid AS relid WHERE false"))
        #expect(v15.contains("pg_stat_progress_analyze") && v15.contains("p.num_dead_tuples"))
        #expect(v18.contains("p.dead_tuple_bytes") && v18.contains("vacuum_indexes_processed_percent"))
        #expect(!v18.contains("p.num_dead_tuples"))
        for sql in [v12, v15, v18] { #expect(SQLText.statementProblem(sql) == nil) }
        // The pack's row dimensions are names a customer with the pack may not set; one without it may.
        #expect(
            throws: CatalogError.self,
            performing: {
                try Self.catalog(
                    #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "builtin": ["tables"], "dimensions": {"mode": "prod"}}], "queries": []}"#
                )
            })
        #expect(
            (try? Self.catalog(
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "dimensions": {"mode": "prod"}}], "queries": []}"#
            )) != nil)
    }

    /// Issue 28.
    @Test("the statements pack: SQL by the extension's version and schema, two metrics, the text to the log")
    func statementsPack() {
        let pack = BuiltinPack.statements.definition
        #expect(!pack.eachDatabase && pack.alarms.isEmpty)
        #expect(
            pack.units.keys.filter { !pack.isLogOnly($0) }.sorted() == ["statements_calls", "statements_exec_time_ms"])
        #expect(pack.logText == ["queryid", "query_database", "query_user", "query_text"])
        let v17 = StatementsPack.sql(version: "1.7")
        let v18 = StatementsPack.sql(version: "1.8")
        let v110 = StatementsPack.sql(version: "1.10", schema: #""Mon Schema""#)
        let v112 = StatementsPack.sql(version: "1.12", schema: "public")
        #expect(v17.contains("s.total_time AS total_time") && !v17.contains("pg_stat_statements_info"))
        #expect(v18.contains("s.total_exec_time") && v18.contains("true AS toplevel") && !v18.contains("dealloc"))
        #expect(v110.contains(#"FROM "Mon Schema".pg_stat_statements s"#))
        #expect(v110.contains(#"FROM "Mon Schema".pg_stat_statements_info"#) && !v110.contains("stats_since"))
        #expect(v112.contains("FROM public.pg_stat_statements s") && v112.contains("seconds_tracked"))
        #expect(!v112.contains("regrole") && v112.contains("rolname = current_user"))
        for sql in [v17, v18, v110, v112] { #expect(SQLText.statementProblem(sql) == nil) }
        // Without a probe (check), the version the major ships.
        #expect(BuiltinPack.statements.sql(serverVersion: 150_004) == StatementsPack.sql(version: "1.10"))
        guard
            case .failure(let missing) = BuiltinPack.statements(
                installed: false, loaded: false, usable: false, version: nil, schema: nil)
        else {
            Issue.record("runs without the extension")
            return
        }
        #expect(missing.reason.contains("CREATE EXTENSION pg_stat_statements"))
        guard
            case .failure(let unloaded) = BuiltinPack.statements(
                installed: true, loaded: false, usable: true, version: "1.10", schema: "public")
        else { return }
        #expect(unloaded.reason.contains("shared_preload_libraries"))
    }

    /// Review of issue 28: a per-row metric's alarm watches nothing without the row's dimensions.
    @Test("builtinAlarms on a pack's per-row metric must name the row's dimensions")
    func rowAlarms() throws {
        func catalog(_ alarm: String) throws -> Catalog {
            try Self.catalog(
                #"{"customers": [], "queries": [], "builtinAlarms": {"statements": [\#(alarm)]}}"#)
        }
        #expect(throws: CatalogError.self) { try catalog(#"{"metric": "calls", "threshold": 1}"#) }
        _ = try catalog(#"{"metric": "calls", "threshold": 1, "dimensions": {"ranked_by": "calls", "rank": "1"}}"#)
        _ = try catalog(#"{"metric": "statements_calls", "threshold": 1}"#)
        #expect(BuiltinPack.serverHealth.rowDimensions(of: "connections") == ["state"])
        #expect(BuiltinPack.tables.rowDimensions(of: "vacuum_seconds") == ["table", "phase"])
    }

    @Test("the default alarms and their thresholds, which a customer's thresholds override")
    func alarms() throws {
        let pack = BuiltinPack.serverHealth.definition
        let defaults = Dictionary(uniqueKeysWithValues: pack.alarms.map { ($0.metric, $0.defaultThreshold) })
        #expect(
            defaults == [
                "connections_used_percent": 80, "wraparound_headroom_percent": 20, "replay_lag_seconds": 60,
                "oldest_idle_in_transaction_seconds": 600,
            ])
        let headroom = try #require(pack.alarms.first { $0.metric == "wraparound_headroom_percent" })
        #expect(headroom.comparison == .lessThanThreshold && headroom.statistic == .minimum)
        var customer = Customer(opname: "a", host: "10.0.0.1", database: "ops", version: "1", threshold: 5)
        #expect(headroom.threshold(for: customer) == 20)
        customer.thresholds["wraparound_headroom_percent"] = 35
        #expect(headroom.threshold(for: customer) == 35)
        // Every metric an alarm watches has a unit.
        for alarm in pack.alarms { #expect(pack.units[alarm.metric] != nil, "\(alarm.metric)") }
    }
}
