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

/// The Datadog postgres check's `conf.yaml`, from the check's example configuration and its integration test's
/// instances: positional columns, tags, `use_global_custom_queries`, instances as customers
/// (Tests/Fixtures/importers/README.md, "datadog").
@Suite struct DatadogImporterTests {
    let files = FixtureFiles("datadog")

    /// The query of the check's `test_custom_queries`, taken from the test file so that the test runs the check's
    /// own SQL.
    func testQuery() throws -> String {
        let query = "SELECT letter, num FROM (VALUES (97, 'a'), (98, 'b'), (99, 'c')) AS t (num,letter)"
        #expect(try files.read("test_custom_metrics.py.txt").contains("\"\(query)\""))
        return query
    }

    /// `test_both_global_and_instance_custom_queries` as a conf.yaml: the test's instance (conftest.py's `INSTANCE`,
    /// Tests/Fixtures/importers/README.md) with its custom_queries, and init_config's global ones.
    func testConfiguration(use: String) throws -> ImportSource {
        let query = try testQuery()
        let yaml = """
            init_config:
              global_custom_queries:
                - metric_prefix: global_custom
                  query: "\(query)"
                  columns: [{name: customtag, type: tag}, {name: num, type: gauge}]
                  tags: ['query:global_custom']
            instances:
              - host: localhost
                port: 5432
                username: datadog
                password: datadog
                dbname: datadog_test
                tags: ['foo:bar']
                disable_generic_tags: true
                use_global_custom_queries: '\(use)'
                custom_queries:
                  - metric_prefix: custom
                    query: "\(query)"
                    columns: [{name: customtag, type: tag}, {name: num, type: gauge}]
                    tags: ['query:custom']
            """
        return ImportSource(path: "conf.yaml", text: yaml)
    }

    @Test("test_custom_queries: the README's catalog form, custom.num with customtag, query and the instance's foo")
    func customQuery() throws {
        let catalog = try CatalogImporter(format: .datadog, files: files).run([testConfiguration(use: "false")])
        var expected = ImportedQuery(
            name: "custom", versions: ["1"],
            sql: """
                SELECT src.c1::text AS customtag,
                       src.c2 AS num
                  FROM (
                SELECT letter, num FROM (VALUES (97, 'a'), (98, 'b'), (99, 'c')) AS t (num,letter)
                ) AS src(c1, c2)
                """)
        expected.metricNames = ["num": "custom.num"]
        expected.dimensions = ["query": "custom"]
        #expect(catalog.queries == [expected])
        var customer = ImportedCustomer(
            opname: "localhost/datadog_test", hosts: ["localhost"], port: nil, database: "datadog_test", version: "1")
        customer.user = "datadog"
        customer.dimensions = ["foo": "bar"]
        #expect(catalog.customers == [customer])
        #expect(!catalog.json().contains("password"))
        #expect(
            catalog.notes.map(\.line) == [
                "instances[0]: not about custom queries, not carried over: disable_generic_tags",
                "instances[0]: the password is not carried over (a password never goes in the catalog): put the login "
                    + "in a Secrets Manager secret ({\"username\": ..., \"password\": ...}) and name it with "
                    + "\"secret\" in customer \"localhost/datadog_test\"",
                "instances[0]: no sslmode: the check connected with allow (its default), the catalog's default is "
                    + "verify-full (the server's certificate checked against a CA): give \"sslmode\" where the server "
                    + "has no such certificate",
                "instances[0].min_collection_interval: not set: the check ran every 15 s, the customer's interval is "
                    + "the catalog's default, 60 s (give \"interval\": 15 for the same)",
                "instances[0]: the check's own tags (db, port, postgresql_version, replication_role, ...): the "
                    + "Customer and Query dimensions instead",
                "instances[0]: values: the check takes float() of every value column, text too, and skips a row with "
                    + "one that is not a number; the catalog publishes numbers and booleans and takes a text column "
                    + "for a dimension (cast a number held as text with ::numeric in the query); a query that returns "
                    + "more columns than \"columns\" lists gives nothing in the check, and its extra columns are "
                    + "ignored here",
            ])
        try Fragment.load(catalog)
    }

    @Test(
        "use_global_custom_queries as the newer check resolves it",
        arguments: [
            ("extend", ["custom", "global_custom"]),
            ("false", ["custom"]),
            // QueryManager: the global queries only where the instance has none.
            ("true", ["custom"]),
        ])
    func globalQueries(use: String, names: [String]) throws {
        let catalog = try CatalogImporter(format: .datadog, files: files).run([testConfiguration(use: use)])
        #expect(catalog.queries.map(\.name) == names)
        #expect(
            catalog.notes.map(\.line).contains(
                "instances[0].use_global_custom_queries: true: the newer check (QueryManager) runs the global queries "
                    + "only where an instance has none of its own, so the instance's are imported; the July 2024 check "
                    + "and the docs ran the global ones instead") == (use == "true"))
        try Fragment.load(catalog)
    }

    @Test("conf.yaml.example: one instance, a customer and no query (its custom queries are commented out)")
    func example() throws {
        let catalog = try files.run(.datadog, ["conf.yaml.example"])
        #expect(catalog.queries.isEmpty)
        var customer = ImportedCustomer(
            opname: "localhost/postgres", hosts: ["localhost"], port: nil, database: "postgres", version: "1")
        customer.user = "datadog"
        #expect(catalog.customers == [customer])
        #expect(
            catalog.notes.first?.line
                == "instances[0]: not about custom queries, not carried over: collect_bloat_metrics, disable_generic_tags"
        )
        try Fragment.load(catalog)
    }

    @Test("the newer example, uncommented: no prefix is postgresql.<name>, a dotted name, the template's interval")
    func newerExample() throws {
        // The excerpt's custom_queries block, uncommented, under an instance.
        let excerpt = try files.read("conf.yaml.example.newer-excerpt.yaml")
        let lines = excerpt.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0 == "    # custom_queries:" })
        let block = lines[start...].prefix { $0.hasPrefix("    # ") || $0 == "    #" }.map {
            "    " + $0.dropFirst("    # ".count)
        }
        let yaml = "instances:\n  - host: db.example.com\n" + block.joined(separator: "\n") + "\n"
        let catalog = try files.run(.datadog, [], extra: [ImportSource(path: "newer.yaml", text: yaml)])
        let query = try Fragment.query("postgresql", in: catalog)
        #expect(query.sql.hasPrefix("SELECT src.c1::text AS foo,\n       src.c2 AS \"event.total\"\n  FROM (\n"))
        #expect(query.sql.hasSuffix("\nSELECT foo, COUNT(*) FROM table.events GROUP BY foo\n) AS src(c1, c2)"))
        #expect(query.metricNames == ["event.total": "postgresql.event.total"])
        #expect(query.dimensions == ["test": "postgresql"])
        // The template's example: collection_interval and metric_prefix foo_prefix.
        let template = """
            instances:
              - host: db.example.com
                custom_queries:
                  - query: SELECT foo, COUNT(*) FROM table.events GROUP BY foo
                    columns:
                      - name: foo
                        type: tag
                      - name: event.total
                        type: gauge
                    tags:
                      - test:<INTEGRATION>
                    collection_interval: 30
                    metric_prefix: foo_prefix
            """
        #expect(
            try files.read("template-instances-db.yaml").contains(
                "collection_interval: 30\n        metric_prefix: foo_prefix"))
        let second = try files.run(.datadog, [], extra: [ImportSource(path: "template.yaml", text: template)])
        let timed = try Fragment.query("foo_prefix", in: second)
        #expect(timed.interval == 30 && timed.metricNames == ["event.total": "foo_prefix.event.total"])
        #expect(timed.dimensions == ["test": "<INTEGRATION>"])
        try Fragment.load(catalog)
        try Fragment.load(second)
    }

    @Test("column types: counters for monotonic_count and rate, reports for count and what has no equivalent")
    func columnTypes() throws {
        let yaml = """
            instances:
              - host: 10.1.2.3
                port: 5433
                ssl: require
                query_timeout: 2000
                min_collection_interval: 15
                custom_queries:
                  - name: activity
                    metric_prefix: app.
                    query: SELECT state, 1, count(*), sum(xact), sum(rows), 'x,y', 42 FROM t GROUP BY state
                    columns:
                      - {name: state, type: tag}
                      - {}
                      - {name: sessions, type: count}
                      - {name: xacts, type: monotonic_count}
                      - {name: rows, type: rate}
                      - {name: labels, type: tag_list}
                      - {name: spread, type: histogram}
                    tags: [team, 'env:prod']
            """
        let catalog = try files.run(.datadog, [], extra: [ImportSource(path: "types.yaml", text: yaml)])
        var expected = ImportedQuery(
            name: "activity", versions: ["1"],
            sql: """
                SELECT src.c1::text AS state,
                       src.c3 AS sessions,
                       src.c4 AS xacts,
                       src.c5 AS rows
                  FROM (
                SELECT state, 1, count(*), sum(xact), sum(rows), 'x,y', 42 FROM t GROUP BY state
                ) AS src(c1, c2, c3, c4, c5, c6, c7)
                """)
        expected.metricNames = ["sessions": "app.sessions", "xacts": "app.xacts", "rows": "app.rows"]
        expected.counters = ["xacts", "rows"]
        expected.dimensions = ["env": "prod"]
        expected.timeoutMs = 2000
        #expect(catalog.queries == [expected])
        #expect(catalog.customers.first?.sslmode == "require" && catalog.customers.first?.interval == 15)
        #expect(catalog.customers.first?.opname == "10.1.2.3:5433/postgres")
        let queryNotes = catalog.notes.map(\.line).filter { $0.hasPrefix("instances[0].custom_queries[0]") }
        #expect(
            queryNotes == [
                "instances[0].custom_queries[0].columns[2]: count: rows with the same tags are several datapoints of "
                    + "one series here, which CloudWatch's Sum adds up as the check did (an alarm's default statistic "
                    + "is Maximum)",
                "instances[0].custom_queries[0].columns[3]: monotonic_count: a counter here; the catalog publishes "
                    + "the running total, and its alarms and dashboards read the per-second rate (the check submitted "
                    + "the difference)",
                "instances[0].custom_queries[0].columns[4]: rate: a counter here; the catalog publishes the running "
                    + "total, and its alarms and dashboards read the per-second rate, which is what the check stored",
                "instances[0].custom_queries[0].columns[5].type: tag_list: no catalog equivalent; the column is not "
                    + "carried over",
                "instances[0].custom_queries[0].columns[6].type: histogram: no catalog equivalent; the column is not "
                    + "carried over",
                "instances[0].custom_queries[0].tags[0]: \"team\" has no key:value; not carried over",
            ])
        try Fragment.load(catalog)
    }

    @Test("instances running different queries: a report line naming each instance's, and merge keys expanded")
    func instancesDiffer() throws {
        let yaml = """
            init_config:
              global_custom_queries:
                - {metric_prefix: g, query: SELECT 1, columns: [{name: one, type: gauge}], colour: red}
            common: &common
              username: ddog
              password: MergeSecret
            instances:
              - <<: *common
                host: db1
                custom_queries:
                  - {metric_prefix: app, query: SELECT 2, columns: [{name: two, type: gauge}]}
              - <<: *common
                host: db2
            """
        let catalog = try files.run(.datadog, [], extra: [ImportSource(path: "multi.yaml", text: yaml)])
        #expect(catalog.customers.map(\.opname) == ["db1/postgres", "db2/postgres"])
        #expect(catalog.customers.allSatisfy { $0.user == "ddog" })
        let report = catalog.notes.map(\.description)
        #expect(!report.joined().contains("MergeSecret"))
        #expect(
            report.contains { $0.hasPrefix("multi.yaml: instances[1]: init_config.global_custom_queries[0].colour: ") })
        #expect(
            report.contains {
                $0.hasPrefix(
                    "multi.yaml: each instance runs its own queries (instances[0] runs app; instances[1] runs g): ")
            }, "\(report)")
    }

    @Test("a conf.yaml without instances is Import.InvalidFile")
    func noInstances() throws {
        let error = try #require(throws: ImportError.self) {
            try files.run(.datadog, ["conf.yaml.example.newer-excerpt.yaml"])
        }
        #expect(
            error.description
                == "Import.InvalidFile: conf.yaml.example.newer-excerpt.yaml: is empty (a conf.yaml has init_config "
                + "and instances)")
        let list = try #require(throws: ImportError.self) {
            try files.run(.datadog, [], extra: [ImportSource(path: "c.yaml", text: "init_config: {}\ninstances: []\n")])
        }
        #expect(list.message == "instances: a conf.yaml lists at least one instance")
    }
}
