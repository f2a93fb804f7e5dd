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

/// The `tables` pack (issue 28): per database (it runs in each of the customer's `databases`, with a `database`
/// dimension), the ten tables with the most dead tuples, what autovacuum is behind on, locks by mode and the
/// vacuums running; readable by `pg_monitor` (docs/tables.md).
///
/// Its alarms read three counts of the database row; everything else is a log field by default (issue 29): the
/// top tables change, and a series per table and field would cost more than the watch is worth.
enum TablesPack {
    /// The database row: what the alarms read, and counts for the log.
    static let databaseRow: [(name: String, unit: MetricUnit)] = [
        ("tables", .count), ("tables_needing_vacuum", .count), ("tables_needing_analyze", .count),
        ("tables_many_dead_tuples", .count), ("tables_autovacuum_disabled", .count), ("dead_tuples_all", .count),
        ("vacuums_running", .count), ("locks_used_percent", .percent),
    ]

    /// A top table's row (dimension `table`).
    static let tableRow: [(name: String, unit: MetricUnit)] = [
        ("dead_tuples", .count), ("live_tuples", .count), ("dead_tuple_percent", .percent),
        ("vacuum_trigger_tuples", .count), ("vacuum_due", .none), ("analyze_due", .none),
        ("autovacuum_enabled", .none), ("modified_since_analyze", .count), ("seconds_since_vacuum", .seconds),
        ("seconds_since_autovacuum", .seconds), ("seconds_since_analyze", .seconds),
        ("seconds_since_autoanalyze", .seconds), ("seq_scans", .count), ("index_scans", .count),
        ("total_bytes", .bytes),
    ]

    /// A lock mode's row (dimension `mode`), and a running vacuum's (dimensions `table`, `phase`).
    static let otherRows: [(name: String, unit: MetricUnit)] = [
        ("locks", .count), ("locks_waiting", .count), ("vacuum_heap_scanned_percent", .percent),
        ("vacuum_heap_vacuumed_percent", .percent), ("vacuum_index_passes", .count),
        ("vacuum_dead_item_ids", .count), ("vacuum_dead_item_memory_percent", .percent),
        ("vacuum_indexes_processed_percent", .percent), ("vacuum_seconds", .seconds),
        ("vacuum_is_autovacuum", .none), ("vacuum_to_prevent_wraparound", .none),
    ]

    static var units: [String: MetricUnit] {
        Dictionary(uniqueKeysWithValues: (databaseRow + tableRow + otherRows).map { ($0.name, $0.unit) })
    }

    /// Per table, cumulative since the statistics reset.
    static let counters = ["seq_scans", "index_scans"]

    /// The well-known rules' intent, as autovacuum itself decides (docs/tables.md compares them): a table past
    /// autovacuum's trigger with no vacuum running for an hour, the same for analyze, and the lock table a fifth
    /// full for five minutes.
    static let alarms: [AlarmSpec] = [
        hourly("tables_needing_vacuum"), hourly("tables_needing_analyze"),
        AlarmSpec(
            metric: "locks_used_percent", comparison: .greaterThanThreshold, periods: 5, datapointsToAlarm: 5,
            defaultThreshold: 20),
    ]

    /// Above 0 for an hour: twelve 5-minute periods, all breaching (a longer collection interval widens the
    /// period, as for any alarm whose period the catalog did not set).
    private static func hourly(_ metric: String) -> AlarmSpec {
        var spec = AlarmSpec(
            metric: metric, comparison: .greaterThanThreshold, statistic: .minimum, periods: 12, datapointsToAlarm: 12,
            period: 300, defaultThreshold: 0)
        spec.periodGiven = false
        return spec
    }

    static var definition: QueryDefinition {
        var definition = QueryDefinition(
            name: BuiltinPack.tables.rawValue, description: "PostgreSQL tables, vacuum and locks (built in)",
            versions: [], sql: "", cloudwatchDimension: BuiltinPack.tables.rawValue, units: units, alarms: alarms,
            builtin: .tables, counters: counters)
        definition.eachDatabase = true
        definition.logFields = Set(units.keys).subtracting(alarms.map(\.metric))
        return definition
    }

    /// Series per name in one database with no vacuum running: ten tables, nine lock modes, the database row.
    static var estimatedSeries: [(name: String, series: Int)] {
        databaseRow.map { ($0.name, 1) } + tableRow.map { ($0.name, 10) } + [("locks", 9), ("locks_waiting", 9)]
    }

    /// The SQL for a server of `serverVersion`: `pg_stat_progress_analyze` is 13 and later, and 17 renamed the
    /// vacuum progress's dead-tuple columns (bytes now) and added its index counts.
    static func sql(serverVersion: Int) -> String {
        let analyzing =
            serverVersion >= 130_000
            ? "analyzing AS (SELECT relid FROM pg_stat_progress_analyze WHERE datid = (SELECT oid FROM me)),"
            : "analyzing AS (SELECT NULL::oid AS relid WHERE false),"
        let vacuumProgress =
            serverVersion >= 170_000
            ? """
              'vacuum_dead_item_ids', p.num_dead_item_ids,
              'vacuum_dead_item_memory_percent', CASE WHEN p.max_dead_tuple_bytes > 0
                THEN round(100.0 * p.dead_tuple_bytes / p.max_dead_tuple_bytes, 2) ELSE 0 END,
              'vacuum_indexes_processed_percent', CASE WHEN p.indexes_total > 0
                THEN round(100.0 * p.indexes_processed / p.indexes_total, 2) ELSE 0 END,
            """
            : """
              'vacuum_dead_item_ids', p.num_dead_tuples,
              'vacuum_dead_item_memory_percent', CASE WHEN p.max_dead_tuples > 0
                THEN round(100.0 * p.num_dead_tuples / p.max_dead_tuples, 2) ELSE 0 END,
            """
        return """
            WITH me AS (SELECT oid FROM pg_database WHERE datname = current_database()),
            vacuuming AS (SELECT pid, relid FROM pg_stat_progress_vacuum WHERE datid = (SELECT oid FROM me)),
            \(analyzing)
            exclusive AS (SELECT relation FROM pg_locks
                          WHERE locktype = 'relation' AND mode = 'AccessExclusiveLock' AND database = (SELECT oid FROM me)),
            t AS (
              SELECT s.relid, s.schemaname || '.' || s.relname AS name, c.relkind, c.reltoastrelid,
                     s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze, s.seq_scan, s.idx_scan,
                     s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
                     coalesce(o.enabled, true) AS autovacuum_enabled,
                     -- autovacuum's own trigger points (autovacuum.c, relation_needs_vacanalyze), per-table reloptions first;
                     -- reltuples is -1 before the first VACUUM or ANALYZE (14+), which autovacuum takes as 0.
                     CASE WHEN coalesce(o.vac_max, current_setting('autovacuum_vacuum_max_threshold', true)::float8, -1) >= 0
                          THEN least(v.trigger, coalesce(o.vac_max, current_setting('autovacuum_vacuum_max_threshold', true)::float8))
                          ELSE v.trigger END AS vacuum_trigger,
                     coalesce(o.anl_base, current_setting('autovacuum_analyze_threshold')::float8)
                       + coalesce(o.anl_scale, current_setting('autovacuum_analyze_scale_factor')::float8)
                         * greatest(c.reltuples, 0) AS analyze_trigger,
                     s.relid IN (SELECT relid FROM vacuuming) AS is_vacuuming,
                     s.relid IN (SELECT relid FROM analyzing) AS is_analyzing
              FROM pg_stat_user_tables s
              JOIN pg_class c ON c.oid = s.relid
              CROSS JOIN LATERAL (
                SELECT bool_and(option_value::bool) FILTER (WHERE option_name = 'autovacuum_enabled') AS enabled,
                       max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_threshold')::float8 AS vac_base,
                       max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_scale_factor')::float8 AS vac_scale,
                       max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_max_threshold')::float8 AS vac_max,
                       max(option_value) FILTER (WHERE option_name = 'autovacuum_analyze_threshold')::float8 AS anl_base,
                       max(option_value) FILTER (WHERE option_name = 'autovacuum_analyze_scale_factor')::float8 AS anl_scale
                FROM pg_options_to_table(c.reloptions)) o
              CROSS JOIN LATERAL (
                SELECT coalesce(o.vac_base, current_setting('autovacuum_vacuum_threshold')::float8)
                       + coalesce(o.vac_scale, current_setting('autovacuum_vacuum_scale_factor')::float8)
                         * greatest(c.reltuples, 0) AS trigger) v
              WHERE c.relkind <> 'p' AND s.schemaname !~ '^pg_temp_'
            ),
            due AS (
              SELECT t.*, t.n_dead_tup > t.vacuum_trigger AS vacuum_due, t.n_mod_since_analyze > t.analyze_trigger AS analyze_due
              FROM t
            )
            -- The top 10 tables by dead tuples.
            SELECT json_strip_nulls(json_build_object(
              'table', CASE WHEN x.name ~ '^[ -~]+$' THEN x.name ELSE 'oid ' || x.relid END,
              'dead_tuples', x.n_dead_tup, 'live_tuples', x.n_live_tup,
              'dead_tuple_percent',
                CASE WHEN x.n_live_tup + x.n_dead_tup > 0
                  THEN round(100.0 * x.n_dead_tup / (x.n_live_tup + x.n_dead_tup), 2) ELSE 0 END,
              'vacuum_trigger_tuples', round(x.vacuum_trigger),
              'vacuum_due', x.vacuum_due, 'analyze_due', x.analyze_due,
              'autovacuum_enabled', x.autovacuum_enabled,
              'modified_since_analyze', x.n_mod_since_analyze,
              'seconds_since_vacuum', round(extract(epoch FROM now() - x.last_vacuum)),
              'seconds_since_autovacuum', round(extract(epoch FROM now() - x.last_autovacuum)),
              'seconds_since_analyze', round(extract(epoch FROM now() - x.last_analyze)),
              'seconds_since_autoanalyze', round(extract(epoch FROM now() - x.last_autoanalyze)),
              'seq_scans', x.seq_scan, 'index_scans', x.idx_scan,
              -- pg_total_relation_size takes an AccessShareLock: skipped (left out) on a table, toast or index that an
              -- AccessExclusiveLock holds or waits for, rather than queueing behind it.
              'total_bytes', CASE WHEN NOT EXISTS (
                  SELECT 1 FROM exclusive e WHERE e.relation IN (x.relid, x.reltoastrelid)
                     OR e.relation IN (SELECT indexrelid FROM pg_index WHERE indrelid = x.relid))
                THEN pg_total_relation_size(x.relid) END))
            FROM (SELECT * FROM due ORDER BY n_dead_tup DESC, relid LIMIT 10) x
            UNION ALL
            -- The database: what the default alarms read.
            SELECT json_build_object(
              'tables', count(*),
              'tables_needing_vacuum', count(*) FILTER (WHERE vacuum_due AND autovacuum_enabled AND NOT is_vacuuming),
              'tables_needing_analyze', count(*) FILTER (WHERE analyze_due AND autovacuum_enabled AND NOT is_analyzing),
              'tables_many_dead_tuples',
                count(*) FILTER (WHERE n_dead_tup > 10000 AND n_dead_tup >= 0.1 * (n_live_tup + n_dead_tup)),
              'tables_autovacuum_disabled', count(*) FILTER (WHERE NOT autovacuum_enabled),
              'dead_tuples_all', coalesce(sum(n_dead_tup), 0),
              'vacuums_running', (SELECT count(*) FROM vacuuming),
              'locks_used_percent',
                round(100.0 * (SELECT count(*) FROM pg_locks WHERE pid <> pg_backend_pid()) / (current_setting('max_locks_per_transaction')::int
                  * (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int)), 2))
            FROM due
            UNION ALL
            -- This database's locks by mode (all nine, zero included, so that the series stay the same).
            SELECT json_build_object('mode', m.mode, 'locks', coalesce(l.locks, 0), 'locks_waiting', coalesce(l.waiting, 0))
            FROM unnest(ARRAY['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock',
                              'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock', 'SIReadLock']) AS m(mode)
            LEFT JOIN (SELECT mode, count(*) AS locks, count(*) FILTER (WHERE NOT granted) AS waiting FROM pg_locks
                       WHERE database = (SELECT oid FROM me) AND pid <> pg_backend_pid() GROUP BY mode) l ON l.mode = m.mode
            UNION ALL
            -- Vacuums running in this database, at most 5 (autovacuum_max_workers is 3 by default).
            SELECT json_build_object(
              'table', CASE WHEN n.nspname || '.' || c.relname ~ '^[ -~]+$' THEN n.nspname || '.' || c.relname
                            ELSE 'oid ' || p.relid END,
              'phase', p.phase,
              'vacuum_heap_scanned_percent',
                CASE WHEN p.heap_blks_total > 0 THEN round(100.0 * p.heap_blks_scanned / p.heap_blks_total, 2) ELSE 0 END,
              'vacuum_heap_vacuumed_percent',
                CASE WHEN p.heap_blks_total > 0 THEN round(100.0 * p.heap_blks_vacuumed / p.heap_blks_total, 2) ELSE 0 END,
              'vacuum_index_passes', p.index_vacuum_count,
            \(vacuumProgress)
              'vacuum_seconds', coalesce(round(extract(epoch FROM now() - a.xact_start)), 0),
              'vacuum_is_autovacuum', a.backend_type = 'autovacuum worker',
              'vacuum_to_prevent_wraparound', coalesce(a.query LIKE '%(to prevent wraparound)%', false))
            FROM (SELECT * FROM pg_stat_progress_vacuum WHERE datid = (SELECT oid FROM me) ORDER BY pid LIMIT 5) p
            LEFT JOIN pg_class c ON c.oid = p.relid LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_stat_activity a ON a.pid = p.pid
            """
    }
}
