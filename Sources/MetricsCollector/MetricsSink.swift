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

/// Where the datapoints go. One type per sink; ``MetricsSinkChoice`` picks one by `ONPREM_METRICS_SINK`.
///
/// A new sink is a new conforming type and its entry in ``MetricsSinkChoice/choice``; nothing else changes.
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
