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

import AWSClients
import CaseModel
import Core

/// What the worker remembers between deliveries, in one DynamoDB table (`ONPREM_CASES_TABLE`, partition key `pk`,
/// TTL attribute `expires`), written only with conditional writes, so that duplicate deliveries and workers
/// running at once agree on who does what:
///
/// - `action#<alarm>#<state>#<time>`: one per notification, claimed before its work and marked done after. A claim
///   is a lease that ends with the claiming invocation's deadline: a worker killed after claiming leaves a claim
///   that the next delivery, after the queue's visibility timeout, finds lapsed and takes over.
/// - `alarm#<alarm>`: the alarm's open case, so that `OK` finds it.
/// - `customer#<opname>`: the customer's newest case, where alarms beyond the hourly limit go as notes.
/// - `storm#<opname>#<hour>`: cases raised for the customer in that hour.
///
/// Every item expires after ``retentionSeconds`` (the storm counters after two hours); TTL deletes them within days.
final class EpisodeStore {
    enum Claim: Equatable {
        /// This worker holds the action; `token` proves it in later writes.
        case claimed(token: Int64)
        /// A worker did it before; `caseId` is the case it raised or noted, `owned` whether it raised it.
        case done(caseId: String?, owned: Bool)
        /// Another worker holds it and its lease runs.
        case busy
    }

    struct OpenCase: Equatable {
        var episode: String
        var caseId: String
        /// Whether the case is the alarm's own (raised for it) rather than the customer's case it was noted on.
        var owned: Bool
    }

    static let retentionSeconds: Int64 = 30 * 86_400

    private let client: AWSJSONClient
    let table: String

    init(client: AWSJSONClient, table: String) {
        self.client = client
        self.table = table
    }

    // MARK: - Actions

    func claim(_ key: String, leaseUntilMs: Int64, deadline: Deadline) throws(CasesError) -> Claim {
        let now = Deadline.nowEpochMilliseconds()
        let item: JSONValue = [
            "pk": Self.s(key), "status": Self.s("claimed"), "leaseUntil": Self.n(leaseUntilMs),
            "expires": Self.n(now / 1000 + Self.retentionSeconds),
        ]
        let answer = try call(
            "PutItem",
            [
                "TableName": .string(table), "Item": item, "ConditionExpression": "attribute_not_exists(pk)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            ], deadline: deadline)
        guard case .conditionFailed(let old) = answer else { return .claimed(token: leaseUntilMs) }
        if Self.text(old, "status") == "done" {
            return .done(caseId: Self.text(old, "caseId"), owned: Self.text(old, "owned") == "true")
        }
        guard let lease = Self.number(old, "leaseUntil"), lease < now else { return .busy }
        // The claim lapsed: its worker died or ran out of time. Take it over, unless another worker just did.
        let taken = try update(
            key, set: "leaseUntil = :lease", condition: "#status = :claimed AND leaseUntil = :old",
            values: [":lease": Self.n(leaseUntilMs), ":claimed": Self.s("claimed"), ":old": Self.n(lease)],
            names: ["#status": "status"], deadline: deadline)
        return taken ? .claimed(token: leaseUntilMs) : .busy
    }

    /// Marks a claimed action done, with the case it raised or noted.
    func finish(_ key: String, token: Int64, caseId: String?, owned: Bool, deadline: Deadline) throws(CasesError) {
        var values: [String: JSONValue] = [
            ":done": Self.s("done"), ":token": Self.n(token), ":owned": Self.s(owned ? "true" : "false"),
        ]
        var set = "#status = :done, owned = :owned"
        if let caseId {
            set += ", caseId = :case"
            values[":case"] = Self.s(caseId)
        }
        _ = try update(
            key, set: set, condition: "leaseUntil = :token", values: values, names: ["#status": "status"],
            deadline: deadline)
    }

    /// Gives a claim back after its work failed, so the next delivery need not wait for the lease.
    func release(_ key: String, token: Int64, deadline: Deadline) {
        _ = try? call(
            "DeleteItem",
            [
                "TableName": .string(table), "Key": ["pk": Self.s(key)], "ConditionExpression": "leaseUntil = :token",
                "ExpressionAttributeValues": [":token": Self.n(token)],
            ], deadline: deadline)
    }

    // MARK: - Open cases

    func openCase(alarm: String, deadline: Deadline) throws(CasesError) -> OpenCase? {
        let answer = try call(
            "GetItem", ["TableName": .string(table), "Key": ["pk": Self.s("alarm#\(alarm)")], "ConsistentRead": true],
            deadline: deadline)
        guard case .answered(.object(let fields)) = answer, let item = fields["Item"],
            Self.text(item, "state") == "open",
            let episode = Self.text(item, "episode"), let caseId = Self.text(item, "caseId")
        else { return nil }
        return OpenCase(episode: episode, caseId: caseId, owned: Self.text(item, "owned") == "true")
    }

    /// Records `open` as the alarm's case, unless a later episode's case is already recorded.
    func setOpenCase(alarm: String, _ open: OpenCase, deadline: Deadline) throws(CasesError) {
        _ = try update(
            "alarm#\(alarm)", set: "#state = :open, episode = :episode, caseId = :case, owned = :owned",
            condition: "attribute_not_exists(episode) OR episode <= :episode",
            values: [
                ":open": Self.s("open"), ":episode": Self.s(open.episode), ":case": Self.s(open.caseId),
                ":owned": Self.s(open.owned ? "true" : "false"),
            ], names: ["#state": "state"], deadline: deadline)
    }

    /// Closes the alarm's case of `episode`; `false` when it is no longer the open one.
    func closeCase(alarm: String, episode: String, deadline: Deadline) throws(CasesError) -> Bool {
        try update(
            "alarm#\(alarm)", set: "#state = :closed", condition: "#state = :open AND episode = :episode",
            values: [":closed": Self.s("closed"), ":open": Self.s("open"), ":episode": Self.s(episode)],
            names: ["#state": "state"], deadline: deadline)
    }

    func customerCase(_ customer: String, deadline: Deadline) throws(CasesError) -> String? {
        let answer = try call(
            "GetItem",
            ["TableName": .string(table), "Key": ["pk": Self.s("customer#\(customer)")], "ConsistentRead": true],
            deadline: deadline)
        guard case .answered(.object(let fields)) = answer, let item = fields["Item"] else { return nil }
        return Self.text(item, "caseId")
    }

    func setCustomerCase(_ customer: String, caseId: String, deadline: Deadline) throws(CasesError) {
        _ = try update(
            "customer#\(customer)", set: "caseId = :case", condition: nil, values: [":case": Self.s(caseId)],
            names: [:], deadline: deadline)
    }

    // MARK: - Storm control

    /// Takes one of the customer's cases of this hour; `false` when `limit` are taken.
    func takeStormSlot(_ customer: String, limit: Int, deadline: Deadline) throws(CasesError) -> Bool {
        let hour = Deadline.nowEpochMilliseconds() / 3_600_000
        return try update(
            "storm#\(customer)#\(hour)", set: nil, add: "raised :one",
            condition: "attribute_not_exists(raised) OR raised < :limit",
            values: [":one": Self.n(1), ":limit": Self.n(Int64(limit))], names: [:], deadline: deadline,
            expires: (hour + 2) * 3600)
    }

    /// Gives a slot back when its case could not be raised.
    func returnStormSlot(_ customer: String, deadline: Deadline) {
        let hour = Deadline.nowEpochMilliseconds() / 3_600_000
        _ = try? update(
            "storm#\(customer)#\(hour)", set: nil, add: "raised :minus", condition: "raised > :zero",
            values: [":minus": Self.n(-1), ":zero": Self.n(0)], names: [:], deadline: deadline)
    }

    // MARK: - DynamoDB

    /// What a call came to, short of an error.
    private enum Answer {
        case answered(JSONValue)
        /// The write's condition failed; the item as it was (`ALL_OLD`), or an empty object.
        case conditionFailed(JSONValue)
    }

    /// An `UpdateItem`; `false` when its condition failed.
    private func update(
        _ key: String, set: String?, add: String? = nil, condition: String?, values: [String: JSONValue],
        names: [String: String], deadline: Deadline, expires: Int64? = nil
    ) throws(CasesError) -> Bool {
        var values = values
        values[":expires"] = Self.n(expires ?? (Deadline.nowEpochMilliseconds() / 1000 + Self.retentionSeconds))
        var expression = "SET " + ([set, "expires = :expires"].compactMap { $0 }.joined(separator: ", "))
        if let add { expression += " ADD \(add)" }
        var input: JSONObject = [
            "TableName": .string(table), "Key": ["pk": Self.s(key)], "UpdateExpression": .string(expression),
            "ExpressionAttributeValues": .object(JSONObject(values)),
        ]
        if let condition { input["ConditionExpression"] = .string(condition) }
        if !names.isEmpty { input["ExpressionAttributeNames"] = .object(JSONObject(names.mapValues { .string($0) })) }
        if case .conditionFailed = try call("UpdateItem", .object(input), deadline: deadline) { return false }
        return true
    }

    private func call(_ operation: String, _ input: JSONValue, deadline: Deadline) throws(CasesError) -> Answer {
        do {
            return .answered(try client.call(operation, input, deadline: deadline))
        } catch {
            if error.code == "ConditionalCheckFailedException" {
                if case .object(let fields)? = error.body, let old = fields["Item"] { return .conditionFailed(old) }
                return .conditionFailed(.object(JSONObject()))
            }
            throw CasesError(
                error.transient ? .storeUnavailable : .storeRefused,
                "DynamoDB \(operation) on \(table): \(error.message)")
        }
    }

    static func s(_ text: String) -> JSONValue { ["S": .string(text)] }
    static func n(_ number: Int64) -> JSONValue { ["N": .string(String(number))] }

    static func text(_ item: JSONValue, _ name: String) -> String? {
        guard case .object(let fields) = item, case .object(let value)? = fields[name] else { return nil }
        return value["S"]?.text
    }

    static func number(_ item: JSONValue, _ name: String) -> Int64? {
        guard case .object(let fields) = item, case .object(let value)? = fields[name],
            let text = value["N"]?.text
        else { return nil }
        return Int64(text)
    }
}

/// Not `Sendable`, on purpose: it owns a connection that one thread at a time may use.
@available(*, unavailable)
extension EpisodeStore: Sendable {}
