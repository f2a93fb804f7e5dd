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

import JSON
import Testing

@testable import CatalogImport

/// The fragment: entries imported once, names kept unique, and the JSON written in reading order.
@Suite struct ImportedCatalogTests {
    @Test("the same query again is skipped and takes back its own report lines; another of the same name is renamed")
    func duplicates() {
        var catalog = ImportedCatalog()
        let query = ImportedQuery(name: "q", versions: ["1"], sql: "SELECT 1 AS a")
        let first = catalog.add(query, file: "a.yaml", place: "q")
        let start = catalog.notes.count
        catalog.note("b.yaml", "q", "said of the second copy")
        let again = catalog.add(query, file: "b.yaml", place: "q", notesSince: start)
        let other = catalog.add(
            ImportedQuery(name: "q", versions: ["1"], sql: "SELECT 2 AS a"), file: "c.yaml", place: "q")
        #expect(first && !again && other)
        #expect(catalog.queries.map(\.name) == ["q", "q-2"])
        #expect(
            catalog.notes.map(\.description) == [
                "b.yaml: q: the same query as \"q\" imported already; imported once",
                "c.yaml: q: another query is named \"q\" already; imported as \"q-2\"",
            ])
        catalog.note("c.yaml", "q", "twice")
        catalog.note("c.yaml", "q", "twice")
        #expect(catalog.notes.count == 3)
    }

    @Test("a metric name the catalog refuses is dropped from metricNames, with a line")
    func metricNames() {
        var catalog = ImportedCatalog()
        var query = ImportedQuery(name: "q", versions: ["1"], sql: "SELECT 1 AS a, 2 AS b")
        query.metricNames = ["a": "database", "b": "fine_name"]
        catalog.add(query, file: "f", place: "m")
        #expect(catalog.queries.first?.metricNames == ["b": "fine_name"])
        #expect(
            catalog.notes.map(\.line) == [
                "m: metric name \"database\" is a name the function sets itself; published as a"
            ])
    }

    @Test("customers too are imported once and renamed apart")
    func customers() {
        var catalog = ImportedCatalog()
        let one = ImportedCustomer(opname: "db", hosts: ["db"], port: nil, database: "ops", version: "1")
        var two = one
        two.database = "billing"
        catalog.add(one, file: "a", place: "")
        catalog.add(one, file: "b", place: "")
        catalog.add(two, file: "c", place: "")
        #expect(catalog.customers.map(\.opname) == ["db", "db-2"])
    }

    @Test("customers from connection settings: a socket gives none, an unknown sslmode is dropped, never a password")
    func customerSettings() throws {
        var catalog = ImportedCatalog()
        catalog.addCustomer(
            try #require(ConnectionSettings("host=/run/postgresql dbname=x")), name: nil, version: "1", tool: "T",
            toolSSLMode: "prefer", file: "f", place: "a")
        catalog.addCustomer(
            try #require(ConnectionSettings("postgres://u:pw@db:5432/ops?sslmode=sometimes")), name: "site",
            version: "2",
            tool: "T", toolSSLMode: "prefer", file: "f", place: "b")
        #expect(catalog.customers.count == 1)
        let customer = try #require(catalog.customers.first)
        #expect(customer.opname == "site" && customer.port == nil && customer.sslmode == nil && customer.version == "2")
        #expect(!catalog.json().contains("pw"))
        #expect(
            catalog.notes.map(\.line) == [
                "a: connects through a Unix socket (\"/run/postgresql\"); the function connects over TCP: no customer "
                    + "imported, add it with the server's host name as \"ip\"",
                "b: the password is not carried over (a password never goes in the catalog): put the login in a "
                    + "Secrets Manager secret ({\"username\": ..., \"password\": ...}) and name it with \"secret\" in "
                    + "customer \"site\"",
                "b: sslmode sometimes is not one of libpq's (disable, allow, prefer, require, verify-ca, verify-full); "
                    + "not carried over, the catalog's default is verify-full",
            ])
    }

    @Test(
        "customers checked as the catalog checks them: a bad name falls back to the host, a bad port none, 10 dimensions"
    )
    func customerRules() throws {
        var catalog = ImportedCatalog()
        let add = { (catalog: inout ImportedCatalog, text: String, name: String?, dimensions: [String: String]) in
            catalog.addCustomer(
                ConnectionSettings(text)!, name: name, version: "1", dimensions: dimensions, tool: "T",
                toolSSLMode: "prefer", file: "f", place: "p")
        }
        add(&catalog, "postgres://u@h1:5432/db?sslmode=verify-full", "bad ${name}", [:])
        add(&catalog, "postgres://u@h2:70000/db?sslmode=verify-full", "ok", [:])
        add(&catalog, "postgres://u@h3:0/db?sslmode=verify-full", "ok3", [:])
        add(&catalog, "postgres://u@h5:5433/db?sslmode=verify-full", "", [:])
        add(&catalog, "postgres://u@h6/db?sslmode=verify-full", "tab\tname", [:])
        let many = Dictionary(uniqueKeysWithValues: (0..<12).map { ("t\($0 < 10 ? "0" : "")\($0)", "v") })
        add(&catalog, "postgres://u@h7/db?sslmode=verify-full", "many", many)
        #expect(catalog.customers.map(\.opname) == ["h1", "h5:5433", "h6", "many"])
        #expect(catalog.customers.last?.dimensions.count == 10)
        let lines = catalog.notes.map(\.line).filter { !$0.contains("no password carried over") }
        #expect(
            lines == [
                "p: the name cannot be a customer's opname (it contains \"${\"); named by its host, \"h1\", instead",
                "p: port 70000 is not a port number (1-65535): no customer imported",
                "p: port 0 is not a port number (1-65535): no customer imported",
                "p: the name cannot be a customer's opname (it is empty); named by its host, \"h5:5433\", instead",
                "p: the name cannot be a customer's opname (it has a control character); named by its host, \"h6\", "
                    + "instead",
                "p: more than 10 dimensions (the catalog's limit): t10, t11 not carried over",
            ])
        try Fragment.load(catalog)
    }

    @Test("the JSON: customers and queries, keys in the catalog's order, small maps on one line, parsable")
    func json() throws {
        var catalog = ImportedCatalog()
        var customer = ImportedCustomer(
            opname: "a", hosts: ["h1", "h2:5433"], port: nil, database: "ops", version: "1")
        customer.dimensions = ["env": "prod"]
        catalog.customers = [customer]
        var query = ImportedQuery(name: "q", versions: ["1", "2"], sql: "SELECT\n\"x\" AS v")
        query.interval = 30
        query.metricNames = ["v": "m.v"]
        query.counters = ["v"]
        catalog.queries = [query]
        #expect(
            catalog.json() == """
                {
                  "customers": [
                    {
                      "opname": "a",
                      "hosts": ["h1", "h2:5433"],
                      "database": "ops",
                      "version": "1",
                      "dimensions": {"env": "prod"}
                    }
                  ],
                  "queries": [
                    {
                      "name": "q",
                      "versions": ["1", "2"],
                      "query": "SELECT\\n\\"x\\" AS v",
                      "interval": 30,
                      "metricNames": {"v": "m.v"},
                      "counters": ["v"]
                    }
                  ]
                }

                """)
        #expect(throws: Never.self) { try JSONValue.parse(Array(catalog.json().utf8)) }
        #expect(ImportedCatalog().json() == "{\n  \"customers\": [],\n  \"queries\": []\n}\n")
    }

    @Test(
        "query names the catalog refuses",
        arguments: [
            ("", "is empty"), ("a\u{1}", "has a control character"), ("x${y}", "contains \"${\""),
            ("server-health", "is the built-in pack's name"),
        ])
    func names(name: String, problem: String) {
        #expect(ImportedQuery.nameProblem(name) == problem)
        #expect(ImportedQuery.nameProblem("database/_db_pg_stat_user_tables") == nil)
    }

    @Test("constant dimensions the catalog refuses")
    func dimensions() {
        #expect(
            ConstantDimensionRules.problem(name: "Customer", value: "x")
                == "Customer is a dimension the function sets itself")
        #expect(
            ConstantDimensionRules.problem(name: "city", value: "Zürich")
                == "its value is not ASCII (CloudWatch takes ASCII only)")
        #expect(ConstantDimensionRules.problem(name: "env", value: "") == "its value must be 1-1024 characters")
        #expect(ConstantDimensionRules.problem(name: "env", value: "prod") == nil)
    }
}
