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

import AWSClients
import CatalogModel
import Core
import Foundation
import LambdaRuntime
import Logging
import MetricModel
import Testing

@testable import MetricsCollector

/// Results of many rows against the real PostgreSQL: single-row mode, batches to the sink as they fill, the row
/// limit, and a sink that fails part-way. Memory against the row count is measured by `make bench`.
@Suite(.serialized, .enabled(if: LiveServices.postgresPort != nil, "needs ONPREM_TEST_PG_PORT (make test)"))
struct StreamingTests {
    /// Sums what reaches it, per metric name, and can refuse a hand-over: the failure is what a stand-in is for.
    final class SummingSink: MetricsSink {
        var name: String { "summing" }
        private(set) var handOvers: [Int] = []
        private(set) var sums: [String: Double] = [:]
        private(set) var values = 0
        var refusing: Int?

        init(refusing: Int? = nil) { self.refusing = refusing }

        func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> PublishSummary {
            defer { handOvers.append(datums.count) }
            if handOvers.count == refusing { throw CloudWatchError(.throttled, "refused", unpublished: datums) }
            for datum in datums {
                sums[datum.name, default: 0] += zip(datum.values, datum.counts).reduce(0) { $0 + $1.0 * $1.1 }
                values += datum.datapointCount
            }
            var summary = PublishSummary(sink: name)
            summary.requests = 1
            summary.datums = datums.count
            return summary
        }
    }

    static func catalog(rows: Int, maxRows: Int) -> Catalog {
        Catalog(
            customers: [
                Customer(
                    opname: "Customer 1", host: "127.0.0.1", port: LiveServices.postgresPort ?? 0, database: "ops_v1",
                    version: "1")
            ],
            queries: [
                QueryDefinition(
                    name: "cells", versions: ["1"],
                    sql: "select 'cell-' || (g % 100) as cell, g as load from generate_series(1, \(rows)) g",
                    cloudwatchDimension: "cells", maxRows: maxRows),
                QueryDefinition(
                    name: "none", versions: ["1"], sql: "select 1 as one where false", cloudwatchDimension: "none"),
            ])
    }

    func invoke(_ sink: SummingSink, rows: Int, maxRows: Int = 1_000_000, query: String = "cells") throws
        -> [String: Any]
    {
        let handler = MetricsHandler(
            catalog: Self.catalog(rows: rows, maxRows: maxRows), sink: sink, tls: LiveServices.tls
        ) { _, _ in LiveServices.login() }
        let context = LambdaContext(
            requestID: "stream", invokedFunctionARN: "", traceID: nil,
            deadline: Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + 60_000),
            logger: Logger(label: "test"))
        let event = #"{"customer": "Customer 1", "query": "\#(query)"}"#
        let bytes = try handler.handle(Array(event.utf8), context: context)
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    static func outcome(_ output: [String: Any]) -> [String: Any] {
        (output["queries"] as? [[String: Any]])?.first ?? [:]
    }

    @Test("25,000 rows reach the sink in batches as they fill, every value once, and the output stays bounded")
    func manyRows() throws {
        let sink = SummingSink()
        let output = try invoke(sink, rows: 25_000)
        let outcome = Self.outcome(output)
        #expect(outcome["rows"] as? Int == 25_000)
        #expect(outcome["datapointCount"] as? Int == 25_000)
        #expect(outcome["rowsCut"] == nil)
        #expect(output["status"] as? String == "ok")
        // The load datums fill whole batches during the query; the rest and the health datums go with the last flush.
        let batch = PublishBuffer.batchDatums
        #expect(sink.handOvers == Array(repeating: batch, count: 25_000 / batch) + [25_000 % batch + 2])
        #expect(sink.sums["load"] == 312_512_500, "the sum of 1...25,000")
        #expect(sink.values == 25_002)
        #expect(outcome["datapoints"] == nil, "more than the output may list: it lists none")
        #expect(output["truncated"] as? Bool == true)
    }

    @Test("rows past maxRows are read and counted but not mapped, the query is partial, the connection stays good")
    func rowLimit() throws {
        let sink = SummingSink()
        let output = try invoke(sink, rows: 3000, maxRows: 1000)
        let outcome = Self.outcome(output)
        #expect(outcome["rows"] as? Int == 3000)
        #expect(outcome["rowsCut"] as? Int == 2000)
        #expect(outcome["datapointCount"] as? Int == 1000)
        #expect(outcome["status"] as? String == "partial")
        #expect(output["status"] as? String == "partial")
        #expect(sink.sums["load"] == 500_500, "the first 1,000 rows: 1...1,000")
        let again = try invoke(SummingSink(), rows: 10)
        #expect(again["status"] as? String == "ok")
    }

    @Test("a query of no rows is ok with no datapoints")
    func noRows() throws {
        let output = try invoke(SummingSink(), rows: 0, query: "none")
        #expect(Self.outcome(output)["rows"] as? Int == 0)
        #expect(output["status"] as? String == "ok")
    }

    @Test("a sink that fails part-way fails the task with its batch unpublished and says where collection stopped")
    func failingSink() throws {
        let sink = SummingSink(refusing: 1)
        let batch = PublishBuffer.batchDatums
        do {
            _ = try invoke(sink, rows: 3 * batch)
            Issue.record("the task should fail")
        } catch let error as CloudWatchError {
            #expect(error.code == .throttled)
            #expect(error.unpublished.count == batch + 2, "the refused batch and the health datums after it")
            #expect(error.message.contains("\(batch) rows after the failure"), "\(error.message)")
        }
        #expect(sink.handOvers == [batch, batch], "nothing handed over after the refusal")
        #expect(sink.values == batch, "published plus unpublished: the rows mapped before the stop")
    }
}
