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

/// A CloudWatch unit, as PutMetricData and EMF spell it: a datum cannot carry any other, and the catalog's `units`
/// are read into these (an unknown one is refused at load, with the allowed ones listed).
public enum MetricUnit: String, CaseIterable, Sendable, Encodable {
    case seconds = "Seconds", microseconds = "Microseconds", milliseconds = "Milliseconds"
    case bytes = "Bytes", kilobytes = "Kilobytes", megabytes = "Megabytes", gigabytes = "Gigabytes"
    case terabytes = "Terabytes"
    case bits = "Bits", kilobits = "Kilobits", megabits = "Megabits", gigabits = "Gigabits", terabits = "Terabits"
    case percent = "Percent", count = "Count"
    case bytesPerSecond = "Bytes/Second", kilobytesPerSecond = "Kilobytes/Second"
    case megabytesPerSecond = "Megabytes/Second", gigabytesPerSecond = "Gigabytes/Second"
    case terabytesPerSecond = "Terabytes/Second"
    case bitsPerSecond = "Bits/Second", kilobitsPerSecond = "Kilobits/Second", megabitsPerSecond = "Megabits/Second"
    case gigabitsPerSecond = "Gigabits/Second", terabitsPerSecond = "Terabits/Second"
    case countPerSecond = "Count/Second"
    case none = "None"
}
