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
import JSON
import MetricModel

/// Query packs built into the function, which a catalog turns on with `"builtin": [...]` and no SQL to write.
public enum BuiltinPack: String, CaseIterable, Sendable {
    /// The database server's own health: connections, old transactions, wraparound, replication, size, cache,
    /// counters and locks ([docs/server-health.md]).
    case serverHealth = "server-health"
    /// Per database: the tables autovacuum is behind on, the top ten by dead tuples, locks by mode, vacuums running
    /// ([docs/tables.md]).
    case tables
    /// The statements `pg_stat_statements` holds, ranked, and the server's sums ([docs/statements.md]).
    case statements

    /// The pack as a query of the catalog: its name, units and default alarms. Its SQL is chosen when it runs,
    /// by the server's version (``sql(serverVersion:)``).
    public var definition: QueryDefinition {
        switch self {
        case .serverHealth: ServerHealth.definition
        case .tables: TablesPack.definition
        case .statements: StatementsPack.definition
        }
    }

    /// The pack's SQL for a server of `serverVersion` (libpq's `PQserverVersion`, `server_version_num`: 150004
    /// for 15.4), since the statistics views differ between releases.
    public func sql(serverVersion: Int) -> String {
        switch self {
        case .serverHealth: ServerHealth.sql(serverVersion: serverVersion)
        case .tables: TablesPack.sql(serverVersion: serverVersion)
        // The extension version the major ships; where the function runs the pack, its probe reads the real one.
        case .statements: StatementsPack.sql(version: StatementsPack.shippedVersion(serverVersion: serverVersion))
        }
    }

    /// Series one customer's run writes, for the cost estimate: each published name and how many series it
    /// makes on a primary of the newest major without replicas (five connection states, two databases). A
    /// standby adds its replay lag; each replica and slot adds its own.
    public var estimatedSeries: [(name: String, series: Int)] {
        switch self {
        case .serverHealth: ServerHealth.estimatedSeries
        case .tables: TablesPack.estimatedSeries
        case .statements: StatementsPack.estimatedSeries
        }
    }

    /// The `statements` pack's probe: whether `pg_stat_statements` is installed, loaded and usable, its version and
    /// schema (one row: `installed`, `loaded`, `extversion`, `schema`, `usable`).
    public static var statementsProbe: String { StatementsPack.probe }

    /// The `statements` pack as it runs on a server whose probe answered `version` and `schema`: its SQL for that
    /// extension, or why it cannot run.
    public static func statements(
        installed: Bool, loaded: Bool, usable: Bool, version: String?, schema: String?
    ) -> Result<String, StatementsUnavailable> {
        if let reason = StatementsPack.unavailable(installed: installed, loaded: loaded, usable: usable, schema: schema)
        {
            return .failure(StatementsUnavailable(reason: reason))
        }
        return .success(StatementsPack.sql(version: version ?? "1.12", schema: schema))
    }

    /// Why the `statements` pack cannot run on a server.
    public struct StatementsUnavailable: Error, Sendable {
        public var reason: String
    }

    /// Log bytes one run writes (a database's, for a pack that runs in each), measured on test servers
    /// (docs/tables.md, docs/statements.md): its rows' lines with their log fields, and the statements' texts.
    public var logBytesPerRun: Int {
        switch self {
        case .serverHealth: 2_500
        case .tables: 4_000
        case .statements: 20_000
        }
    }

    /// The names of its rows' dimensions (its text fields), which a catalog's dimensions may not take and the
    /// saved Logs Insights queries show.
    public var rowDimensions: [String] {
        switch self {
        case .serverHealth: ["database", "replica", "slot", "state"]
        case .tables: ["mode", "phase", "table"]
        case .statements: ["rank", "ranked_by"]
        }
    }

    /// The row dimensions every series of the pack's `metric` carries, which an alarm on it must name to watch a
    /// series that exists (`builtinAlarms`); none for the server-wide rows.
    func rowDimensions(of metric: String) -> [String] {
        switch self {
        case .serverHealth:
            switch metric {
            case "connections": ["state"]
            case "database_size_bytes", "xid_age", "database_wraparound_headroom_percent": ["database"]
            case _ where metric.hasPrefix("replica_"): ["replica"]
            case _ where metric.hasPrefix("slot_"): ["slot"]
            default: []
            }
        case .tables:
            if TablesPack.tableRow.contains(where: { $0.name == metric }) {
                ["table"]
            } else if ["locks", "locks_waiting"].contains(metric) {
                ["mode"]
            } else if metric.hasPrefix("vacuum_") {
                ["table", "phase"]
            } else {
                []
            }
        case .statements:
            StatementsPack.statementRow.contains(where: { $0.name == metric }) ? ["ranked_by", "rank"] : []
        }
    }

    /// The estimate's series of `definition` (this pack as a catalog runs it, ``Catalog/pack(_:)``), split into
    /// metrics and log fields by its ``QueryDefinition/isLogOnly(_:)``.
    public func estimatedSeries(as definition: QueryDefinition) -> (metrics: Int, logFields: Int) {
        var split = (metrics: 0, logFields: 0)
        for (name, series) in estimatedSeries {
            if definition.isLogOnly(name) { split.logFields += series } else { split.metrics += series }
        }
        return split
    }
}

extension BuiltinPack {
    /// The pack a catalog map's key names (`builtinAlarms`, `builtinPublish`).
    static func named(_ name: String, in key: String) throws(CatalogError) -> BuiltinPack {
        guard let pack = BuiltinPack(rawValue: name) else {
            throw CatalogError(
                .invalid, "catalog: \(key).\(name) is not one of \(BuiltinPack.allCases.map(\.rawValue))")
        }
        return pack
    }

    /// Why `metric` is no metric of this pack, with the nearest one; `nil` when it is one.
    func metricProblem(_ metric: String) -> String? {
        let units = definition.units
        guard units[metric] == nil else { return nil }
        return "\(metric) is no metric of the pack"
            + (NearestName.nearest(metric, among: Array(units.keys)).map { "; did you mean \($0)?" } ?? "")
    }

    /// Reads a `builtin` list of pack names.
    static func list(in fields: JSONObject, place: String) throws(CatalogError) -> [BuiltinPack] {
        var packs: [BuiltinPack] = []
        for name in try FieldReader(fields: fields, place: place).textList("builtin") {
            guard let pack = BuiltinPack(rawValue: name) else {
                throw CatalogError(
                    .invalid, "\(place): builtin \"\(name)\" is not one of \(BuiltinPack.allCases.map(\.rawValue))")
            }
            if !packs.contains(pack) { packs.append(pack) }
        }
        return packs
    }
}

/// The `server-health` pack: one statement, one JSON object per row (the `row_to_json` form: numbers are metrics,
/// strings dimensions), so that every part of it is one round trip within the query's read-only transaction and
/// statement timeout. Every view it reads is open to the `pg_monitor` role.
enum ServerHealth {
    /// 2^31: transaction IDs wrap around at this age; PostgreSQL stops new ones some million before it.
    static let wraparoundAge = "2147483648"

    /// The metrics of the server-wide row, with their units.
    static let serverWideMetrics: [(name: String, unit: MetricUnit)] = [
        ("max_connections", .count), ("connections_used_percent", .percent),
        ("idle_in_transaction_sessions", .count), ("oldest_transaction_seconds", .seconds),
        ("oldest_idle_in_transaction_seconds", .seconds), ("locks_waiting", .count),
        ("wraparound_headroom_percent", .percent), ("cache_hit_percent", .percent), ("is_standby", .none),
        ("deadlocks", .count), ("xact_commit", .count), ("xact_rollback", .count), ("temp_bytes", .bytes),
        ("checkpoints_timed", .count), ("checkpoints_requested", .count), ("replay_lag_seconds", .seconds),
        ("replay_lag_bytes", .bytes), ("wal_receiver_streaming", .none), ("wal_bytes", .bytes),
        ("io_reads", .count),
        ("io_writes", .count),
    ]

    static var units: [String: MetricUnit] {
        var units = Dictionary(uniqueKeysWithValues: serverWideMetrics.map { ($0.name, $0.unit) })
        units["connections"] = .count
        units["database_size_bytes"] = .bytes
        units["xid_age"] = .count
        units["database_wraparound_headroom_percent"] = .percent
        units["replica_lag_seconds"] = .seconds
        units["replica_lag_bytes"] = .bytes
        units["replica_streaming"] = .none
        units["slot_retained_bytes"] = .bytes
        units["slot_active"] = .none
        return units
    }

    /// The pack as a query: its units, counters, default alarms, and what it keeps as log fields.
    static var definition: QueryDefinition {
        var definition = QueryDefinition(
            name: BuiltinPack.serverHealth.rawValue, description: "PostgreSQL server health (built in)",
            versions: [], sql: "", cloudwatchDimension: BuiltinPack.serverHealth.rawValue, units: units,
            alarms: alarms, builtin: .serverHealth, counters: counters)
        definition.logFields = Set(units.keys).subtracting(alarms.map(\.metric)).subtracting(dashboardCounters)
        return definition
    }

    /// The counters the pack's dashboard widget draws as rates, so metrics by default: the ones the well-known
    /// PostgreSQL alert rules read (deadlocks, the rollback and commit rates). The other counters are log fields
    /// (docs/server-health.md) until the catalog publishes them (`builtinPublish`) or an alarm reads them.
    static let dashboardCounters = ["deadlocks", "xact_commit", "xact_rollback"]

    /// Names published only on a standby.
    static let standbyOnly: Set<String> = ["replay_lag_seconds", "replay_lag_bytes", "wal_receiver_streaming"]

    /// Series per name on a primary of the newest major without replicas: the server-wide row, five connection
    /// states, two databases.
    static var estimatedSeries: [(name: String, series: Int)] {
        serverWideMetrics.map(\.name).filter { !standbyOnly.contains($0) }.map { ($0, 1) }
            + [
                ("connections", 5), ("database_size_bytes", 2), ("xid_age", 2),
                ("database_wraparound_headroom_percent", 2),
            ]
    }

    /// The counters, published as they are: dashboards and alarms take their rate with metric math.
    static let counters = [
        "deadlocks", "xact_commit", "xact_rollback", "temp_bytes", "checkpoints_timed", "checkpoints_requested",
        "wal_bytes", "io_reads", "io_writes",
    ]

    /// The default alarms, on the server-wide row (dimensions `Customer` and `Query` only). A customer's
    /// `thresholds[metric]` overrides each default threshold.
    static let alarms: [AlarmSpec] = [
        AlarmSpec(
            metric: "connections_used_percent", comparison: .greaterThanThreshold, defaultThreshold: 80),
        AlarmSpec(
            metric: "wraparound_headroom_percent", comparison: .lessThanThreshold, statistic: .minimum,
            defaultThreshold: 20),
        // A primary publishes no replay lag: its alarm stays OK rather than INSUFFICIENT_DATA.
        AlarmSpec(
            metric: "replay_lag_seconds", comparison: .greaterThanThreshold, missingData: .notBreaching,
            defaultThreshold: 60),
        AlarmSpec(
            metric: "oldest_idle_in_transaction_seconds", comparison: .greaterThanThreshold, defaultThreshold: 600),
    ]

    static func sql(serverVersion: Int) -> String {
        let clients = "backend_type = 'client backend'"
        let checkpoints =
            serverVersion >= 170_000
            ? "SELECT num_timed AS timed, num_requested AS requested FROM pg_stat_checkpointer"
            : "SELECT checkpoints_timed AS timed, checkpoints_req AS requested FROM pg_stat_bgwriter"
        var parts = [
            // Connections by state.
            """
            SELECT json_build_object('state', coalesce(state, 'unknown'), 'connections', count(*))
            FROM pg_stat_activity WHERE \(clients) GROUP BY state
            """,
            // The server-wide row.
            """
            SELECT json_build_object(
              'max_connections', current_setting('max_connections')::int,
              'connections_used_percent',
                100.0 * (SELECT count(*) FROM pg_stat_activity WHERE \(clients))
                / current_setting('max_connections')::int,
              'idle_in_transaction_sessions',
                (SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'),
              'oldest_transaction_seconds',
                coalesce((SELECT extract(epoch FROM max(now() - xact_start)) FROM pg_stat_activity
                          WHERE \(clients) AND pid <> pg_backend_pid()), 0),
              'oldest_idle_in_transaction_seconds',
                coalesce((SELECT extract(epoch FROM max(now() - state_change)) FROM pg_stat_activity
                          WHERE state LIKE 'idle in transaction%'), 0),
              'locks_waiting', (SELECT count(*) FROM pg_locks WHERE NOT granted),
              'wraparound_headroom_percent',
                (SELECT 100.0 * (1 - max(age(datfrozenxid))::float8 / \(wraparoundAge)) FROM pg_database
                 WHERE datallowconn),
              'cache_hit_percent', CASE WHEN d.hit + d.read > 0 THEN 100.0 * d.hit / (d.hit + d.read) ELSE 100 END,
              'is_standby', pg_is_in_recovery(),
              'deadlocks', d.deadlocks, 'xact_commit', d.commits, 'xact_rollback', d.rollbacks,
              'temp_bytes', d.temp_bytes, 'checkpoints_timed', c.timed, 'checkpoints_requested', c.requested)
            FROM (SELECT sum(blks_hit) AS hit, sum(blks_read) AS read, sum(deadlocks) AS deadlocks,
                         sum(xact_commit) AS commits, sum(xact_rollback) AS rollbacks, sum(temp_bytes) AS temp_bytes
                  FROM pg_stat_database) d, (\(checkpoints)) c
            """,
            // Per database: size, transaction ID age and headroom.
            """
            SELECT json_build_object('database', datname, 'database_size_bytes', pg_database_size(datname),
              'xid_age', age(datfrozenxid),
              'database_wraparound_headroom_percent', 100.0 * (1 - age(datfrozenxid)::float8 / \(wraparoundAge)))
            FROM pg_database WHERE datallowconn AND NOT datistemplate
            """,
            // On a standby: how far replay is behind. While the WAL receiver streams, everything received being
            // replayed is no lag, however long ago the last transaction was; when it does not stream (the link to
            // the primary is down), the lag is the time since the last replayed transaction, and it grows.
            """
            SELECT json_build_object(
              'wal_receiver_streaming', r.streaming,
              'replay_lag_seconds',
                CASE WHEN r.streaming AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                     ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END,
              'replay_lag_bytes',
                coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0))
            FROM (SELECT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS streaming) r
            WHERE pg_is_in_recovery()
            """,
            // On a primary: each replica's lag and state.
            """
            SELECT json_build_object(
              'replica', coalesce(nullif(application_name, ''), 'unnamed') || '@' || coalesce(host(client_addr), 'local'),
              'replica_lag_bytes', coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0),
              'replica_lag_seconds', coalesce(extract(epoch FROM replay_lag), 0),
              'replica_streaming', state = 'streaming')
            FROM pg_stat_replication WHERE NOT pg_is_in_recovery()
            """,
            // Replication slots and the WAL each holds back.
            """
            SELECT json_build_object('slot', slot_name,
              'slot_retained_bytes', coalesce(pg_wal_lsn_diff(
                CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,
                restart_lsn), 0),
              'slot_active', active)
            FROM pg_replication_slots WHERE restart_lsn IS NOT NULL
            """,
        ]
        if serverVersion >= 140_000 {
            parts.append("SELECT json_build_object('wal_bytes', wal_bytes) FROM pg_stat_wal")
        }
        if serverVersion >= 160_000 {
            parts.append(
                "SELECT json_build_object('io_reads', coalesce(sum(reads), 0), 'io_writes', coalesce(sum(writes), 0)) FROM pg_stat_io"
            )
        }
        return parts.joined(separator: "\nUNION ALL\n")
    }
}
