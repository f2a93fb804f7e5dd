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
import JSON

/// What one Step Functions task asks for: a customer and which of its queries to run.
///
/// ```json
/// {"customer": "Customer 1", "query": "demo-query"}
/// {"customer": "Customer 1", "queries": ["demo-query", "sessions"]}
/// {"customer": "Customer 1"}
/// ```
public struct TaskPayload: Equatable, Sendable {
    /// The customer: a catalog name, or (only when allowed, for tests) an inline object with the catalog's fields
    /// but the login and TLS ones.
    public enum CustomerReference: Equatable, Sendable {
        case named(String)
        case inline(Customer)
    }

    /// A query: a catalog name, or (only when allowed) an inline definition with SQL text.
    public enum QueryReference: Equatable, Sendable {
        case named(String)
        case inline(QueryDefinition)

        public var name: String {
            switch self {
            case .named(let name): name
            case .inline(let query): query.name
            }
        }
    }

    public var customer: CustomerReference
    /// The queries asked for; `nil` means every query with a variant for the customer's version.
    public var queries: [QueryReference]?
    /// `true` for the `"query": ...` form, whose failure fails the task with a typed error.
    public var isSingleQuery: Bool

    /// The fields an inline customer may never carry: a login (its own or a catalog customer's secret) or a TLS
    /// setting. Whoever may invoke the function must not be able to send a login to a host of their choosing, nor
    /// weaken how the server is checked.
    public static let inlineCustomerForbidden: Set<String> = [
        "secret", "user", "password", "sslmode", "sslrootcert", "sslcert", "sslkey", "channelBinding",
    ]

    /// Parses a payload.
    ///
    /// - Parameters:
    ///   - allowInlineSQL: `ONPREM_ALLOW_INLINE_SQL`; without it, SQL text in a payload is refused.
    ///   - allowInlineCustomers: `ONPREM_ALLOW_INLINE_CUSTOMERS`; without it, a customer must be a catalog name.
    /// - Throws: ``CatalogError`` with `Event.Invalid`, `Event.InlineSQLRefused` or `Event.InlineCustomerRefused`.
    public init(json bytes: [UInt8], allowInlineSQL: Bool, allowInlineCustomers: Bool = false) throws(CatalogError) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw CatalogError(.invalidEvent, "the event is not JSON: \(error)")
        }
        guard case .object(let fields) = root else {
            throw CatalogError(.invalidEvent, "the event is not a JSON object")
        }
        if fields["sql"] != nil {
            throw CatalogError(.inlineSQLRefused, "SQL text in a payload is not accepted; name a catalog query")
        }
        switch fields["customer"] {
        case .string(let name)? where !name.isEmpty:
            customer = .named(name)
        case .object(let inline)?:
            guard allowInlineCustomers else {
                throw CatalogError(
                    .inlineCustomerRefused,
                    "a payload names a catalog customer by its opname; an inline customer needs "
                        + "ONPREM_ALLOW_INLINE_CUSTOMERS=true")
            }
            if let key = inline.keys.sorted().first(where: Self.inlineCustomerForbidden.contains) {
                throw CatalogError(
                    .inlineCustomerRefused,
                    "an inline customer may not carry \"\(key)\" (logins and TLS come from the catalog)")
            }
            var parsed = try Self.eventError { () throws(CatalogError) in
                try Customer(.object(inline), where: "payload customer")
            }
            parsed.fromPayload = true
            customer = .inline(parsed)
        default:
            throw CatalogError(.invalidEvent, "the event has no \"customer\" (a catalog name or an object)")
        }
        func reference(_ value: JSONValue) throws(CatalogError) -> QueryReference {
            switch value {
            case .string(let name) where !name.isEmpty:
                return .named(name)
            case .object:
                guard allowInlineSQL else {
                    throw CatalogError(.inlineSQLRefused, "SQL text in a payload needs ONPREM_ALLOW_INLINE_SQL=true")
                }
                return .inline(
                    try Self.eventError { () throws(CatalogError) in
                        try QueryDefinition(value, where: "payload query", requireVersions: false)
                    })
            default:
                throw CatalogError(.invalidEvent, "a query must be a catalog query name")
            }
        }
        switch (fields["query"], fields["queries"]) {
        case (let single?, nil):
            queries = [try reference(single)]
            isSingleQuery = true
        case (nil, .array(let list)?):
            var references: [QueryReference] = []
            for item in list { references.append(try reference(item)) }
            guard !references.isEmpty else { throw CatalogError(.invalidEvent, "\"queries\" is empty") }
            queries = references
            isSingleQuery = false
        case (nil, nil):
            queries = nil
            isSingleQuery = false
        default:
            throw CatalogError(.invalidEvent, "give either \"query\" (a name) or \"queries\" (a list of names)")
        }
    }

    /// Reports a bad inline entry as a bad event rather than a bad catalog.
    private static func eventError<T>(_ body: () throws(CatalogError) -> T) throws(CatalogError) -> T {
        do {
            return try body()
        } catch {
            throw CatalogError(.invalidEvent, error.message)
        }
    }
}
