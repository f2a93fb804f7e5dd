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
import Testing

@testable import CatalogModel

@Suite struct TaskPayloadTests {
    func parse(_ json: String, allowInlineSQL: Bool = false) throws(CatalogError) -> TaskPayload {
        try TaskPayload(json: Array(json.utf8), allowInlineSQL: allowInlineSQL, allowInlineCustomers: true)
    }

    @Test("the three payload forms: one query, a list, and every query of the customer's version")
    func forms() throws {
        let single = try parse(#"{"customer": "Customer 1", "query": "demo-query"}"#)
        #expect(single.customer == .named("Customer 1"))
        #expect(single.queries == [.named("demo-query")])
        #expect(single.isSingleQuery)
        let list = try parse(#"{"customer": "Customer 1", "queries": ["demo-query", "sessions"]}"#)
        #expect(list.queries == [.named("demo-query"), .named("sessions")])
        #expect(!list.isSingleQuery)
        let all = try parse(#"{"customer": "Customer 1"}"#)
        #expect(all.queries == nil)
    }

    @Test("where allowed (tests), a customer may come inline with the catalog's fields but logins and TLS")
    func inlineCustomer() throws {
        let payload = try parse(
            #"{"customer": {"opname": "x", "ip": "10.0.0.5", "port": 5433, "database": "ops", "version": "2"}}"#)
        var expected = Customer(opname: "x", host: "10.0.0.5", port: 5433, database: "ops", version: "2")
        expected.fromPayload = true
        #expect(payload.customer == .inline(expected))
    }

    @Test(
        "malformed events are Event.Invalid",
        arguments: [
            "", "[1]", "{\"customer\": 12", #"{"query": "q"}"#, #"{"customer": "c", "query": 5}"#,
            #"{"customer": "c", "query": "a", "queries": ["b"]}"#, #"{"customer": "c", "queries": []}"#,
            #"{"customer": {"opname": "x"}}"#,
        ])
    func invalid(json: String) {
        do {
            _ = try parse(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.errorType == "Event.Invalid")
        }
    }

    @Test("SQL text in a payload is refused unless ONPREM_ALLOW_INLINE_SQL=true")
    func inlineSQL() throws {
        let withSQL = #"{"customer": "c", "query": {"name": "adhoc", "query": "select 1 as one"}}"#
        #expect(throws: CatalogError.self) { try parse(withSQL) }
        do {
            _ = try parse(withSQL)
        } catch {
            #expect(error.errorType == "Event.InlineSQLRefused")
        }
        do {
            _ = try parse(#"{"customer": "c", "sql": "drop table x"}"#, allowInlineSQL: true)
            Issue.record("a bare sql field was accepted")
        } catch {
            #expect(error.errorType == "Event.InlineSQLRefused")
        }
        let allowed = try parse(withSQL, allowInlineSQL: true)
        guard case .inline(let query)? = allowed.queries?.first else {
            Issue.record("no inline query")
            return
        }
        #expect(query.sql == "select 1 as one")
        #expect(query.cloudwatchDimension == "adhoc")
    }
}

@Suite struct InlineCustomerTests {
    @Test("an inline customer is Event.InlineCustomerRefused unless allowed, and never carries a login or TLS field")
    func refused() throws {
        let inline = #"{"customer": {"opname": "x", "ip": "10.0.0.5", "database": "ops", "version": "2"}}"#
        do {
            _ = try TaskPayload(json: Array(inline.utf8), allowInlineSQL: false)
            Issue.record("accepted without ONPREM_ALLOW_INLINE_CUSTOMERS")
        } catch {
            #expect(error.errorType == "Event.InlineCustomerRefused")
        }
        #expect(
            (try? TaskPayload(json: Array(inline.utf8), allowInlineSQL: false, allowInlineCustomers: true)) != nil)
        for key in TaskPayload.inlineCustomerForbidden.sorted() {
            let json = #"{"customer": {"opname": "x", "ip": "h", "database": "d", "version": "2", "\#(key)": "v"}}"#
            do {
                _ = try TaskPayload(json: Array(json.utf8), allowInlineSQL: true, allowInlineCustomers: true)
                Issue.record("accepted an inline \(key)")
            } catch {
                #expect(error.errorType == "Event.InlineCustomerRefused")
            }
        }
    }
}
