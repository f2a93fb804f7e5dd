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

/// Nothing is published; the datapoints are only in the task output.
public struct NoSink: MetricsSink, Sendable {
    public var name: String { "none" }

    public init() {}

    public func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> PublishSummary {
        PublishSummary(sink: name)
    }
}
