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

import AWSSigning
import CatalogModel
import Core
import Foundation
import LambdaRuntime
import MetricModel
import Testing

@testable import AWSClients
@testable import PostgresClient

/// The CloudWatch client against moto_server with signature checking on, and against a stand-in for the faults
/// moto cannot produce.
@Suite struct CloudWatchClientTests {
    static let moto = LiveServices.environment["ONPREM_TEST_MOTO"]
    static let credentials = AWSCredentials(
        accessKeyID: LiveServices.environment["ONPREM_TEST_AWS_ACCESS_KEY_ID"] ?? "",
        secretAccessKey: LiveServices.environment["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"] ?? "")

    func datums(customer: String, values: [Double]) -> [MetricDatum] {
        let now = Deadline.nowEpochMilliseconds()
        return values.map {
            MetricDatum(
                name: "active_sessions", dimensions: [Dimension("Customer", customer)], unit: .count,
                timestampMs: now, values: [$0])
        }
    }

    func deadline(_ duration: Duration) -> Deadline {
        Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + duration.milliseconds)
    }

    @Test(
        "signed datapoints land in moto's CloudWatch, aggregated into Values/Counts, and read back",
        .enabled(if: moto != nil, "needs ONPREM_TEST_MOTO (make test)"))
    func publishesToMoto() throws {
        let client = try CloudWatchClient(
            endpoint: try #require(Self.moto), region: "eu-west-1", credentials: Self.credentials,
            namespace: "OnPremWatchTest")
        let customer = "customer-\(getpid())"
        let report = try client.publish(
            datums(customer: customer, values: [3, 3, 7, 1]), deadline: deadline(.seconds(10)))
        #expect(report.requests == 1)
        #expect(report.datums == 1, "four datapoints of one series and moment are one datum")
        #expect(report.datapoints == 4)
        let read = try Self.readBack(namespace: "OnPremWatchTest", name: "active_sessions", customer: customer)
        #expect(read["sampleCount"] as? Double == 4)
        #expect(read["sum"] as? Double == 14)
        #expect(read["maximum"] as? Double == 7)
    }

    @Test(
        "a wrong secret key gets moto's 403, which becomes CloudWatch.AccessDenied with the datapoints in it",
        .enabled(if: moto != nil, "needs ONPREM_TEST_MOTO (make test)"))
    func wrongSecret() throws {
        let wrong = AWSCredentials(accessKeyID: Self.credentials.accessKeyID, secretAccessKey: "wrong")
        let client = try CloudWatchClient(
            endpoint: try #require(Self.moto), region: "eu-west-1", credentials: wrong, namespace: "OnPremWatchTest")
        do {
            _ = try client.publish(datums(customer: "c", values: [1, 2]), deadline: deadline(.seconds(10)))
            Issue.record("published with a wrong key")
        } catch {
            #expect(error.errorType == "CloudWatch.AccessDenied")
            #expect(error.unpublished.reduce(0) { $0 + $1.datapointCount } == 2)
        }
    }

    @Test("throttling, then success: retried with backoff, and the report counts the retries")
    func throttlingThenSuccess() throws {
        let server = try StandInServer { _, index in
            index < 2
                ? .respond(
                    status: 400, headers: [("x-amzn-query-error", "Throttling;Sender")],
                    body: "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>")
                : .respond(status: 200, body: "<PutMetricDataResponse/>")
        }
        defer { server.stop() }
        let client = try CloudWatchClient(
            endpoint: server.baseURL, region: "eu-west-1", credentials: Self.credentials, namespace: "N",
            retry: RetryPolicy(base: .milliseconds(5)))
        let report = try client.publish(datums(customer: "c", values: [1]), deadline: deadline(.seconds(5)))
        #expect(report.retries == 2)
        #expect(report.requests == 1)
        #expect(server.requests.count == 3)
        let authorization = server.requests[0].headers["authorization"] ?? ""
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=\(Self.credentials.accessKeyID)/"))
        #expect(authorization.contains("/eu-west-1/monitoring/aws4_request"))
    }

    @Test("5xx until the deadline: CloudWatch.PublishFailed before the deadline, with every datapoint kept")
    func serverErrorsUntilDeadline() throws {
        let server = try StandInServer { _, _ in .respond(status: 503) }
        defer { server.stop() }
        let client = try CloudWatchClient(
            endpoint: server.baseURL, region: "eu-west-1", credentials: Self.credentials, namespace: "N",
            retry: RetryPolicy(base: .milliseconds(20), cap: .milliseconds(200)))
        let started = Deadline.nowEpochMilliseconds()
        do {
            _ = try client.publish(datums(customer: "c", values: [1, 2, 3]), deadline: deadline(.milliseconds(1500)))
            Issue.record("no error")
        } catch {
            #expect(error.errorType == "CloudWatch.PublishFailed")
            #expect(error.unpublished.reduce(0) { $0 + $1.datapointCount } == 3)
        }
        #expect(Deadline.nowEpochMilliseconds() - started < 1500)
        #expect(server.requests.count > 2, "it retried")
    }

    @Test("one connection serves publish after publish, as across warm invocations")
    func connectionReuse() throws {
        let server = try StandInServer { _, _ in .respond(status: 200) }
        defer { server.stop() }
        let client = try CloudWatchClient(
            endpoint: server.baseURL, region: "eu-west-1", credentials: Self.credentials, namespace: "N")
        for round in 0..<5 {
            _ = try client.publish(datums(customer: "c\(round)", values: [1]), deadline: deadline(.seconds(5)))
        }
        #expect(server.requests.count == 5)
        #expect(server.connections == 1)
    }

    /// Distinct series, so none aggregates: `batches` groups of 1,000 datums, the customer `b<group>-<index>`.
    func distinctDatums(batches: Int) -> [MetricDatum] {
        let now = Deadline.nowEpochMilliseconds()
        return (0..<batches * 1000).map { index in
            MetricDatum(
                name: "load", dimensions: [Dimension("Customer", "b\(index / 1000)-\(index)")], unit: .count,
                timestampMs: now, values: [1])
        }
    }

    @Test("many requests go out several at once, on connections of their own, and each datum goes in exactly one")
    func concurrentRequests() throws {
        let server = try StandInServer { _, _ in .delay(.milliseconds(200), .respond(status: 200)) }
        defer { server.stop() }
        let client = try CloudWatchClient(
            endpoint: server.baseURL, region: "eu-west-1", credentials: Self.credentials, namespace: "N")
        let report = try client.publish(distinctDatums(batches: 6), deadline: deadline(.seconds(20)))
        #expect(report.requests == 6)
        #expect(report.datums == 6000)
        #expect(server.requests.count == 6)
        let members = server.requests.reduce(0) {
            $0 + $1.bodyText.components(separatedBy: "&MetricData.member.").count - 1
        }
        #expect(members > 6000, "each datum's fields are members")
        let customers = Set(
            server.requests.flatMap { request in
                request.bodyText.split(separator: "&").filter { $0.contains(".Dimensions.member.1.Value=") }
                    .map { String($0.split(separator: "=").last ?? "") }
            })
        #expect(customers.count == 6000, "every datum once, none twice")
        #expect(server.connections > 1, "the requests did not wait for each other on one connection")
        #expect(server.connections <= CloudWatchClient.concurrency)
    }

    @Test("one request of several refused for good: exactly its datums are unpublished, the others are sent")
    func oneOfSeveralRefused() throws {
        let server = try StandInServer { request, _ in
            request.bodyText.contains("=b1-")
                ? .respond(
                    status: 400, headers: [("x-amzn-query-error", "InvalidParameterValue;Sender")],
                    body: "<ErrorResponse><Error><Code>InvalidParameterValue</Code></Error></ErrorResponse>")
                : .respond(status: 200)
        }
        defer { server.stop() }
        let client = try CloudWatchClient(
            endpoint: server.baseURL, region: "eu-west-1", credentials: Self.credentials, namespace: "N")
        do {
            _ = try client.publish(distinctDatums(batches: 3), deadline: deadline(.seconds(10)))
            Issue.record("no error")
        } catch {
            #expect(error.errorType == "CloudWatch.InvalidRequest")
            #expect(error.unpublished.count == 1000)
            #expect(error.unpublished.allSatisfy { $0.dimensions[0].value.hasPrefix("b1-") })
        }
        #expect(server.requests.count == 3, "the other two were sent, and the refused one not retried")
    }

    @Test("a dropped connection is retried on a new one")
    func droppedConnection() throws {
        let server = try StandInServer { _, index in index == 0 ? .drop : .respond(status: 200) }
        defer { server.stop() }
        let client = try CloudWatchClient(
            endpoint: server.baseURL, region: "eu-west-1", credentials: Self.credentials, namespace: "N",
            retry: RetryPolicy(base: .milliseconds(5)))
        let report = try client.publish(datums(customer: "c", values: [1]), deadline: deadline(.seconds(5)))
        #expect(report.retries == 1)
        #expect(server.connections == 2)
    }

    @Test("endpoints come from AWS_ENDPOINT_URL_CLOUDWATCH, then AWS_ENDPOINT_URL, then the region")
    func endpoints() {
        #expect(
            CloudWatchClient.endpoint(environment: ["AWS_REGION": "eu-west-1"])
                == "https://monitoring.eu-west-1.amazonaws.com")
        #expect(CloudWatchClient.endpoint(environment: ["AWS_ENDPOINT_URL": "http://a"]) == "http://a")
        #expect(
            CloudWatchClient.endpoint(environment: [
                "AWS_ENDPOINT_URL": "http://a", "AWS_ENDPOINT_URL_CLOUDWATCH": "http://b",
            ])
                == "http://b")
    }

    static func readBack(namespace: String, name: String, customer: String) throws -> [String: Any] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "read_metrics.py"
        ).path
        let output = try Command.output("/usr/bin/env", ["python3", script, namespace, name, customer])
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
    }
}

@Suite struct CloudWatchGzipTests {
    @Test("a large body goes gzip-compressed with Content-Encoding: gzip, signed as sent, and decodes to the plan")
    func gzipBody() throws {
        let server = try StandInServer { _, _ in .respond(status: 200) }
        defer { server.stop() }
        let client = try CloudWatchClient(
            endpoint: server.baseURL, region: "eu-west-1", credentials: CloudWatchClientTests.credentials,
            namespace: "N", compresses: true)
        let now = Deadline.nowEpochMilliseconds()
        let datums = (0..<500).map {
            MetricDatum(
                name: "m\($0 % 5)", dimensions: [Dimension("Customer", "c")], timestampMs: now - Int64($0) * 1000,
                values: [Double($0)])
        }
        let report = try client.publish(datums, deadline: Deadline(epochMilliseconds: now + 5000))
        let request = try #require(server.requests.first)
        #expect(request.headers["content-encoding"] == "gzip")
        let plain = try #require(Gzip.decompress(request.body))
        let expected = PutMetricDataPlanner(namespace: "N", nowMs: now).plan(datums).bodies[0]
        #expect(plain == expected)
        #expect(report.bytes == request.body.count)
        #expect(request.body.count * 4 < plain.count, "compressed \(plain.count) to \(request.body.count) bytes")
    }
}
