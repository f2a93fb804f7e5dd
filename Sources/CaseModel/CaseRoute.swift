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

/// Which catalog alarm a notification belongs to, and the case policy that follows from it.
///
/// The alarm is found from the notification's metric and dimensions, as CloudWatch sends them (`Customer`,
/// `Query` and the row's own), never by parsing the alarm's name, which a team may rename. A notification that
/// matches no catalog alarm (another monitor's, or the per-customer health alarm) takes the customer's policy if
/// it names a known customer, else the catalog's.
public struct CaseRoute: Sendable, Equatable {
    /// The notification's `Customer` dimension as it came, when it has one: any text, trusted for nothing.
    public var customerDimension: String?
    /// The `opname` of the catalog customer ``customerDimension`` names, byte for byte, as the catalog spells it: anyone who can publish to
    /// the topic can name any other. Swift's `==` would match canonically equivalent spellings (a Kelvin sign for
    /// a K), each a bucket of its own.
    public var opname: String?
    public var query: String?
    /// The catalog alarm, when one matches.
    public var alarm: AlarmSpec?
    /// Every field set: the alarm's, over the customer's, over the catalog's, over ``CatalogModel/CasePolicy/builtIn``.
    public var policy: CasePolicy

    public init(
        customerDimension: String?, query: String?, alarm: AlarmSpec?, policy: CasePolicy, opname: String? = nil
    ) {
        self.customerDimension = customerDimension
        self.opname = opname
        self.query = query
        self.alarm = alarm
        self.policy = policy
    }

    /// Finds `notification`'s alarm in `catalog`.
    public init(_ notification: AlarmNotification, catalog: Catalog) {
        let customerDimension = notification.dimension("Customer")
        let queryName = notification.dimension("Query")
        let customer = customerDimension.flatMap { name in
            catalog.customers.first { $0.opname.utf8.elementsEqual(name.utf8) }
        }
        var alarm: AlarmSpec?
        if let trigger = notification.trigger, let queryName {
            let variants =
                catalog.queries.filter {
                    // The `Query` dimension is the query's `cloudwatchDimension`, which is its name unless it says.
                    $0.cloudwatchDimension == queryName
                        && (customer == nil || $0.versions.contains(customer!.version))
                } + (BuiltinPack(rawValue: queryName).map { [catalog.pack($0)] } ?? [])
            alarm = variants.lazy.flatMap(\.alarms).first { spec in
                spec.metric == trigger.metricName
                    && spec.dimensions.allSatisfy { trigger.dimensions[$0.key] == $0.value }
            }
        }
        var policy = catalog.cases.over(.builtIn)
        if let customer { policy = customer.cases.over(policy) }
        if let alarm { policy = alarm.cases.over(policy) }
        self.init(
            customerDimension: customerDimension, query: queryName, alarm: alarm, policy: policy,
            opname: customer?.opname)
    }

    /// The `opname` the store keys the hourly limit and the newest case by: a catalog customer's own; every notification that names
    /// no catalog customer (another monitor's, or a made-up `Customer`) shares one bucket, so that inventing names
    /// cannot multiply the limit.
    public var opnameKey: String { opname ?? "-" }
}
