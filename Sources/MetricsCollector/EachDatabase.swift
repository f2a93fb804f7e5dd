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
import LambdaRuntime
import Logging
import MetricModel
import PostgresClient

/// An `eachDatabase` query (issue 28): run in each database of the customer's `databases`, one after the other,
/// each with a `database` dimension, each on a connection of the pool (`ONPREM_MAX_CONNECTIONS` bounds the idle
/// ones, whatever the number of databases).
///
/// One database failing fails its own part: the others' metrics are published, the outcome is `partial` and lists
/// each database with its status and error, and the query's collection health says it failed. When every database
/// fails (or the list cannot be read), the query fails as any query does.
extension MetricsHandler {
    func collectEach(
        _ query: QueryDefinition, for customer: Customer, queriesLeft: Int, into buffer: PublishBuffer,
        budget: OutputBudget, context: LambdaContext, started: Int64
    ) throws -> (TaskOutput.QueryOutcome, RowCollector?) {
        let databases = try databases(of: customer, queriesLeft: queriesLeft, context: context)
        var merged = RowCollector(
            mapper: RowMapper(customer: customer.opname, query: query, nowMs: started), buffer: buffer,
            budget: budget)
        var parts: [TaskOutput.DatabaseOutcome] = []
        var firstError: (any Error)?
        for (index, database) in databases.enumerated() {
            var target = customer
            target.database = database
            var part = RowCollector(
                mapper: RowMapper(
                    customer: customer.opname, query: query, nowMs: started,
                    constantDimensions: customer.dimensions + query.dimensions + [Dimension("database", database)]),
                buffer: buffer, budget: budget, logText: Self.textLogger(context: context))
            do {
                if let problem = DatabaseSelection.problem(database) {
                    throw CatalogError(.invalid, "database \"\(database)\" \(problem): it cannot be a dimension value")
                }
                // Each database left counts as a query still to run in the split of the invocation's time.
                try run(
                    query, for: target, into: &part, queriesLeft: queriesLeft - 1 + databases.count - index,
                    context: context)
                parts.append(
                    .init(
                        database: database, status: part.rowsCut > 0 ? .partial : .ok, rows: part.rows,
                        datapointCount: part.datapointCount))
            } catch {
                firstError = firstError ?? error
                let payload = ErrorPayload(error)
                context.logger.warning(
                    "query failed in one database",
                    metadata: [
                        "query": "\(query.name)", "database": "\(database)", "errorType": "\(payload.errorType)",
                    ])
                parts.append(
                    .init(
                        database: database, status: .error, rows: part.rows, datapointCount: part.datapointCount,
                        error: payload))
            }
            merged.absorb(part)
            if buffer.failure != nil { break }
        }
        let failed = parts.filter { $0.status == .error }.count
        if let firstError, failed == parts.count { throw firstError }
        buffer.add(
            health.datums(
                customer: customer, dimension: query.cloudwatchDimension, succeeded: failed == 0, since: started))
        let outcome = TaskOutput.QueryOutcome(
            query: query.name, status: failed > 0 || merged.rowsCut > 0 ? .partial : .ok,
            durationMs: Double(Deadline.nowEpochMilliseconds() - started), rows: merged.rows,
            rowsCut: merged.rowsCut > 0 ? merged.rowsCut : nil, datapointCount: merged.datapointCount,
            skippedCount: merged.skippedCount, datapoints: merged.datapoints, skipped: merged.skipped,
            databases: parts)
        return (outcome, merged)
    }

    /// The databases an `eachDatabase` query runs in: the customer's list, or those its server has (discovered in
    /// its own `database`) less the excluded; its `database` alone when it names none.
    func databases(of customer: Customer, queriesLeft: Int, context: LambdaContext) throws -> [String] {
        guard let selection = customer.databases else { return [customer.database] }
        guard case .all = selection else { return selection.names(discovered: []) }
        let discovery = QueryDefinition(
            name: "databases", versions: [], sql: DatabaseSelection.discovery, cloudwatchDimension: "databases")
        var names = DatabaseNames()
        try run(discovery, for: customer, into: &names, queriesLeft: queriesLeft, context: context)
        return selection.names(discovered: names.names)
    }
}

/// The first column of each row: the discovery's database names.
private struct DatabaseNames: RowReceiver {
    var names: [String] = []
    mutating func columns(_ columns: [ResultTable.Column]) {}
    mutating func row(_ row: ResultRow) {
        if let name = row.cells.first ?? nil { names.append(name) }
    }
}
