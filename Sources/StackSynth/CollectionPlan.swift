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

public import CatalogModel
import Core

/// What the generated stack runs and watches, derived from the catalog alone (pure).
///
/// Per customer, its version-matched queries are grouped by interval: each group is one Express state machine and
/// one schedule. The one-minute queries join a sub-minute group, where the customer has one, and run once beside
/// its rounds: both run every minute, and one execution serves them (issue 29: a request, a schedule invocation and
/// a start less per minute). Each alarm spec of those queries becomes one alarm with the customer's threshold, and every
/// customer gets one collection-health alarm.
public struct CollectionPlan: Sendable {
    public struct Group: Sendable {
        /// Seconds between runs of these queries.
        public var interval: Int
        public var queries: [QueryDefinition]
        /// Queries of a one-minute interval in a sub-minute group: they run once an execution, beside its rounds.
        public var onceAMinute: Set<String> = []

        /// Rounds per execution: one scheduled execution a minute loops 60/interval times under a minute.
        public var rounds: Int { interval < 60 ? 60 / interval : 1 }
        /// How many times one execution runs `query`.
        public func runs(of query: QueryDefinition) -> Int { onceAMinute.contains(query.name) ? 1 : rounds }
        /// The schedule's period in seconds: one minute under a minute, else the interval.
        public var schedulePeriod: Int { max(60, interval) }
    }

    public struct Alarm: Sendable {
        public var query: QueryDefinition
        public var spec: AlarmSpec
        public var threshold: Double
    }

    public struct CustomerPlan: Sendable {
        public var customer: Customer
        /// Stable across catalog order: logical IDs and resource names derive from it, so reordering or adding
        /// customers never renames another customer's resources.
        public var key: String
        public var groups: [Group]
        public var alarms: [Alarm]
        /// KPIs with no threshold for this customer: no alarm, and `synth` says so.
        public var alarmsWithoutThreshold: [String]

        /// The health alarm's period: the customer's most frequent schedule, at least a minute.
        public var healthPeriod: Int { groups.map(\.schedulePeriod).min() ?? 60 }

        /// The collection-health alarm: Minimum of `QuerySucceeded` is 0 in a period where a query failed; no data
        /// at all means collection stopped (schedule, state machine or function broken), which is a failure too.
        /// The template (`StackTemplates`) and the plan (`CatalogChange`) both read it here.
        public var healthAlarm: AlarmSpec {
            AlarmSpec(
                metric: "QuerySucceeded", comparison: .lessThanThreshold, statistic: .minimum, periods: 3,
                datapointsToAlarm: 3, period: healthPeriod, missingData: .breaching, threshold: 1)
        }
    }

    public var customers: [CustomerPlan]

    public init(catalog: Catalog) {
        customers = catalog.customers.map { customer in
            let queries = catalog.queries(for: customer)
            var groups: [Group] = []
            for query in queries {
                let interval = catalog.interval(of: query, for: customer)
                if let index = groups.firstIndex(where: { $0.interval == interval }) {
                    groups[index].queries.append(query)
                } else {
                    groups.append(Group(interval: interval, queries: [query]))
                }
            }
            if let minute = groups.firstIndex(where: { $0.interval == 60 }),
                let quick = groups.firstIndex(where: { $0.interval < 60 })
            {
                groups[quick].queries += groups[minute].queries
                groups[quick].onceAMinute = Set(groups[minute].queries.map(\.name))
                groups.remove(at: minute)
            }
            var alarms: [Alarm] = []
            var missing: [String] = []
            for query in queries {
                for var spec in query.alarms {
                    spec.period = spec.period(covering: catalog.interval(of: query, for: customer))
                    guard let threshold = spec.threshold(for: customer) else {
                        missing.append("\(query.name)/\(spec.metric)")
                        continue
                    }
                    for spec in Self.perDatabase(spec, of: query, for: customer) {
                        alarms.append(Alarm(query: query, spec: spec, threshold: threshold))
                    }
                }
            }
            return CustomerPlan(
                customer: customer, key: Self.key(customer.opname), groups: groups.sorted { $0.interval < $1.interval },
                alarms: alarms, alarmsWithoutThreshold: missing)
        }
    }

    /// An alarm of an `eachDatabase` query that names no database, as one alarm per database: every series of the
    /// query carries one (issue 28). The customer's list; for `"all"`, which only the server knows, and without
    /// `databases`, its `database` (``CatalogModel/Catalog/warnings`` says so for `"all"`).
    static func perDatabase(_ spec: AlarmSpec, of query: QueryDefinition, for customer: Customer) -> [AlarmSpec] {
        guard query.eachDatabase, spec.dimensions["database"] == nil else { return [spec] }
        let names: [String] =
            if case .list(let names)? = customer.databases { names } else { [customer.database] }
        return names.map { name in
            var copy = spec
            copy.dimensions["database"] = name
            return copy
        }
    }

    /// 12 hex digits of a hash of `text`: short enough for resource names, stable across runs and platforms.
    ///
    /// FNV-1a, then SplitMix64's finaliser: FNV-1a alone spread `Customer 0001` ... `Customer 2000` over only a
    /// third of 512 buckets.
    static func key(_ text: String) -> String {
        var hash = StableHash.fnv1a(text)
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return String(StableHash.hex(hash).prefix(12))
    }
}
