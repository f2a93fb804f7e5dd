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

import Core

/// CloudWatch's Embedded Metric Format: datums as the JSON log lines CloudWatch Logs turns into metrics (pure).
public enum EMF: Sendable {
    /// One EMF object per datum and slice of at most 100 values (EMF's limit per metric array). Counts are
    /// expanded, since EMF has no counts.
    public static func lines(_ datums: [MetricDatum], namespace: String) -> [String] {
        var lines: [String] = []
        for datum in datums {
            var values: [Double] = []
            for (value, count) in zip(datum.values, datum.counts) {
                values += Array(repeating: value, count: max(1, Int(count)))
            }
            var start = 0
            while start < values.count {
                let slice = values[start..<min(start + 100, values.count)]
                start += 100
                let names = datum.dimensions.map { JSONText.quoted($0.name) }.joined(separator: ",")
                let fields = datum.dimensions.map { ",\(JSONText.quoted($0.name)):\(JSONText.quoted($0.value))" }
                    .joined()
                let value =
                    slice.count == 1 ? "\(slice.first ?? 0)" : "[\(slice.map { "\($0)" }.joined(separator: ","))]"
                lines.append(
                    "{\"_aws\":{\"Timestamp\":\(datum.timestampMs),\"CloudWatchMetrics\":[{\"Namespace\":"
                        + "\(JSONText.quoted(namespace)),\"Dimensions\":[[\(names)]],\"Metrics\":[{\"Name\":"
                        + "\(JSONText.quoted(datum.name)),\"Unit\":\(JSONText.quoted(datum.unit)),"
                        + "\"StorageResolution\":\(datum.storageResolution)}]}]}\(fields),"
                        + "\(JSONText.quoted(datum.name)):\(value)}")
            }
        }
        return lines
    }
}
