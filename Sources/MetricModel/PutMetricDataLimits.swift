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

/// CloudWatch's PutMetricData limits, per request and per datum.
public enum PutMetricDataLimits: Sendable {
    public static let datumsPerRequest = 1000
    public static let bodyBytes = 1_000_000
    public static let dimensionsPerDatum = 30
    public static let valuesPerDatum = 150
    public static let nameLength = 255
    public static let dimensionValueLength = 1024
    /// Values must lie within ±2^360; smaller magnitudes than 2^-360 are rounded to 0 before sending.
    public static let largestMagnitude = 0x1p360
    public static let smallestMagnitude = 0x1p-360
    public static let oldestAge: Duration = .seconds(14 * 24 * 3600)
    public static let newestAhead: Duration = .seconds(2 * 3600)

    /// Why CloudWatch would refuse `text` as a dimension name (`isName`) or value, if it would.
    ///
    /// CloudWatch's API reference: dimension names and values contain only ASCII characters, no ASCII control
    /// characters, and at least one non-whitespace character; a name may not start with `:`. One such datum fails
    /// the whole request, so it is caught here, before anything is sent.
    public static func dimensionProblem(_ text: String, isName: Bool) -> String? {
        let limit = isName ? nameLength : dimensionValueLength
        let what = isName ? "dimension name" : "dimension value"
        // ASCII only, so bytes are characters.
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= limit else { return "\(what) must be 1-\(limit) characters" }
        var blank = true
        for byte in bytes {
            if byte >= 0x80 { return "\(what) is not ASCII (CloudWatch accepts ASCII only)" }
            if byte < 0x20 || byte == 0x7F { return "\(what) has a control character" }
            if byte != 0x20 { blank = false }
        }
        if blank { return "\(what) is blank" }
        if isName && bytes.first == UInt8(ascii: ":") { return "dimension name starts with ':'" }
        return nil
    }

    /// Why CloudWatch would refuse `name` as a metric name, if it would: 1-255 characters, counted as Unicode
    /// scalars (not grapheme clusters, which can hide any number of scalars), no control characters, not blank.
    public static func metricNameProblem(_ name: String) -> String? {
        var count = 0
        var blank = true
        for scalar in name.unicodeScalars {
            count += 1
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                return "metric name has a control character"
            }
            if !scalar.properties.isWhitespace { blank = false }
        }
        guard count >= 1, count <= nameLength else { return "metric name must be 1-\(nameLength) characters" }
        if blank { return "metric name is blank" }
        return nil
    }
}
