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
import UTCTime

/// What the case worker does with one alarm notification, as a pure state machine: the caller performs each
/// ``Action`` (a call of the episode store or the case sink) and feeds its answer back as an ``Event``, until the
/// machine says ``Action/succeed`` or ``Action/fail(_:)``. postgres-nio's `ConnectionStateMachine` is the model:
/// every decision of the exactly-once protocol (docs/cases.md) is here, every I/O is the caller's, so each path is
/// a table of events and actions that a unit test checks, and `model/cases.pml` checks the same steps with spin.
///
/// The protocol, per notification:
/// - claim the notification's action (`action#<alarm>#<state>#<time>`): done before means a repeated delivery,
///   busy means another worker is at it (the record comes back later), a takeover of a lapsed claim means the
///   worker before may have raised the case without recording it, so the sink is asked for it first;
/// - `ALARM`: note on the alarm's open case of an earlier episode (it came back through `INSUFFICIENT_DATA`), or
///   beyond the customer's hourly limit on the customer's newest case, else raise the case; mark the claim done
///   at once, then record the case as the alarm's open case (and the customer's newest), and resolve it at once
///   when an `OK` of a later time arrived first;
/// - `OK`: note on the alarm's open case of this or an earlier episode, resolve it if it is the alarm's own, and
///   close the episode; with no case open, remember the recovery for an `ALARM` that arrives after it.
///
/// Errors: after a claim, a failed step of an `ALARM` keeps the claim until its lease lapses (a failed CreateCase
/// may still have raised the case; the takeover looks for it), except that a refused CreateCase gives its storm
/// slot back; a failed step of a note gives the claim back, since a note said twice is harmless.
public struct CaseStateMachine: Sendable {
    /// A call the caller makes, and the event it feeds back.
    public enum Action: Sendable, Equatable {
        /// `EpisodeStore.claim`: answer ``Event/claimed(_:)``.
        case claim(key: String)
        /// `EpisodeStore.alarm`: answer ``Event/alarmRead(_:)``.
        case readAlarm(alarm: String)
        /// `CaseSink.find`: answer ``Event/found(_:)``.
        case find(reference: String, sinceMs: Int64)
        /// `EpisodeStore.takeStormSlot`: answer ``Event/stormSlot(_:)``, the slot's hour or `nil` at the limit.
        case takeStormSlot(opname: String, limit: Int)
        /// `EpisodeStore.customerCase`: answer ``Event/customerCase(_:)``.
        case readCustomerCase(opname: String)
        /// `CaseSink.create`: answer ``Event/created(_:)``.
        case create(CaseDocument, key: String)
        /// `CaseSink.addNote`: answer ``Event/done``.
        case addNote(String, caseId: String, key: String)
        /// `CaseSink.resolve`: answer ``Event/done``.
        case resolve(caseId: String, key: String)
        /// `EpisodeStore.returnStormSlot` (never fails): answer ``Event/done``.
        case returnStormSlot(opname: String, hour: Int64)
        /// `EpisodeStore.finish`: answer ``Event/finished(_:)``, `false` when the claim was taken over meanwhile.
        case finish(key: String, token: Int64, caseId: String?, owned: Bool)
        /// `EpisodeStore.release` (never fails): answer ``Event/done``.
        case release(key: String, token: Int64)
        /// `EpisodeStore.setOpenCase`: answer ``Event/done``.
        case setOpenCase(alarm: String, OpenCase)
        /// `EpisodeStore.setCustomerCase`: answer ``Event/done``.
        case setCustomerCase(opname: String, caseId: String)
        /// `EpisodeStore.closeCase`: answer ``Event/applied(_:)``, whether it closed the case (it was still the
        /// open one, of that episode). `resolving`: the case is to be resolved, and stays marked so until
        /// ``finishResolving(alarm:episode:)``, for any worker to finish if this one stops.
        case closeCase(alarm: String, episode: Int64, resolving: String?)
        /// `EpisodeStore.finishResolving`: answer ``Event/applied(_:)``; the episode's case is resolved.
        case finishResolving(alarm: String, episode: Int64)
        /// `EpisodeStore.moveOpenCase`: answer ``Event/applied(_:)``, whether the case was still open for `from`.
        case moveOpenCase(alarm: String, from: Int64, to: Int64)
        /// `EpisodeStore.setLastRecovery`: answer ``Event/done``.
        case setLastRecovery(alarm: String, Int64)
        /// The notification is handled; ``log`` says how.
        case succeed
        /// The notification failed with this error; the record goes back to the queue.
        case fail(CasesError)
    }

    /// What the caller's call answered.
    public enum Event: Sendable, Equatable {
        case claimed(EpisodeClaim)
        case alarmRead(AlarmRecord)
        case found(String?)
        case stormSlot(Int64?)
        case customerCase(String?)
        case created(String)
        case finished(Bool)
        /// A conditional write's answer: whether its condition held and it was made.
        case applied(Bool)
        /// A call without an answer succeeded.
        case done
        /// The call failed.
        case failed(CasesError)
    }

    /// A line for the log, kept pure: the caller writes it with the notification's metadata.
    public struct LogEntry: Sendable, Equatable {
        public enum Level: Sendable, Equatable { case info, warning, error }
        public var level: Level
        public var message: String
        public var metadata: [String: String]

        public init(_ level: Level, _ message: String, _ metadata: [String: String] = [:]) {
            self.level = level
            self.message = message
            self.metadata = metadata
        }
    }

    /// Where the machine is; each case holds what the next steps need.
    enum State: Sendable, Equatable {
        case initial
        // ALARM
        case claimingRaise
        case recordingDuplicate(caseId: String, owned: Bool, customerStep: Bool)
        case readingAlarm(token: Int64, lapsedSince: Int64?)
        case finding(token: Int64, alarm: AlarmRecord)
        case helping(resolving: OpenCase, then: Resume, alarm: AlarmRecord)
        case helpingFinish(then: Resume, alarm: AlarmRecord)
        case closingLateEpisode(token: Int64, alarm: AlarmRecord, open: OpenCase)
        case resolvingLateEpisode(token: Int64, alarm: AlarmRecord, open: OpenCase)
        case finishingLateEpisode(token: Int64, alarm: AlarmRecord)
        case movingOpenCase(token: Int64, alarm: AlarmRecord, open: OpenCase)
        case notingRepeat(token: Int64, alarm: AlarmRecord, caseId: String)
        case takingSlot(token: Int64, alarm: AlarmRecord)
        case readingCustomerCase(token: Int64, alarm: AlarmRecord)
        case notingStorm(token: Int64, alarm: AlarmRecord, caseId: String)
        case creating(token: Int64, alarm: AlarmRecord, slot: Int64?)
        case returningSlot(CasesError)
        case finishing(alarm: AlarmRecord, caseId: String, owned: Bool)
        case recordingOpenCase(alarm: AlarmRecord, caseId: String, owned: Bool)
        case recordingCustomerCase(alarm: AlarmRecord, caseId: String)
        case notingEarlyRecovery(caseId: String)
        case closingEarlyRecovery(caseId: String)
        case resolvingEarlyRecovery
        case finishingEarlyRecovery
        // OK and INSUFFICIENT_DATA noted
        case claimingNote
        case readingAlarmForNote(token: Int64)
        case addingNote(token: Int64, open: OpenCase)
        case resolving(token: Int64, open: OpenCase)
        case finishingResolve(token: Int64, open: OpenCase)
        case closing(token: Int64, open: OpenCase)
        case rememberingRecovery(token: Int64)
        case releasing(CasesError)
        case finishingNote(noted: OpenCase?)
        case ended
    }

    /// Where a worker that helped finish another's resolve goes on.
    enum Resume: Sendable, Equatable {
        case raise(token: Int64, lapsedSince: Int64?)
        case note(token: Int64)
    }

    public let notification: AlarmNotification
    public let route: CaseRoute
    /// The claim's key: one per notification, the same for each of its deliveries.
    public let key: String
    /// What to do: raise a case, note the transition, or nothing.
    let plan: Plan
    var state: State = .initial
    /// What the machine has to say, in order; ``takeLog()`` hands it over.
    private(set) var log: [LogEntry] = []

    enum Plan: Sendable, Equatable {
        case raise
        case note(closing: Bool)
        case ignore
    }

    public init(_ notification: AlarmNotification, route: CaseRoute) {
        self.notification = notification
        self.route = route
        self.key = Self.actionKey(notification)
        switch notification.state {
        case .alarm: plan = .raise
        case .ok: plan = .note(closing: true)
        case .insufficientData:
            switch route.policy.insufficientData ?? .ignore {
            case .ignore: plan = .ignore
            case .note: plan = .note(closing: false)
            case .case: plan = .raise
            }
        }
    }

    /// The claim's key: one per notification, the same for each of its deliveries.
    public static func actionKey(_ notification: AlarmNotification) -> String {
        "action#\(notification.alarmKey)#\(notification.state.rawValue)#\(notification.stateChangeMs)"
    }

    /// The keys the sink sees, one per distinct action (issue 30: a note and a resolve under one key are one
    /// action to a receiver that deduplicates by key): the case is raised under the claim's own key, so that every
    /// delivery of the notification raises it under the same one.
    var noteKey: String { key + "#note" }
    /// A resolve's key is its episode's, whichever notification asks for it: a worker that finishes another's resolve
    /// sends the same key, and a receiver that deduplicates does it once.
    func resolveKey(_ episode: Int64) -> String { "resolve#\(notification.alarmKey)#\(episode)" }
    var recoveryNoteKey: String { key + "#recovery-note" }

    /// The lines logged since the last call.
    public mutating func takeLog() -> [LogEntry] {
        defer { log = [] }
        return log
    }

    /// The first action.
    public mutating func start() -> Action {
        precondition(state == .initial, "start() once")
        switch plan {
        case .raise:
            state = .claimingRaise
            return .claim(key: key)
        case .note:
            state = .claimingNote
            return .claim(key: key)
        case .ignore:
            state = .ended
            log.append(LogEntry(.info, "no action for INSUFFICIENT_DATA (the catalog's cases.insufficientData)"))
            return .succeed
        }
    }

    /// The next action, given what the last one answered.
    public mutating func next(_ event: Event) -> Action {
        if case .failed(let error) = event { return failed(error) }
        switch (state, event) {
        // MARK: ALARM
        case (.claimingRaise, .claimed(.busy)):
            return end(.fail(CasesError(.episodeBusy, "another worker is raising the case of this episode")))
        case (.claimingRaise, .claimed(.done(let caseId, let owned))):
            // A repeated delivery. The records after the case may not all have been written; writing them again
            // is harmless.
            log.append(
                LogEntry(.info, "duplicate delivery: the episode's case exists", ["caseId": caseId ?? "-"]))
            guard let caseId else { return end(.succeed) }
            state = .recordingDuplicate(caseId: caseId, owned: owned, customerStep: false)
            return .setOpenCase(alarm: notification.alarmKey, openCase(caseId, owned: owned))
        case (.recordingDuplicate(let caseId, let owned, false), .done) where owned:
            state = .recordingDuplicate(caseId: caseId, owned: owned, customerStep: true)
            return .setCustomerCase(opname: route.opnameKey, caseId: caseId)
        case (.recordingDuplicate, .done):
            return end(.succeed)
        case (.claimingRaise, .claimed(.claimed(let token, let lapsedSince))):
            state = .readingAlarm(token: token, lapsedSince: lapsedSince)
            return .readAlarm(alarm: notification.alarmKey)
        case (.readingAlarm(let token, let lapsedSince), .alarmRead(let alarm)):
            return help(alarm, then: .raise(token: token, lapsedSince: lapsedSince))
        case (.helping(let resolving, let then, let alarm), .done):
            state = .helpingFinish(then: then, alarm: alarm)
            return .finishResolving(alarm: notification.alarmKey, episode: resolving.episode)
        case (.helpingFinish(let then, let alarm), .applied):
            var rest = alarm
            rest.resolving = nil
            return resume(then, alarm: rest)
        case (.finding(let token, let alarm), .found(let found)):
            guard let found else { return afterFind(token: token, alarm: alarm) }
            // The worker before this one raised the case and died before recording it.
            log.append(LogEntry(.warning, "found the case a lapsed claim raised", ["caseId": found]))
            return finish(token: token, alarm: alarm, caseId: found, owned: true)
        case (.closingLateEpisode(let token, let alarm, let open), .applied(let closed)):
            var rest = alarm
            rest.open = nil
            guard closed && open.owned else { return takeSlot(token: token, alarm: rest) }
            log.append(
                LogEntry(
                    .info, "the alarm recovered before it fired again (its OK is late): its earlier case is resolved",
                    ["caseId": open.caseId]))
            state = .resolvingLateEpisode(token: token, alarm: rest, open: open)
            return .resolve(caseId: open.caseId, key: resolveKey(open.episode))
        case (.resolvingLateEpisode(let token, let alarm, let open), .done):
            state = .finishingLateEpisode(token: token, alarm: alarm)
            return .finishResolving(alarm: notification.alarmKey, episode: open.episode)
        case (.finishingLateEpisode(let token, let alarm), .applied):
            return takeSlot(token: token, alarm: alarm)
        case (.movingOpenCase(let token, let alarm, let open), .applied(let moved)):
            guard moved else {
                // Closed (its OK came) or moved by another worker meanwhile: this episode gets a case of its own.
                var rest = alarm
                rest.open = nil
                return takeSlot(token: token, alarm: rest)
            }
            state = .notingRepeat(token: token, alarm: alarm, caseId: open.caseId)
            return .addNote(unreferenced.asRepeat(), caseId: open.caseId, key: noteKey)
        case (.notingRepeat(let token, let alarm, let caseId), .done):
            log.append(
                LogEntry(
                    .info, "the alarm fired again before it recovered: noted on its open case", ["caseId": caseId]))
            return finish(token: token, alarm: alarm, caseId: caseId, owned: false)
        case (.takingSlot(let token, let alarm), .stormSlot(let slot)):
            guard slot == nil else { return create(token: token, alarm: alarm, slot: slot) }
            state = .readingCustomerCase(token: token, alarm: alarm)
            return .readCustomerCase(opname: route.opnameKey)
        case (.readingCustomerCase(let token, let alarm), .customerCase(let newest)):
            // At the limit with no case to note on (its record expired): raise one anyway.
            guard let newest else { return create(token: token, alarm: alarm, slot: nil) }
            state = .notingStorm(token: token, alarm: alarm, caseId: newest)
            return .addNote(unreferenced.asNote(), caseId: newest, key: noteKey)
        case (.notingStorm(let token, let alarm, let caseId), .done):
            log.append(
                LogEntry(
                    .warning, "the customer's hourly case limit is reached: noted on its newest case",
                    ["caseId": caseId, "customer": route.opnameKey]))
            return finish(token: token, alarm: alarm, caseId: caseId, owned: false)
        case (.creating(let token, let alarm, _), .created(let caseId)):
            log.append(LogEntry(.info, "case raised", ["caseId": caseId]))
            return finish(token: token, alarm: alarm, caseId: caseId, owned: true)
        case (.returningSlot(let error), .done):
            return end(.fail(error))
        case (.finishing(let alarm, let caseId, let owned), .finished(let finished)):
            if !finished {
                log.append(
                    LogEntry(
                        .error,
                        "the claim lapsed while the case was raised: a worker that took it over looks for the case by its reference",
                        ["caseId": caseId, "reference": reference]))
            }
            // A note on another case: the alarm's open case stays what it is.
            guard owned || alarm.open == nil else { return end(.succeed) }
            state = .recordingOpenCase(alarm: alarm, caseId: caseId, owned: owned)
            return .setOpenCase(alarm: notification.alarmKey, openCase(caseId, owned: owned))
        case (.recordingOpenCase(let alarm, let caseId, let owned), .done):
            if owned {
                state = .recordingCustomerCase(alarm: alarm, caseId: caseId)
                return .setCustomerCase(opname: route.opnameKey, caseId: caseId)
            }
            return end(.succeed)
        case (.recordingCustomerCase(let alarm, let caseId), .done):
            // An OK of this episode that arrived first (this ALARM came back through retries) found no case to
            // close.
            guard let recovered = alarm.lastRecovery, recovered > notification.stateChangeMs else {
                return end(.succeed)
            }
            state = .notingEarlyRecovery(caseId: caseId)
            return .addNote(
                "Recovered before this case was raised: the alarm was OK at "
                    + "\(UTCTime.rfc3339(epochMilliseconds: recovered)).", caseId: caseId, key: recoveryNoteKey)
        case (.notingEarlyRecovery(let caseId), .done):
            state = .closingEarlyRecovery(caseId: caseId)
            return .closeCase(alarm: notification.alarmKey, episode: notification.stateChangeMs, resolving: caseId)
        case (.closingEarlyRecovery(let caseId), .applied(let closed)):
            // Resolved only if this closed it: a later ALARM may have taken the case over as its own meanwhile.
            guard closed else { return end(.succeed) }
            state = .resolvingEarlyRecovery
            return .resolve(caseId: caseId, key: resolveKey(notification.stateChangeMs))
        case (.resolvingEarlyRecovery, .done):
            state = .finishingEarlyRecovery
            return .finishResolving(alarm: notification.alarmKey, episode: notification.stateChangeMs)
        case (.finishingEarlyRecovery, .applied):
            return end(.succeed)

        // MARK: OK, and INSUFFICIENT_DATA where the catalog says to note it
        case (.claimingNote, .claimed(.busy)):
            return end(.fail(CasesError(.episodeBusy, "another worker is noting this transition")))
        case (.claimingNote, .claimed(.done)):
            log.append(LogEntry(.info, "duplicate delivery: the transition is noted"))
            return end(.succeed)
        case (.claimingNote, .claimed(.claimed(let token, _))):
            state = .readingAlarmForNote(token: token)
            return .readAlarm(alarm: notification.alarmKey)
        case (.readingAlarmForNote(let token), .alarmRead(let alarm)):
            return help(alarm, then: .note(token: token))
        case (.addingNote(let token, let open), .done):
            guard closing else { return finishNote(token: token, noted: open) }
            state = .closing(token: token, open: open)
            return .closeCase(
                alarm: notification.alarmKey, episode: open.episode, resolving: open.owned ? open.caseId : nil)
        case (.closing(let token, let open), .applied(let closed)):
            // Closed first, resolved only if this closed it: between reading the alarm and here, a later ALARM
            // (back through INSUFFICIENT_DATA) may have made the case its own, and its alarm is in ALARM again.
            guard closed && open.owned else { return finishNote(token: token, noted: open) }
            state = .resolving(token: token, open: open)
            return .resolve(caseId: open.caseId, key: resolveKey(open.episode))
        case (.resolving(let token, let open), .done):
            state = .finishingResolve(token: token, open: open)
            return .finishResolving(alarm: notification.alarmKey, episode: open.episode)
        case (.finishingResolve(let token, let open), .applied):
            return finishNote(token: token, noted: open)
        case (.rememberingRecovery(let token), .done):
            return finishNote(token: token, noted: nil)
        case (.releasing(let error), .done):
            return end(.fail(error))
        case (.finishingNote(let noted), .finished):
            if let noted {
                log.append(
                    LogEntry(
                        .info,
                        closing ? "recovery noted on the episode's case" : "transition noted on the episode's case",
                        ["caseId": noted.caseId, "resolved": "\(closing && noted.owned)"]))
            } else {
                log.append(LogEntry(.info, "no open case for this alarm: nothing to note"))
            }
            return end(.succeed)

        default:
            preconditionFailure("event \(event) in state \(state)")
        }
    }

    // MARK: - Steps

    var closing: Bool { plan == .note(closing: true) }

    var reference: String { CaseDocument.reference(forKey: key) }

    /// The case's document, with the reference line a takeover finds it by.
    var document: CaseDocument { unreferenced.referenced(reference) }

    /// The document without the reference line, for notes: a note that carried it made a takeover take the case it
    /// was noted on (another alarm's) for the one the lapsed holder raised (found by model/cases.pml).
    var unreferenced: CaseDocument { CaseDocument(raising: notification, route: route) }

    func openCase(_ caseId: String, owned: Bool) -> OpenCase {
        OpenCase(episode: notification.stateChangeMs, caseId: caseId, owned: owned)
    }

    /// A case another worker closed to resolve and did not finish (it stopped, or the resolve failed) is resolved
    /// first, by whoever reads the alarm next with a notification of its episode's time or later: a close is never
    /// left without its resolve (review of issue 27: resolving after closing had lost that).
    mutating func help(_ alarm: AlarmRecord, then: Resume) -> Action {
        guard let resolving = alarm.resolving, resolving.episode <= notification.stateChangeMs else {
            return resume(then, alarm: alarm)
        }
        log.append(LogEntry(.info, "finishing the resolve another worker began", ["caseId": resolving.caseId]))
        state = .helping(resolving: resolving, then: then, alarm: alarm)
        return .resolve(caseId: resolving.caseId, key: resolveKey(resolving.episode))
    }

    /// The step after reading the alarm (and helping).
    mutating func resume(_ then: Resume, alarm: AlarmRecord) -> Action {
        switch then {
        case .raise(let token, let lapsedSince):
            if let since = lapsedSince {
                state = .finding(token: token, alarm: alarm)
                return .find(reference: reference, sinceMs: since)
            }
            return afterFind(token: token, alarm: alarm)
        case .note(let token):
            // Only the case of this episode or an earlier one: a late OK of an earlier episode leaves a later
            // episode's case alone, since that alarm is in ALARM again.
            if let open = alarm.open, open.episode <= notification.stateChangeMs {
                state = .addingNote(token: token, open: open)
                return .addNote(CaseDocument.recovery(notification), caseId: open.caseId, key: noteKey)
            }
            guard closing else { return finishNote(token: token, noted: nil) }
            state = .rememberingRecovery(token: token)
            return .setLastRecovery(alarm: notification.alarmKey, notification.stateChangeMs)
        }
    }

    /// No case found from a lapsed claim. With the alarm's case of an earlier episode still open: after an `OK`
    /// (`OldStateValue`), that episode recovered and its `OK` is late, so its case is closed and this episode gets
    /// its own; back through `INSUFFICIENT_DATA`, the open case becomes this episode's first (so that a late `OK`
    /// of the earlier episode leaves it open) and gets a note. Else a storm slot, for a case of its own.
    ///
    /// model/cases.pml found both orders wrong before: noting on the earlier case after an `OK`, it was resolved by
    /// that late `OK` while the alarm was in `ALARM`.
    mutating func afterFind(token: Int64, alarm: AlarmRecord) -> Action {
        let afterOK = notification.oldState == "OK"
        if let open = alarm.open, afterOK && open.episode < notification.stateChangeMs {
            state = .closingLateEpisode(token: token, alarm: alarm, open: open)
            return .closeCase(
                alarm: notification.alarmKey, episode: open.episode, resolving: open.owned ? open.caseId : nil)
        }
        if let open = alarm.open, !afterOK && open.episode <= notification.stateChangeMs {
            state = .movingOpenCase(token: token, alarm: alarm, open: open)
            return .moveOpenCase(alarm: notification.alarmKey, from: open.episode, to: notification.stateChangeMs)
        }
        return takeSlot(token: token, alarm: alarm)
    }

    mutating func takeSlot(token: Int64, alarm: AlarmRecord) -> Action {
        state = .takingSlot(token: token, alarm: alarm)
        return .takeStormSlot(
            opname: route.opnameKey, limit: route.policy.maxCasesPerHour ?? CasePolicy.builtIn.maxCasesPerHour!)
    }

    mutating func create(token: Int64, alarm: AlarmRecord, slot: Int64?) -> Action {
        state = .creating(token: token, alarm: alarm, slot: slot)
        return .create(document, key: key)
    }

    /// From here on the case exists: the claim is marked done first, so that no later delivery raises it again.
    mutating func finish(token: Int64, alarm: AlarmRecord, caseId: String, owned: Bool) -> Action {
        state = .finishing(alarm: alarm, caseId: caseId, owned: owned)
        return .finish(key: key, token: token, caseId: caseId, owned: owned)
    }

    mutating func finishNote(token: Int64, noted: OpenCase?) -> Action {
        state = .finishingNote(noted: noted)
        return .finish(key: key, token: token, caseId: noted?.caseId, owned: false)
    }

    /// A call failed: an `ALARM` keeps its claim (a failed CreateCase may still have raised the case; the next
    /// delivery looks for it by its reference before raising it), giving back a storm slot whose case was surely
    /// not raised; a note gives its claim back.
    mutating func failed(_ error: CasesError) -> Action {
        switch state {
        case .creating(_, _, let slot?) where error.code == .sinkRefused:
            state = .returningSlot(error)
            return .returnStormSlot(opname: route.opnameKey, hour: slot)
        case .addingNote(let token, _), .resolving(let token, _), .closing(let token, _),
            .finishingResolve(let token, _), .rememberingRecovery(let token), .readingAlarmForNote(let token),
            .helping(_, .note(let token), _), .helpingFinish(.note(let token), _):
            state = .releasing(error)
            return .release(key: key, token: token)
        default:
            return end(.fail(error))
        }
    }

    mutating func end(_ action: Action) -> Action {
        state = .ended
        return action
    }
}
