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

import MetricModel

#if canImport(Glibc)
    import Glibc
#endif

// 10,000 datapoints of 10 metrics, as a busy minute of one customer's KPIs: 10 series, 1,000 samples each,
// 200 distinct values. Prints one JSON object for bench/bench.py.
var spec = timespec()
clock_gettime(CLOCK_REALTIME, &spec)
let now = Int64(spec.tv_sec) * 1000
let datums = (0..<10_000).map {
    MetricDatum(
        name: "metric\($0 % 10)",
        dimensions: [Dimension("Customer", "Customer 1"), Dimension("Query", "demo")],
        unit: .count, timestampMs: now, values: [Double(($0 / 10) % 200)])
}
let planner = PutMetricDataPlanner(namespace: "OnPremWatch", nowMs: now)
let ours = planner.plan(datums).bodies
let perDatapoint = planner.unaggregatedBodies(datums, perRequest: 1)
let per1000 = planner.unaggregatedBodies(datums, perRequest: 1000)
func figures(_ bodies: [[UInt8]]) -> String {
    "{\"requests\": \(bodies.count), \"bytes\": \(bodies.reduce(0) { $0 + $1.count })}"
}
print("{\"ours\": \(figures(ours)), \"perDatapoint\": \(figures(perDatapoint)), \"per1000\": \(figures(per1000))}")
