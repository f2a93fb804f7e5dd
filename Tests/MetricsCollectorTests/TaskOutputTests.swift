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
import Core
import MetricModel
import Testing

@testable import MetricsCollector
@testable import PostgresClient

@Suite struct TaskOutputTests {
    @Test("an output over Step Functions' 256 KiB is summarised, not failed")
    func summarisesLargeOutput() throws {
        let point = TaskOutput.DatapointOutput(
            name: "metric", value: 1, unit: "None",
            dimensions: .init(dimensions: [Dimension("Customer", "c"), Dimension("Query", "q")]),
            timestamp: "2026-01-01T00:00:00.000Z", storageResolution: 60)
        let outcome = TaskOutput.QueryOutcome(
            query: "q", status: .ok, durationMs: 1, datapointCount: 10_000, skippedCount: 0,
            datapoints: Array(repeating: point, count: 10_000), skipped: [])
        let output = TaskOutput(customer: "c", status: .ok, queries: [outcome], datapointCount: 10_000, durationMs: 1)
        let bytes = output.encoded()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(bytes.count <= TaskOutput.limit)
        #expect(text.contains("\"truncated\":true"))
        #expect(text.contains("\"datapointCount\":10000"))
    }
}
