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

/// Datums on their way to the sink, handed over whenever a batch fills: memory holds one batch, never the whole
/// invocation's rows.
///
/// Aggregation stays correct across batches: the planner merges the values of one series within a batch, and a
/// series that spans two batches goes out as two datums, which CloudWatch's statistics combine as one.
///
/// A failed hand-over is kept, not thrown, because it happens inside libpq's row callback; the collector stops
/// mapping rows once ``failure`` is set, and the handler throws it with the batch's datums as `unpublished`.
final class PublishBuffer {
    /// Datums per hand-over: as many PutMetricData requests' worth as go out at once
    /// (``AWSClients/CloudWatchClient/concurrency``), so the planner can aggregate and the requests go out together,
    /// and no more, since the batch and its bodies are what the publisher holds in memory.
    static let batchDatums = CloudWatchClient.concurrency * PutMetricDataLimits.datumsPerRequest

    private let sink: any MetricsSink
    private let deadline: Deadline
    private let batchDatums: Int
    private var pending: [MetricDatum] = []
    /// What the sink published so far, summed over the batches.
    private(set) var summary: PublishSummary
    /// The first failed hand-over; nothing more is handed over after it.
    private(set) var failure: CloudWatchError?

    init(sink: any MetricsSink, deadline: Deadline, batchDatums: Int = PublishBuffer.batchDatums) {
        self.sink = sink
        self.deadline = deadline
        self.batchDatums = batchDatums
        self.summary = PublishSummary(sink: sink.name)
        pending.reserveCapacity(batchDatums)
    }

    func add(_ datum: MetricDatum) {
        pending.append(datum)
        if pending.count >= batchDatums { handOver() }
    }

    func add(_ datums: [MetricDatum]) {
        for datum in datums { add(datum) }
    }

    /// Hands what is pending to the sink.
    ///
    /// - Throws: the first failure of this buffer, with the datums that were not published.
    func flush() throws(CloudWatchError) {
        handOver()
        if let failure { throw failure }
    }

    private func handOver() {
        guard !pending.isEmpty else { return }
        // The batch goes to the sink as `pending` itself and is emptied after: a copy taken first would leave
        // `pending` shared, and emptying it would then allocate a second batch's buffer beside the one in flight.
        defer { pending.removeAll(keepingCapacity: true) }
        guard failure == nil else {
            failure = CloudWatchError(failure!.code, failure!.message, unpublished: failure!.unpublished + pending)
            return
        }
        do {
            summary.add(try sink.publish(pending, deadline: deadline))
        } catch {
            failure = error
        }
    }
}

@available(*, unavailable)
extension PublishBuffer: Sendable {}
