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
import CatalogModel
import Core
import Foundation
import LambdaRuntime
import MetricModel
import Testing

@testable import MetricsCollector
@testable import PostgresClient

@Suite struct MetricsSinkTests {
    @Test("EMF lines carry the namespace, dimensions, unit and value, at most 100 values each")
    func emfLines() throws {
        let datum = MetricDatum(
            name: "active_sessions", dimensions: [Dimension("Customer", "c1"), Dimension("Query", "q")],
            unit: .count, timestampMs: 1_790_000_000_000, values: [5, 7], counts: [100, 50])
        let lines = EMF.lines([datum], namespace: "OnPremWatch")
        #expect(lines.count == 2, "150 values split into 100 and 50")
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let aws = try #require(first["_aws"] as? [String: Any])
        #expect(aws["Timestamp"] as? Int == 1_790_000_000_000)
        let directive = try #require((aws["CloudWatchMetrics"] as? [[String: Any]])?.first)
        #expect(directive["Namespace"] as? String == "OnPremWatch")
        #expect(directive["Dimensions"] as? [[String]] == [["Customer", "Query"]])
        #expect(first["Customer"] as? String == "c1")
        #expect((first["active_sessions"] as? [Double])?.count == 100)
    }

    /// Issue 29: EMF makes the split free: a field `_aws` does not declare stays in the log, no metric.
    @Test("log-only values are undeclared fields of the row's line; a line of log fields alone has no directive")
    func emfLogFields() throws {
        let dimensions = [Dimension("Customer", "c1"), Dimension("Query", "server-health")]
        func datum(_ name: String, _ value: Double, logOnly: Bool) -> MetricDatum {
            MetricDatum(
                name: name, dimensions: dimensions, unit: .count, timestampMs: 1_790_000_000_000, values: [value],
                logOnly: logOnly)
        }
        let mixed = EMF.lines(
            [datum("connections_used_percent", 12, logOnly: false), datum("max_connections", 100, logOnly: true)],
            namespace: "OnPremWatch")
        #expect(mixed.count == 1)
        let line = try #require(try JSONSerialization.jsonObject(with: Data(mixed[0].utf8)) as? [String: Any])
        let directive = try #require(
            ((line["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first)
        #expect(
            (directive["Metrics"] as? [[String: Any]])?.compactMap { $0["Name"] as? String } == [
                "connections_used_percent"
            ])
        #expect(line["max_connections"] as? Double == 100 && line["connections_used_percent"] as? Double == 12)
        let alone = EMF.lines([datum("xid_age", 5, logOnly: true)], namespace: "OnPremWatch")
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(alone[0].utf8)) as? [String: Any])
        #expect(plain["_aws"] == nil && plain["Timestamp"] as? Int == 1_790_000_000_000)
        #expect(plain["Customer"] as? String == "c1" && plain["xid_age"] as? Double == 5)
        // A row's own Timestamp field wins: the line stays valid JSON with one key of that name.
        let own = EMF.lines(
            [
                MetricDatum(
                    name: "Timestamp", dimensions: dimensions, timestampMs: 1_790_000_000_000, values: [3],
                    logOnly: true)
            ], namespace: "OnPremWatch")
        #expect(own[0].hasPrefix(#"{"Customer":"c1""#) && own[0].components(separatedBy: "Timestamp").count == 2)
        #expect(try JSONSerialization.jsonObject(with: Data(own[0].utf8)) is [String: Any])
    }

    @Test("collection health: two series per query by default, one per customer with ONPREM_HEALTH=customer")
    func healthDetail() throws {
        let customer = Customer(opname: "c1", host: "h", database: "d", version: "1")
        let perQuery = try HealthDetail.from(environment: [:])
            .datums(customer: customer, dimension: "q", succeeded: false, since: Deadline.nowEpochMilliseconds())
        #expect(perQuery.map(\.name) == ["QuerySucceeded", "QueryDuration"])
        #expect(perQuery[0].dimensions.map(\.name) == ["Customer", "Query"])
        #expect(perQuery[0].values == [0])
        let perCustomer = try HealthDetail.from(environment: ["ONPREM_HEALTH": "customer"])
            .datums(customer: customer, dimension: "q", succeeded: true, since: Deadline.nowEpochMilliseconds())
        #expect(perCustomer.map(\.name) == ["QuerySucceeded"])
        #expect(perCustomer[0].dimensions.map(\.value) == ["c1"])
        #expect(perCustomer[0].values == [1])
        #expect(throws: RuntimeError.self) { try HealthDetail.from(environment: ["ONPREM_HEALTH": "sometimes"]) }
    }

    @Test("the sink comes from ONPREM_METRICS_SINK; CloudWatch needs credentials", arguments: ["emf", "none"])
    func sinkFromEnvironment(name: String) throws {
        let sink = try MetricsSinkChoice.from(environment: ["ONPREM_METRICS_SINK": name, "ONPREM_NAMESPACE": "Plant"])
        #expect(sink.name == name)
        switch sink {
        case let emf as EMFSink: #expect(emf.namespace == "Plant")
        case is NoSink: #expect(name == "none")
        default: Issue.record("ONPREM_METRICS_SINK=\(name) chose \(sink)")
        }
    }

    @Test("the CloudWatch sink is the default when credentials are there")
    func cloudWatchByDefault() throws {
        let sink = try MetricsSinkChoice.from(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"])
        #expect(sink is CloudWatchSink)
        #expect(sink.name == "cloudwatch")
    }

    @Test("unknown sinks, AWS/ namespaces and missing credentials are init errors")
    func sinkErrors() {
        for (environment, message) in [
            (["ONPREM_METRICS_SINK": "kafka"], "ONPREM_METRICS_SINK=kafka is not one of: cloudwatch, emf, none"),
            (["ONPREM_NAMESPACE": "AWS/EC2"], "ONPREM_NAMESPACE: namespace must not start with AWS/ or :"),
        ] {
            do {
                _ = try MetricsSinkChoice.from(environment: environment)
                Issue.record("\(environment) was accepted")
            } catch {
                #expect(ErrorPayload(error).errorType == "Runtime.InitFailed", "\(environment)")
                #expect(ErrorPayload(error).errorMessage == message)
            }
        }
        do {
            _ = try MetricsSinkChoice.from(environment: [:])
            Issue.record("no error without credentials")
        } catch {
            #expect(ErrorPayload(error).errorType == "CloudWatch.NoCredentials")
            // Issue 30: the way out without credentials is named.
            #expect(ErrorPayload(error).errorMessage.contains("ONPREM_METRICS_SINK=emf"))
        }
    }

    @Test("a CloudWatch error's body carries the unpublished datums for a Catch to keep")
    func unpublishedInErrorBody() throws {
        let datum = MetricDatum(name: "m", dimensions: [Dimension("Customer", "c")], timestampMs: 0, values: [1])
        let payload = ErrorPayload(CloudWatchError(.throttled, "Rate exceeded", unpublished: [datum]))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(payload.json)) as? [String: Any])
        #expect(body["errorType"] as? String == "CloudWatch.Throttled")
        let unpublished = try #require(body["unpublished"] as? [[String: Any]])
        #expect(unpublished.first?["name"] as? String == "m")
        #expect(unpublished.first?["values"] as? [Double] == [1])
    }
}
