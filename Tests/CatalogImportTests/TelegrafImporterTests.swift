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

/// Telegraf's `postgresql_extensible`, from the plugin's own sample configuration and the README's sample queries:
/// the `row_to_json` form, `tagvalue`, `db`, the address as a customer (Tests/Fixtures/importers/README.md,
/// "telegraf").
@Suite struct TelegrafImporterTests {
    let files = FixtureFiles("telegraf")

    /// The README's "Sample Queries" block, cut out of the Markdown (it is not a TOML file on its own).
    func readmeQueries() throws -> ImportSource {
        let readme = try files.read("README.md")
        let start = try #require(readme.firstRange(of: "```toml\n[[inputs.postgresql_extensible.query]]"))
        let rest = readme[start.upperBound...]
        let end = try #require(rest.firstRange(of: "\n```\n"))
        let block = "[[inputs.postgresql_extensible.query]]" + rest[..<end.lowerBound] + "\n"
        return ImportSource(path: "README-sample-queries.toml", text: block)
    }

    @Test("sample.conf: the address as a customer without a login, its one readable query in the row_to_json form")
    func sampleConf() throws {
        let catalog = try files.run(.telegraf, ["sample.conf"])
        var customer = ImportedCustomer(
            opname: "localhost", hosts: ["localhost"], port: nil, database: "postgres", version: "1")
        customer.user = "postgres"
        customer.sslmode = "disable"
        #expect(catalog.customers == [customer])
        let expected = ImportedQuery(
            name: "pg_stat_database", versions: ["1"],
            sql: """
                SELECT jsonb_strip_nulls(
                         (SELECT coalesce(jsonb_object_agg(f.key, f.value), '{}') FROM jsonb_each(r.j) AS f
                           WHERE jsonb_typeof(f.value) IN ('number', 'boolean')
                             AND f.key NOT IN ('stats_reset', 'db'))
                         || jsonb_build_object('db', coalesce(CASE WHEN jsonb_typeof(r.j -> 'datname') = 'string' THEN r.j ->> 'datname' END, current_database()))
                       ) AS point
                  FROM (SELECT to_jsonb(src) AS j FROM (
                SELECT * FROM pg_stat_database WHERE datname
                ) AS src) AS r
                """)
        #expect(catalog.queries == [expected])
        let plugin = "inputs.postgresql_extensible"
        #expect(
            catalog.notes.map(\.line) == [
                "\(plugin).preparedstatements: no catalog equivalent; not carried over",
                "\(plugin).address: names no database: libpq's default, the user's name, is \"postgres\" (the catalog "
                    + "needs one)",
                "\(plugin).address: no password carried over: put the login in a Secrets Manager secret "
                    + "({\"username\": ..., \"password\": ...}) and name it with \"secret\" in customer \"localhost\"",
                "\(plugin).address: sslmode disable is carried over: synth warns about it; verify-full checks the "
                    + "server's certificate and name",
                "\(plugin).interval: not set: Telegraf collected at the agent's interval (10 s unless [agent] says "
                    + "otherwise); the customer's interval is the catalog's default, 60 s (give \"interval\", 10 or 60)",
                "\(plugin).query[1].script: your_sql-filepath.sql cannot be read (cannot be opened: No such file or "
                    + "directory); Telegraf would not start; not imported",
                "min_version/max_version (or version): Telegraf runs query[0] on PostgreSQL from 9.1 only; the catalog "
                    + "has no version gating (versions are the customer's schema versions): imported for every server",
                "string fields (text columns not in tagvalue, and numeric columns, which Telegraf writes as strings): "
                    + "CloudWatch holds numbers only; text fields are left out, numeric ones are metrics (cast a "
                    + "number held as text, such as pg_settings.setting, with ::numeric in the query)",
                "oid and xid columns (pg_stat_database's datid): Telegraf writes them as integers, the row_to_json "
                    + "form has them as text, so they are left out (cast them with ::bigint in the query to keep them)",
                "the server tag: the Customer dimension instead; the db tag is carried over (a db dimension)",
                "Telegraf has no counters: nothing is marked in \"counters\" (add the cumulative columns there, such "
                    + "as xact_commit, so that alarms and dashboards read their rate)",
            ])
        try Fragment.load(catalog)
    }

    @Test("sample-v1.27.4.conf: version and withdbname = false read as the deprecated keys they are")
    func deprecatedKeys() throws {
        let catalog = try files.run(.telegraf, ["sample-v1.27.4.conf"])
        #expect(catalog.queries.map(\.name) == ["pg_stat_database"])
        #expect(catalog.queries[0].sql.contains("\nSELECT * FROM pg_stat_database where datname\n) AS src) AS r"))
        #expect(
            catalog.notes.map(\.line).contains(
                "min_version/max_version (or version): Telegraf runs query[0] on PostgreSQL from 9.1 only; the catalog "
                    + "has no version gating (versions are the customer's schema versions): imported for every server"))
    }

    @Test("the README's sample queries: eight queries of measurement postgresql, numbered, the tags as dimensions")
    func readmeSampleQueries() throws {
        let catalog = try CatalogImporter(format: .telegraf, files: files).run([readmeQueries()])
        #expect(catalog.queries.map(\.name) == (1...8).map { "postgresql/\($0)" })
        #expect(catalog.queries.allSatisfy { $0.cloudwatchDimension == "postgresql" && $0.counters.isEmpty })
        #expect(catalog.customers.isEmpty)
        // tagvalue="db,username,state": db overrides the default db tag, the others are text.
        let sessions = try Fragment.query("postgresql/3", in: catalog)
        #expect(
            sessions.sql == """
                SELECT jsonb_strip_nulls(
                         (SELECT coalesce(jsonb_object_agg(f.key, f.value), '{}') FROM jsonb_each(r.j) AS f
                           WHERE jsonb_typeof(f.value) IN ('number', 'boolean')
                             AND f.key NOT IN ('stats_reset', 'db', 'username', 'state'))
                         || jsonb_build_object('db', coalesce(r.j ->> 'db', coalesce(CASE WHEN jsonb_typeof(r.j -> 'datname') = 'string' THEN r.j ->> 'datname' END, current_database())),
                                           'username', r.j ->> 'username',
                                           'state', r.j ->> 'state')
                       ) AS point
                  FROM (SELECT to_jsonb(src) AS j FROM (
                select * from sessions
                ) AS src) AS r
                """)
        // The multi-line sqlquery with TOML's line-ending backslashes is one line of SQL.
        let settings = try Fragment.query("postgresql/4", in: catalog)
        #expect(
            settings.sql.contains("\nselect setting as max_connections from pg_settings where name='max_connections'\n")
        )
        let users = try Fragment.query("postgresql/8", in: catalog)
        #expect(users.sql.contains("AND f.key NOT IN ('stats_reset', 'db', 'type', 'enabled'))"))
        #expect(users.sql.contains("'type', r.j ->> 'type',\n                           'enabled', r.j ->> 'enabled')"))
        let gating =
            "the catalog has no version gating (versions are the customer's schema versions): imported for every server"
        let expected: [String] = [
            "min_version/max_version (or version): Telegraf runs query[0], query[1], query[2], query[4], query[6], "
                + "query[7] on PostgreSQL from 9.1 only; \(gating)",
            "min_version/max_version (or version): Telegraf runs query[3], query[5] on PostgreSQL from 8.1 only; "
                + gating,
        ]
        #expect(Array(catalog.notes.map(\.line).prefix(2)) == expected)
        try Fragment.load(catalog)
    }

    @Test("a script is read beside the TOML file (the plugin's own test names testdata/test.sql)")
    func script() throws {
        let toml = """
            [[inputs.postgresql_extensible]]
              address = "postgres://telegraf:pa55@db.example.com:5433/app?sslmode=verify-full"
              interval = "15s"
              name_override = "pg"
              [inputs.postgresql_extensible.tags]
                env = "prod"
              [[inputs.postgresql_extensible.query]]
                script = "testdata/test.sql"
                minVersion = 1000
                max_version = 1700
                timestamp = "stats_reset"
            """
        let catalog = try files.run(.telegraf, [], extra: [ImportSource(path: "scripted.conf", text: toml)])
        #expect(catalog.queries.map(\.name) == ["pg"])
        let query = catalog.queries[0]
        #expect(query.cloudwatchDimension == nil)
        #expect(query.sql.contains("\nselect * from pg_stat_database\n) AS src) AS r"))
        #expect(query.sql.contains("'timestamp', r.j -> 'stats_reset')"))
        var customer = ImportedCustomer(
            opname: "db.example.com:5433", hosts: ["db.example.com"], port: 5433, database: "app", version: "1")
        customer.user = "telegraf"
        customer.sslmode = "verify-full"
        customer.interval = 15
        customer.dimensions = ["env": "prod"]
        #expect(catalog.customers == [customer])
        #expect(!catalog.json().contains("pa55"))
        #expect(
            catalog.notes.map(\.line).contains(
                "min_version/max_version (or version): Telegraf runs query[0] on PostgreSQL from 10 and before 17 "
                    + "only; the catalog has no version gating (versions are the customer's schema versions): "
                    + "imported for every server"))
        try Fragment.load(catalog)
    }

    @Test("withdbname appends to the SQL as Telegraf does, with the plugin's databases")
    func withDatabaseName() throws {
        let toml = """
            [[inputs.postgresql_extensible]]
              address = "host=10.0.0.5 user=mon dbname=ops"
              databases = ["ops", "billing"]
              [[inputs.postgresql_extensible.query]]
                measurement = "db"
                sqlquery = "SELECT * FROM pg_stat_database WHERE datname"
                withdbname = true
            """
        let catalog = try files.run(.telegraf, [], extra: [ImportSource(path: "w.conf", text: toml)])
        #expect(
            catalog.queries[0].sql.contains("\nSELECT * FROM pg_stat_database WHERE datname IN ('ops','billing')\n"))
        #expect(
            catalog.notes.map(\.line).contains(
                "inputs.postgresql_extensible.query[0].withdbname: applied to the SQL as Telegraf does (IN the "
                    + "databases)"))
        #expect(catalog.customers.map(\.opname) == ["10.0.0.5"])
    }

    @Test("a file without the plugin, or not TOML, is Import.InvalidFile")
    func invalidFiles() throws {
        let other = try #require(throws: ImportError.self) {
            try files.run(
                .telegraf, [], extra: [ImportSource(path: "cpu.conf", text: "[[inputs.cpu]]\npercpu = true\n")])
        }
        #expect(
            other.description
                == "Import.InvalidFile: cpu.conf: has no [[inputs.postgresql_extensible]] and no "
                + "[[inputs.postgresql_extensible.query]]")
        let broken = try #require(throws: ImportError.self) {
            try files.run(
                .telegraf, [], extra: [ImportSource(path: "x.conf", text: "[[inputs.postgresql_extensible]\n")])
        }
        #expect(
            broken.code == .invalidFile && broken.message.hasPrefix("is not TOML: ")
                && broken.message.contains("line 1"))
    }

    @Test("plugin instances running different queries: a report line naming each instance's; an empty measurement")
    func instancesDiffer() throws {
        let toml = """
            [[inputs.postgresql_extensible]]
              address = "host=db1 dbname=app sslmode=verify-full"
              [[inputs.postgresql_extensible.query]]
                sqlquery = "SELECT 1 AS a"
                measurement = ""
            [[inputs.postgresql_extensible]]
              address = "host=db2 dbname=app sslmode=verify-full"
              [[inputs.postgresql_extensible.query]]
                sqlquery = "SELECT 2 AS b"
                measurement = "other"
            """
        let catalog = try files.run(.telegraf, [], extra: [ImportSource(path: "m.conf", text: toml)])
        #expect(catalog.queries.map(\.name) == ["postgresql", "other"])
        #expect(
            catalog.notes.map(\.description).contains {
                $0.hasPrefix(
                    "m.conf: each plugin instance runs its own queries (inputs.postgresql_extensible[0] runs "
                        + "postgresql; inputs.postgresql_extensible[1] runs other): ")
            })
    }

}
