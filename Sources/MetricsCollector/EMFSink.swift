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

/// Embedded Metric Format lines on stdout, which CloudWatch Logs turns into metrics; no API call.
public struct EMFSink: MetricsSink, Sendable {
    public let namespace: String
    public var name: String { "emf" }

    public init(namespace: String) { self.namespace = namespace }

    public func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> PublishSummary {
        var summary = PublishSummary(sink: name)
        var bytes: [UInt8] = []
        EMF.append(datums, namespace: namespace, to: &bytes)
        try StandardOutput.write(bytes, unpublished: datums)
        summary.bytes = bytes.count
        summary.datums = datums.count
        summary.logFields = datums.reduce(0) { $0 + ($1.logOnly ? 1 : 0) }
        summary.datapoints = datums.reduce(0) { $0 + $1.datapointCount }
        return summary
    }
}
