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

/// What a sink published, for the task output: the one publish result, from CloudWatchClient, EMF and the sinks.
public struct PublishSummary: Encodable, Equatable, Sendable {
    public var sink: String
    public var requests = 0
    public var datums = 0
    public var datapoints = 0
    public var bytes = 0
    /// Values written as log fields only (the catalog's `publish`), counted in ``datapoints`` too.
    public var logFields = 0
    public var retries = 0
    /// The first rejected datums, at most ``listedRejections``.
    public var rejected: [Rejection] = []
    /// Every rejected datum, listed or not.
    public var rejectedCount = 0

    public init(sink: String) { self.sink = sink }

    /// Adds what another hand-over to the same sink published.
    public mutating func add(_ other: PublishSummary) {
        requests += other.requests
        datums += other.datums
        datapoints += other.datapoints
        bytes += other.bytes
        logFields += other.logFields
        retries += other.retries
        rejected += other.rejected.prefix(max(0, Self.listedRejections - rejected.count))
        rejectedCount += other.rejectedCount
    }

    /// At most this many rejections are listed; ``rejectedCount`` counts them all.
    public static let listedRejections = 100
}

/// A datum CloudWatch would refuse, never sent, and why. In the task output it shows as its name and the reason.
public struct Rejection: Equatable, Sendable, Encodable {
    public var datum: MetricDatum
    public var reason: String

    public init(datum: MetricDatum, reason: String) {
        self.datum = datum
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey { case name, reason }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(datum.name, forKey: .name)
        try container.encode(reason, forKey: .reason)
    }
}
