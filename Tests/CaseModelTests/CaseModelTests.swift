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
import JSON
import Testing

/// The worker's pure part as values: the three message shapes, the SQS event, routing and the case's text.
@Suite struct CaseModelTests {
    /// CloudWatch's alarm notification, as its SNS `Message` carries it.
    static let alarmMessage = """
        {"AlarmName":"onprem-watch | Plant North active_sessions","AlarmDescription":"Sessions above threshold",\
        "AWSAccountId":"123456789012","AlarmConfigurationUpdatedTimestamp":"2026-12-01T18:00:00.000+0000",\
        "NewStateValue":"ALARM","NewStateReason":"Threshold Crossed: 2 out of the last 3 datapoints [92.0 (01/12/26 19:00:00)] were greater than the threshold (80.0).",\
        "StateChangeTime":"2026-12-01T19:01:00.000+0000","Region":"EU (Ireland)",\
        "AlarmArn":"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:onprem-watch | Plant North active_sessions",\
        "OldStateValue":"OK","OKActions":[],"AlarmActions":["arn:aws:sns:eu-west-1:123456789012:alarms"],\
        "InsufficientDataActions":[],"Trigger":{"MetricName":"active_sessions","Namespace":"OnPremWatch",\
        "StatisticType":"Statistic","Statistic":"MAXIMUM","Unit":null,"Dimensions":[{"value":"Plant North","name":"Customer"},\
        {"value":"sessions","name":"Query"},{"value":"north","name":"region"}],"Period":60,"EvaluationPeriods":3,\
        "DatapointsToAlarm":2,"ComparisonOperator":"GreaterThanThreshold","Threshold":80.0,\
        "TreatMissingData":"missing","EvaluateLowSampleCountPercentile":""}}
        """

    /// The worker's clock in these tests: 2026-12-02T00:00:00Z, after every alarm here.
    static let nowMs: Int64 = 1_796_169_600_000

    static func parse(_ body: String, nowMs: Int64 = nowMs) throws(CasesError) -> AlarmNotification {
        try AlarmNotification(body: body, nowMs: nowMs)
    }

    static func envelope(_ message: String) -> String {
        let object: JSONValue = [
            "Type": "Notification", "MessageId": "b1", "TopicArn": "arn:aws:sns:eu-west-1:123456789012:alarms",
            "Subject": "ALARM: \"x\" in EU (Ireland)", "Message": .string(message),
            "Timestamp": "2026-12-01T19:01:00.123Z", "SignatureVersion": "1", "Signature": "c2ln",
            "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/cert.pem", "UnsubscribeURL": "https://example.com",
        ]
        return String(decoding: object.serialized(), as: UTF8.self)
    }

    static let catalog = try! Catalog(
        json: Array(
            """
            {"cases": {"severity": "normal", "runbook": "Catalog runbook", "maxCasesPerHour": 3},
             "customers": [
              {"opname": "Plant North", "ip": "10.0.0.1", "database": "ops", "version": "1",
               "cases": {"ccEmails": ["north@example.com"], "runbook": "North runbook"}},
              {"opname": "Plant South", "ip": "10.0.0.2", "database": "ops", "version": "1"}],
             "queries": [{"name": "sessions", "versions": ["1"], "query": "SELECT 1",
              "alarms": [{"metric": "active_sessions", "dimensions": {"region": "north"}, "severity": "high",
                          "runbook": "Look at pg_stat_activity."},
                         {"metric": "active_sessions", "severity": "urgent"}]}]}
            """.utf8))

    @Test("the SNS envelope, raw delivery and another monitor's three fields give the same alarm")
    func threeShapes() throws {
        let wrapped = try Self.parse(Self.envelope(Self.alarmMessage))
        let raw = try Self.parse(Self.alarmMessage)
        #expect(wrapped == raw)
        #expect(raw.state == .alarm && raw.oldState == "OK")
        #expect(raw.region == "eu-west-1")
        #expect(raw.trigger?.dimensions == ["Customer": "Plant North", "Query": "sessions", "region": "north"])
        #expect(raw.trigger?.threshold == 80 && raw.trigger?.comparison == "GreaterThanThreshold")

        let other = try Self.parse(
            #"{"AlarmName":"disk full","AlarmDescription":"/var at 98%","StateChangeTime":"2026-12-01T19:00:00Z"}"#)
        #expect(other.state == .alarm && other.trigger == nil && other.alarmKey == "-:disk full")
    }

    @Test(
        "a body that is no alarm notification is Cases.InvalidMessage",
        arguments: [
            "", "not json", "[]", #"{"Type":"Notification","Message":"plain text"}"#, #"{"AlarmName":"x"}"#,
            #"{"AlarmName":"x","StateChangeTime":"2026-12-01T19:01:00.000+0000","NewStateValue":"PANIC"}"#,
            #"{"StateChangeTime":"2026-12-01T19:01:00.000+0000"}"#,
            // Times CloudWatch never writes: text, an injection, a 30 February, the far future.
            #"{"AlarmName":"x","StateChangeTime":"t"}"#,
            #"{"AlarmName":"x","StateChangeTime":"yesterday-ish ' OR 1=1 --"}"#,
            #"{"AlarmName":"x","StateChangeTime":"2026-02-30T10:00:00.000+0000"}"#,
            #"{"AlarmName":"x","StateChangeTime":"9999-12-31T23:59:59.999+0000"}"#,
            #"{"AlarmName":"x","StateChangeTime":"2026-12-01T19:01:00.000+0000 "}"#,
            #"{"AlarmName":"x","StateChangeTime":"2026-12-01T19:01:00.000+0000","AlarmArn":"not an arn"}"#,
        ])
    func poison(_ body: String) {
        #expect(throws: CasesError.self) { try Self.parse(body) }
        #expect((try? Self.parse(body)) == nil)
        do {
            _ = try Self.parse(body)
        } catch {
            #expect(error.errorType == "Cases.InvalidMessage")
            #expect(!error.retryable)
        }
    }

    @Test("StateChangeTime is read as a time: its offset counts, a few minutes ahead is clock skew, more is refused")
    func stateChangeTime() throws {
        let cloudWatch = try Self.parse(#"{"AlarmName":"x","StateChangeTime":"2026-12-01T19:01:00.000+0000"}"#)
        #expect(cloudWatch.stateChangeMs == 1_796_151_660_000)
        let offset = try Self.parse(#"{"AlarmName":"x","StateChangeTime":"2026-12-01T20:00:00.5+01:00"}"#)
        #expect(offset.stateChangeMs == 1_796_151_600_500)
        // Earlier by time, though later as text: episodes order by time.
        #expect(offset.stateChangeMs < cloudWatch.stateChangeMs && offset.stateChangeTime > cloudWatch.stateChangeTime)
        let skewed = #"{"AlarmName":"x","StateChangeTime":"2026-12-02T00:04:00.000+0000"}"#
        #expect(try Self.parse(skewed).stateChangeMs == Self.nowMs + 240_000)
        #expect(throws: CasesError.self) { try Self.parse(skewed, nowMs: Self.nowMs - 120_000) }
    }

    @Test("fields past CloudWatch's sizes are refused: a megabyte AlarmName, an ARN longer than a table key takes")
    func oversized() {
        #expect(throws: CasesError.self) {
            try Self.parse(
                #"{"AlarmName":"e\#(String(repeating: "\u{301}", count: 300))","StateChangeTime":"2026-12-01T19:01:00Z"}"#
            )
        }
        let name = String(repeating: "n", count: 256)
        let arn = "arn:" + String(repeating: "a", count: 1600)
        for body in [
            #"{"AlarmName":"\#(name)","StateChangeTime":"2026-12-01T19:01:00Z"}"#,
            #"{"AlarmName":"x","AlarmArn":"\#(arn)","StateChangeTime":"2026-12-01T19:01:00Z"}"#,
        ] {
            #expect(throws: CasesError.self) { try Self.parse(body) }
        }
    }

    @Test("storm control counts catalog customers by name, and every other name in one shared bucket")
    func opnameKeys() throws {
        let north = CaseRoute(try Self.parse(Self.alarmMessage), catalog: Self.catalog)
        #expect(north.opnameKey == "Plant North")
        let madeUp = (1...5).map { number in
            CaseRoute(
                AlarmNotification(
                    alarmName: "a\(number)", state: .alarm, stateChangeTime: "2026-12-01T19:01:00Z",
                    trigger: .init(metricName: "m", dimensions: ["Customer": "Invented \(number)"])),
                catalog: Self.catalog)
        }
        #expect(madeUp.allSatisfy { $0.opnameKey == "-" && $0.customerDimension?.hasPrefix("Invented") == true })
        // Another spelling of a catalog name (a Kelvin sign, a decomposed accent), equal to it for Swift's `==`, is
        // not that customer's bucket: each spelling would be one more.
        let catalog = Catalog(
            customers: [
                Customer(opname: "Kiosk", host: "h", database: "d", version: "1"),
                Customer(opname: "Soci\u{E9}t\u{E9}", host: "h", database: "d", version: "1"),
            ], queries: [])
        func key(_ name: String) -> String {
            CaseRoute(
                AlarmNotification(
                    alarmName: "s", state: .alarm, stateChangeTime: "2026-12-01T19:01:00Z",
                    trigger: .init(metricName: "m", dimensions: ["Customer": name])),
                catalog: catalog
            ).opnameKey
        }
        #expect(key("Kiosk") == "Kiosk" && key("Soci\u{E9}t\u{E9}") == "Soci\u{E9}t\u{E9}")
        #expect(key("\u{212A}iosk") == "-" && key("Socie\u{301}te\u{301}") == "-")
    }

    @Test("Lambda's SQS event gives each record's id, body and receive count; anything else fails the batch")
    func sqsEvent() throws {
        let event: JSONValue = [
            "Records": [
                [
                    "messageId": "m1", "receiptHandle": "r", "body": "{}", "eventSource": "aws:sqs",
                    "attributes": ["ApproximateReceiveCount": "3", "SentTimestamp": "1"],
                ],
                ["messageId": "m2", "body": "x"],
            ]
        ]
        let batch = try SQSBatch(event: event.serialized())
        #expect(
            batch.records == [.init(messageId: "m1", body: "{}", receiveCount: 3), .init(messageId: "m2", body: "x")])
        for bad in ["{}", "[]", #"{"Records":[{"body":"x"}]}"#, "nope"] {
            #expect(throws: CasesError.self) { try SQSBatch(event: Array(bad.utf8)) }
        }
        #expect(String(decoding: SQSBatch.response(failed: []), as: UTF8.self) == #"{"batchItemFailures":[]}"#)
        #expect(
            String(decoding: SQSBatch.response(failed: ["a\"b", "c"]), as: UTF8.self)
                == #"{"batchItemFailures":[{"itemIdentifier":"a\"b"},{"itemIdentifier":"c"}]}"#)
    }

    @Test("routing finds the catalog alarm by metric and dimensions, and fills its policy level by level")
    func routing() throws {
        let north = CaseRoute(try Self.parse(Self.alarmMessage), catalog: Self.catalog)
        #expect(north.customerDimension == "Plant North" && north.query == "sessions")
        #expect(north.alarm?.dimensions == ["region": "north"])
        #expect(north.policy.severity == .high)
        #expect(north.policy.runbook == "Look at pg_stat_activity.")
        #expect(north.policy.ccEmails == ["north@example.com"])
        #expect(north.policy.maxCasesPerHour == 3)
        #expect(north.policy.insufficientData == .ignore)

        // Another row's series matches the alarm without the region.
        let southMessage = Self.alarmMessage.replacingOccurrences("Plant North", with: "Plant South")
            .replacingOccurrences(#"{"value":"north","name":"region"}"#, with: #"{"value":"south","name":"region"}"#)
        let south = CaseRoute(try Self.parse(southMessage), catalog: Self.catalog)
        #expect(south.alarm?.dimensions == [:])
        #expect(south.policy.severity == .urgent)
        #expect(south.policy.runbook == "Catalog runbook")
        #expect(south.policy.ccEmails == [])

        // The health alarm (Customer alone) and a stranger's take the customer's and the catalog's defaults.
        let health = CaseRoute(
            AlarmNotification(
                alarmName: "h", state: .alarm, stateChangeTime: "2026-12-01T19:01:00Z",
                trigger: .init(metricName: "QuerySucceeded", dimensions: ["Customer": "Plant North"])),
            catalog: Self.catalog)
        #expect(health.alarm == nil && health.policy.severity == .normal && health.policy.runbook == "North runbook")
        let stranger = CaseRoute(
            AlarmNotification(alarmName: "disk", state: .alarm, stateChangeTime: "2026-12-01T19:01:00Z"),
            catalog: Self.catalog)
        #expect(stranger.customerDimension == nil && stranger.opnameKey == "-" && stranger.policy.severity == .normal)
    }

    @Test("the case names the customer, the KPI, the comparison and threshold, and carries the runbook")
    func document() throws {
        let notification = try Self.parse(Self.alarmMessage)
        let route = CaseRoute(notification, catalog: Self.catalog)
        let document = CaseDocument(raising: notification, route: route)
        #expect(document.subject == "Plant North: active_sessions > 80 (ALARM)")
        #expect(document.severity == .high && document.ccEmails == ["north@example.com"])
        for part in [
            "Reason: Threshold Crossed", "Metric: OnPremWatch/active_sessions, maximum over 60 s, 3 periods",
            "Dimensions: Customer=Plant North, Query=sessions, region=north", "Time: 2026-12-01T19:01:00.000+0000",
            "Region: eu-west-1", "Account: 123456789012",
            "Console: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/onprem-watch%20%7C%20Plant%20North%20active_sessions",
            "Runbook:\nLook at pg_stat_activity.",
        ] {
            #expect(document.body.contains(part), "\(part)")
        }
    }

    @Test("a catalog's case fields are checked where they are read")
    func catalogFields() {
        for bad in [
            #""cases": {"severity": "panic"}"#, #""cases": {"ccEmails": ["not an address"]}"#,
            #""cases": {"maxCasesPerHour": 0}"#, #""cases": {"insufficientData": "shout"}"#, #""cases": []"#,
        ] {
            let json = #"{\#(bad), "customers": [], "queries": []}"#
            #expect(throws: CatalogError.self) { try Catalog(json: Array(json.utf8)) }
        }
    }

    /// Review of issue 28: a counter's alarm is metric math; its notification names the metric inside Metrics.
    @Test("a metric-math alarm (a counter's rate) routes by the metric its MetricStat watches")
    func metricMathTrigger() throws {
        let message = #"""
            {"AlarmName":"onprem-watch | Plant North | server-health deadlocks","NewStateValue":"ALARM","OldStateValue":"OK",
             "StateChangeTime":"2026-12-01T19:01:00.000+0000",
             "Trigger":{"Period":300,"EvaluationPeriods":5,"ComparisonOperator":"GreaterThanThreshold","Threshold":0.1,
              "Metrics":[{"Expression":"IF(DIFF(m) >= 0, RATE(m))","Id":"rate","Label":"deadlocks per second","ReturnData":true},
                         {"Id":"m","ReturnData":false,"MetricStat":{"Period":300,"Stat":"Maximum","Metric":{"MetricName":"deadlocks",
                          "Namespace":"OnPremWatch","Dimensions":[{"value":"Plant North","name":"Customer"},
                                                                   {"value":"server-health","name":"Query"}]}}}]}}
            """#
        let notification = try Self.parse(message)
        #expect(notification.trigger?.metricName == "deadlocks" && notification.trigger?.statistic == "Maximum")
        #expect(notification.trigger?.dimensions == ["Customer": "Plant North", "Query": "server-health"])
        var catalog = Self.catalog
        catalog.customers[0].builtin = [.serverHealth]
        catalog.builtinAlarms[.serverHealth] = [AlarmSpec(metric: "deadlocks", threshold: 0.1)]
        let route = CaseRoute(notification, catalog: catalog)
        #expect(route.opname == "Plant North" && route.alarm?.metric == "deadlocks")
    }

    @Test("events/cases/sqs-alarm.json, the worker's sample SQS event, is what the worker reads")
    func sampleEvent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let bytes = try Data(contentsOf: root.appendingPathComponent("events/cases/sqs-alarm.json"))
        let batch = try SQSBatch(event: Array(bytes))
        let notification = try Self.parse(try #require(batch.records.first).body)
        #expect(notification.state == .alarm && notification.oldState == "OK")
        #expect(notification.trigger?.dimensions["Customer"] == "Customer 1")
        let facts = CaseFacts(notification, route: CaseRoute(notification, catalog: Self.catalog))
        guard case .object(let fields) = facts.json else { return }
        #expect(fields["value"] == .number(212) && fields["threshold"] == .number(200))
        #expect(fields["dimensions"] == ["region": "north"])
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
