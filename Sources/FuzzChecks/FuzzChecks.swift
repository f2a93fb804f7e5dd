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
import CurlHTTP
import JSON
import MetricModel
import StackSynth

/// The properties the fuzz targets check, one function per decoder we wrote ourselves.
///
/// Each takes arbitrary bytes and returns what was wrong, or `nil`. The libFuzzer targets (`Fuzz/`, `make fuzz`)
/// trap on a violation so libFuzzer keeps the input; the unit tests (`FuzzCorpusTests`) run every corpus and
/// crash file through the same functions, so a fixed finding stays fixed. A crash or trap inside the code under
/// test is a finding in both.
public enum FuzzChecks: Sendable {
    /// The targets by name: the folder names under `Fuzz/Corpus` and `Fuzz/Crashes`.
    public static let targets: [String: @Sendable ([UInt8]) -> String?] = [
        "json": json, "http1": http1, "payload": payload, "catalog": catalog, "planner": planner,
    ]

    // MARK: - JSON

    /// The JSON parser: a refusal names a place inside the input; an accepted text is accepted again with blanks
    /// around it and refused with text after it, and its value survives being written and read back.
    public static func json(_ bytes: [UInt8]) -> String? {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            return (0...bytes.count).contains(error.offset) ? nil : "error offset \(error.offset) outside the input"
        }
        guard (try? JSONValue.parse([0x20] + bytes + [0x0A])) == value else { return "blanks around changed the value" }
        if (try? JSONValue.parse(bytes + [UInt8(ascii: "x")])) != nil { return "text after the value was accepted" }
        guard !hasCanonicallyMergingKeys(value) else { return nil }
        guard let again = try? JSONValue.parse(value.serialized()) else { return "its serialization is not JSON" }
        return again == value ? nil : "changed by a round trip through serialized()"
    }

    /// Whether an object holds two keys Foundation's encoder (a `[String: ...]`) would merge; those cannot round
    /// trip through `serialized()`, which is for generated documents whose keys are ASCII.
    private static func hasCanonicallyMergingKeys(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let fields):
            return Set(fields.keys).count != fields.count || fields.contains { hasCanonicallyMergingKeys($0.value) }
        case .array(let items):
            return items.contains(where: hasCanonicallyMergingKeys)
        default:
            return false
        }
    }

    // MARK: - HTTP/1.1

    /// The response decoder: the bytes fed one at a time give what they give all at once (the same response, the
    /// same error, or still incomplete), with and without the peer's close after them. Bytes after a complete
    /// response are not part of it, so fed piece by piece the response may be complete before the last piece.
    public static func http1(_ bytes: [UInt8]) -> String? {
        for closed in [false, true] {
            let whole = outcome([bytes[...]], closed: closed)
            let single = outcome(bytes.indices.map { bytes[$0...$0] }, closed: closed)
            if whole != single { return "closed=\(closed): all at once \(whole), byte by byte \(single)" }
            let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % bytes.count
            let split = outcome([bytes[..<cut], bytes[cut...]], closed: closed)
            if whole != split { return "closed=\(closed): all at once \(whole), cut at \(cut) \(split)" }
        }
        return nil
    }

    private static func outcome(_ pieces: [ArraySlice<UInt8>], closed: Bool) -> String {
        var decoder = HTTP1.ResponseDecoder(limit: 1 << 20)
        do {
            for (index, piece) in pieces.enumerated() {
                try decoder.append(piece)
                let last = index == pieces.count - 1
                if let parsed = try decoder.response(closed: last && closed) {
                    let response = parsed.response
                    let fields = ["content-length", "transfer-encoding", "connection", "x"].map {
                        response.header($0) ?? "-"
                    }
                    return "\(response.status) \(fields) \(response.body) keepAlive=\(parsed.keepAlive)"
                }
            }
            return "incomplete"
        } catch {
            return "error: \(error)"
        }
    }

    // MARK: - Payloads and catalogs

    /// The task payload decoder, inline SQL and customers allowed: any refusal is `Event.Invalid`,
    /// `Event.InlineSQLRefused` or `Event.InlineCustomerRefused`.
    public static func payload(_ bytes: [UInt8]) -> String? {
        do {
            _ = try TaskPayload(json: bytes, allowInlineSQL: true, allowInlineCustomers: true)
            return nil
        } catch {
            return ["Event.Invalid", "Event.InlineSQLRefused", "Event.InlineCustomerRefused"].contains(error.errorType)
                ? nil : "refused as \(error.errorType)"
        }
    }

    /// The catalog decoder: a refusal is `Catalog.Invalid`; an accepted catalog synthesizes a stack.
    public static func catalog(_ bytes: [UInt8]) -> String? {
        let catalog: Catalog
        do {
            catalog = try Catalog(json: bytes)
        } catch {
            return error.errorType == "Catalog.Invalid" ? nil : "refused as \(error.errorType)"
        }
        let stack = StackTemplates(plan: CollectionPlan(catalog: catalog))
        return stack.files.isEmpty ? "no templates" : nil
    }

    // MARK: - PutMetricData planning

    /// The planner fed hostile names, dimensions and values: every request is within CloudWatch's limits, every
    /// datum sent follows its naming rules, and every datapoint is either in a request or rejected with a reason.
    public static func planner(_ bytes: [UInt8]) -> String? {
        let now: Int64 = 1_790_000_000_000
        let datums = hostileDatums(bytes, now: now)
        let plan = PutMetricDataPlanner(namespace: "OnPremWatch", nowMs: now).plan(datums)
        let given = datums.reduce(0) { $0 + $1.datapointCount }
        let sent = plan.requests.joined().reduce(0) { $0 + $1.datapointCount }
        let rejected = plan.rejected.reduce(0) { $0 + $1.datum.datapointCount }
        if given != sent + rejected { return "\(given) datapoints in, \(sent) sent and \(rejected) rejected" }
        for (body, request) in zip(plan.bodies, plan.requests) {
            if body.count > PutMetricDataLimits.bodyBytes { return "a body of \(body.count) bytes" }
            if request.count > PutMetricDataLimits.datumsPerRequest { return "\(request.count) datums in a request" }
            for datum in request {
                if let problem = PutMetricDataLimits.metricNameProblem(datum.name) { return "sent: \(problem)" }
                if datum.values.count > PutMetricDataLimits.valuesPerDatum { return "\(datum.values.count) values" }
                for dimension in datum.dimensions {
                    if let problem = PutMetricDataLimits.dimensionProblem(dimension.name, isName: true)
                        ?? PutMetricDataLimits.dimensionProblem(dimension.value, isName: false)
                    {
                        return "sent: \(problem)"
                    }
                }
                if datum.values.contains(where: { !$0.isFinite }) { return "sent a value that is not finite" }
            }
        }
        for rejection in plan.rejected where rejection.reason.isEmpty { return "rejected without a reason" }
        return nil
    }

    /// Datums made from fuzz bytes: fields split at 0xFF; each record is a metric name, then dimension names and
    /// values, then 8-byte values, with a repeat count that makes aggregation and batching happen.
    static func hostileDatums(_ bytes: [UInt8], now: Int64) -> [MetricDatum] {
        let records = bytes.split(separator: 0xFE, omittingEmptySubsequences: false).prefix(64)
        var datums: [MetricDatum] = []
        for record in records {
            let fields = record.split(separator: 0xFF, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            guard let name = fields.first else { continue }
            var dimensions: [Dimension] = []
            var index = 1
            while index + 1 < fields.count && dimensions.count < 40 {
                dimensions.append(Dimension(fields[index], fields[index + 1]))
                index += 2
            }
            var values: [Double] = []
            let tail = Array(record)
            for start in stride(from: 0, to: tail.count - 7, by: 8) {
                var bits: UInt64 = 0
                for byte in tail[start..<start + 8] { bits = bits << 8 | UInt64(byte) }
                values.append(Double(bitPattern: bits))
            }
            if values.isEmpty { values = [Double(record.count)] }
            let repeats = 1 + Int(record.first ?? 0) % 8
            for copy in 0..<repeats {
                datums.append(
                    MetricDatum(
                        name: name, dimensions: dimensions, timestampMs: now - Int64(copy % 2) * 60_000,
                        values: values))
            }
        }
        return datums
    }
}
