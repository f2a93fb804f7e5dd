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
import LambdaRuntime
import MetricModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The task's output for Step Functions: per query its status, datapoints and what was skipped, plus timings.
struct TaskOutput: Encodable {
    /// How a query, or the task as a whole, went; the wire values are part of the output's contract.
    enum Status: String, Encodable {
        case ok
        /// Some queries of a multi-query task failed, the others' metrics are in the output.
        case partial
        case error
        /// A built-in pack that cannot run on this server (the `statements` pack without its extension), and why.
        case skipped
    }

    struct QueryOutcome: Encodable {
        var query: String
        var status: Status
        var durationMs: Double
        /// Rows the query returned, mapped or cut.
        var rows: Int?
        /// Rows past the query's `maxRows`: read and counted, not turned into metrics.
        var rowsCut: Int?
        var datapointCount: Int
        var skippedCount: Int
        var datapoints: [DatapointOutput]?
        var skipped: [SkippedOutput]?
        var error: ErrorPayload?
        /// An `eachDatabase` query's databases, each with how it went (issue 28).
        var databases: [DatabaseOutcome]?
        /// Why a `skipped` query did not run.
        var reason: String?
    }

    /// One database of an `eachDatabase` query.
    struct DatabaseOutcome: Encodable {
        var database: String
        var status: Status
        var rows: Int
        var datapointCount: Int
        var error: ErrorPayload?
    }

    struct DatapointOutput: Encodable {
        var name: String
        var value: Double
        var unit: String
        /// Written as a JSON object, name to value: the output's contract.
        var dimensions: DimensionsObject
        var timestamp: String
        var storageResolution: Int
    }

    /// Dimensions as the output writes them: an object, its first value kept where a name repeats.
    struct DimensionsObject: Encodable {
        var dimensions: [Dimension]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            var seen: Set<String> = []
            for dimension in dimensions where seen.insert(dimension.name).inserted {
                try container.encode(dimension.value, forKey: Key(stringValue: dimension.name))
            }
        }
    }

    struct SkippedOutput: Encodable {
        var name: String
        var row: Int?
        var reason: String
    }

    var customer: String
    var status: Status
    var queries: [QueryOutcome]
    var datapointCount: Int
    /// What the sink published: requests, datums, datapoints (health included), bytes, retries, rejections.
    var published: PublishSummary?
    var durationMs: Double
    /// Present when per-datapoint lists were left out to stay under Step Functions' state size limit.
    var truncated: Bool?

    /// Step Functions refuses state over 262,144 bytes; keep a margin for the `Payload` wrapper.
    static let limit = 256 * 1024 - 4096

    /// Encodes the output, summarising rather than failing when the full form would be too large.
    func encoded() -> [UInt8] {
        if let full = try? Self.encode(self), full.count <= Self.limit { return full }
        var summary = self
        summary.truncated = true
        summary.queries = queries.map { outcome in
            var outcome = outcome
            outcome.datapoints = nil
            outcome.skipped = outcome.skipped.map { Array($0.prefix(20)) }
            return outcome
        }
        return (try? Self.encode(summary)) ?? Array("{\"status\":\"\(status)\",\"truncated\":true}".utf8)
    }

    private static func encode(_ value: TaskOutput) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }

    static func datapoint(_ point: Datapoint) -> DatapointOutput {
        DatapointOutput(
            name: point.name, value: point.value, unit: point.unit.rawValue,
            dimensions: DimensionsObject(dimensions: point.dimensions),
            timestamp: LambdaLogHandler.rfc3339(epochMilliseconds: point.timestampMs),
            storageResolution: point.storageResolution)
    }
}
