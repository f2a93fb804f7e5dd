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

import CatalogModel
public import MetricModel

/// One metric value ready to publish: CloudWatch's datum, before batching.
public struct Datapoint: Equatable, Sendable {
    public var name: String
    public var value: Double
    public var unit: MetricUnit
    /// Dimensions in order: `Customer`, `Query`, then the row's own.
    public var dimensions: [Dimension]
    public var timestampMs: Int64
    public var storageResolution: Int
    /// Kept as a log field, not published as a metric (the catalog's `publish`).
    public var logOnly: Bool

    public init(
        name: String, value: Double, unit: MetricUnit = .none, dimensions: [Dimension], timestampMs: Int64,
        storageResolution: Int = 60, logOnly: Bool = false
    ) {
        self.logOnly = logOnly
        self.name = name
        self.value = value
        self.unit = unit
        self.dimensions = dimensions
        self.timestampMs = timestampMs
        self.storageResolution = storageResolution
    }
}

/// A value that was not turned into a datapoint, and why; listed in the output, never silently dropped.
public struct SkippedValue: Equatable, Sendable {
    public var name: String
    /// The 0-based row, or `nil` when the whole column was skipped.
    public var row: Int?
    public var reason: String

    public init(name: String, row: Int?, reason: String) {
        self.name = name
        self.row = row
        self.reason = reason
    }
}
