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
import Foundation
import MetricModel
import Testing

@testable import CatalogModel

@Suite struct CatalogTests {
    static let issueCatalog = """
        {
          "customers": [
            {"opname": "Customer 1", "ip": "192.168.0.1", "port": "5432", "database": "postgres", "version": "2", "threshold": 100}
          ],
          "queries": [
            {"name": "demo-query", "description": "A query for demo purposes", "tags": ["demo"], "versions": ["1"],
             "query": "select row_to_json(row) from (select random() as test_metric) row", "cloudwatchDimension": "demo"},
            {"name": "demo-query", "description": "A query for demo purposes", "tags": ["demo"], "versions": ["2"],
             "query": "select row_to_json(row) from (select 5 + random() as test_metric) row", "cloudwatchDimension": "demo"}
          ]
        }
        """

    @Test("the operations teams' catalog loads, and the variant for the customer's version is chosen")
    func loadsIssueCatalog() throws {
        let catalog = try Catalog(json: Array(Self.issueCatalog.utf8))
        let customer = try catalog.customer(named: "Customer 1")
        #expect(customer.port == 5432)
        #expect(customer.threshold == 100)
        let query = try catalog.query(named: "demo-query", version: customer.version)
        #expect(query.sql.contains("5 + random()"))
        #expect(catalog.queries(forVersion: "1").count == 1)
    }

    @Test("numbers are accepted where catalogs write strings, and optional fields are read")
    func optionalFields() throws {
        let json = """
            {"customers": [{"opname": "c", "ip": "h", "port": 6432, "database": "d", "version": 3, "user": "u",
                            "sslmode": "verify-full", "sslrootcert": "/ca.pem", "secret": "arn:secret"}],
             "queries": [{"name": "q", "versions": [3], "query": "select 1 as one", "cloudwatchDimension": "q",
                          "units": {"one": "Count"}, "timeoutMs": 2500, "storageResolution": 1}]}
            """
        let catalog = try Catalog(json: Array(json.utf8))
        #expect(
            catalog.customers[0]
                == Customer(
                    opname: "c", host: "h", port: 6432, database: "d", version: "3", user: "u",
                    sslmode: .verifyFull, sslrootcert: "/ca.pem", secret: "arn:secret"))
        let query = try catalog.query(named: "q", version: "3")
        #expect(query.units == ["one": .count])
        #expect(query.timeoutMs == 2500)
        #expect(query.storageResolution == 1)
    }

    @Test("several hosts, tried in order, with a session kind and a time per host; ip and port stay the first's")
    func multiHost() throws {
        let json = """
            {"customers": [{"opname": "ha", "hosts": ["10.0.0.5", "10.0.0.6:5433", "[fd00::7]:6432"], "port": 5444,
                            "database": "d", "version": "1", "targetSessionAttrs": "prefer-standby",
                            "connectTimeoutMs": 1500},
                           {"opname": "one", "ip": "10.0.0.5", "port": 5444, "database": "d", "version": "1"}],
             "queries": []}
            """
        let catalog = try Catalog(json: Array(json.utf8))
        let ha = catalog.customers[0]
        #expect(
            ha.hosts == [
                HostAddress(host: "10.0.0.5", port: 5444), HostAddress(host: "10.0.0.6", port: 5433),
                HostAddress(host: "fd00::7", port: 6432),
            ])
        #expect(ha.host == "10.0.0.5" && ha.port == 5444)
        #expect(ha.targetSessionAttrs == .preferStandby)
        #expect(ha.connectTimeoutMs == 1500)
        // Another host list or another session kind is another endpoint: they must not share a pooled connection.
        #expect(ha.endpointKey != catalog.customers[1].endpointKey)
        var primaryOnly = ha
        primaryOnly.targetSessionAttrs = .readWrite
        #expect(ha.endpointKey != primaryOnly.endpointKey)
    }

    @Test(
        "a bad host list or session kind is refused, naming the entry",
        arguments: [
            (#""ip": "h", "hosts": ["h2"]"#, "give ip or hosts, not both"),
            (#""hosts": []"#, "hosts is empty"),
            (#""hosts": ["h:notaport"]"#, "is not a host or host:port"),
            (#""hosts": ["h:70000"]"#, "is not a host or host:port"),
            (#""hosts": ["a,b"]"#, "is not a host or host:port"),
            (#""hosts": [""]"#, "is not a host or host:port"),
            (#""hosts": "h""#, "hosts must be a list"),
            (#""ip": "h", "targetSessionAttrs": "primary-ish""#, "targetSessionAttrs \"primary-ish\" is not one of"),
            (#""ip": "h", "connectTimeoutMs": 0"#, "connectTimeoutMs must be a whole number"),
        ])
    func badHosts(fields: String, message: String) {
        let json =
            #"{"customers": [{"opname": "c", "database": "d", "version": "1", "# + fields + #"}], "queries": []}"#
        #expect {
            _ = try Catalog(json: Array(json.utf8))
        } throws: { error in
            (error as? CatalogError)?.message.contains(message) == true
                && (error as? CatalogError)?.message.contains("customers[0] (\"c\")") == true
        }
    }

    @Test(
        "a broken catalog is refused with a message that names the bad entry",
        arguments: [
            (#"{"customers": [], "queries": [{"name": "q", "versions": [], "query": "s"}]}"#, "queries[0] (\"q\")"),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "port": "x", "database": "d", "version": "1"}], "queries": []}"#,
                "customers[0] (\"c\"): port"
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "sslmode": "sometimes"}], "queries": []}"#,
                "sslmode"
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "units": {"a": "Furlongs"}}]}"#,
                #"units.a "Furlongs" is not a CloudWatch unit; one of Seconds, "#
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "storageResolution": 5}]}"#,
                "storageResolution"
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "a"}, {"name": "q", "versions": ["1"], "query": "b"}]}"#,
                "queries[1] (\"q\"): a second variant"
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1"}, {"opname": "c", "ip": "h", "database": "d", "version": "1"}], "queries": []}"#,
                "customers[1] (\"c\"): opname is used twice"
            ),
            (#"{"customers": [{"ip": "h", "database": "d", "version": "1"}], "queries": []}"#, "customers[0]: opname"),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "interval": 45}], "queries": []}"#,
                "interval 45 must divide 60"
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "interval": 90}]}"#,
                "be whole minutes"
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "thresholds": {"a": "high"}}], "queries": []}"#,
                "thresholds"
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "alarms": [{"metric": "m", "comparison": "Above"}]}]}"#,
                "alarms[0] (\"m\"): comparison \"Above\""
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "alarms": [{"metric": "m", "periods": 2, "datapointsToAlarm": 3}]}]}"#,
                "datapointsToAlarm must be a whole number in 1...2"
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "alarms": [{"metric": "m", "period": 90}]}]}"#,
                "period must be 10, 30 or a multiple of 60"
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "alarms": [{"metric": "m", "period": 10}]}]}"#,
                "needs storageResolution 1"
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "alarms": [{"comparison": "LessThanThreshold"}]}]}"#,
                "alarms[0]: metric"
            ),
            ("not json", "not valid JSON"),
            (#"{"queries": []}"#, "customers"),
        ])
    func refusesBrokenCatalogs(json: String, mention: String) {
        do {
            _ = try Catalog(json: Array(json.utf8))
            Issue.record("accepted: \(json)")
        } catch {
            #expect(error.code == .invalid)
            #expect(error.message.contains(mention), "\(error.message)")
        }
    }

    @Test("the stack's fields: intervals, per-KPI thresholds and alarm specs with their defaults")
    func stackFields() throws {
        let json = """
            {"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "threshold": 100,
                            "interval": 300, "thresholds": {"lag": 5}}],
             "queries": [{"name": "q", "versions": ["1"], "query": "s", "interval": 10, "storageResolution": 1,
                          "alarms": [{"metric": "lag"},
                                     {"metric": "errors", "comparison": "LessThanThreshold", "statistic": "Sum",
                                      "periods": 5, "datapointsToAlarm": 2, "period": 10, "missingData": "breaching",
                                      "dimensions": {"region": "north"}, "threshold": 7}]}]}
            """
        let catalog = try Catalog(json: Array(json.utf8))
        #expect(catalog.customers[0].interval == 300)
        #expect(catalog.customers[0].thresholds == ["lag": 5])
        let query = try catalog.query(named: "q", version: "1")
        #expect(query.interval == 10)
        #expect(
            query.alarms == [
                AlarmSpec(metric: "lag"),
                AlarmSpec(
                    metric: "errors", comparison: .lessThanThreshold, statistic: .sum, periods: 5, datapointsToAlarm: 2,
                    period: 10, missingData: .breaching, dimensions: ["region": "north"], threshold: 7),
            ])
        // The defaults: above the threshold at the maximum, three periods of a minute out of three.
        let lag = query.alarms[0]
        #expect(
            [lag.comparison.rawValue, lag.statistic.rawValue, lag.missingData.rawValue]
                == ["GreaterThanThreshold", "Maximum", "missing"])
        #expect([lag.periods, lag.datapointsToAlarm, lag.period] as [Int] == [3, 3, 60])
    }

    @Test("lookups fail with the specific error names Step Functions matches on")
    func lookupErrors() throws {
        let catalog = try Catalog(json: Array(Self.issueCatalog.utf8))
        let customer = #expect(throws: CatalogError.self) { try catalog.customer(named: "Nobody") }
        #expect(customer?.errorType == "Catalog.UnknownCustomer")
        let variant = #expect(throws: CatalogError.self) { try catalog.query(named: "demo-query", version: "9") }
        #expect(variant?.errorType == "Catalog.NoVariantForVersion")
        let unknown = #expect(throws: CatalogError.self) { try catalog.query(named: "missing", version: "1") }
        #expect(unknown?.errorType == "Catalog.UnknownQuery")
    }

    /// Issue 29.
    @Test("publish keeps metrics as log fields, by column or published name; builtinPublish changes a pack's")
    func publish() throws {
        let catalog = try Catalog(
            json: Array(
                """
                {"builtin": ["server-health"],
                 "builtinPublish": {"server-health": {"temp_bytes": "metric", "deadlocks": "log"}},
                 "builtinAlarms": {"server-health": [{"metric": "max_connections", "threshold": 500}]},
                 "customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "threshold": 1}],
                 "queries": [{"name": "q", "versions": ["1"], "query": "select 1", "metricNames": {"xact": "commits"},
                              "publish": {"xact": "log", "size": "log", "rows": "metric", "lag": "log"},
                              "alarms": [{"metric": "lag"}]}]}
                """.utf8))
        let query = catalog.queries[0]
        #expect(query.logFields == ["commits", "size", "lag"])
        #expect(query.isLogOnly("commits") && query.isLogOnly("size") && !query.isLogOnly("rows"))
        #expect(!query.isLogOnly("lag"), "an alarm reads it")
        let pack = catalog.pack(.serverHealth)
        #expect(!pack.isLogOnly("temp_bytes") && pack.isLogOnly("deadlocks") && pack.isLogOnly("xid_age"))
        #expect(!pack.isLogOnly("connections_used_percent") && !pack.isLogOnly("max_connections"))
        #expect(
            catalog.warnings == [
                "query \"q\": lag is published as a metric, not a log field, because an alarm reads it",
                "query \"server-health\": max_connections is published as a metric, not a log field, because an alarm reads it",
            ])
        // The pack's defaults: its alarms' metrics and its widget's counters are metrics.
        let defaults = BuiltinPack.serverHealth.definition
        let metrics = defaults.units.keys.filter { !defaults.isLogOnly($0) }.sorted()
        #expect(
            metrics == [
                "connections_used_percent", "deadlocks", "oldest_idle_in_transaction_seconds", "replay_lag_seconds",
                "wraparound_headroom_percent", "xact_commit", "xact_rollback",
            ])
        for (bad, message) in [
            (#""publish": {"x": "logs"}"#, #"publish.x must be "metric" or "log""#),
            (#""publish": ["x"]"#, "publish must map metric names"),
        ] {
            let error = #expect(throws: CatalogError.self) {
                try Catalog(
                    json: Array(
                        """
                        {"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "select 1", \(bad)}]}
                        """.utf8))
            }
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        }
        let unknown = #expect(throws: CatalogError.self) {
            try Catalog(
                json: Array(
                    #"{"customers": [], "queries": [], "builtinPublish": {"server-health": {"xid_ages": "metric"}}}"#
                        .utf8))
        }
        #expect(unknown?.message.contains("xid_ages is no metric of the pack; did you mean xid_age?") == true)
    }

    /// Issue 28.
    @Test("databases is a list or all with excludeDatabases; an alarm of an eachDatabase query without a database")
    func databases() throws {
        func catalog(_ customer: String, _ query: String = "") throws(CatalogError) -> Catalog {
            try Catalog(
                json: Array(
                    """
                    {"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "threshold": 1\(customer)}],
                     "queries": [{"name": "q", "versions": ["1"], "query": "select 1 as n"\(query)}]}
                    """.utf8))
        }
        #expect(try catalog(#", "databases": ["a", "b"]"#).customers[0].databases == .list(["a", "b"]))
        #expect(
            try catalog(#", "databases": "all", "excludeDatabases": ["x"]"#).customers[0].databases
                == .all(excluding: ["x"]))
        #expect(try catalog("").customers[0].databases == nil)
        #expect(try catalog("", #", "eachDatabase": true"#).queries[0].eachDatabase)
        #expect(DatabaseSelection.all(excluding: ["x"]).names(discovered: ["a", "x", "b"]) == ["a", "b"])
        for (bad, message) in [
            (#", "databases": "some""#, "databases must be a list of database names, or \"all\""),
            (#", "databases": []"#, "databases must list database names, each once"),
            (#", "databases": ["a", "a"]"#, "databases must list database names, each once"),
            (#", "excludeDatabases": ["x"]"#, "excludeDatabases goes with"),
            (#", "databases": ["a"], "excludeDatabases": ["x"]"#, "excludeDatabases goes with"),
            (#", "databases": ["\#(String(repeating: "x", count: 64))"]"#, "longer than PostgreSQL's 63 bytes"),
        ] {
            let error = #expect(throws: CatalogError.self) { try catalog(bad) }
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        }
        // An alarm naming no database watches each listed one (CollectionPlan); with "all", synth warns.
        let all = try catalog(#", "databases": "all""#, #", "eachDatabase": true, "alarms": [{"metric": "n"}]"#)
        #expect(all.warnings.first?.contains("the alarm on n of q watches d alone") == true)
    }

    @Test("the shipped demo catalog is valid")
    func shippedCatalog() throws {
        let path = #filePath.replacingOccurrences(
            of: "Tests/CatalogModelTests/CatalogTests.swift", with: "catalog.json")
        let bytes = try #require(FileBytes.read(path))
        let catalog = try Catalog(json: bytes)
        #expect(catalog.customers.map(\.version) == ["1", "2"])
    }

    /// Issue 30's silent mistakes, each now a refusal that names the entry and what was meant.
    @Test(
        "unknown keys, a thresholds typo and two statements are refused, naming the key and the nearest known one",
        arguments: [
            (
                #"{"customers": [], "queries": [], "builtins": ["server-health"]}"#,
                #"catalog: unknown key "builtins"; did you mean "builtin"?"#
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "treshold": 5}], "queries": []}"#,
                #"customers[0] ("c"): unknown key "treshold"; did you mean "threshold"?"#
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "password": "p"}], "queries": []}"#,
                #"customers[0] ("c"): unknown key "password"; a password never goes in the catalog"#
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "timeout": 5}]}"#,
                #"queries[0] ("q"): unknown key "timeout"; did you mean "timeoutMs"?"#
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "alarms": [{"metric": "m", "treshold": 5}]}]}"#,
                #"queries[0] ("q").alarms[0] ("m"): unknown key "treshold"; did you mean "threshold"?"#
            ),
            (
                #"{"cases": {"severty": "high"}, "customers": [], "queries": []}"#,
                #"catalog.cases: unknown key "severty"; did you mean "severity"?"#
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "thresholds": {"activ_sessions": 5}}], "queries": [{"name": "q", "versions": ["1"], "query": "s", "alarms": [{"metric": "active_sessions"}]}]}"#,
                #"customers[0] ("c"): thresholds.activ_sessions names no metric an alarm of the customer watches; did you mean "active_sessions"?"#
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "select 1; select 2"}]}"#,
                #"queries[0] ("q"): query has more than one statement"#
            ),
            (#"{"customers": [], "queries": [], }"#, "catalog is not valid JSON: "),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "dimensions": {"env": "prod"}}], "queries": [{"name": "q", "versions": ["1"], "query": "s", "dimensions": {"env": "gold"}}]}"#,
                #"customers[0] ("c"): dimension env is set by the customer and by query "q""#
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "threshold": 1, "dimensions": {"env": "prod"}}], "queries": [{"name": "q", "versions": ["1"], "query": "s", "alarms": [{"metric": "m", "dimensions": {"env": "prod"}}]}]}"#,
                "names dimension env, which the catalog sets already"
            ),
            (
                #"{"builtin": ["server-health"], "builtinAlarms": {"server-health": [{"metric": "connections_used_percent"}]}, "customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1"}], "queries": []}"#,
                #"query "server-health" has two alarms on one series: connections_used_percent"#
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "threshold": 1}], "queries": [{"name": "q", "versions": ["1"], "query": "s", "counters": ["n"], "alarms": [{"metric": "n", "statistic": "Sum"}]}]}"#,
                "the alarm on counter n uses Sum, which adds up running totals"
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "dimensions": {"state": "x"}}], "queries": []}"#,
                "dimensions.state is a dimension the function sets itself"
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "dimensions": {"Customer": "x"}}], "queries": []}"#,
                #"customers[0] ("c"): dimensions.Customer is a dimension the function sets itself"#
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "dimensions": {"city": "Zürich"}}], "queries": []}"#,
                #"customers[0] ("c"): dimensions.city: "#
            ),
            (
                #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "metricNames": {"a": ""}}]}"#,
                #"queries[0] ("q"): metricNames.a must be a metric name"#
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "threshold": 1}], "queries": [{"name": "q", "versions": ["1"], "query": "s", "interval": 1800, "alarms": [{"metric": "m", "periods": 60}]}]}"#,
                "evaluates 60 periods of 1800 s, more than CloudWatch's 86400 s"
            ),
            (
                #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "threshold": 1}], "queries": [{"name": "q", "versions": ["1"], "query": "s", "interval": 300, "alarms": [{"metric": "m", "period": 60}]}]}"#,
                #"customers[0] ("c"): query "q" runs every 300 s, but its alarm on m has a 60 s period"#
            ),
        ])
    func silentMistakes(json: String, message: String) {
        #expect {
            _ = try Catalog(json: Array(json.utf8))
        } throws: { error in
            let text = (error as? CatalogError)?.message ?? ""
            if !text.contains(message) { Issue.record("\(text)") }
            return text.contains(message)
        }
    }

    @Test("one statement stays one: semicolons in strings, identifiers, dollar quotes and comments, and a last one")
    func oneStatement() {
        for sql in [
            "select 1;", "select 1 ;  \n -- done", "select ';' as a", #"select 1 as "a;b""#, "select $$a;b$$",
            "select $tag$ ; $tag$", "select 1 /* ; */", "select 1 /* /* ; */ */", "select 'it''s;'", "select $1",
            "select 1 -- ; select 2", "select 1;;", #"SELECT E'it\'s; ok' AS a"#, #"SELECT E'\'' AS q, 'b;c' AS d"#,
            #"select 1 where 'x' ~ E'\\'; -- done"#, "select name;",
        ] {
            #expect(SQLText.statementProblem(sql) == nil, "\(sql)")
        }
        for sql in [
            "select 1; select 2", "select ';'; select 2", "select 1;; select 2", "select 1 /* x */; delete from t",
            #"select E'\\'; select 2"#, "select name e; select 2",
        ] {
            #expect(SQLText.statementProblem(sql) != nil, "\(sql)")
        }
    }

    @Test("a JSON error says line and column; $schema is allowed; a version no query serves is a warning")
    func errorsAndWarnings() throws {
        let text = "{\"customers\": [],\n  \"queries\": [,]}"
        #expect {
            _ = try Catalog(json: Array(text.utf8))
        } throws: { error in
            (error as? CatalogError)?.message.hasSuffix("at line 2, column 15") == true
        }
        let catalog = try Catalog(
            json: Array(
                #"""
                {"$schema": "./catalog.schema.json", "builtin": ["server-health"],
                 "customers": [{"opname": "Site 9", "ip": "h", "database": "d", "version": "9"}],
                 "queries": [{"name": "q", "versions": ["1"], "query": "select 1"}]}
                """#.utf8))
        #expect(
            catalog.warnings == [
                #"customer "Site 9": no query has a variant for its version "9"; it collects only its built-in packs"#
            ])
    }
}
