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

import Foundation
import Testing

/// The support-case worker through moto's SNS, SQS, DynamoDB and Support, driven the way Lambda's event source
/// mapping drives it (`cases_e2e.py`): each scenario of issue 18, against the real binary on cargo-lambda.
@Suite(.serialized) struct CasesTests {
    @Test(
        "alarm to case: once per episode, across duplicates, two workers, a SIGKILL, poison, throttling and storms",
        .enabled(if: LiveServices.environment["ONPREM_TEST_MOTO"] != nil, "needs moto_server (make test)"))
    func endToEnd() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("cases-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "cases_e2e.py")
        let output = try Command.output("/usr/bin/env", ["python3", script.path, LiveServices.binary, work.path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        func section(_ name: String) throws -> [String: Any] { try #require(report[name] as? [String: Any]) }

        // One alarm, one case: subject, copies, body with the reason, the dimensions, the link and the runbook.
        let one = try #require((try section("one"))["cases"] as? [[String: Any]])
        #expect(one.count == 1)
        #expect(one.first?["subject"] as? String == "E2E Plant: active_sessions > 80 (ALARM)")
        #expect(one.first?["ccEmailAddresses"] as? [String] == ["plant-ops@example.com"])
        let body = one.first?["body"] as? String ?? ""
        for part in [
            "Reason: Threshold Crossed", "Dimensions: Customer=E2E Plant, Query=sessions",
            "Console: https://eu-west-1.console.aws.amazon.com/", "Runbook:\nLook at pg_stat_activity.",
        ] {
            #expect(body.contains(part), "\(part)")
        }
        // The same message again: still one case.
        #expect((try section("duplicate"))["subjects"] as? [String] == ["E2E Plant: active_sessions > 80 (ALARM)"])

        // Two workers on one episode: one case; the worker that found the claim held reports its record.
        let concurrent = try section("concurrent")
        #expect(concurrent["cases"] as? Int == 1)

        // OK then ALARM: the recovery is noted on the first case and resolves it; the new episode has a case.
        let reopen = try section("reopen")
        #expect(reopen["cases"] as? Int == 2)
        #expect((reopen["recoveryNotes"] as? [String])?.count == 1)
        #expect((reopen["recoveryNotes"] as? [String])?.first?.hasPrefix("Recovered: alarm") == true)
        #expect(reopen["resolved"] as? Bool == true)

        // Reordered: the earlier case resolved only where an OK came between the ALARMs; the alarm's last case open.
        #expect(try section("reordered after-ok")["resolved"] as? [Bool] == [true, false])
        #expect(try section("reordered after-insufficient")["resolved"] as? [Bool] == [false])

        // Killed between recording and raising: the claim was there, and the next delivery raised one case.
        let killed = try section("killed")
        #expect(killed["stalled"] as? Int == 1)
        #expect(killed["claimedBeforeRedelivery"] as? Bool == true)
        #expect(killed["cases"] as? Int == 1)

        // A poison message fails on every delivery and ends in the dead-letter queue.
        let poison = try section("poison")
        let rounds = try #require(poison["rounds"] as? [[Any]])
        #expect(rounds.prefix(2).allSatisfy { ($0[1] as? [String])?.count == 1 })
        #expect((poison["deadLettered"] as? [String])?.first?.contains("this is not an alarm") == true)

        // Throttled and failing Support: only those two records came back, and they succeeded later.
        let throttled = try section("throttled")
        #expect((throttled["batch"] as? [[Int]]) == [[3, 2]])
        #expect(throttled["casesDuring"] as? [Int] == [0, 0, 1])
        #expect(throttled["casesAfter"] as? [Int] == [1, 1, 1])

        // Storm control: one case for the customer; its second alarm is a note on it.
        let storm = try section("storm")
        #expect(storm["cases"] as? Int == 1)
        #expect((storm["notes"] as? [String])?.first?.hasPrefix("Another alarm for this customer") == true)

        // The hostile batch: every record its own failure, 10,000 in one event too, the worker up, a good alarm with
        // control characters in its name still raised, log lines escaped and cut, strangers in one storm bucket.
        let hostile = try section("hostile")
        #expect(hostile["status"] as? Int == 200 && hostile["failed"] as? Int == hostile["records"] as? Int)
        #expect(hostile["manyStatus"] as? Int == 200 && hostile["manyFailed"] as? Int == 10_000)
        #expect(hostile["oddCases"] as? Int == 1)
        #expect(hostile["workerAlive"] as? Bool == true)
        #expect(hostile["logHasEscape"] as? Bool == false)
        #expect((hostile["longestLogLine"] as? Int ?? .max) < 16_384)
        // Names the catalog does not know share one bucket of the catalog's 10 an hour, with the three "Other"
        // alarms before them (each name its own bucket raised all 12 before issue 25).
        let strangers = hostile["strangerCases"] as? Int ?? -1
        #expect(strangers > 0 && strangers + (hostile["otherCases"] as? Int ?? 0) <= 10, "\(hostile)")

        // The webhook: create, then note and resolve on the id it answered, each with the action's key, a digest;
        // an alarm with CRLF in its ARN made no header and no second request.
        let webhook = try section("webhook")
        let posts = try #require(webhook["posts"] as? [[String: Any]])
        #expect(posts.map { $0["action"] as? String } == ["create", "note", "resolve", "create"])
        #expect(posts.dropFirst().prefix(2).allSatisfy { $0["caseId"] as? String == "WH-1" })
        #expect(posts.allSatisfy { ($0["key"] as? String) == ($0["idempotencyHeader"] as? String) })
        #expect(posts.allSatisfy { ($0["idempotencyHeader"] as? String)?.count == 64 })
        #expect(posts.first?["severity"] as? String == "high")
        #expect((webhook["paths"] as? [String])?.allSatisfy { $0 == "/cases" } == true)
        #expect((webhook["injectedHeaders"] as? [String])?.isEmpty == true)
        // Issue 30: every document is docs/webhook.schema.json's, with the case as data.
        #expect((webhook["schemaErrors"] as? [String]) == [])
        #expect(Set(posts.compactMap { $0["key"] as? String }).count == posts.count, "each action its own key")
        let facts = try #require(posts.first?["case"] as? [String: Any])
        #expect(facts["kpi"] as? String == "active_sessions" && facts["state"] as? String == "ALARM")
        #expect(facts["threshold"] as? Double == 80 && facts["customer"] as? String == "E2E Plant")
    }
}
