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

import CatalogModel
import Core
import Testing

@testable import MetricsCollector
@testable import PostgresClient

/// `onprem-watch check` against the real PostgreSQL of `make test`: the server describes each query, and issue 30's
/// mistakes are refused before a deploy.
@Suite(.enabled(if: LiveServices.postgresPort != nil, "needs ONPREM_TEST_PG_PORT (make test)"))
struct CheckTests {
    let port = LiveServices.postgresPort ?? 0

    func check(_ queries: [QueryDefinition], run: Bool = false) -> ServerCheck.CustomerReport {
        let customer = Customer(
            opname: "Site 1", host: "localhost", port: port, database: "ops_v1", version: "1", threshold: 1)
        let catalog = Catalog(customers: [customer], queries: queries)
        let check = ServerCheck(tls: LiveServices.tls, credentials: { _, _ in LiveServices.login() })
        return check.check(customer, in: catalog, run: run, timeout: .seconds(20))
    }

    static func query(_ name: String, _ sql: String, alarms: [AlarmSpec]) -> QueryDefinition {
        QueryDefinition(name: name, versions: ["1"], sql: sql, cloudwatchDimension: name, alarms: alarms)
    }

    static let sessions =
        "select region, count(*) as active from sessions where ended_at is null group by region"

    @Test("a query whose alarm fits its columns passes; --run counts its series")
    func fits() throws {
        let report = check(
            [
                Self.query("ok", Self.sessions, alarms: [AlarmSpec(metric: "active", dimensions: ["region": "north"])]),
                Self.query(
                    "three", "select x::text as k, x as v from generate_series(1, 3) x",
                    alarms: [AlarmSpec(metric: "v", dimensions: ["k": "1"])]),
            ], run: true)
        #expect(report.failure == nil)
        #expect(report.problems == 0, "\(report.queries.map(\.findings))")
        #expect(report.queries.first { $0.query == "three" }?.series == 3)
    }

    @Test("issue 30's mistakes: the missing column, the partial dimensions, two statements, skipped columns")
    func mistakes() throws {
        let report = check([
            Self.query("missing", Self.sessions, alarms: [AlarmSpec(metric: "activ", dimensions: ["region": "north"])]),
            Self.query(
                "partial", "select region, 'x'::text as tier, count(*) as active from sessions group by region",
                alarms: [AlarmSpec(metric: "active", dimensions: ["region": "north"])]),
            Self.query("two", "select 1 as a; select 2 as a", alarms: []),
            Self.query("types", "select now() as started_at, current_date as day, 1 as n", alarms: []),
            Self.query("nosuchtable", "select count(*) as n from no_such_table", alarms: []),
        ])
        #expect(report.failure == nil)
        func messages(_ name: String) -> String {
            report.queries.first { $0.query == name }?.findings.filter(\.isProblem).map(\.message)
                .joined(separator: " | ") ?? ""
        }
        #expect(
            messages("missing").contains(
                "the query returns no metric activ (its metrics: active); did you mean active?"))
        #expect(messages("partial").contains("every datapoint carries the dimension(s) tier"))
        #expect(messages("two").contains("cannot insert multiple commands into a prepared statement"))
        #expect(messages("types").contains("column started_at: a time is not a metric"))
        #expect(messages("types").contains("column day has a type no metric comes from (OID 1082)"))
        #expect(messages("nosuchtable").contains("no_such_table"))
        #expect(report.problems == 6)
    }

    @Test("a server that cannot be reached is said once, not per query")
    func unreachable() {
        let customer = Customer(opname: "Down", host: "127.0.0.1", port: 1, database: "ops_v1", version: "1")
        let catalog = Catalog(
            customers: [customer], queries: [Self.query("ok", Self.sessions, alarms: [])])
        let report = ServerCheck(tls: LiveServices.tls, credentials: { _, _ in LiveServices.login() })
            .check(customer, in: catalog, run: false, timeout: .seconds(5))
        #expect(report.failure?.hasPrefix("Postgres.ConnectFailed") == true)
        #expect(report.problems == 1)
    }
}
