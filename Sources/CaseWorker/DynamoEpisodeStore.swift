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
import JSON

/// What the worker remembers between deliveries, in one DynamoDB table (`ONPREM_CASES_TABLE`, partition key `pk`,
/// TTL attribute `expires`), written only with conditional writes, so that duplicate deliveries and workers
/// running at once agree on who does what:
///
/// - `action#<alarm>#<state>#<time>`: one per notification, claimed before its work and marked done after. A claim
///   is a lease that ends with the claiming invocation's deadline: a worker killed after claiming leaves a claim
///   that the next delivery, after the queue's visibility timeout, finds lapsed and takes over.
/// - `alarm#<alarm>`: the alarm's open case, so that `OK` finds it: `episodeMs` and `recoveredMs` are times in epoch
///   milliseconds, numbers, so that DynamoDB's conditions order episodes by time (issue 25: as text, one hostile
///   `StateChangeTime` outranked every real one).
/// - `customer#<opname>`: the customer's newest case, where alarms beyond the hourly limit go as notes.
/// - `storm#<opname>#<hour>`: cases raised for the customer in that hour.
///
/// Every item expires after ``retentionSeconds`` (the storm counters after two hours); TTL deletes them within days.
final class DynamoEpisodeStore: EpisodeStore {
    static let retentionSeconds: Int64 = 30 * 86_400

    private let client: AWSJSONClient
    let table: String

    init(client: AWSJSONClient, table: String) {
        self.client = client
        self.table = table
    }

    // MARK: - Actions

    func claim(_ key: String, leaseUntilMs: Int64, deadline: Deadline) throws(CasesError) -> EpisodeClaim {
        let now = Deadline.nowEpochMilliseconds()
        let item: JSONValue = [
            "pk": Self.s(key), "status": Self.s("claimed"), "leaseUntil": Self.n(leaseUntilMs),
            "claimedAt": Self.n(now), "expires": Self.n(Self.retainedUntil()),
        ]
        let answer = try call(
            "PutItem",
            [
                "TableName": .string(table), "Item": item, "ConditionExpression": "attribute_not_exists(#pk)",
                "ExpressionAttributeNames": Self.names(in: "#pk"), "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            ], deadline: deadline)
        guard case .conditionFailed(let old) = answer else { return .claimed(token: leaseUntilMs) }
        if Self.text(old, "status") == "done" {
            return .done(caseId: Self.text(old, "caseId"), owned: Self.text(old, "owned") == "true")
        }
        guard let lease = Self.number(old, "leaseUntil"), lease < now else { return .busy }
        // The claim lapsed: its worker died or ran out of time. Take it over, unless another worker just did.
        let taken = try update(
            key, set: "#leaseUntil = :lease", condition: "#status = :claimed AND #leaseUntil = :old",
            values: [":lease": Self.n(leaseUntilMs), ":claimed": Self.s("claimed"), ":old": Self.n(lease)],
            deadline: deadline)
        return taken ? .claimed(token: leaseUntilMs, lapsedSince: Self.number(old, "claimedAt") ?? lease) : .busy
    }

    func finish(
        _ key: String, token: Int64, caseId: String?, owned: Bool, deadline: Deadline
    ) throws(CasesError) -> Bool {
        var values: [String: JSONValue] = [
            ":done": Self.s("done"), ":token": Self.n(token), ":owned": Self.s(owned ? "true" : "false"),
        ]
        var set = "#status = :done, #owned = :owned"
        if let caseId {
            set += ", #caseId = :case"
            values[":case"] = Self.s(caseId)
        }
        return try update(key, set: set, condition: "#leaseUntil = :token", values: values, deadline: deadline)
    }

    func release(_ key: String, token: Int64, deadline: Deadline) {
        _ = try? call(
            "DeleteItem",
            [
                "TableName": .string(table), "Key": ["pk": Self.s(key)], "ConditionExpression": "#leaseUntil = :token",
                "ExpressionAttributeNames": Self.names(in: "#leaseUntil"),
                "ExpressionAttributeValues": [":token": Self.n(token)],
            ], deadline: deadline)
    }

    // MARK: - Open cases

    func alarm(_ alarm: String, deadline: Deadline) throws(CasesError) -> AlarmRecord {
        guard let item = try item("alarm#\(alarm)", deadline: deadline) else { return AlarmRecord() }
        var record = AlarmRecord(lastRecovery: Self.number(item, "recoveredMs"))
        if Self.text(item, "state") == "open", let episode = Self.number(item, "episodeMs"),
            let caseId = Self.text(item, "caseId")
        {
            record.open = OpenCase(episode: episode, caseId: caseId, owned: Self.text(item, "owned") == "true")
        }
        if let episode = Self.number(item, "resolvingMs"), episode > 0, let caseId = Self.text(item, "resolvingCaseId")
        {
            record.resolving = OpenCase(episode: episode, caseId: caseId, owned: true)
        }
        return record
    }

    func setOpenCase(alarm: String, _ open: OpenCase, deadline: Deadline) throws(CasesError) {
        _ = try update(
            "alarm#\(alarm)", set: "#state = :open, #episodeMs = :episode, #caseId = :case, #owned = :owned",
            condition: "attribute_not_exists(#episodeMs) OR #episodeMs < :episode",
            values: [
                ":open": Self.s("open"), ":episode": Self.n(open.episode), ":case": Self.s(open.caseId),
                ":owned": Self.s(open.owned ? "true" : "false"),
            ], deadline: deadline)
    }

    /// The mark of a resolve to finish is in attributes of its own (`resolvingMs`, `resolvingCaseId`), which
    /// recording a later episode's case leaves alone: in the item's state, a later `setOpenCase` erased it.
    func closeCase(alarm: String, episode: Int64, resolving: String?, deadline: Deadline) throws(CasesError) -> Bool {
        var values: [String: JSONValue] = [
            ":closed": Self.s("closed"), ":open": Self.s("open"), ":episode": Self.n(episode),
        ]
        var set = "#state = :closed"
        var condition = "#state = :open AND #episodeMs = :episode"
        if let resolving {
            set += ", #resolvingMs = :episode, #resolvingCaseId = :case"
            condition += " AND #caseId = :case"
            values[":case"] = Self.s(resolving)
        }
        return try update("alarm#\(alarm)", set: set, condition: condition, values: values, deadline: deadline)
    }

    func finishResolving(alarm: String, episode: Int64, deadline: Deadline) throws(CasesError) -> Bool {
        try update(
            "alarm#\(alarm)", set: "#resolvingMs = :none", condition: "#resolvingMs = :episode",
            values: [":none": Self.n(0), ":episode": Self.n(episode)], deadline: deadline)
    }

    func moveOpenCase(alarm: String, from: Int64, to: Int64, deadline: Deadline) throws(CasesError) -> Bool {
        try update(
            "alarm#\(alarm)", set: "#episodeMs = :to", condition: "#state = :open AND #episodeMs = :from",
            values: [":open": Self.s("open"), ":from": Self.n(from), ":to": Self.n(to)], deadline: deadline)
    }

    func setLastRecovery(alarm: String, _ time: Int64, deadline: Deadline) throws(CasesError) {
        _ = try update(
            "alarm#\(alarm)", set: "#recoveredMs = :time",
            condition: "attribute_not_exists(#recoveredMs) OR #recoveredMs < :time", values: [":time": Self.n(time)],
            deadline: deadline)
    }

    func customerCase(_ opname: String, deadline: Deadline) throws(CasesError) -> String? {
        try item("customer#\(opname)", deadline: deadline).flatMap { Self.text($0, "caseId") }
    }

    func setCustomerCase(_ opname: String, caseId: String, deadline: Deadline) throws(CasesError) {
        _ = try update(
            "customer#\(opname)", set: "#caseId = :case", condition: nil, values: [":case": Self.s(caseId)],
            deadline: deadline)
    }

    // MARK: - Storm control

    func takeStormSlot(_ opname: String, limit: Int, deadline: Deadline) throws(CasesError) -> Int64? {
        let hour = Deadline.nowEpochMilliseconds() / 3_600_000
        let taken = try update(
            "storm#\(opname)#\(hour)", set: nil, add: "#raised :one",
            condition: "attribute_not_exists(#raised) OR #raised < :limit",
            values: [":one": Self.n(1), ":limit": Self.n(Int64(limit))], deadline: deadline,
            expires: (hour + 2) * 3600)
        return taken ? hour : nil
    }

    func returnStormSlot(_ opname: String, hour: Int64, deadline: Deadline) {
        _ = try? update(
            "storm#\(opname)#\(hour)", set: nil, add: "#raised :minus", condition: "#raised > :zero",
            values: [":minus": Self.n(-1), ":zero": Self.n(0)], deadline: deadline, expires: (hour + 2) * 3600)
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
        deadline: Deadline, expires: Int64? = nil
    ) throws(CasesError) -> Bool {
        var values = values
        values[":expires"] = Self.n(expires ?? Self.retainedUntil())
        var expression = "SET " + ([set, "#expires = :expires"].compactMap { $0 }.joined(separator: ", "))
        if let add { expression += " ADD \(add)" }
        var input: JSONObject = [
            "TableName": .string(table), "Key": ["pk": Self.s(key)], "UpdateExpression": .string(expression),
            "ExpressionAttributeValues": .object(JSONObject(values)),
        ]
        if let condition { input["ConditionExpression"] = .string(condition) }
        input["ExpressionAttributeNames"] = Self.names(in: expression + (condition ?? ""))
        if case .conditionFailed = try call("UpdateItem", .object(input), deadline: deadline) { return false }
        return true
    }

    /// The item `key` as a strongly consistent read gives it, or `nil`.
    private func item(_ key: String, deadline: Deadline) throws(CasesError) -> JSONValue? {
        let answer = try call(
            "GetItem", ["TableName": .string(table), "Key": ["pk": Self.s(key)], "ConsistentRead": true],
            deadline: deadline)
        guard case .answered(.object(let fields)) = answer else { return nil }
        return fields["Item"]
    }

    /// `ExpressionAttributeNames` for the aliases `expressions` use.
    static func names(in expressions: String) -> JSONValue {
        let used = attributes.filter { expressions.contains("#\($0)") }
        return .object(JSONObject(Dictionary(uniqueKeysWithValues: used.map { ("#\($0)", .string($0)) })))
    }

    /// When an item written now expires: after ``retentionSeconds``, in epoch seconds as TTL reads it.
    static func retainedUntil() -> Int64 { Deadline.nowEpochMilliseconds() / 1000 + retentionSeconds }

    private func call(_ operation: String, _ input: JSONValue, deadline: Deadline) throws(CasesError) -> Answer {
        do {
            return .answered(try client.call(operation, input, deadline: deadline))
        } catch {
            if error.code == "ConditionalCheckFailedException" {
                if case .object(let fields)? = error.body, let old = fields["Item"] { return .conditionFailed(old) }
                return .conditionFailed(.object(JSONObject()))
            }
            throw CasesError(
                error.retryable ? .storeUnavailable : .storeRefused,
                "DynamoDB \(operation) on \(table): \(error.message)")
        }
    }

    /// Every attribute the expressions name, each always through its `#name` alias: DynamoDB reserves hundreds
    /// of words (`STATUS` and `STATE` among them) and refuses aliases an expression does not use. No name is a
    /// prefix of another, so that finding `#name` in an expression is exact.
    static let attributes = [
        "pk", "status", "leaseUntil", "expires", "caseId", "owned", "state", "episodeMs", "raised", "recoveredMs",
        "resolvingMs", "resolvingCaseId",
    ]

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
extension DynamoEpisodeStore: Sendable {}
