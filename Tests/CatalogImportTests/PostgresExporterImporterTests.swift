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

import Testing

@testable import CatalogImport

/// postgres_exporter's `queries.yaml`, from the project's own example files: what each namespace becomes, and the
/// report of what does not carry over (Tests/Fixtures/importers/README.md, "postgres-exporter").
@Suite struct PostgresExporterImporterTests {
    let files = FixtureFiles("postgres-exporter")

    @Test("queries-v0.10.1.yaml: seven namespaces, seven queries in the file's order, and a fragment the catalog loads")
    func namespacesInOrder() throws {
        let catalog = try files.run(.postgresExporter, ["queries-v0.10.1.yaml"])
        #expect(
            catalog.queries.map(\.name) == [
                "pg_replication", "pg_postmaster", "pg_stat_user_tables", "pg_statio_user_tables", "pg_database",
                "pg_stat_statements", "pg_process_idle",
            ])
        #expect(catalog.customers.isEmpty)
        #expect(catalog.queries.allSatisfy { $0.versions == ["1"] })
        try Fragment.load(catalog)
    }

    @Test("pg_database: the label cast to text, the value converted as dbToFloat64 does, cache_seconds as interval")
    func pgDatabase() throws {
        let query = try Fragment.query("pg_database", in: files.run(.postgresExporter, ["queries-v0.10.1.yaml"]))
        var expected = ImportedQuery(
            name: "pg_database", versions: ["1"],
            sql: """
                SELECT src.datname::text AS datname,
                       (conv.v ->> 'size_bytes')::float8 AS size_bytes
                  FROM (
                SELECT pg_database.datname, pg_database_size(pg_database.datname) as size_bytes FROM pg_database
                ) AS src
                 CROSS JOIN LATERAL (
                    SELECT jsonb_object_agg(n.key, CASE
                             WHEN n.num = 0 OR abs(n.num) BETWEEN 2.2250738585072014e-308 AND 1.7976931348623157e308
                               THEN n.num::float8
                           END) AS v
                      FROM (SELECT f.key, CASE
                              WHEN jsonb_typeof(f.value) = 'number' THEN f.value::numeric
                              WHEN jsonb_typeof(f.value) = 'boolean' THEN CASE WHEN f.value::boolean THEN 1 ELSE 0 END
                              WHEN jsonb_typeof(f.value) <> 'string' THEN NULL
                              WHEN f.value #>> '{}' ~ '^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]{1,3})?$'
                                THEN CASE WHEN length(f.value #>> '{}') <= 300 THEN (f.value #>> '{}')::numeric END
                              WHEN f.value #>> '{}' ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?([-+][0-9]{2}(:[0-5][0-9]){0,2})?)?$'
                                THEN CASE WHEN left(f.value #>> '{}', 4) <> '0000' THEN CASE
                                  WHEN substr(f.value #>> '{}', 9, 2)::int <= extract(day FROM make_date(
                                         left(f.value #>> '{}', 4)::int, substr(f.value #>> '{}', 6, 2)::int, 1)
                                         + interval '1 month' - interval '1 day')
                                    THEN floor(extract(epoch FROM (f.value #>> '{}')::timestamptz))::numeric
                                END END
                            END AS num
                              FROM jsonb_each(to_jsonb(src)) AS f
                             WHERE f.key IN ('size_bytes')) AS n
                  ) AS conv
                """)
        expected.description = "datname: Name of the database; size_bytes: Disk space used by the database"
        expected.interval = 30
        #expect(query == expected)
    }

    @Test("pg_stat_user_tables: three labels as text, the COUNTER columns as counters, the GAUGE ones plain")
    func pgStatUserTables() throws {
        let query = try Fragment.query(
            "pg_stat_user_tables", in: files.run(.postgresExporter, ["queries-v0.10.1.yaml"]))
        #expect(
            query.counters == [
                "seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch", "n_tup_ins", "n_tup_upd", "n_tup_del",
                "n_tup_hot_upd", "vacuum_count", "autovacuum_count", "analyze_count", "autoanalyze_count",
            ])
        #expect(
            query.sql.hasPrefix(
                """
                SELECT src.datname::text AS datname,
                       src.schemaname::text AS schemaname,
                       src.relname::text AS relname,
                       (conv.v ->> 'seq_scan')::float8 AS seq_scan,
                """))
        // The COALESCE(last_vacuum, '1970-01-01Z') timestamps are selected like any value: conv makes them seconds.
        #expect(query.sql.contains("(conv.v ->> 'last_vacuum')::float8 AS last_vacuum,"))
        #expect(query.sql.contains("  pg_stat_user_tables\n) AS src\n CROSS JOIN LATERAL ("))
        #expect(query.metricNames.isEmpty && query.dimensions.isEmpty && query.interval == nil)
        #expect(query.description?.hasPrefix("datname: Name of current database; schemaname: ") == true)
    }

    @Test("pg_stat_statements: the bigint queryid label is cast to text, so it is a dimension and not a metric")
    func queryIDLabel() throws {
        let query = try Fragment.query(
            "pg_stat_statements", in: files.run(.postgresExporter, ["queries-v0.10.1.yaml"]))
        #expect(query.sql.contains("src.queryid::text AS queryid,\n       (conv.v ->> 'calls')::float8 AS calls,"))
        #expect(query.counters.first == "calls" && !query.counters.contains("min_time_seconds"))
    }

    @Test("the report of queries-v0.10.1.yaml, line for line")
    func report() throws {
        let catalog = try files.run(.postgresExporter, ["queries-v0.10.1.yaml"])
        #expect(
            catalog.notes.map(\.line) == [
                "pg_process_idle.seconds: usage HISTOGRAM: no catalog equivalent (its bucket arrays are skipped); "
                    + "seconds_sum and seconds_count are imported as metrics",
                "master is false for pg_stat_user_tables, pg_statio_user_tables, pg_process_idle: with "
                    + "--auto-discover-databases postgres_exporter ran them in every database; imported to run once, in "
                    + "the customer's database (add \"eachDatabase\": true, and the customer's \"databases\", to run "
                    + "one in each)",
                "metric names: postgres_exporter's <namespace>_<column> is metric <column> with dimension "
                    + "Query=<namespace> here (metricNames can give the Prometheus names back)",
                "the server label and --constantLabels: the Customer dimension and the customer's \"dimensions\" "
                    + "instead",
                "columns a query returns that its metrics do not list: postgres_exporter exports the numeric ones as "
                    + "untyped metrics; the import selects the listed columns only (list them to keep them)",
                "NULL: postgres_exporter exports a NaN sample, and an empty label for a NULL label; the catalog skips "
                    + "the value, and the row's metrics for a NULL label, and lists them as skipped",
            ])
        #expect(catalog.notes.allSatisfy { $0.file == "queries-v0.10.1.yaml" })
    }

    @Test("pg_process_idle: the HISTOGRAM is reported, its _sum and _count kept as metrics")
    func histogram() throws {
        let query = try Fragment.query("pg_process_idle", in: files.run(.postgresExporter, ["queries-v0.10.1.yaml"]))
        #expect(
            query.sql.hasPrefix(
                """
                SELECT src.application_name::text AS application_name,
                       (conv.v ->> 'seconds_sum')::float8 AS seconds_sum,
                       (conv.v ->> 'seconds_count')::float8 AS seconds_count
                  FROM (
                WITH
                """))
        #expect(query.counters.isEmpty)
    }

    @Test("user_queries_ok.yaml: pg_locks_mode loses its trailing semicolon inside the wrapper; pg_wal is imported too")
    func trailingSemicolon() throws {
        let catalog = try files.run(.postgresExporter, ["user_queries_ok.yaml"])
        #expect(catalog.queries.map(\.name) == ["pg_locks_mode", "pg_wal"])
        let locks = try Fragment.query("pg_locks_mode", in: catalog)
        #expect(locks.sql.contains("AccessExclusiveLock, ShareUpdateExclusiveLock}'::text[]) lockmodes\n) AS src"))
        #expect(
            locks.sql.hasPrefix("SELECT src.datname::text AS datname,\n       src.tag_lockmode::text AS tag_lockmode,"))
        let wal = try Fragment.query("pg_wal", in: catalog)
        #expect(wal.counters == ["xlog_location_b"] && wal.sql.contains("as xlog_location_b\n) AS src"))
        try Fragment.load(catalog)
    }

    @Test("user_queries_test.yaml: every HISTOGRAM is reported; companions that are histograms themselves are not kept")
    func brokenHistograms() throws {
        let catalog = try files.run(.postgresExporter, ["user_queries_test.yaml"])
        let lines = catalog.notes.map(\.line).filter { $0.hasPrefix("random.") }
        #expect(
            lines == [
                "random.histogram: usage HISTOGRAM: no catalog equivalent (its bucket arrays are skipped); "
                    + "histogram_sum and histogram_count are imported as metrics",
                "random.missing: usage HISTOGRAM: no catalog equivalent (its bucket arrays are skipped); not imported",
                "random.missing_sum: usage HISTOGRAM: no catalog equivalent (its bucket arrays are skipped); "
                    + "missing_sum_sum and missing_sum_count are imported as metrics",
                "random.missing_count: usage HISTOGRAM: no catalog equivalent (its bucket arrays are skipped); "
                    + "missing_count_sum and missing_count_count are imported as metrics",
                "random.unexpected_sum: usage HISTOGRAM: no catalog equivalent (its bucket arrays are skipped); "
                    + "unexpected_sum_sum and unexpected_sum_count are imported as metrics",
                "random.unexpected_count: usage HISTOGRAM: no catalog equivalent (its bucket arrays are skipped); "
                    + "unexpected_count_sum and unexpected_count_count are imported as metrics",
                "random.unexpected_bytes: usage HISTOGRAM: no catalog equivalent (its bucket arrays are skipped); "
                    + "unexpected_bytes_sum and unexpected_bytes_count are imported as metrics",
            ])
        try Fragment.load(catalog)
    }

    @Test("v0.12.1 after v0.10.1: the same namespaces are imported once, with one line each and none of their own")
    func sameAgain() throws {
        let catalog = try files.run(.postgresExporter, ["queries-v0.10.1.yaml", "queries-v0.12.1.yaml"])
        #expect(catalog.queries.count == 7)
        let later = catalog.notes.filter { $0.file == "queries-v0.12.1.yaml" }.map(\.line)
        #expect(
            later
                == [
                    "pg_replication", "pg_postmaster", "pg_stat_user_tables", "pg_statio_user_tables",
                    "pg_stat_statements", "pg_process_idle",
                ].map { "\($0): the same query as \"\($0)\" imported already; imported once" })
    }

    @Test("usages with no equivalent, unknown keys, runonserver, and a cache_seconds the schedule cannot run")
    func usagesAndKeys() throws {
        let yaml = """
            pg_custom:
              query: "SELECT 'a' AS l, 1 AS g, '5s' AS d, 'x' AS m, 2 AS c, 3 AS other"
              master: true
              cache_seconds: 45
              runonserver: ">=10.0.0"
              colour: blue
              metrics:
                - l: {usage: "LABEL"}
                - g: {usage: "GAUGE", metric_mapping: {a: 1}}
                  d: {usage: "DURATION"}
                - m: {usage: "MAPPEDMETRIC"}
                - c: {usage: "counter"}
                - other: {usage: "DISCARD", pg_version: "x"}
            """
        let catalog = try files.run(.postgresExporter, [], extra: [ImportSource(path: "q.yaml", text: yaml)])
        let query = try Fragment.query("pg_custom", in: catalog)
        #expect(query.interval == 60 && query.counters.isEmpty)
        #expect(query.sql.hasPrefix("SELECT src.l::text AS l,\n       (conv.v ->> 'g')::float8 AS g\n  FROM (\n"))
        #expect(
            Array(catalog.notes.map(\.line).prefix(8)) == [
                "pg_custom.colour: postgres_exporter does not read this key; not carried over",
                "pg_custom.g.metric_mapping: postgres_exporter drops it for user queries (parseUserQueries); not "
                    + "carried over",
                "pg_custom.d: usage DURATION: the column's Go duration text (\"300ms\", \"1h2m3s\") has no catalog "
                    + "equivalent; not imported (postgres_exporter published pg_custom_d_milliseconds; give the "
                    + "milliseconds as a number in the query instead)",
                "pg_custom.m: usage MAPPEDMETRIC: postgres_exporter produces no sample for it from a user file (its "
                    + "metric_mapping is dropped); not imported",
                "pg_custom.c: usage counter is not one postgres_exporter knows (LABEL, GAUGE, COUNTER, DISCARD, "
                    + "DURATION, MAPPEDMETRIC, HISTOGRAM): it discards the column; not imported",
                "pg_custom.other.pg_version: postgres_exporter drops it for user queries; not carried over",
                "pg_custom.cache_seconds: 45 s is not an interval the catalog schedules (a divisor of 60, or whole "
                    + "minutes); 60 s instead as the query's interval",
                "pg_custom.runonserver: a PostgreSQL version range: no catalog equivalent (and no effect in "
                    + "postgres_exporter, which never applies it); not carried over",
            ])
        try Fragment.load(catalog)
    }

    @Test("the conversion reads the value columns only; a date-like label and text a float8 cannot hold fail nothing")
    func conversionOnlyValues() throws {
        let yaml = """
            pg_backup:
              query: "SELECT 'nightly-2024' AS kind, '2024-13-01 (failed)'::text AS note, 5 AS size, '1e400' AS big"
              metrics:
                - kind: {usage: LABEL}
                - size: {usage: GAUGE}
                - big: {usage: GAUGE}
                - "": {usage: GAUGE}
            """
        let catalog = try files.run(.postgresExporter, [], extra: [ImportSource(path: "q.yaml", text: yaml)])
        let query = try Fragment.query("pg_backup", in: catalog)
        #expect(query.sql.contains("WHERE f.key IN ('size', 'big')) AS n"))
        #expect(query.sql.contains("abs(n.num) BETWEEN 2.2250738585072014e-308 AND 1.7976931348623157e308"))
        #expect(!query.sql.contains("'^[0-9]{4}-[0-9]{2}-[0-9]{2}'"))
        #expect(
            catalog.notes.map(\.line).contains("pg_backup.metrics[3]: a column with an empty name; not carried over"))
        try Fragment.load(catalog)
    }

    @Test("a namespace without a query, or with only labels, is reported and not imported")
    func nothingToPublish() throws {
        let yaml = """
            empty:
              metrics: [{a: {usage: GAUGE}}]
            labels:
              query: "SELECT 'a' AS a"
              master: true
              metrics: [{a: {usage: LABEL}}]
            two:
              query: "SELECT 1 AS a; SELECT 2 AS a"
              master: true
              metrics: [{a: {usage: GAUGE}}]
            """
        let catalog = try files.run(.postgresExporter, [], extra: [ImportSource(path: "q.yaml", text: yaml)])
        #expect(catalog.queries.isEmpty)
        #expect(
            catalog.notes.map(\.line) == [
                "empty: has no query: postgres_exporter produces nothing for it; not imported",
                "labels: no GAUGE or COUNTER column: nothing to publish; not imported",
                "two.query: holds 2 statements; a catalog query is one; not imported",
            ])
    }

    @Test("a file that is not YAML, or not a mapping of namespaces, is Import.InvalidFile naming the file")
    func invalidFiles() throws {
        let error = try #require(throws: ImportError.self) {
            try files.run(.postgresExporter, [], extra: [ImportSource(path: "bad.yaml", text: "a: [1,\n")])
        }
        #expect(error.code == .invalidFile && error.file == "bad.yaml")
        #expect(error.message.hasPrefix("is not YAML: "))
        let list = try #require(throws: ImportError.self) {
            try files.run(.postgresExporter, [], extra: [ImportSource(path: "list.yaml", text: "- a\n- b\n")])
        }
        #expect(
            list.description == "Import.InvalidFile: list.yaml: the file: must be a mapping of namespaces to queries")
        let master = try #require(throws: ImportError.self) {
            try files.run(
                .postgresExporter, [],
                extra: [ImportSource(path: "m.yaml", text: "ns:\n  query: SELECT 1 AS a\n  master: [1]\n")])
        }
        #expect(master.message == "ns.master: must be true or false, not a list")
    }
}
