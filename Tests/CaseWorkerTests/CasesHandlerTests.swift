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
import Core
import Foundation
import Logging
import Testing

@testable import CaseWorker

/// The worker's protocol end to end without services: real handlers, the in-memory store and sink, and the
/// deliveries, crashes and lapsed leases SQS and Lambda cause. CasesTests runs the same against moto.
@Suite struct CasesHandlerTests {
    static let catalog = try! Catalog(
        json: Array(#"{"cases": {"maxCasesPerHour": 2}, "customers": [], "queries": []}"#.utf8))

    /// A world: one store and one sink, and as many workers on them as a test wants.
    final class World {
        let store = InMemoryEpisodeStore()
        let sink = InMemoryCaseSink()

        func worker() -> CasesHandler { CasesHandler(catalog: CasesHandlerTests.catalog, store: store, sink: sink) }

        /// One delivery of `body` to `worker`; its lease runs a second past the store's clock.
        @discardableResult
        func deliver(_ body: String, to worker: CasesHandler? = nil) -> CasesError? {
            let times = CasesHandler.Times(
                sink: Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + 5000),
                store: Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + 5000),
                leaseUntilMs: store.now + 1000)
            do throws(CasesError) {
                try (worker ?? self.worker()).handle(
                    SQSBatch.Record(messageId: "m", body: body), times: times, logger: Logger(label: "test"))
                return nil
            } catch { return error }
        }

        /// The worker's invocation ended (killed or timed out) and its lease lapsed.
        func leaseLapses() { store.now += 2000 }

        var raised: Int { sink.cases.count }
        var resolved: Int { sink.cases.values.filter(\.resolved).count }
    }

    static func notification(_ state: String, at minute: Int, alarm: String = "disk", old: String? = nil) -> String {
        let oldState = old.map { #","OldStateValue":"\#($0)""# } ?? ""
        return
            #"{"AlarmName":"\#(alarm)","NewStateValue":"\#(state)"\#(oldState),"StateChangeTime":"2026-12-01T19:\#(minute < 10 ? "0" : "")\#(minute):00Z"}"#
    }

    static let alarm = notification("ALARM", at: 0)
    static let ok = notification("OK", at: 5)
    static let again = notification("ALARM", at: 10)

    @Test("first delivery raises the case; a duplicate raises nothing")
    func duplicate() {
        let world = World()
        #expect(world.deliver(Self.alarm) == nil)
        #expect(world.deliver(Self.alarm) == nil)
        #expect(world.raised == 1)
        #expect(world.store.alarms["-:disk"]?.open?.caseId == "case-1")
    }

    @Test("two workers at once: the second finds the first's lease running, fails, and its retry is a duplicate")
    func twoWorkers() {
        let world = World()
        var second: CasesError?
        world.sink.duringCreate = { second = world.deliver(Self.alarm) }
        #expect(world.deliver(Self.alarm) == nil)
        #expect(second?.code == .episodeBusy)
        world.sink.duringCreate = nil
        #expect(world.deliver(Self.alarm) == nil)
        #expect(world.raised == 1)
    }

    @Test("crash between claim and create: after the lease lapses the next delivery raises the case")
    func crashBeforeCreate() {
        let world = World()
        world.sink.createFault = .before(CasesError(.sinkUnavailable, "killed"))
        #expect(world.deliver(Self.alarm)?.code == .sinkUnavailable)
        world.sink.createFault = nil
        #expect(world.deliver(Self.alarm)?.code == .episodeBusy, "the lease still runs")
        world.leaseLapses()
        #expect(world.deliver(Self.alarm) == nil)
        #expect(world.raised == 1)
    }

    @Test("crash between create and record: the takeover finds the case by its reference, raises none")
    func crashAfterCreate() {
        let world = World()
        world.sink.createFault = .after(CasesError(.sinkUnavailable, "killed after CreateCase"))
        #expect(world.deliver(Self.alarm) != nil)
        world.sink.createFault = nil
        world.leaseLapses()
        #expect(world.deliver(Self.alarm) == nil)
        #expect(world.raised == 1)
        #expect(world.store.alarms["-:disk"]?.open?.caseId == "case-1")
        // The OK then resolves the case the takeover recorded.
        #expect(world.deliver(Self.ok) == nil)
        #expect(world.resolved == 1)
    }

    @Test("ALARM, OK, ALARM: two cases, the first resolved, the second open")
    func episodes() {
        let world = World()
        for body in [Self.alarm, Self.ok, Self.again, Self.ok, Self.alarm] { #expect(world.deliver(body) == nil) }
        #expect(world.raised == 2)
        #expect(world.sink.cases["case-1"]?.resolved == true)
        #expect(world.sink.cases["case-2"]?.resolved == false, "no case resolved while its alarm is in ALARM")
    }

    @Test("reordered: OK before its ALARM raises the case and resolves it at once; a late OK leaves a later case")
    func reordered() {
        let world = World()
        #expect(world.deliver(Self.ok) == nil)
        #expect(world.deliver(Self.alarm) == nil)
        #expect(world.raised == 1 && world.resolved == 1)
        let late = World()
        #expect(late.deliver(Self.again) == nil)
        #expect(late.deliver(Self.ok) == nil)
        #expect(late.raised == 1 && late.resolved == 0)
    }

    @Test("storm limit: beyond the customer's hourly limit, alarms are notes on its newest case")
    func storm() {
        let world = World()
        for alarm in ["a", "b", "c", "d"] {
            #expect(world.deliver(Self.notification("ALARM", at: 0, alarm: alarm)) == nil)
        }
        #expect(world.raised == 2)
        #expect(world.sink.cases["case-2"]?.notes.count == 2)
    }

    @Test("a refusing sink fails the record and gives the storm slot back; a throttled one keeps it")
    func refusing() {
        let world = World()
        world.sink.createFault = .before(CasesError(.sinkRefused, "no"))
        #expect(world.deliver(Self.alarm)?.code == .sinkRefused)
        #expect(world.store.storms.values.reduce(0, +) == 0)
        world.sink.createFault = .before(CasesError(.sinkUnavailable, "throttled"))
        world.leaseLapses()
        #expect(world.deliver(Self.alarm)?.code == .sinkUnavailable)
        #expect(world.store.storms.values.reduce(0, +) == 1)
        world.sink.createFault = nil
        world.leaseLapses()
        #expect(world.deliver(Self.alarm) == nil)
        #expect(world.raised == 1)
    }

    @Test("an OK whose note fails gives its claim back: the next delivery notes and resolves at once")
    func noteFails() {
        let world = World()
        #expect(world.deliver(Self.alarm) == nil)
        world.sink.noteFault = .before(CasesError(.sinkUnavailable, "throttled"))
        #expect(world.deliver(Self.ok)?.code == .sinkUnavailable)
        world.sink.noteFault = nil
        #expect(world.deliver(Self.ok) == nil, "no lease to wait for")
        #expect(world.resolved == 1)
    }

    @Test("the create, the note and the resolve reach the sink under distinct keys (issue 30)")
    func keys() {
        let world = World()
        #expect(world.deliver(Self.alarm) == nil)
        #expect(world.deliver(Self.ok) == nil)
        #expect(world.sink.keys.count == 3 && Set(world.sink.keys).count == 3)
    }

    @Test("the store down at any step fails the record; a later delivery completes it with one case")
    func storeDown() {
        for call in ["claim", "alarm", "takeStormSlot", "finish", "setOpenCase", "setCustomerCase"] {
            let world = World()
            world.store.failing[call] = CasesError(.storeUnavailable, "down")
            #expect(world.deliver(Self.alarm)?.code == .storeUnavailable, "\(call)")
            world.leaseLapses()
            #expect(world.deliver(Self.alarm) == nil, "\(call)")
            #expect(world.raised == 1, "\(call)")
            #expect(world.store.alarms["-:disk"]?.open?.caseId == "case-1", "\(call)")
        }
    }

    /// The interleavings model/cases.pml found (issue 27), as deliveries in order.
    @Test("A1, then A3 after an OK, then the late O2: A1's case resolved, A3's own case open (spin's D1)")
    func lateOKAfterOK() {
        let world = World()
        let a3 = Self.notification("ALARM", at: 10, old: "OK")
        for body in [Self.alarm, a3, Self.ok] { #expect(world.deliver(body) == nil) }
        #expect(world.raised == 2)
        #expect(world.sink.cases["case-1"]?.resolved == true)
        #expect(world.sink.cases["case-2"]?.resolved == false, "no case resolved while its alarm is in ALARM")
        #expect(world.store.alarms["-:disk"]?.open?.caseId == "case-2")
    }

    @Test("A1, then A3 back through INSUFFICIENT_DATA, then the late O2: one case, noted, still open (spin's D1)")
    func lateOKAfterInsufficientData() {
        let world = World()
        let a3 = Self.notification("ALARM", at: 10, old: "INSUFFICIENT_DATA")
        for body in [Self.alarm, a3, Self.ok] { #expect(world.deliver(body) == nil) }
        #expect(world.raised == 1)
        #expect(world.sink.cases["case-1"]?.notes.count == 1)
        #expect(world.sink.cases["case-1"]?.resolved == false, "no case resolved while its alarm is in ALARM")
    }

    @Test("a takeover never adopts a case the lapsed holder only noted on (spin's D3): notes carry no reference")
    func takeoverAfterStormNote() {
        let world = World()
        // Two cases this hour already: the customer's limit (2) is reached.
        for alarm in ["a", "b"] { #expect(world.deliver(Self.notification("ALARM", at: 0, alarm: alarm)) == nil) }
        // The third alarm's worker notes on the newest case, then dies before marking its claim done.
        world.store.failing["finish"] = CasesError(.storeUnavailable, "killed")
        #expect(world.deliver(Self.notification("ALARM", at: 0, alarm: "c")) != nil)
        world.leaseLapses()
        #expect(world.deliver(Self.notification("ALARM", at: 0, alarm: "c")) == nil)
        // The takeover did not take case-2 (b's) for its own: b's case is not c's open case.
        #expect(world.store.alarms["-:c"]?.open?.owned != true)
        #expect(world.deliver(Self.notification("OK", at: 5, alarm: "c")) == nil)
        #expect(world.sink.cases["case-2"]?.resolved == false, "b's case stays open: b is still in ALARM")
    }

    /// Review of issue 27: closing before resolving lost the resolve when ResolveCase failed.
    @Test("a resolve that fails after its close is finished by the next delivery, not lost")
    func resolveFails() {
        let world = World()
        #expect(world.deliver(Self.alarm) == nil)
        world.sink.resolveFault = .before(CasesError(.sinkUnavailable, "throttled"))
        #expect(world.deliver(Self.ok)?.code == .sinkUnavailable)
        #expect(world.resolved == 0 && world.store.resolvingMarks["-:disk"]?.caseId == "case-1")
        world.sink.resolveFault = nil
        #expect(world.deliver(Self.ok) == nil)
        #expect(world.resolved == 1 && world.store.resolvingMarks["-:disk"] == nil)
        // The next episode is its own, with its own case.
        #expect(world.deliver(Self.again) == nil)
        #expect(world.raised == 2 && world.sink.cases["case-2"]?.resolved == false)
    }

    /// Review of the fix: the mark lived in the item's state, and a later episode's case erased it.
    @Test("a resolve marked while another worker raises the next episode's case is still finished")
    func markSurvivesTheNextEpisode() {
        let world = World()
        #expect(world.deliver(Self.alarm) == nil)
        let nextAfterOK = Self.notification("ALARM", at: 10, old: "OK")
        // The next episode's worker reads the alarm (case-1 open); before it goes on, the OK's worker notes, closes
        // with the mark, and fails to resolve.
        world.sink.resolveFault = .before(CasesError(.sinkUnavailable, "throttled"))
        var first: CasesError?
        world.store.afterRead = { first = world.deliver(Self.ok) }
        #expect(world.deliver(nextAfterOK) == nil)
        #expect(first?.code == .sinkUnavailable)
        #expect(world.raised == 2 && world.store.alarms["-:disk"]?.open?.caseId == "case-2")
        #expect(world.store.resolvingMarks["-:disk"]?.caseId == "case-1", "the mark outlives the next episode's case")
        world.sink.resolveFault = nil
        #expect(world.deliver(Self.ok) == nil)
        #expect(world.sink.cases["case-1"]?.resolved == true && world.sink.cases["case-2"]?.resolved == false)
    }

    /// A name missing from the alias list made moto answer 500 and the worker retry until its deadline.
    @Test("every #name DynamoEpisodeStore writes in an expression has its alias")
    func aliases() throws {
        let source = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Sources/CaseWorker/DynamoEpisodeStore.swift"),
            encoding: .utf8)
        let code = source.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            .joined(separator: "\n")
        let used = Set(code.matches(of: /#([a-z][A-Za-z]*)\b/).map { String($0.output.1) })
        #expect(used.count > 8)
        #expect(
            used.subtracting(DynamoEpisodeStore.attributes).isEmpty,
            "\(used.subtracting(DynamoEpisodeStore.attributes))")
    }
}
