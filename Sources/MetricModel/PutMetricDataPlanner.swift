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

/// Turns datapoints into as few valid PutMetricData requests as the limits allow: pure, no I/O.
///
/// 1. **Validate** every datum, since one bad datum fails a whole request: what cannot be fixed is rejected with
///    a reason, never sent.
/// 2. **Aggregate** datapoints of the same metric, dimensions, unit, resolution and timestamp into one datum's
///    `Values`/`Counts`, at most 150 distinct values each, as AWS recommends for high-volume data.
/// 3. **Batch** datums into requests of at most 1,000 datums and 1 MB of body.
public struct PutMetricDataPlanner: Sendable {
    public struct Plan: Sendable {
        /// Each request's form-encoded body.
        public var bodies: [[UInt8]]
        /// The datums of each request, in the same order.
        public var requests: [[MetricDatum]]
        public var rejected: [Rejection]
    }

    public let namespace: String
    public let nowMs: Int64

    public init(namespace: String, nowMs: Int64) {
        self.namespace = namespace
        self.nowMs = nowMs
    }

    /// Why CloudWatch would refuse the namespace, if it would.
    public static func namespaceProblem(_ namespace: String) -> String? {
        if namespace.isEmpty || namespace.unicodeScalars.count > PutMetricDataLimits.nameLength {
            return "namespace must be 1-255 characters"
        }
        if namespace.hasPrefix("AWS/") || namespace.hasPrefix(":") { return "namespace must not start with AWS/ or :" }
        return nil
    }

    /// Validates, aggregates and batches `datapoints` into request bodies.
    ///
    /// - Parameter finish: What becomes of each body once it is complete, before the next is written (by default a
    ///   copy without spare capacity): a client that compresses does it here, so that a batch holds one
    ///   uncompressed body at a time, not one per request.
    public func plan(_ datapoints: [MetricDatum], finish: ([UInt8]) -> [UInt8] = { Self.exactSize($0) }) -> Plan {
        var rejected: [Rejection] = []
        var valid: [MetricDatum] = []
        for var datum in datapoints {
            if let reason = problem(&datum) {
                rejected.append(Rejection(datum: datum, reason: reason))
            } else {
                valid.append(datum)
            }
        }
        let datums = Self.aggregate(valid)
        var requests: [[MetricDatum]] = []
        var bodies: [[UInt8]] = []
        var current: [MetricDatum] = []
        var currentBody = freshBody()
        var encoder = AWSQueryForm.Encoder()
        var encoded: [UInt8] = []
        for datum in datums {
            encoded.removeAll(keepingCapacity: true)
            encoder.append(datum, index: current.count + 1, to: &encoded)
            if !current.isEmpty
                && (current.count == PutMetricDataLimits.datumsPerRequest
                    || currentBody.count + encoded.count > PutMetricDataLimits.bodyBytes)
            {
                requests.append(current)
                bodies.append(finish(currentBody))
                current = []
                currentBody = freshBody()
                encoded.removeAll(keepingCapacity: true)
                encoder.append(datum, index: 1, to: &encoded)
            }
            currentBody += encoded
            current.append(datum)
        }
        if !current.isEmpty {
            requests.append(current)
            bodies.append(finish(currentBody))
        }
        return Plan(bodies: bodies, requests: requests, rejected: rejected)
    }

    /// An empty body with room for the most a request may carry, so that it is written in place: grown by doubling
    /// instead, it would be copied on each growth and hold the old and the new buffer at once. The room is only
    /// address space until it is written, since an allocation this large is mapped, not taken from the heap.
    private func freshBody() -> [UInt8] {
        var body = AWSQueryForm.header(namespace: namespace)
        body.reserveCapacity(PutMetricDataLimits.bodyBytes)
        return body
    }

    /// A copy of `body` without the spare capacity its growth left: a body is most of a megabyte, and the bodies
    /// of a batch are held until they are sent.
    public static func exactSize(_ body: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: body.count) { buffer, count in
            count = buffer.initialize(from: body).1
        }
    }

    /// Bodies as a client without aggregation sends them: `perRequest` datums a request, one value each. The
    /// benchmark's baseline.
    public func unaggregatedBodies(_ datums: [MetricDatum], perRequest: Int) -> [[UInt8]] {
        stride(from: 0, to: datums.count, by: perRequest).map { start in
            let chunk = datums[start..<min(start + perRequest, datums.count)]
            return chunk.enumerated().reduce(AWSQueryForm.header(namespace: namespace)) {
                $0 + AWSQueryForm.encode($1.element, index: $1.offset + 1)
            }
        }
    }

    /// Checks one datum against CloudWatch's rules, rounding tiny values to 0.
    private func problem(_ datum: inout MetricDatum) -> String? {
        if let problem = PutMetricDataLimits.metricNameProblem(datum.name) { return problem }
        if datum.dimensions.count > PutMetricDataLimits.dimensionsPerDatum { return "more than 30 dimensions" }
        for dimension in datum.dimensions {
            if let problem = PutMetricDataLimits.dimensionProblem(dimension.name, isName: true) { return problem }
            if let problem = PutMetricDataLimits.dimensionProblem(dimension.value, isName: false) {
                return "\(problem) (dimension \(dimension.name))"
            }
        }
        if datum.storageResolution != 1 && datum.storageResolution != 60 { return "storage resolution must be 1 or 60" }
        if datum.timestampMs < nowMs - PutMetricDataLimits.oldestAge.milliseconds
            || datum.timestampMs > nowMs + PutMetricDataLimits.newestAhead.milliseconds
        {
            return "timestamp outside 14 days ago to 2 hours ahead"
        }
        if datum.values.isEmpty || datum.values.count != datum.counts.count { return "values and counts do not match" }
        for index in datum.values.indices {
            let value = datum.values[index]
            if !value.isFinite || abs(value) > PutMetricDataLimits.largestMagnitude {
                return "value \(value) is out of range"
            }
            if abs(value) < PutMetricDataLimits.smallestMagnitude { datum.values[index] = 0 }
        }
        return nil
    }

    /// Merges datums of the same series and moment into distinct values with counts, in first-seen order, and
    /// splits any series with more than 150 distinct values over several datums.
    static func aggregate(_ datums: [MetricDatum]) -> [MetricDatum] {
        var positions: [[UInt8]: Int] = [:]
        positions.reserveCapacity(datums.count)
        var merged: [MetricDatum] = []
        merged.reserveCapacity(datums.count)
        // Value to position in its datum, made only for a series seen more than once: most series of a large
        // result are seen once, with one value.
        var valueIndexes: [Int: [Double: Int]] = [:]
        for datum in datums {
            let key = datum.seriesKey
            let position: Int
            if let seen = positions[key] {
                position = seen
            } else {
                position = merged.count
                positions[key] = position
                if datum.values.count == 1 {
                    merged.append(datum)
                    continue
                }
                var empty = datum
                empty.values = []
                empty.counts = []
                merged.append(empty)
                valueIndexes[position] = [:]
            }
            var index = valueIndexes.removeValue(forKey: position) ?? [merged[position].values[0]: 0]
            for (value, count) in zip(datum.values, datum.counts) {
                if let at = index[value] {
                    merged[position].counts[at] += count
                } else {
                    index[value] = merged[position].values.count
                    merged[position].values.append(value)
                    merged[position].counts.append(count)
                }
            }
            valueIndexes[position] = index
        }
        var result: [MetricDatum] = []
        result.reserveCapacity(merged.count)
        for datum in merged {
            if datum.values.count <= PutMetricDataLimits.valuesPerDatum {
                result.append(datum)
                continue
            }
            var start = 0
            while start < datum.values.count {
                let end = min(start + PutMetricDataLimits.valuesPerDatum, datum.values.count)
                var part = datum
                part.values = Array(datum.values[start..<end])
                part.counts = Array(datum.counts[start..<end])
                result.append(part)
                start = end
            }
        }
        return result
    }
}
