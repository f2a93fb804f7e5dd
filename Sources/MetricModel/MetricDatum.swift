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
import JSON
import UTCTime

/// One PutMetricData datum: a metric at a time, with one value or a set of distinct values and their counts.
public struct MetricDatum: Equatable, Sendable {
    public var name: String
    /// Dimensions in the order given.
    public var dimensions: [Dimension]
    public var unit: MetricUnit
    public var timestampMs: Int64
    public var storageResolution: Int
    /// Distinct values; with ``counts`` of the same length, how often each was seen.
    public var values: [Double]
    public var counts: [Double]
    /// A value the catalog keeps as a field of the log line, not a metric (issue 29): EMF writes it undeclared,
    /// and PutMetricData never sends it.
    public var logOnly: Bool

    public init(
        name: String, dimensions: [Dimension], unit: MetricUnit = .none, timestampMs: Int64,
        storageResolution: Int = 60, values: [Double], counts: [Double]? = nil, logOnly: Bool = false
    ) {
        self.logOnly = logOnly
        self.name = name
        self.dimensions = dimensions
        self.unit = unit
        self.timestampMs = timestampMs
        self.storageResolution = storageResolution
        self.values = values
        self.counts = counts ?? Array(repeating: 1, count: values.count)
    }

    /// How many datapoints the datum stands for.
    public var datapointCount: Int { Int(counts.reduce(0, +)) }

    /// The datum as a JSON object, for error bodies and EMF.
    public var json: String {
        let dimensionsJSON = dimensions.map { "\(JSONText.quoted($0.name)):\(JSONText.quoted($0.value))" }
            .joined(separator: ",")
        return
            "{\"name\":\(JSONText.quoted(name)),\"dimensions\":{\(dimensionsJSON)},\"unit\":\(JSONText.quoted(unit.rawValue)),"
            + "\"timestamp\":\(JSONText.quoted(UTCTime.rfc3339(epochMilliseconds: timestampMs))),"
            + "\"storageResolution\":\(storageResolution),"
            + "\"values\":[\(values.map { AWSQueryForm.number($0) }.joined(separator: ","))],"
            + "\"counts\":[\(counts.map { AWSQueryForm.number($0) }.joined(separator: ","))]}"
    }

    /// What makes two datapoints the same series at the same moment, so they can share a datum.
    ///
    /// Bytes, not a `String`: strings compare by canonical equivalence, which would merge two metrics whose names
    /// differ only in how an accent is encoded.
    var seriesKey: [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(64)
        key += name.utf8
        key.append(0)
        key += unit.rawValue.utf8
        key.append(0)
        withUnsafeBytes(of: timestampMs) { key += $0 }
        withUnsafeBytes(of: storageResolution) { key += $0 }
        for dimension in dimensions {
            key.append(0)
            key.append(contentsOf: dimension.name.utf8)
            key.append(1)
            key.append(contentsOf: dimension.value.utf8)
        }
        return key
    }
}
