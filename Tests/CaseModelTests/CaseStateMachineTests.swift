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
import CatalogModel
import Testing

/// Every path of the case worker's decision as a table: what the store and the sink answer, and the calls the
/// machine asks for in return. Actions are written short (``verb(_:)``); CasesTests proves against moto that the
/// real store and sink answer as these rows say.
@Suite struct CaseStateMachineTests {
    /// One path: the notification, then each answer fed and the action expected after it (the first, after
    /// `start()`, has no answer).
    struct Path: CustomTestStringConvertible, Sendable {
        var name: String
        var state: AlarmNotification.State = .alarm
        var oldState: String? = nil
        var policy = CasePolicy(maxCasesPerHour: 3)
        var steps: [(CaseStateMachine.Event?, String)]
        var testDescription: String { name }
    }

    /// The alarm's time in these rows.
    static let t: Int64 = 1_000_000
    static let refused = CasesError(.sinkRefused, "no")
    static let throttled = CasesError(.sinkUnavailable, "throttled")
    static let key = "action#k#ALARM#1000000"
    static let okKey = "action#k#OK#1000000"

    static let helped = AlarmRecord(resolving: OpenCase(episode: t - 1, caseId: "C0", owned: true))

    static let paths: [Path] = [
        Path(
            name: "a resolve another worker began and did not finish is finished first, then the case is raised",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(helped), "resolve C0 key=resolve#k#\(t - 1)"), (.done, "finishResolving \(t - 1)"),
                (.applied(true), "takeStormSlot limit=3"), (.stormSlot(7), "create key=\(key)"),
                (.created("C1"), "finish C1 owned"), (.finished(true), "setOpenCase C1 episode=\(t) owned"),
                (.done, "setCustomerCase C1"), (.done, "succeed"),
            ]),
        Path(
            name: "an OK finishes the resolve its own earlier delivery began, and notes nothing twice",
            state: .ok,
            steps: [
                (nil, "claim \(okKey)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(helped), "resolve C0 key=resolve#k#\(t - 1)"), (.done, "finishResolving \(t - 1)"),
                (.applied(false), "setLastRecovery \(t)"), (.done, "finish - "), (.finished(true), "succeed"),
            ]),
        Path(
            name: "an OK whose resolve fails gives its claim back; the case stays marked for the next",
            state: .ok,
            steps: [
                (nil, "claim \(okKey)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t, caseId: "C1", owned: true))),
                    "addNote C1 key=\(okKey)#note"
                ),
                (.done, "closeCase episode=\(t) resolving"), (.applied(true), "resolve C1 key=resolve#k#\(t)"),
                (.failed(throttled), "release 9"), (.done, "fail Cases.SinkUnavailable"),
            ]),
        Path(
            name: "first delivery: claim, no open case, a storm slot, the case, done, recorded",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(AlarmRecord()), "takeStormSlot limit=3"), (.stormSlot(7), "create key=\(key)"),
                (.created("C1"), "finish C1 owned"), (.finished(true), "setOpenCase C1 episode=\(t) owned"),
                (.done, "setCustomerCase C1"), (.done, "succeed"),
            ]),
        Path(
            name: "duplicate delivery: the case is recorded again (harmless), nothing raised",
            steps: [
                (nil, "claim \(key)"),
                (.claimed(.done(caseId: "C1", owned: true)), "setOpenCase C1 episode=\(t) owned"),
                (.done, "setCustomerCase C1"), (.done, "succeed"),
            ]),
        Path(
            name: "duplicate delivery of a note on another case: the customer's case stays",
            steps: [
                (nil, "claim \(key)"), (.claimed(.done(caseId: "C9", owned: false)), "setOpenCase C9 episode=\(t)"),
                (.done, "succeed"),
            ]),
        Path(
            name: "duplicate delivery without a case",
            steps: [(nil, "claim \(key)"), (.claimed(.done(caseId: nil, owned: false)), "succeed")]),
        Path(
            name: "two workers: the second finds the first's lease running and fails for a later delivery",
            steps: [(nil, "claim \(key)"), (.claimed(.busy), "fail Cases.EpisodeBusy")]),
        Path(
            name: "crash between create and record: the takeover finds the case by its reference",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9, lapsedSince: 500)), "readAlarm"),
                (.alarmRead(AlarmRecord()), "find since=500"), (.found("C1"), "finish C1 owned"),
                (.finished(true), "setOpenCase C1 episode=\(t) owned"), (.done, "setCustomerCase C1"),
                (.done, "succeed"),
            ]),
        Path(
            name: "crash between claim and create: the takeover finds no case and raises it",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9, lapsedSince: 500)), "readAlarm"),
                (.alarmRead(AlarmRecord()), "find since=500"), (.found(nil), "takeStormSlot limit=3"),
                (.stormSlot(7), "create key=\(key)"), (.created("C1"), "finish C1 owned"),
                (.finished(true), "setOpenCase C1 episode=\(t) owned"), (.done, "setCustomerCase C1"),
                (.done, "succeed"),
            ]),
        Path(
            name: "the claim lapsed while the case was raised: logged, the case still recorded",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(AlarmRecord()), "takeStormSlot limit=3"), (.stormSlot(7), "create key=\(key)"),
                (.created("C1"), "finish C1 owned"), (.finished(false), "setOpenCase C1 episode=\(t) owned"),
                (.done, "setCustomerCase C1"), (.done, "succeed"),
            ]),
        Path(
            name:
                "fired again before it recovered (back through INSUFFICIENT_DATA): the open case becomes this episode's, noted",
            oldState: "INSUFFICIENT_DATA",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t - 1, caseId: "C0", owned: true))),
                    "moveOpenCase \(t - 1) → \(t)"
                ),
                (.applied(true), "addNote C0 key=\(key)#note"), (.done, "finish C0"), (.finished(true), "succeed"),
            ]),
        Path(
            name: "the open case was closed before it could be moved: this episode raises its own",
            oldState: "INSUFFICIENT_DATA",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t - 1, caseId: "C0", owned: true))),
                    "moveOpenCase \(t - 1) → \(t)"
                ),
                (.applied(false), "takeStormSlot limit=3"), (.stormSlot(7), "create key=\(key)"),
                (.created("C1"), "finish C1 owned"), (.finished(true), "setOpenCase C1 episode=\(t) owned"),
                (.done, "setCustomerCase C1"), (.done, "succeed"),
            ]),
        Path(
            name:
                "after an OK that has not arrived: the earlier episode is closed and resolved, this one raises its own",
            oldState: "OK",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t - 1, caseId: "C0", owned: true))),
                    "closeCase episode=\(t - 1) resolving"
                ),
                (.applied(true), "resolve C0 key=resolve#k#\(t - 1)"), (.done, "finishResolving \(t - 1)"),
                (.applied(true), "takeStormSlot limit=3"),
                (.stormSlot(7), "create key=\(key)"), (.created("C1"), "finish C1 owned"),
                (.finished(true), "setOpenCase C1 episode=\(t) owned"), (.done, "setCustomerCase C1"),
                (.done, "succeed"),
            ]),
        Path(
            name: "after an OK, an earlier case noted on (not the alarm's own) is closed, not resolved",
            oldState: "OK",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t - 1, caseId: "C9", owned: false))),
                    "closeCase episode=\(t - 1)"
                ),
                (.applied(true), "takeStormSlot limit=3"), (.stormSlot(7), "create key=\(key)"),
                (.created("C1"), "finish C1 owned"), (.finished(true), "setOpenCase C1 episode=\(t) owned"),
                (.done, "setCustomerCase C1"), (.done, "succeed"),
            ]),
        Path(
            name: "storm limit: a note on the customer's newest case, recorded as the alarm's (not owned) case",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(AlarmRecord()), "takeStormSlot limit=3"), (.stormSlot(nil), "readCustomerCase -"),
                (.customerCase("C9"), "addNote C9 key=\(key)#note"), (.done, "finish C9"),
                (.finished(true), "setOpenCase C9 episode=\(t)"), (.done, "succeed"),
            ]),
        Path(
            name: "storm limit with no case to note on: raised anyway",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(AlarmRecord()), "takeStormSlot limit=3"), (.stormSlot(nil), "readCustomerCase -"),
                (.customerCase(nil), "create key=\(key)"), (.created("C1"), "finish C1 owned"),
                (.finished(true), "setOpenCase C1 episode=\(t) owned"), (.done, "setCustomerCase C1"),
                (.done, "succeed"),
            ]),
        Path(
            name: "the sink refuses: the storm slot is given back, the claim kept",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(AlarmRecord()), "takeStormSlot limit=3"), (.stormSlot(7), "create key=\(key)"),
                (.failed(refused), "returnStormSlot 7"), (.done, "fail Cases.SinkRefused"),
            ]),
        Path(
            name: "the sink stays throttled: the slot and the claim kept (the case may exist)",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(AlarmRecord()), "takeStormSlot limit=3"), (.stormSlot(7), "create key=\(key)"),
                (.failed(throttled), "fail Cases.SinkUnavailable"),
            ]),
        Path(
            name: "OK before ALARM: the late ALARM's case is raised, noted and resolved at once",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(AlarmRecord(lastRecovery: t + 60_000)), "takeStormSlot limit=3"),
                (.stormSlot(7), "create key=\(key)"), (.created("C1"), "finish C1 owned"),
                (.finished(true), "setOpenCase C1 episode=\(t) owned"), (.done, "setCustomerCase C1"),
                (.done, "addNote C1 key=\(key)#recovery-note"), (.done, "closeCase episode=\(t) resolving"),
                (.applied(true), "resolve C1 key=resolve#k#\(t)"), (.done, "finishResolving \(t)"),
                (.applied(true), "succeed"),
            ]),
        Path(
            name: "a recovery older than the episode is not this episode's",
            steps: [
                (nil, "claim \(key)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(AlarmRecord(lastRecovery: t - 1)), "takeStormSlot limit=3"),
                (.stormSlot(7), "create key=\(key)"), (.created("C1"), "finish C1 owned"),
                (.finished(true), "setOpenCase C1 episode=\(t) owned"), (.done, "setCustomerCase C1"),
                (.done, "succeed"),
            ]),
        Path(
            name: "the store is down at the claim",
            steps: [
                (nil, "claim \(key)"), (.failed(CasesError(.storeUnavailable, "x")), "fail Cases.StoreUnavailable"),
            ]
        ),
        Path(
            name: "OK: noted on the alarm's own case, resolved under its own key, the episode closed",
            state: .ok,
            steps: [
                (nil, "claim \(okKey)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t - 60_000, caseId: "C1", owned: true))),
                    "addNote C1 key=\(okKey)#note"
                ),
                (.done, "closeCase episode=\(t - 60_000) resolving"),
                (.applied(true), "resolve C1 key=resolve#k#\(t - 60_000)"), (.done, "finishResolving \(t - 60_000)"),
                (.applied(true), "finish C1"), (.finished(true), "succeed"),
            ]),
        Path(
            name: "OK whose case a later ALARM took over meanwhile: noted, not resolved",
            state: .ok,
            steps: [
                (nil, "claim \(okKey)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t - 60_000, caseId: "C1", owned: true))),
                    "addNote C1 key=\(okKey)#note"
                ),
                (.done, "closeCase episode=\(t - 60_000) resolving"), (.applied(false), "finish C1"),
                (.finished(true), "succeed"),
            ]),
        Path(
            name: "OK on the customer's case it was noted on: noted, not resolved",
            state: .ok,
            steps: [
                (nil, "claim \(okKey)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t - 60_000, caseId: "C9", owned: false))),
                    "addNote C9 key=\(okKey)#note"
                ),
                (.done, "closeCase episode=\(t - 60_000)"), (.applied(true), "finish C9"), (.finished(true), "succeed"),
            ]),
        Path(
            name: "OK with no case open: remembered for a late ALARM",
            state: .ok,
            steps: [
                (nil, "claim \(okKey)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (.alarmRead(AlarmRecord()), "setLastRecovery \(t)"), (.done, "finish - "), (.finished(true), "succeed"),
            ]),
        Path(
            name: "a late OK of an earlier episode leaves the later episode's case alone",
            state: .ok,
            steps: [
                (nil, "claim \(okKey)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t + 1, caseId: "C2", owned: true))),
                    "setLastRecovery \(t)"
                ),
                (.done, "finish - "), (.finished(true), "succeed"),
            ]),
        Path(
            name: "OK whose note fails: the claim is given back",
            state: .ok,
            steps: [
                (nil, "claim \(okKey)"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t, caseId: "C1", owned: true))),
                    "addNote C1 key=\(okKey)#note"
                ),
                (.failed(throttled), "release 9"), (.done, "fail Cases.SinkUnavailable"),
            ]),
        Path(
            name: "OK delivered again", state: .ok,
            steps: [(nil, "claim \(okKey)"), (.claimed(.done(caseId: "C1", owned: false)), "succeed")]),
        Path(
            name: "OK while another worker notes it", state: .ok,
            steps: [(nil, "claim \(okKey)"), (.claimed(.busy), "fail Cases.EpisodeBusy")]),
        Path(
            name: "INSUFFICIENT_DATA ignored by default", state: .insufficientData, policy: CasePolicy(),
            steps: [(nil, "succeed")]),
        Path(
            name: "INSUFFICIENT_DATA noted where the catalog says so: neither resolved nor closed",
            state: .insufficientData, policy: CasePolicy(insufficientData: .note),
            steps: [
                (nil, "claim action#k#INSUFFICIENT_DATA#1000000"), (.claimed(.claimed(token: 9)), "readAlarm"),
                (
                    .alarmRead(AlarmRecord(open: OpenCase(episode: t, caseId: "C1", owned: true))),
                    "addNote C1 key=action#k#INSUFFICIENT_DATA#1000000#note"
                ),
                (.done, "finish C1"), (.finished(true), "succeed"),
            ]),
        Path(
            name: "INSUFFICIENT_DATA raised as a case where the catalog says so",
            state: .insufficientData, policy: CasePolicy(insufficientData: .case),
            steps: [
                (nil, "claim action#k#INSUFFICIENT_DATA#1000000"), (.claimed(.busy), "fail Cases.EpisodeBusy"),
            ]),
    ]

    @Test("each path asks for the calls its row says", arguments: paths)
    func path(_ path: Path) {
        let notification = AlarmNotification(
            alarmName: "a", state: path.state, oldState: path.oldState, stateChangeTime: "t", stateChangeMs: Self.t,
            alarmArn: "k")
        let route = CaseRoute(customerDimension: "Plant North", query: nil, alarm: nil, policy: path.policy)
        var machine = CaseStateMachine(notification, route: route)
        for (position, (event, expected)) in path.steps.enumerated() {
            let action = event.map { machine.next($0) } ?? machine.start()
            #expect(Self.verb(action) == expected, "step \(position + 1)")
            guard Self.verb(action) == expected else { return }
        }
    }

    @Test("the case, its note and its resolve go to the sink under distinct keys (issue 30)")
    func distinctKeys() {
        let keys = Self.paths.flatMap(\.steps).compactMap { step -> String? in
            step.1.split(separator: " ").first { $0.hasPrefix("key=") }.map(String.init)
        }
        #expect(Set(keys).isSuperset(of: ["key=\(Self.key)", "key=\(Self.key)#note", "key=resolve#k#\(Self.t)"]))
        #expect(Set([Self.key, Self.key + "#note", Self.key + "#recovery-note", "resolve#k#\(Self.t)"]).count == 4)
    }

    @Test("the log says what happened: the duplicate, the storm note, the lapsed claim")
    func log() {
        let notification = AlarmNotification(
            alarmName: "a", state: .alarm, stateChangeTime: "t", stateChangeMs: Self.t, alarmArn: "k")
        let route = CaseRoute(customerDimension: nil, query: nil, alarm: nil, policy: CasePolicy())
        var machine = CaseStateMachine(notification, route: route)
        _ = machine.start()
        _ = machine.next(.claimed(.claimed(token: 1)))
        _ = machine.next(.alarmRead(AlarmRecord()))
        _ = machine.next(.stormSlot(1))
        _ = machine.next(.created("C1"))
        _ = machine.next(.finished(false))
        let lines = machine.takeLog()
        #expect(lines.map(\.message).first == "case raised")
        #expect(
            lines.last?.level == .error && lines.last?.metadata["reference"]?.hasPrefix("OnPremWatch reference") == true
        )
        #expect(machine.takeLog().isEmpty)
    }

    /// An action in a few words: the verb, the case, the key and the numbers a row checks.
    static func verb(_ action: CaseStateMachine.Action) -> String {
        switch action {
        case .claim(let key): "claim \(key)"
        case .readAlarm: "readAlarm"
        case .find(_, let since): "find since=\(since)"
        case .takeStormSlot(_, let limit): "takeStormSlot limit=\(limit)"
        case .readCustomerCase(let opname): "readCustomerCase \(opname)"
        case .create(let document, let key):
            document.body.hasSuffix(CaseDocument.reference(forKey: key)) ? "create key=\(key)" : "create unreferenced"
        case .addNote(_, let caseId, let key): "addNote \(caseId) key=\(key)"
        case .resolve(let caseId, let key): "resolve \(caseId) key=\(key)"
        case .returnStormSlot(_, let hour): "returnStormSlot \(hour)"
        case .finish(_, _, let caseId, let owned): "finish \(caseId ?? "- ")\(owned ? " owned" : "")"
        case .release(_, let token): "release \(token)"
        case .setOpenCase(_, let open):
            "setOpenCase \(open.caseId) episode=\(open.episode)\(open.owned ? " owned" : "")"
        case .setCustomerCase(_, let caseId): "setCustomerCase \(caseId)"
        case .closeCase(_, let episode, let resolving):
            "closeCase episode=\(episode)\(resolving != nil ? " resolving" : "")"
        case .finishResolving(_, let episode): "finishResolving \(episode)"
        case .moveOpenCase(_, let from, let to): "moveOpenCase \(from) → \(to)"
        case .setLastRecovery(_, let time): "setLastRecovery \(time)"
        case .succeed: "succeed"
        case .fail(let error): "fail \(error.code)"
        }
    }
}
