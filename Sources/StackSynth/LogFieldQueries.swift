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
import JSON

/// Saved CloudWatch Logs Insights queries (`AWS::Logs::QueryDefinition`) for the values a customer's queries keep
/// as log fields (issue 29): what is not worth a metric is one click away in the console, under
/// `Name/customer/query`.
///
/// A look scans the function's log group for the time range chosen ($0.005 per GB scanned): the filter narrows
/// what is shown, not what is read (docs/server-health.md).
enum LogFieldQueries {
    /// The fields a query's log-only values are read beside: its row dimensions where the catalog knows them (a
    /// pack's; an alarm's), and the dimensions the catalog sets.
    static func dimensionNames(of query: QueryDefinition, customer: Customer) -> [String] {
        var known = query.builtin?.rowDimensions ?? Set(query.alarms.flatMap(\.dimensions.keys)).sorted()
        if query.eachDatabase && !known.contains("database") { known.insert("database", at: 0) }
        return known + (customer.dimensions + query.dimensions).map(\.name)
    }

    /// The published names `query` keeps as log fields, sorted, then its text fields.
    static func fields(of query: QueryDefinition) -> [String] {
        Set(query.units.keys.map(query.metricName(of:))).union(query.logFields).filter(query.isLogOnly).sorted()
            + query.logText.sorted()
    }

    /// The Logs Insights query of `customer`'s log fields of `query`, newest first; `nil` when it keeps none.
    static func queryString(of query: QueryDefinition, customer: Customer) -> String? {
        let fields = fields(of: query)
        guard !fields.isEmpty else { return nil }
        let shown = (["@timestamp"] + (dimensionNames(of: query, customer: customer) + fields).map(quotedField))
        return """
            filter Customer = \(quotedString(customer.opname)) and Query = \(quotedString(query.cloudwatchDimension))
            | fields \(shown.joined(separator: ", "))
            | sort @timestamp desc
            | limit 1000
            """
    }

    /// The saved query's resource for `customer` and `query`, in the customer's nested stack; `nil` without log
    /// fields.
    static func resource(of query: QueryDefinition, customer: Customer) -> JSONValue? {
        guard let text = queryString(of: query, customer: customer) else { return nil }
        // A saved query's name is at most 255 characters; the stack's Name is at most 32 (the parent checks it).
        let folder = StackTemplates.subEscaped(
            "${Name}/\(customer.opname.prefix(100))/\(query.name.prefix(100)) log fields", keeping: ["${Name}"])
        return [
            "Type": "AWS::Logs::QueryDefinition",
            "Properties": [
                "Name": StackTemplates.sub(folder), "QueryString": .string(text),
                "LogGroupNames": [StackTemplates.sub("/aws/lambda/${Name}")],
            ],
        ]
    }

    /// A field name in backticks, as Logs Insights quotes names with characters beyond letters, digits and `_`.
    static func quotedField(_ name: String) -> String { "`" + name.replacing("`", with: "``") + "`" }

    /// A string literal of the query language: double quotes, with backslash and quote escaped.
    static func quotedString(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
