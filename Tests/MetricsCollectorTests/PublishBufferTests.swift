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
import Core
import MetricModel
import Testing

@testable import MetricsCollector

/// A sink that records each hand-over and can refuse one: a stand-in only for the failure a real sink cannot be
/// made to produce on demand.
final class RecordingSink: MetricsSink {
    var name: String { "recording" }
    private(set) var batches: [[MetricDatum]] = []
    /// The 0-based hand-over that fails with `CloudWatch.Throttled`.
    var failing: Int?

    init(failing: Int? = nil) { self.failing = failing }

    func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> PublishSummary {
        defer { batches.append(datums) }
        if batches.count == failing { throw CloudWatchError(.throttled, "throttled", unpublished: datums) }
        var summary = PublishSummary(sink: name)
        summary.requests = 1
        summary.datums = datums.count
        summary.datapoints = datums.reduce(0) { $0 + $1.datapointCount }
        return summary
    }
}

@Suite struct PublishBufferTests {
    static let deadline = Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + 60_000)

    static func datums(_ count: Int) -> [MetricDatum] {
        (0..<count).map { index in
            MetricDatum(
                name: "m", dimensions: [Dimension("Row", String(index))], unit: .none, timestampMs: 0,
                values: [Double(index)])
        }
    }

    @Test("datums go to the sink in batches as they fill, and the summary adds the batches up")
    func batches() throws {
        let sink = RecordingSink()
        let buffer = PublishBuffer(sink: sink, deadline: Self.deadline, batchDatums: 4)
        buffer.add(Self.datums(10))
        #expect(sink.batches.map(\.count) == [4, 4], "two full batches handed over, two datums pending")
        try buffer.flush()
        #expect(sink.batches.map(\.count) == [4, 4, 2])
        #expect(buffer.summary.requests == 3)
        #expect(buffer.summary.datums == 10)
        #expect(sink.batches.joined().map { $0.values[0] } == (0..<10).map(Double.init), "each datum once, in order")
        try buffer.flush()
        #expect(sink.batches.count == 3, "an empty flush hands nothing over")
    }

    @Test("after a failed hand-over nothing more goes to the sink, and every later datum is unpublished")
    func failure() {
        let sink = RecordingSink(failing: 1)
        let buffer = PublishBuffer(sink: sink, deadline: Self.deadline, batchDatums: 3)
        buffer.add(Self.datums(10))
        #expect(buffer.failure?.code == .throttled)
        #expect(throws: CloudWatchError.self) { try buffer.flush() }
        #expect(sink.batches.count == 2, "the sink saw the first batch and the refused one, nothing after")
        #expect(buffer.summary.datums == 3)
        let unpublished = buffer.failure?.unpublished.map { $0.values[0] } ?? []
        #expect(unpublished == (3..<10).map(Double.init), "published plus unpublished is every datum")
    }

    @Test("summaries add up, with the listed rejections capped and all of them counted")
    func summaries() {
        var total = PublishSummary(sink: "s")
        var part = PublishSummary(sink: "s")
        part.requests = 2
        part.rejected = Array(
            repeating: Rejection(
                datum: MetricDatum(name: "m", dimensions: [], timestampMs: 0, values: [1]), reason: "r"), count: 80)
        part.rejectedCount = 80
        total.add(part)
        total.add(part)
        #expect(total.requests == 4)
        #expect(total.rejected.count == PublishSummary.listedRejections)
        #expect(total.rejectedCount == 160)
    }
}
