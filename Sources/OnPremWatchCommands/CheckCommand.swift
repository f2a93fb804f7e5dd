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

import ArgumentParser
import CatalogModel
import Core
import JSON
import MetricsCollector

/// `onprem-watch check`: the catalog against each customer's server, before a deploy (docs/catalog.md#check).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Ask each customer's server what each query returns, and refuse the alarms that cannot work.",
        discussion: """
            Without running any query, each is prepared and described by the customer's server (PQprepare,
            PQdescribePrepared): an alarm on a column the query does not return, alarm dimensions that do not pick
            one series, columns that would be skipped and a query of two statements are problems (exit 1).
            With --run the queries also run, read-only and within their limits, and each reports the series it
            produces; --series-out writes them for synth --series. It reads the environment as replay does
            (secrets, PGUSER/PGPASSWORD, ONPREM_PG_CA_BUNDLE).
            """
    )

    @Option(help: "The catalog to check.")
    var catalog = "catalog.json"

    @Option(help: "Check only this customer (repeat for several).")
    var customer: [String] = []

    @Flag(name: .customLong("run"), help: "Also run the queries (read-only) and count the series each produces.")
    var runQueries = false

    @Option(help: "With --run: write the series counts as JSON, for synth --series.")
    var seriesOut: String?

    @Option(help: "The time one query's check (and, with --run, its run) may take, in milliseconds.")
    var timeoutMs: Int64 = 30_000

    func run() throws {
        let parsed = try Catalog.forCommand(catalog)
        for warning in parsed.warnings { print("warning: \(warning)") }
        let chosen = customer.isEmpty ? parsed.customers : parsed.customers.filter { customer.contains($0.opname) }
        if let unknown = customer.first(where: { name in !parsed.customers.contains { $0.opname == name } }) {
            throw ValidationError("no customer \"\(unknown)\" in \(catalog)")
        }
        let check = ServerCheck(environment: Environment.current())
        var problems = 0
        var series: [String: JSONValue] = [:]
        for entry in chosen {
            let report = check.check(entry, in: parsed, run: runQueries, timeout: .milliseconds(timeoutMs))
            problems += report.problems
            if let failure = report.failure {
                print("\(report.customer): not checked: \(failure)")
                continue
            }
            let counted = report.queries.compactMap(\.series)
            let total = counted.isEmpty ? "" : "; \(counted.reduce(0, +)) series"
            print("\(report.customer): \(report.queries.count) queries\(total)")
            var perQuery: [String: JSONValue] = [:]
            for query in report.queries {
                if let count = query.series { perQuery[query.query] = .number(Double(count)) }
                for finding in query.findings { print("  \(query.query): \(finding)") }
            }
            if !perQuery.isEmpty { series[report.customer] = .object(JSONObject(perQuery)) }
        }
        if let seriesOut {
            guard FileBytes.write(JSONValue.object(JSONObject(series)).serialized(pretty: true) + [0x0A], to: seriesOut)
            else { throw ValidationError("cannot write \(seriesOut)") }
        }
        print("check: \(chosen.count) customer(s), \(problems) problem(s)")
        if problems > 0 { throw ExitCode(1) }
    }
}
