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

public import AWSClients
public import Core
public import MetricModel

/// Where the datapoints go. One type per sink; ``MetricsSinks`` picks one by `ONPREM_METRICS_SINK`.
///
/// A new sink is a new conforming type and its entry in ``MetricsSinks/choice``; nothing else changes.
///
/// - Note: Not `Sendable` on purpose: the CloudWatch sink owns a libcurl handle.
public protocol MetricsSink {
    /// The sink's name in `ONPREM_METRICS_SINK` and in the task output's `published.sink`.
    var name: String { get }

    /// Publishes `datums` before `deadline`.
    ///
    /// - Throws: `CloudWatch.Reason` with the datums that were not published, so that none is lost silently.
    func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> PublishSummary
}

/// What a sink published, for the task output.
public struct PublishSummary: Encodable, Sendable {
    public var sink: String
    public var requests = 0
    public var datums = 0
    public var datapoints = 0
    public var bytes = 0
    public var retries = 0
    public var rejected: [Rejection] = []
    /// Every rejected datum, listed or not.
    public var rejectedCount = 0

    public struct Rejection: Encodable, Sendable {
        public var name: String
        public var reason: String
    }

    public init(sink: String) { self.sink = sink }

    /// Adds what another hand-over to the same sink published.
    public mutating func add(_ other: PublishSummary) {
        requests += other.requests
        datums += other.datums
        datapoints += other.datapoints
        bytes += other.bytes
        retries += other.retries
        rejected += other.rejected.prefix(max(0, Self.listedRejections - rejected.count))
        rejectedCount += other.rejectedCount
    }

    /// At most this many rejections are listed; ``rejectedCount`` counts them all.
    public static let listedRejections = 100
}
