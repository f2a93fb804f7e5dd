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

/// sql_exporter's collectors and configuration, from the project's own example files: queries shared by metrics,
/// `value_label` unpivoted, `static_labels`, `static_value`, targets as customers (Tests/Fixtures/importers/README.md,
/// "sql-exporter").
@Suite struct SQLExporterImporterTests {
    let files = FixtureFiles("sql-exporter")

    @Test("postgres/sql_exporter.yml brings its collector_files: one query per named query, nine in all")
    func configurationAndCollectorFiles() throws {
        let catalog = try files.run(.sqlExporter, ["postgres/sql_exporter.yml"])
        #expect(
            catalog.queries.map(\.name) == [
                "database/_db_pg_stat_user_tables", "database/_db_pg_stat_activity",
                "database/_db_pg_statio_user_indexes", "database/_db_pg_statio_user_tables",
                "database/_db_pg_database_size", "server/_srv_pg_ls_waldir", "server/_srv_bgwriter",
                "server/_srv_pg_stat_database", "server/_srv_pg_locks",
            ])
        // Its targets are Unix sockets: no customer, and the report says so.
        #expect(catalog.customers.isEmpty)
        let values =
            "values: sql_exporter reads every value column as a number, text too; the catalog publishes numbers and "
            + "booleans and takes a text column for a dimension (cast a number held as text with ::numeric in the "
            + "query)"
        let socket =
            "connects through a Unix socket (no host, so libpq's default socket); the function connects over TCP: "
            + "no customer imported, add it with the server's host name as \"ip\""
        #expect(
            catalog.notes.map(\.description) == [
                "postgres/sql_exporter.yml: jobs[0].static_configs[0].targets.foo: \(socket)",
                "postgres/sql_exporter.yml: jobs[0].static_configs[0].targets.bar: \(socket)",
                "postgres/sql_exporter.yml: jobs[1].static_configs[0].targets.server: \(socket)",
                "postgres/sql_exporter.yml: the job and target labels of every sample: the Customer dimension instead",
                "postgres/sql_exporter.yml: jobs: job database runs database; job server runs server: the catalog "
                    + "runs every query for each customer of its versions; give the customers and queries of each job "
                    + "versions of their own to keep them apart",
                "postgres/postgres_database.yml: \(values)",
                "postgres/postgres_database.yml: a NULL key label: sql_exporter writes an empty label, the catalog "
                    + "skips the row's metrics (and lists them as skipped)",
                "postgres/postgres_server.yml: \(values)",
                "postgres/postgres_server.yml: a NULL key label: sql_exporter writes an empty label, the catalog "
                    + "skips the row's metrics (and lists them as skipped)",
            ])
        try Fragment.load(catalog)
    }

    @Test("_db_pg_stat_user_tables: 21 metrics of one query, relname as text, metric names, counters by type")
    func sharedQuery() throws {
        let query = try Fragment.query(
            "database/_db_pg_stat_user_tables", in: files.run(.sqlExporter, ["postgres/postgres_database.yml"]))
        #expect(query.metricNames.count == 21)
        #expect(query.metricNames["seq_scan"] == "pg_db_stat_user_tables_seq_scan")
        #expect(query.metricNames["total_size"] == "pg_db_stat_user_tables_size_bytes")
        #expect(
            query.counters == [
                "seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch", "n_tup_ins", "n_tup_upd", "n_tup_del",
                "n_tup_hot_upd", "n_mod_since_analyze", "n_ins_since_vacuum", "vacuum_count", "autovacuum_count",
                "analyze_count", "autoanalyze_count",
            ])
        #expect(
            query.sql.hasPrefix("SELECT src.relname::text AS relname,\n       src.seq_scan,\n       src.seq_tup_read,"))
        #expect(query.sql.contains("       src.total_size\n  FROM (\nSELECT\n  relname,\n"))
        #expect(query.sql.hasSuffix("FROM\n  pg_stat_user_tables\n) AS src"))
        #expect(query.description?.hasPrefix("pg_db_stat_user_tables_seq_scan: Number of sequential scans") == true)
    }

    @Test("_db_pg_database_size: one metric, its help as the description, no labels")
    func singleMetric() throws {
        let query = try Fragment.query(
            "database/_db_pg_database_size", in: files.run(.sqlExporter, ["postgres/postgres_database.yml"]))
        var expected = ImportedQuery(
            name: "database/_db_pg_database_size", versions: ["1"],
            sql: "SELECT src.size\n  FROM (\nselect pg_database_size(current_database()) as size\n) AS src")
        expected.description = "Disk space used by the database"
        expected.metricNames = ["size": "pg_db_size_bytes"]
        #expect(query == expected)
    }

    @Test("mssql io_stall: the value_label metric unpivoted, the other metric of the same query apart")
    func valueLabelUnpivot() throws {
        let catalog = try files.run(.sqlExporter, ["mssql/mssql_standard.collector.yml"])
        let stall = try Fragment.query("mssql_standard/mssql_io_stall/mssql_io_stall_seconds", in: catalog)
        var expected = ImportedQuery(
            name: "mssql_standard/mssql_io_stall/mssql_io_stall_seconds", versions: ["1"],
            sql: """
                SELECT src.db::text AS db,
                       v.name AS operation,
                       v.value AS mssql_io_stall_seconds
                  FROM (
                SELECT
                  cast(DB_Name(a.database_id) as varchar) AS [db],
                  sum(io_stall_read_ms) / 1000.0 AS [read],
                  sum(io_stall_write_ms) / 1000.0 AS [write],
                  sum(io_stall) / 1000.0 AS io_stall
                FROM
                  sys.dm_io_virtual_file_stats(null, null) a
                INNER JOIN sys.master_files b ON a.database_id = b.database_id AND a.file_id = b.file_id
                GROUP BY a.database_id
                ) AS src
                 CROSS JOIN LATERAL (VALUES ('read', src.read), ('write', src.write)) AS v(name, value)
                """)
        expected.description = "Stall time in seconds per database and I/O operation."
        expected.counters = ["mssql_io_stall_seconds"]
        #expect(stall == expected)
        let total = try Fragment.query("mssql_standard/mssql_io_stall/mssql_io_stall_total_seconds", in: catalog)
        #expect(total.metricNames == ["io_stall": "mssql_io_stall_total_seconds"] && total.counters == ["io_stall"])
        let memory = try Fragment.query("mssql_standard/mssql_os_memory", in: catalog)
        #expect(
            memory.sql.hasPrefix("SELECT v.name AS state,\n       v.value AS mssql_os_memory\n  FROM (\n")
                && memory.sql.hasSuffix(
                    " CROSS JOIN LATERAL (VALUES ('used', src.used), ('available', src.available)) AS v(name, value)")
        )
        #expect(memory.counters.isEmpty)
        #expect(catalog.queries.count == 15)
        try Fragment.load(catalog)
    }

    @Test("the annotated configuration: static_labels as dimensions, static_value as a constant, a SQL Server target")
    func documentation() throws {
        let catalog = try files.run(.sqlExporter, ["documentation-sql_exporter.yml"])
        let growths = try Fragment.query("mssql_standard/mssql_log_growths", in: catalog)
        #expect(growths.dimensions == ["env": "dev", "region": "europe"])
        #expect(growths.metricNames == ["counter": "mssql_log_growths"] && growths.counters == ["counter"])
        let hostname = try Fragment.query("mssql_standard/mssql_hostname", in: catalog)
        #expect(
            hostname.sql
                == "SELECT src.hostname::text AS hostname,\n       1 AS mssql_hostname\n  FROM (\nSELECT @@SERVERNAME AS hostname\n) AS src"
        )
        // The label holds the column's name (io_stall_read), not the comment's io_stall_read_ms.
        let stall = try Fragment.query("mssql_standard/io_stall/mssql_io_stall_seconds", in: catalog)
        #expect(
            stall.sql.contains("(VALUES ('io_stall_read', src.io_stall_read), ('io_stall_write', src.io_stall_write))"))
        #expect(catalog.customers.isEmpty)
        #expect(
            catalog.notes.map(\.line).contains(
                "target.data_source_name: a sqlserver data source, not PostgreSQL: no customer imported; the collectors "
                    + "it runs (mssql_standard) hold SQL for that database"))
        #expect(
            catalog.notes.map(\.line).contains(
                "global.scrape_timeout: per scrape, not per query (timeoutMs is a query's own limit); not carried over")
        )
        try Fragment.load(catalog)
    }

    @Test("postgres-16.yml (collectors inline) gives the same queries as the two collector files")
    func inlineCollectorsAreTheSame() throws {
        let inline = try files.run(.sqlExporter, ["postgres-16.yml"])
        let separate = try files.run(.sqlExporter, ["postgres/postgres_database.yml", "postgres/postgres_server.yml"])
        #expect(inline.queries == separate.queries)
        let both = try files.run(.sqlExporter, ["postgres/sql_exporter.yml", "postgres-16.yml"])
        #expect(both.queries == separate.queries)
        #expect(both.notes.filter { $0.line.contains("the same query as") }.count == 9)
    }

    @Test("a target with a password and labels: a customer without the password, the labels as its dimensions")
    func targetsAsCustomers() throws {
        let yaml = """
            global:
              min_interval: 90s
            jobs:
              - job_name: db
                collectors: [c]
                static_configs:
                  - targets:
                      pg2: 'postgresql://username:secret@pg-host.example.com:5433/dbname?sslmode=verify-ca&connect_timeout=5'
                    labels:
                      cluster: cluster1
            collectors:
              - collector_name: c
                metrics:
                  - metric_name: up_seconds
                    type: gauge
                    help: 'Seconds up'
                    values: [s]
                    query: SELECT 1 AS s
            """
        let catalog = try files.run(.sqlExporter, [], extra: [ImportSource(path: "e.yml", text: yaml)])
        var customer = ImportedCustomer(
            opname: "pg2", hosts: ["pg-host.example.com"], port: 5433, database: "dbname", version: "1")
        customer.user = "username"
        customer.sslmode = "verify-ca"
        customer.dimensions = ["cluster": "cluster1"]
        #expect(catalog.customers == [customer])
        #expect(!catalog.json().contains("secret"))
        let query = try Fragment.query("c/up_seconds", in: catalog)
        #expect(query.interval == 120)
        #expect(
            catalog.notes.map(\.line) == [
                "jobs[0].static_configs[0].targets.pg2: the password is not carried over (a password never goes in "
                    + "the catalog): put the login in a Secrets Manager secret ({\"username\": ..., \"password\": "
                    + "...}) and name it with \"secret\" in customer \"pg2\"",
                "jobs[0].static_configs[0].targets.pg2: sslmode verify-ca is carried over: synth warns about it; "
                    + "verify-full checks the server's certificate and name",
                "jobs[0].static_configs[0].targets.pg2: connection settings connect_timeout: no catalog equivalent; "
                    + "not carried over",
                "the job and target labels of every sample: the Customer dimension instead",
                "global.min_interval: 90 s is not an interval the catalog schedules (a divisor of 60, or whole minutes); 120 s "
                    + "instead",
                "collectors[0]: values: sql_exporter reads every value column as a number, text too; the catalog "
                    + "publishes numbers and booleans and takes a text column for a dimension (cast a number held as "
                    + "text with ::numeric in the query)",
            ])
        try Fragment.load(catalog)
    }

    @Test("a metric used twice, a timestamp_value, and no_prepared_statement")
    func aliasesAndTimestamps() throws {
        let yaml = """
            collector_name: c
            min_interval: 30s
            queries:
              - query_name: q
                query: SELECT 'a' AS k, 2 AS v, now() AS t;
                no_prepared_statement: true
            metrics:
              - {metric_name: first, type: gauge, help: one, key_labels: [k], values: [v], query_ref: q, timestamp_value: t}
              - {metric_name: second, type: counter, help: two, key_labels: [k], values: [v], query_ref: q, timestamp_value: t}
            """
        let catalog = try files.run(.sqlExporter, [], extra: [ImportSource(path: "c.yml", text: yaml)])
        var expected = ImportedQuery(
            name: "c/q", versions: ["1"],
            sql: """
                SELECT src.k::text AS k,
                       src.v,
                       src.v AS second,
                       src.t::timestamptz AS "timestamp"
                  FROM (
                SELECT 'a' AS k, 2 AS v, now() AS t
                ) AS src
                """)
        expected.description = "first: one; second: two"
        expected.metricNames = ["v": "first"]
        expected.counters = ["second"]
        expected.interval = 30
        #expect(catalog.queries == [expected])
        #expect(
            catalog.notes.map(\.line) == [
                "queries[0].no_prepared_statement: no catalog equivalent (the function runs each query as one unnamed "
                    + "statement); not carried over",
                "metrics[0].timestamp_value: carried over as the query's timestamp column: one time per row (not per "
                    + "metric), and it must lie within CloudWatch's window (14 days ago to 2 hours ahead)",
                "metrics[1].timestamp_value: carried over as the query's timestamp column: one time per row (not per "
                    + "metric), and it must lie within CloudWatch's window (14 days ago to 2 hours ahead)",
                "values: sql_exporter reads every value column as a number, text too; the catalog publishes numbers "
                    + "and booleans and takes a text column for a dimension (cast a number held as text with ::numeric "
                    + "in the query)",
                "a NULL key label: sql_exporter writes an empty label, the catalog skips the row's metrics (and lists "
                    + "them as skipped)",
            ])
        try Fragment.load(catalog)
    }

    @Test("static_value is a numeric literal in the SQL; a key label with an empty name is reported and skipped")
    func staticValueLiteral() throws {
        let yaml = """
            collector_name: c
            metrics:
              - {metric_name: up, type: gauge, help: h, static_value: 2.5, query: SELECT 1 AS one}
              - {metric_name: big, type: gauge, help: h, static_value: -7, key_labels: [""], query: SELECT 2 AS two}
            """
        let catalog = try files.run(.sqlExporter, [], extra: [ImportSource(path: "c.yml", text: yaml)])
        let sql = catalog.queries.map(\.sql).joined(separator: "\n")
        #expect(
            catalog.notes.map(\.line).contains("metrics[1].key_labels: a column with an empty name; not carried over"))
        #expect(sql.contains("2.5 AS up") && sql.contains("-7 AS big"))
        try Fragment.load(catalog)
    }

    @Test(
        "what sql_exporter refuses is Import.InvalidFile naming the key",
        arguments: [
            (
                "collector_name: c\nmetrics:\n  - {metric_name: m, type: gauge, help: h, values: [v], query: q, colour: x}\n",
                "metrics[0].colour: unknown field of a metric (sql_exporter refuses it)"
            ),
            (
                "collector_name: c\nmetrics:\n  - {metric_name: m, type: histogram, help: h, values: [v], query: q}\n",
                "metrics[0].type: histogram is not gauge or counter (sql_exporter refuses it)"
            ),
            (
                "collector_name: c\nmetrics:\n  - {metric_name: m, type: gauge, help: h, values: [v], query_ref: nope}\n",
                "metrics[0].query_ref: nope is not a query_name of the collector"
            ),
            (
                "collector_name: c\nmetrics:\n  - {metric_name: m, type: gauge, help: h, values: [a, b], query: q}\n",
                "metrics[0].value_label: is required with several values"
            ),
            (
                "collector_name: c\nmetrics:\n  - {metric_name: m, type: gauge, values: [v], query: q}\n",
                "metrics[0].help: is required"
            ),
            (
                "collector_name: c\nmin_interval: soon\nmetrics:\n  - {metric_name: m, type: gauge, help: h, values: [v], query: q}\n",
                "min_interval: \"soon\" is not a duration (30s, 5m, 1h)"
            ),
            (
                "collector_name: c\nmetrics:\n  - {metric_name: m, type: gauge, help: h, static_value: '1; DROP TABLE t', query: q}\n",
                "metrics[0].static_value: must be a finite number (sql_exporter reads it as a float64), not text"
            ),
            (
                "collector_name: c\nmetrics:\n  - {metric_name: m, type: gauge, help: h, static_value: .nan, query: q}\n",
                "metrics[0].static_value: must be a finite number (sql_exporter reads it as a float64), not a number"
            ),
            (
                "scrape: 1\n",
                "is neither a collector (collector_name) nor an exporter configuration (target, jobs, collectors)"
            ),
        ])
    func refused(yaml: String, message: String) throws {
        let error = try #require(throws: ImportError.self) {
            try files.run(.sqlExporter, [], extra: [ImportSource(path: "c.yml", text: yaml)])
        }
        #expect(error.code == .invalidFile && error.file == "c.yml" && error.message == message)
    }
}
