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

import MetricModel

/// The `statements` pack (issue 28): the statements `pg_stat_statements` holds, ranked by total time, calls and
/// rows, ten each, with a `rank` and a `ranked_by` dimension instead of the statement, so its series are the same
/// thirty on every server; the statement's text, id, database and role go to the log, never to a dimension; and
/// the server-wide sums (docs/statements.md).
///
/// The view's columns depend on the extension's version, not the server's (`pg_upgrade` keeps the old one until
/// `ALTER EXTENSION pg_stat_statements UPDATE`), and the extension may live in any schema or not be there: a probe
/// answers both before the pack runs (``probe``), and the pack is skipped, with the reason, where it cannot run.
enum StatementsPack {
    /// A ranked statement's numbers (dimensions `ranked_by`, `rank`).
    static let statementRow: [(name: String, unit: MetricUnit)] = [
        ("total_exec_time_ms", .milliseconds), ("calls", .count), ("rows", .count),
        ("mean_exec_time_ms", .milliseconds), ("max_exec_time_ms", .milliseconds), ("shared_blks_hit", .count),
        ("shared_blks_read", .count), ("temp_blks_written", .count), ("seconds_tracked", .seconds),
    ]

    /// The server-wide row.
    static let serverRow: [(name: String, unit: MetricUnit)] = [
        ("statements_tracked", .count), ("statements_max", .count), ("statements_exec_time_ms", .milliseconds),
        ("statements_calls", .count), ("statements_rows", .count), ("monitoring_exec_time_ms", .milliseconds),
        ("dealloc", .count), ("seconds_since_reset", .seconds),
    ]

    /// The statement as text: to the log line, never a dimension (``QueryDefinition/logText``).
    static let logText: Set<String> = ["queryid", "query_database", "query_user", "query_text"]

    static var units: [String: MetricUnit] {
        Dictionary(uniqueKeysWithValues: (statementRow + serverRow).map { ($0.name, $0.unit) })
    }

    /// Cumulative since the entry began or the statistics reset; the server-wide sums also fall when the extension
    /// evicts entries (`dealloc`).
    static let counters = [
        "total_exec_time_ms", "calls", "rows", "shared_blks_hit", "shared_blks_read", "temp_blks_written",
        "statements_exec_time_ms", "statements_calls", "statements_rows", "monitoring_exec_time_ms", "dealloc",
    ]

    /// What the counter widget draws: milliseconds of SQL per second, and statements per second.
    static let dashboardCounters = ["statements_exec_time_ms", "statements_calls"]

    static var definition: QueryDefinition {
        var definition = QueryDefinition(
            name: BuiltinPack.statements.rawValue, description: "PostgreSQL top statements (built in)", versions: [],
            sql: "", cloudwatchDimension: BuiltinPack.statements.rawValue, units: units, builtin: .statements,
            counters: counters)
        definition.logFields = Set(units.keys).subtracting(dashboardCounters)
        definition.logText = logText
        return definition
    }

    /// Three rankings of ten, and the server-wide row, on the newest extension.
    static var estimatedSeries: [(name: String, series: Int)] {
        statementRow.map { ($0.name, 30) } + serverRow.map { ($0.name, 1) }
    }

    /// Whether the extension is there, loaded, its version and its schema (quoted by the server), and whether the
    /// login may use that schema: one row, always.
    static let probe = #"""
        SELECT e.extversion IS NOT NULL AS installed,
          current_setting('shared_preload_libraries') ~ '(^|[,/ "])pg_stat_statements($|[ ,"])' AS loaded,
          e.extversion, quote_ident(n.nspname) AS schema,
          coalesce(has_schema_privilege(n.oid, 'USAGE'), false) AS usable
        FROM (SELECT 1) one
        LEFT JOIN pg_extension e ON e.extname = 'pg_stat_statements'
        LEFT JOIN pg_namespace n ON n.oid = e.extnamespace
        """#

    /// Why the pack cannot run, from the probe's answer; `nil` when it can.
    static func unavailable(installed: Bool, loaded: Bool, usable: Bool, schema: String?) -> String? {
        if !installed {
            return "pg_stat_statements is not installed in this database: CREATE EXTENSION pg_stat_statements"
        }
        if !loaded {
            return "pg_stat_statements is installed but not loaded: add it to shared_preload_libraries and restart"
        }
        if !usable {
            return "the login may not use schema \(schema ?? "?"): GRANT USAGE ON SCHEMA \(schema ?? "?") TO pg_monitor"
        }
        return nil
    }

    /// The extension version each server major ships, for `check` and where no probe ran.
    static func shippedVersion(serverVersion: Int) -> String {
        switch serverVersion / 10_000 {
        case ..<13: "1.7"
        case 13: "1.8"
        case 14: "1.9"
        case 15, 16: "1.10"
        case 17: "1.11"
        default: "1.12"
        }
    }

    /// The SQL for the extension's `version`, its view in `schema` (quoted; `nil`: as the search path finds it). 1.8 split plan and execution times, 1.9 added `toplevel` and `pg_stat_statements_info`, 1.11
    /// `stats_since`.
    static func sql(version: String, schema: String? = nil) -> String {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        let at = (parts.first ?? 1) * 100 + (parts.count > 1 ? parts[1] : 0)
        // Always qualified where the probe said where: a login whose search_path leaves out public (the usual
        // hardening) would not find the view, and a schema of its own name could shadow it.
        let qualifier = schema.map { "\($0)." } ?? ""
        let toplevel = at >= 109 ? "s.toplevel" : "true"
        let times =
            at >= 108
            ? "s.total_exec_time AS total_time,\n         s.mean_exec_time AS mean_time, s.max_exec_time AS max_time"
            : "s.total_time AS total_time,\n         s.mean_time AS mean_time, s.max_time AS max_time"
        let since = at >= 111 ? ", s.stats_since" : ""
        let tracked = at >= 111 ? "\n  'seconds_tracked', round(extract(epoch FROM now() - t.stats_since))," : ""
        let info =
            at >= 109
            ? ",\n  'dealloc', (SELECT dealloc FROM \(qualifier)pg_stat_statements_info),\n"
                + "  'seconds_since_reset', (SELECT round(extract(epoch FROM now() - stats_reset)) FROM "
                + "\(qualifier)pg_stat_statements_info)"
            : ""
        return #"""
            WITH s AS (
              SELECT s.queryid, s.query, s.userid, s.dbid, \#(toplevel) AS toplevel, s.userid = (SELECT oid FROM pg_roles WHERE rolname = current_user) AS own, s.calls, \#(times), s.rows, s.shared_blks_hit, s.shared_blks_read,
                     s.temp_blks_written\#(since)
              FROM \#(qualifier)pg_stat_statements s
            ), ranked AS (
              (SELECT 1 AS ranking_order, 'total_time' AS ranking, row_number() OVER (ORDER BY total_time DESC, queryid) AS rank, *
               FROM s WHERE toplevel AND NOT own ORDER BY total_time DESC, queryid LIMIT 10)
              UNION ALL
              (SELECT 2 AS ranking_order, 'calls' AS ranking, row_number() OVER (ORDER BY calls DESC, queryid) AS rank, *
               FROM s WHERE toplevel AND NOT own ORDER BY calls DESC, queryid LIMIT 10)
              UNION ALL
              (SELECT 3 AS ranking_order, 'rows' AS ranking, row_number() OVER (ORDER BY rows DESC, queryid) AS rank, *
               FROM s WHERE toplevel AND NOT own ORDER BY rows DESC, queryid LIMIT 10)
            )
            (SELECT json_strip_nulls(json_build_object(
              'ranked_by', t.ranking, 'rank', t.rank::text,
              'total_exec_time_ms', round(t.total_time::numeric, 3), 'calls', t.calls, 'rows', t.rows,
              'mean_exec_time_ms', round(t.mean_time::numeric, 3), 'max_exec_time_ms', round(t.max_time::numeric, 3),
              'shared_blks_hit', t.shared_blks_hit, 'shared_blks_read', t.shared_blks_read,
              'temp_blks_written', t.temp_blks_written,\#(tracked)
              'queryid', t.queryid::text, 'query_database', d.datname, 'query_user', r.rolname,
              'query_text', CASE WHEN t.first THEN
                  CASE WHEN t.query ~* '(password|passwd|secret|token|api[_-]?key|authorization|credential)'
                       THEN '(not shown: the text mentions a secret)'
                       ELSE left(regexp_replace(t.query, '\s+', ' ', 'g'), 1000) END END))
            FROM (SELECT *, row_number() OVER (PARTITION BY queryid, userid, dbid ORDER BY ranking_order, rank) = 1 AS first
                  FROM ranked) t
            LEFT JOIN pg_database d ON d.oid = t.dbid LEFT JOIN pg_roles r ON r.oid = t.userid
            ORDER BY t.ranking_order, t.rank)
            UNION ALL
            SELECT json_build_object(
              'statements_tracked', count(*),
              'statements_max', current_setting('pg_stat_statements.max')::int,
              'statements_exec_time_ms', round(coalesce(sum(total_time) FILTER (WHERE toplevel AND NOT own), 0)::numeric, 3),
              'statements_calls', coalesce(sum(calls) FILTER (WHERE toplevel AND NOT own), 0),
              'statements_rows', coalesce(sum(rows) FILTER (WHERE toplevel AND NOT own), 0),
              'monitoring_exec_time_ms', round(coalesce(sum(total_time) FILTER (WHERE toplevel AND own), 0)::numeric, 3)\#(info))
            FROM s
            """#
    }
}
