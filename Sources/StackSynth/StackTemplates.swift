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
public import Core
public import JSON

/// The CloudFormation templates of the whole monitoring stack (pure): a parent with the function and its roles,
/// nested stacks with the customers' state machines, schedules and alarms, and one with the dashboards.
///
/// Why nested stacks: a stack holds at most 500 resources, and every customer needs a state machine, a schedule and
/// its alarms (13 for ten KPIs), so 2,000 customers need about 26,000. Customers go to a nested stack by a hash of
/// their `opname`, not by their place in the catalog, so editing the catalog moves no one else's resources (named
/// resources cannot move between stacks without a clash). `aws cloudformation package` uploads the nested templates.
public struct StackTemplates: Sendable {
    public struct File: Sendable {
        public var name: String
        public var template: JSONValue
        public var resources: Int
        /// The template as written, serialized once: `template.json` indented for reading, the nested ones compact,
        /// since their size is what CloudFormation's 1 MB limit counts (`jq .` reads them).
        public var bytes: [UInt8]

        init(name: String, template: JSONValue, resources: Int) {
            self.name = name
            self.template = template
            self.resources = resources
            bytes = template.serialized(pretty: name == "template.json")
        }
    }

    /// The parent (`template.json`) first.
    public var files: [File]
    public var customerStacks: Int
    public var dashboards: Int

    /// At most 500 resources per stack; this leaves room to grow before customers have to be reshuffled.
    public static let resourcesPerStack = 400
    /// CloudFormation reads nested templates up to 1 MB from S3.
    public static let templateBytes = 1_000_000
    /// A dashboard holds at most 500 widgets: one row per customer, of one widget, or two with the
    /// `server-health` pack.
    public static let widgetsPerDashboard = 500

    public init(plan: CollectionPlan) {
        let customerFiles = Self.customerTemplates(plan.customers)
        let dashboards = Self.dashboardPages(plan.customers).count
        let dashboardFile = File(
            name: "dashboards.json", template: Self.dashboardTemplate(plan.customers), resources: max(1, dashboards))
        let parent = Self.parentTemplate(plan, customerFiles: customerFiles.map(\.name))
        files = [parent] + customerFiles + [dashboardFile]
        customerStacks = customerFiles.count
        self.dashboards = max(1, dashboards)
    }
}
