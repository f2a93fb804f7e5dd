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
import MetricModel
import PostgresClient

/// One query's rows as libpq streams them: each row is mapped to datapoints at once and its datums go to the
/// publish buffer, so nothing grows with the row count except the counters.
///
/// Rows past the query's `maxRows` are read and counted but not mapped: the output reports them as `rowsCut`, and
/// the query's status says the result is partial. The task output keeps a bounded sample: datapoints while the
/// task's ``OutputBudget`` lasts, and the first ``listedSkips`` skipped values.
struct RowCollector: RowReceiver {
    /// Skipped values listed per query; ``skippedCount`` counts them all.
    static let listedSkips = 100

    let mapper: RowMapper
    let buffer: PublishBuffer
    let budget: OutputBudget
    private var layout: RowMapper.Layout?
    /// Rows read, mapped or not.
    private(set) var rows = 0
    private(set) var rowsCut = 0
    /// Rows read but not mapped because publishing had failed; the failure fails the task.
    private(set) var rowsAfterFailure = 0
    private(set) var datapointCount = 0
    private(set) var skippedCount = 0
    private(set) var datapoints: [TaskOutput.DatapointOutput] = []
    private(set) var skipped: [TaskOutput.SkippedOutput] = []

    /// Where the rows' text fields go (the function's log); `nil` drops them.
    let logText: ((RowMapper.LoggedText) -> Void)?

    init(
        mapper: RowMapper, buffer: PublishBuffer, budget: OutputBudget,
        logText: ((RowMapper.LoggedText) -> Void)? = nil
    ) {
        self.mapper = mapper
        self.buffer = buffer
        self.budget = budget
        self.logText = logText
    }

    mutating func columns(_ columns: [ResultTable.Column]) {
        let (layout, skipped) = mapper.layout(columns)
        self.layout = layout
        for value in skipped { skip(value) }
    }

    mutating func row(_ row: ResultRow) {
        defer { rows += 1 }
        guard rows < mapper.query.maxRows else {
            rowsCut += 1
            return
        }
        guard buffer.failure == nil else {
            rowsAfterFailure += 1
            return
        }
        guard let layout else { return }
        var output = RowMapper.Output()
        mapper.map(row: row.cells, index: rows, layout: layout, into: &output)
        for point in output.datapoints {
            buffer.add(MetricsHandler.datum(point))
            if budget.take() { datapoints.append(TaskOutput.datapoint(point)) }
        }
        datapointCount += output.datapoints.count
        for value in output.skipped { skip(value) }
        if let logText { output.texts.forEach(logText) }
    }

    /// Adds what `other` (another database's part of the same query) collected: its counts, and its listed
    /// datapoints and skips as far as the lists go.
    mutating func absorb(_ other: RowCollector) {
        rows += other.rows
        rowsCut += other.rowsCut
        rowsAfterFailure += other.rowsAfterFailure
        datapointCount += other.datapointCount
        skippedCount += other.skippedCount
        datapoints += other.datapoints
        skipped += other.skipped.prefix(max(0, Self.listedSkips - skipped.count))
    }

    private mutating func skip(_ value: SkippedValue) {
        skippedCount += 1
        if skipped.count < Self.listedSkips {
            skipped.append(.init(name: value.name, row: value.row, reason: value.reason))
        }
    }
}

/// How many datapoints the task output may still list, shared by the queries of one invocation: the output must
/// stay inside Step Functions' state limit, and memory must not grow with the rows. Once it runs out, the output
/// lists none (``TaskOutput/truncated``) and keeps the counts.
final class OutputBudget {
    /// Datapoints listed in one task output at most; more would not fit the state limit anyway.
    static let listedDatapoints = 1000

    private var left: Int
    private(set) var isExhausted = false

    init(datapoints: Int = OutputBudget.listedDatapoints) { left = datapoints }

    /// Whether one more datapoint may be listed.
    func take() -> Bool {
        guard left > 0 else {
            isExhausted = true
            return false
        }
        left -= 1
        return true
    }
}

@available(*, unavailable)
extension OutputBudget: Sendable {}
