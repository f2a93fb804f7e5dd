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

public import CatalogModel
import Core
import MetricModel
import PostgresClient

/// `onprem-watch check`: asks each customer's server what each of its queries returns, without running them
/// (``QueryShapeCheck`` judges the answer), and, with `run`, runs them (read-only, within their limits, as the
/// function does) to count the series each produces, for the cost estimate.
public final class ServerCheck {
    /// One query's check on one customer.
    public struct QueryReport: Sendable {
        public var query: String
        public var findings: [QueryShapeCheck.Finding]
        /// Distinct series (metric and dimensions) one run published, with `run`.
        public var series: Int?
    }

    /// One customer's check: `failure` when its server could not be asked at all.
    public struct CustomerReport: Sendable {
        public var customer: String
        public var failure: String?
        public var queries: [QueryReport]

        public var problems: Int {
            (failure == nil ? 0 : 1) + queries.reduce(0) { $0 + $1.findings.filter(\.isProblem).count }
        }
    }

    private let runner: QueryRunner
    private let credentials: MetricsHandler.CredentialLookup

    /// The same connections, TLS and logins as the function's (`ONPREM_PG_CA_BUNDLE`, secrets, libpq's
    /// variables).
    public convenience init(environment: [String: String]) {
        self.init(
            tls: PostgresTLS(environment: environment),
            credentials: MetricsHandler.secretsLookup(environment: environment))
    }

    init(tls: PostgresTLS, credentials: @escaping MetricsHandler.CredentialLookup) {
        runner = QueryRunner(pool: ConnectionPool(maxIdle: 1), tls: tls)
        self.credentials = credentials
    }

    /// Checks every query of `customer`, each within `timeout`: one slow query does not take the others' time.
    public func check(_ customer: Customer, in catalog: Catalog, run: Bool, timeout: Duration) -> CustomerReport {
        var report = CustomerReport(customer: customer.opname, queries: [])
        let login: DatabaseLogin?
        do {
            login = try credentials(customer, Deadline.after(timeout))
        } catch {
            report.failure = "its login: \(ErrorPayload(error).errorMessage)"
            return report
        }
        for var query in catalog.queries(for: customer) {
            let deadline = Deadline.after(timeout)
            var entry = QueryReport(query: query.name, findings: [])
            let isPack = query.builtin != nil
            if query.builtin == .statements {
                // The pack runs only where its extension is: elsewhere the function skips it, and so does check.
                do throws(PostgresError) {
                    var answer = ProbeAnswer()
                    try runner.run(
                        ProbeAnswer.probe, on: customer, credentials: login, into: &answer, deadline: deadline)
                    switch answer.resolving(query) {
                    case .success(let resolved):
                        query = resolved
                    case .failure(let unavailable):
                        entry.findings = [.init(warning: "skipped where it runs: \(unavailable.reason)")]
                        report.queries.append(entry)
                        continue
                    }
                } catch {
                    entry.findings = [.init(problem: "its probe failed: \(error.errorType): \(error.message)")]
                    report.queries.append(entry)
                    continue
                }
            }
            do throws(PostgresError) {
                let columns = try runner.describe(query, on: customer, credentials: login, deadline: deadline)
                // A built-in pack's SQL is the function's own, tested on every supported major: only the server's
                // answer (a permission, a missing view) is news.
                if !isPack { entry.findings = QueryShapeCheck.findings(query, columns: columns) }
            } catch  where [.connectFailed, .authFailed, .tooManyConnections].contains(error.code) {
                report.failure = "\(error.errorType): \(error.message)"
                return report
            } catch {
                entry.findings = [.init(problem: "the server refused it: \(error.errorType): \(error.message)")]
            }
            if run && !entry.findings.contains(where: \.isProblem) {
                var counter = SeriesCounter(
                    mapper: RowMapper(
                        customer: customer.opname, query: query, nowMs: Deadline.nowEpochMilliseconds(),
                        constantDimensions: customer.dimensions + query.dimensions
                            + (query.eachDatabase ? [Dimension("database", customer.database)] : [])))
                do throws(PostgresError) {
                    try runner.run(
                        query, on: customer, credentials: login, into: &counter, deadline: Deadline.after(timeout))
                    entry.series = counter.series.count
                    for (name, reason) in counter.skipped.sorted(by: { $0.key < $1.key }) {
                        entry.findings.append(.init(warning: "\(name) skipped when it ran: \(reason)"))
                    }
                } catch {
                    entry.findings.append(.init(problem: "it failed when run: \(error.errorType): \(error.message)"))
                }
            }
            report.queries.append(entry)
        }
        return report
    }
}

/// Not `Sendable`, on purpose: it owns connections that one thread at a time may use.
@available(*, unavailable)
extension ServerCheck: Sendable {}

/// Maps a query's rows as the function would and counts the distinct metric series, keeping no datapoint.
struct SeriesCounter: RowReceiver {
    let mapper: RowMapper
    private var layout: RowMapper.Layout?
    private var rows = 0
    private(set) var series: Set<String> = []
    /// Each skipped name, with its first reason.
    private(set) var skipped: [String: String] = [:]

    init(mapper: RowMapper) { self.mapper = mapper }

    mutating func columns(_ columns: [ResultTable.Column]) {
        let (layout, skipped) = mapper.layout(columns)
        self.layout = layout
        for value in skipped where self.skipped[value.name] == nil { self.skipped[value.name] = value.reason }
    }

    mutating func row(_ row: ResultRow) {
        defer { rows += 1 }
        guard let layout, rows < mapper.query.maxRows else { return }
        var output = RowMapper.Output()
        mapper.map(row: row.cells, index: rows, layout: layout, into: &output)
        // Log fields are no metric (the catalog's `publish`): they cost their bytes, not a series.
        for point in output.datapoints where !point.logOnly {
            series.insert(([point.name] + point.dimensions.map { "\($0.name)=\($0.value)" }).joined(separator: "\u{0}"))
        }
        for value in output.skipped where skipped[value.name] == nil { skipped[value.name] = value.reason }
    }
}
