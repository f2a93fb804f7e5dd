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

/// CloudWatch's Embedded Metric Format: datums as the JSON log lines CloudWatch Logs turns into metrics (pure).
public enum EMF: Sendable {
    /// EMF's limits: metrics per directive, and values per metric array.
    static let metricsPerLine = 100
    static let valuesPerMetric = 100

    /// The lines of ``append(_:namespace:to:)``, without their newlines.
    public static func lines(_ datums: [MetricDatum], namespace: String) -> [String] {
        var bytes: [UInt8] = []
        append(datums, namespace: namespace, to: &bytes)
        return bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    }

    /// EMF lines for `datums`, each ending in a newline, appended to `out`.
    ///
    /// Consecutive single-value datums of one moment and one set of dimensions (the metrics of one row) share a
    /// line, up to EMF's 100 metrics: a row of ten KPIs is one log event, not ten. A datum with several values
    /// gets lines of its own, at most 100 values each, its counts expanded, since EMF has no counts.
    public static func append(_ datums: [MetricDatum], namespace: String, to out: inout [UInt8]) {
        var quotedNamespace: [UInt8] = []
        JSONText.appendQuoted(namespace, to: &quotedNamespace)
        var start = 0
        while start < datums.count {
            let first = datums[start]
            guard isSingle(first) else {
                appendExpanded(first, namespace: quotedNamespace, to: &out)
                start += 1
                continue
            }
            var end = start + 1
            while end < datums.count, end - start < metricsPerLine, isSingle(datums[end]),
                datums[end].timestampMs == first.timestampMs,
                datums[end].dimensions.elementsEqual(first.dimensions, by: { $0 == $1 }),
                !datums[start..<end].contains(where: { $0.name == datums[end].name }),
                !first.dimensions.contains(where: { $0.name == datums[end].name })
            {
                end += 1
            }
            let group = datums[start..<end]
            appendLine(
                dimensions: first.dimensions, timestampMs: first.timestampMs, namespace: quotedNamespace,
                metrics: group.map { ($0, number($0.values[0])) }, to: &out)
            start = end
        }
    }

    private static func isSingle(_ datum: MetricDatum) -> Bool {
        datum.values.count == 1 && datum.counts == [1]
    }

    private static func appendExpanded(_ datum: MetricDatum, namespace: [UInt8], to out: inout [UInt8]) {
        var values: [Double] = []
        for (value, count) in zip(datum.values, datum.counts) {
            values += repeatElement(value, count: max(1, Int(count)))
        }
        var start = 0
        while start < values.count {
            let slice = values[start..<min(start + valuesPerMetric, values.count)]
            start += valuesPerMetric
            let value = slice.count == 1 ? number(slice.first ?? 0) : "[\(slice.map(number).joined(separator: ","))]"
            appendLine(
                dimensions: datum.dimensions, timestampMs: datum.timestampMs, namespace: namespace,
                metrics: [(datum, value)], to: &out)
        }
    }

    /// One EMF object: the directive, the dimensions' values, and each metric's value (already JSON).
    ///
    /// A log-only datum (``MetricDatum/logOnly``) is a field the directive does not declare: CloudWatch Logs keeps
    /// it for Logs Insights and makes no metric of it. A line with nothing to declare has no directive at all and
    /// says its time in `Timestamp`, unless the row has a field of that name (the log event's time is then the
    /// line's).
    private static func appendLine(
        dimensions: [Dimension], timestampMs: Int64, namespace: [UInt8],
        metrics: [(datum: MetricDatum, value: String)], to out: inout [UInt8]
    ) {
        // Whether a field is written already, so the next one needs a comma.
        var written = true
        if metrics.contains(where: { !$0.datum.logOnly }) {
            out += #"{"_aws":{"Timestamp":"#.utf8
            out += String(timestampMs).utf8
            out += #","CloudWatchMetrics":[{"Namespace":"#.utf8
            out += namespace
            out += #","Dimensions":[["#.utf8
            for (index, dimension) in dimensions.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendQuoted(dimension.name, to: &out)
            }
            out += #"]],"Metrics":["#.utf8
            var first = true
            for metric in metrics where !metric.datum.logOnly {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out += #"{"Name":"#.utf8
                JSONText.appendQuoted(metric.datum.name, to: &out)
                out += #","Unit":"#.utf8
                JSONText.appendQuoted(metric.datum.unit.rawValue, to: &out)
                out += #","StorageResolution":"#.utf8
                out += String(metric.datum.storageResolution).utf8
                out.append(UInt8(ascii: "}"))
            }
            out += "]}]}".utf8
        } else if dimensions.contains(where: { $0.name == "Timestamp" })
            || metrics.contains(where: { $0.datum.name == "Timestamp" })
        {
            out.append(UInt8(ascii: "{"))
            written = false
        } else {
            out += #"{"Timestamp":"#.utf8
            out += String(timestampMs).utf8
        }
        for dimension in dimensions {
            if written { out.append(UInt8(ascii: ",")) }
            written = true
            JSONText.appendQuoted(dimension.name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.appendQuoted(dimension.value, to: &out)
        }
        for metric in metrics {
            if written { out.append(UInt8(ascii: ",")) }
            written = true
            JSONText.appendQuoted(metric.datum.name, to: &out)
            out.append(UInt8(ascii: ":"))
            out += metric.value.utf8
        }
        out += "}\n".utf8
    }

    /// A value as JSON: integral values without a fraction, others in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String { AWSQueryForm.number(value) }
}
