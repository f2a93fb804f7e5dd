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
import LambdaRuntime
import MetricModel

#if canImport(Glibc)
    import Glibc
#endif

/// Collection health, so an alarm fires when collection itself breaks, not only when a KPI crosses its threshold.
///
/// Every health series is a custom metric that costs as much a month as a KPI ($0.30). Per query (the default),
/// `QuerySucceeded` (1 or 0) and `QueryDuration` (ms) go out with `Customer` and `Query`: two series per query.
/// Per customer (`ONPREM_HEALTH=customer`, what the generated stack sets), only `QuerySucceeded` goes out with
/// `Customer`: one series per customer, and its `Minimum` is 0 in any period where a query failed.
public enum HealthDetail: Sendable {
    case perQuery
    case perCustomer

    /// `ONPREM_HEALTH`: `query` (the default) or `customer`.
    ///
    /// - Throws: `Runtime.InitFailed` for any other value.
    static func from(environment: [String: String]) throws(RuntimeError) -> HealthDetail {
        switch environment["ONPREM_HEALTH"] ?? "query" {
        case "query": return .perQuery
        case "customer": return .perCustomer
        case let other: throw RuntimeError(.initFailed, "ONPREM_HEALTH=\(other) is not query or customer")
        }
    }

    func datums(customer: Customer, dimension: String, succeeded: Bool, since start: Int64) -> [MetricDatum] {
        let now = Deadline.nowEpochMilliseconds()
        let success = [Double(succeeded ? 1 : 0)]
        switch self {
        case .perCustomer:
            return [
                MetricDatum(
                    name: "QuerySucceeded", dimensions: [Dimension("Customer", customer.opname)], unit: .count,
                    timestampMs: now, values: success)
            ]
        case .perQuery:
            let dimensions = [Dimension("Customer", customer.opname), Dimension("Query", dimension)]
            return [
                MetricDatum(
                    name: "QuerySucceeded", dimensions: dimensions, unit: .count, timestampMs: now, values: success),
                MetricDatum(
                    name: "QueryDuration", dimensions: dimensions, unit: .milliseconds, timestampMs: now,
                    values: [Double(now - start)]),
            ]
        }
    }
}
