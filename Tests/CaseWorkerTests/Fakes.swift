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

import CaseModel
import Core

@testable import CaseWorker

/// The episode store in memory, with DynamoEpisodeStore's conditions and a clock the test moves; CasesTests
/// proves against moto's DynamoDB that the real one answers the same.
final class InMemoryEpisodeStore: EpisodeStore {
    enum Action: Equatable {
        case claimed(lease: Int64, claimedAt: Int64)
        case done(caseId: String?, owned: Bool)
    }

    var now: Int64 = 1_796_169_600_000
    var actions: [String: Action] = [:]
    /// Each alarm's item: its recorded case (in `open`, whatever its state) and lastRecovery.
    var alarms: [String: AlarmRecord] = [:]
    /// The item's state: open or closed, as DynamoEpisodeStore writes it.
    var states: [String: String] = [:]
    /// A resolve to finish (`resolvingMs`, `resolvingCaseId`), which setOpenCase leaves alone.
    var resolvingMarks: [String: OpenCase] = [:]
    /// Runs once, right after the next read of an alarm.
    var afterRead: (() -> Void)?
    var customers: [String: String] = [:]
    var storms: [String: Int] = [:]
    /// The next call of this name fails with this error.
    var failing: [String: CasesError] = [:]

    private func check(_ call: String) throws(CasesError) {
        if let error = failing.removeValue(forKey: call) { throw error }
    }

    func claim(_ key: String, leaseUntilMs: Int64, deadline: Deadline) throws(CasesError) -> EpisodeClaim {
        try check("claim")
        switch actions[key] {
        case nil:
            actions[key] = .claimed(lease: leaseUntilMs, claimedAt: now)
            return .claimed(token: leaseUntilMs)
        case .done(let caseId, let owned)?: return .done(caseId: caseId, owned: owned)
        case .claimed(let lease, let claimedAt)?:
            guard lease < now else { return .busy }
            // As DynamoDB's takeover: the lease moves, the first claim's time stays.
            actions[key] = .claimed(lease: leaseUntilMs, claimedAt: claimedAt)
            return .claimed(token: leaseUntilMs, lapsedSince: claimedAt)
        }
    }

    func finish(_ key: String, token: Int64, caseId: String?, owned: Bool, deadline: Deadline) throws(CasesError)
        -> Bool
    {
        try check("finish")
        guard case .claimed(token, _)? = actions[key] else { return false }
        actions[key] = .done(caseId: caseId, owned: owned)
        return true
    }

    func release(_ key: String, token: Int64, deadline: Deadline) {
        if case .claimed(token, _)? = actions[key] { actions[key] = nil }
    }

    func alarm(_ alarm: String, deadline: Deadline) throws(CasesError) -> AlarmRecord {
        try check("alarm")
        var record = alarms[alarm] ?? AlarmRecord()
        let recorded = record.open
        record.open = states[alarm] == "open" ? recorded : nil
        record.resolving = resolvingMarks[alarm]
        // Another worker's whole delivery, between this worker's read and its next step.
        if let between = afterRead {
            afterRead = nil
            between()
        }
        return record
    }

    func setOpenCase(alarm: String, _ open: OpenCase, deadline: Deadline) throws(CasesError) {
        try check("setOpenCase")
        var record = alarms[alarm] ?? AlarmRecord()
        // DynamoDB keeps the episode when closed; a repeated ALARM of a closed episode must not reopen it.
        guard record.open.map({ $0.episode < open.episode }) ?? true else { return }
        record.open = open
        alarms[alarm] = record
        states[alarm] = "open"
    }

    func closeCase(alarm: String, episode: Int64, resolving: String?, deadline: Deadline) throws(CasesError) -> Bool {
        try check("closeCase")
        guard states[alarm] == "open", let open = alarms[alarm]?.open, open.episode == episode,
            resolving.map({ $0 == open.caseId }) ?? true
        else { return false }
        states[alarm] = "closed"
        if resolving != nil { resolvingMarks[alarm] = open }
        return true
    }

    func finishResolving(alarm: String, episode: Int64, deadline: Deadline) throws(CasesError) -> Bool {
        try check("finishResolving")
        guard resolvingMarks[alarm]?.episode == episode else { return false }
        resolvingMarks[alarm] = nil
        return true
    }

    func moveOpenCase(alarm: String, from: Int64, to: Int64, deadline: Deadline) throws(CasesError) -> Bool {
        try check("moveOpenCase")
        guard states[alarm] == "open", var record = alarms[alarm], var open = record.open, open.episode == from else {
            return false
        }
        open.episode = to
        record.open = open
        alarms[alarm] = record
        return true
    }

    func setLastRecovery(alarm: String, _ time: Int64, deadline: Deadline) throws(CasesError) {
        try check("setLastRecovery")
        var record = alarms[alarm] ?? AlarmRecord()
        if record.lastRecovery.map({ $0 < time }) ?? true { record.lastRecovery = time }
        alarms[alarm] = record
    }

    func customerCase(_ opname: String, deadline: Deadline) throws(CasesError) -> String? {
        try check("customerCase")
        return customers[opname]
    }

    func setCustomerCase(_ opname: String, caseId: String, deadline: Deadline) throws(CasesError) {
        try check("setCustomerCase")
        customers[opname] = caseId
    }

    func takeStormSlot(_ opname: String, limit: Int, deadline: Deadline) throws(CasesError) -> Int64? {
        try check("takeStormSlot")
        let hour = now / 3_600_000
        let count = storms["\(opname)#\(hour)", default: 0]
        guard count < limit else { return nil }
        storms["\(opname)#\(hour)"] = count + 1
        return hour
    }

    func returnStormSlot(_ opname: String, hour: Int64, deadline: Deadline) {
        if let count = storms["\(opname)#\(hour)"], count > 0 { storms["\(opname)#\(hour)"] = count - 1 }
    }
}

/// A ticketing system in memory: the cases, their notes and whether each is resolved, with faults on demand.
final class InMemoryCaseSink: CaseSink {
    struct Case {
        var document: CaseDocument
        var key: String
        var notes: [String] = []
        var resolved = false
    }

    enum Fault {
        /// The call fails and does nothing (a throttled CreateCase, a refused one).
        case before(CasesError)
        /// The call does its work and then fails: a 5xx after the case was raised, or the worker killed after
        /// CreateCase returned and before it recorded the case.
        case after(CasesError)
    }

    let name = "memory"
    var cases: [String: Case] = [:]
    /// Every key the sink was called with, in order.
    var keys: [String] = []
    var createFault: Fault?
    var noteFault: Fault?
    var resolveFault: Fault?
    /// Runs inside CreateCase: another worker handling a delivery while this one raises the case.
    var duringCreate: (() -> Void)?

    func create(_ document: CaseDocument, key: String, facts: CaseFacts, deadline: Deadline) throws(CasesError)
        -> String
    {
        keys.append(key)
        if case .before(let error)? = createFault { throw error }
        duringCreate?()
        let id = "case-\(cases.count + 1)"
        cases[id] = Case(document: document, key: key)
        if case .after(let error)? = createFault { throw error }
        return id
    }

    func find(reference: String, sinceMs: Int64, deadline: Deadline) throws(CasesError) -> String? {
        // As DescribeCases does: the case's body and its recent communications, notes included.
        cases.first {
            $0.value.document.body.contains(reference) || $0.value.notes.contains { $0.contains(reference) }
        }?
        .key
    }

    func addNote(_ text: String, caseId: String, key: String, facts: CaseFacts, deadline: Deadline)
        throws(CasesError)
    {
        keys.append(key)
        if case .before(let error)? = noteFault { throw error }
        cases[caseId]?.notes.append(text)
        if case .after(let error)? = noteFault { throw error }
    }

    func resolve(caseId: String, key: String, facts: CaseFacts, deadline: Deadline) throws(CasesError) {
        keys.append(key)
        if case .before(let error)? = resolveFault { throw error }
        cases[caseId]?.resolved = true
        if case .after(let error)? = resolveFault { throw error }
    }
}
