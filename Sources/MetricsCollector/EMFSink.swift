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

#if canImport(Glibc)
    import Glibc
#endif

/// Embedded Metric Format lines on stdout, which CloudWatch Logs turns into metrics; no API call.
public struct EMFSink: MetricsSink, Sendable {
    public let namespace: String
    public var name: String { "emf" }

    public init(namespace: String) { self.namespace = namespace }

    public func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> PublishSummary {
        var summary = PublishSummary(sink: name)
        var bytes: [UInt8] = []
        EMF.append(datums, namespace: namespace, to: &bytes)
        // One write for the batch: Lambda splits stdout into log events at the newlines.
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw CloudWatchError(.publishFailed, "stdout refused the EMF lines", unpublished: datums)
            }
            offset += written
        }
        summary.bytes = bytes.count
        summary.datums = datums.count
        summary.datapoints = datums.reduce(0) { $0 + $1.datapointCount }
        return summary
    }
}
