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

public import AWSSigning
public import Core
public import MetricModel

#if canImport(Glibc)
    import Glibc
#endif

/// Sends PutMetricData plans to CloudWatch through a ``SignedSender``: one connection, SigV4, retries with
/// backoff until the deadline on throttling, 5xx and network errors.
public final class CloudWatchClient {
    public let namespace: String
    /// Whether bodies over ``gzipThreshold`` go gzip-compressed (real CloudWatch accepts it; moto does not).
    public let compresses: Bool
    static let gzipThreshold = 4096
    private let sender: SignedSender

    /// - Parameters:
    ///   - endpoint: `https://monitoring.{region}.amazonaws.com`, or an override such as a local emulator.
    public init(
        endpoint: String, region: String, credentials: AWSCredentials, namespace: String,
        compresses: Bool = false, retry: RetryPolicy = RetryPolicy(), concurrency: Int = CloudWatchClient.concurrency
    ) throws(CloudWatchError) {
        guard
            let sender = SignedSender(
                endpoint: endpoint, region: region, service: "monitoring", credentials: credentials, retry: retry,
                concurrency: concurrency)
        else { throw CloudWatchError(.publishFailed, "libcurl could not create a handle") }
        self.sender = sender
        self.namespace = namespace
        self.compresses = compresses
    }

    public var endpoint: String { sender.endpoint }

    /// PutMetricData requests in flight at once by default: a large result's requests cost about a round trip per
    /// this many, and the account's request rate stays well inside CloudWatch's per-region quota (throttling is
    /// retried anyway).
    public static let concurrency = 4

    /// The endpoint AWS tools would use: `AWS_ENDPOINT_URL_CLOUDWATCH`, then `AWS_ENDPOINT_URL`, then the region's.
    public static func endpoint(environment: [String: String]) -> String {
        if let url = environment["AWS_ENDPOINT_URL_CLOUDWATCH"], !url.isEmpty { return url }
        if let url = environment["AWS_ENDPOINT_URL"], !url.isEmpty { return url }
        return "https://monitoring.\(environment["AWS_REGION"] ?? "us-east-1").amazonaws.com"
    }

    /// Validates, aggregates, batches and sends `datums`.
    ///
    /// - Returns: What was sent, and what was rejected as invalid (never sent).
    /// - Throws: ``CloudWatchError`` with the unpublished datums when a request still fails at the deadline.
    public func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> PublishSummary {
        // Each body is compressed as soon as it is written, so a batch holds one uncompressed body at a time.
        var headers: [[(name: String, value: String)]] = []
        let plan = PutMetricDataPlanner(namespace: namespace, nowMs: Deadline.nowEpochMilliseconds()).plan(datums) {
            var fields = [(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")]
            defer { headers.append(fields) }
            if compresses, $0.count > Self.gzipThreshold, let compressed = Gzip.compress($0) {
                fields.append((name: "Content-Encoding", value: "gzip"))
                return compressed
            }
            return PutMetricDataPlanner.exactSize($0)
        }
        let sent = plan.bodies
        var report = PublishSummary(sink: "cloudwatch")
        report.rejected = Array(plan.rejected.prefix(PublishSummary.listedRejections))
        report.rejectedCount = plan.rejected.count
        var firstFailure: AWSFailure?
        var unpublished: [MetricDatum] = []
        for (index, outcome) in sender.sendAll(sent, headers: headers, operation: "PutMetricData", deadline: deadline)
            .enumerated()
        {
            switch outcome {
            case .success(let success):
                report.retries += success.retries
                report.requests += 1
                report.datums += plan.requests[index].count
                report.datapoints += plan.requests[index].reduce(0) { $0 + $1.datapointCount }
                report.bytes += sent[index].count
            case .failure(let failure):
                firstFailure = firstFailure ?? failure
                unpublished += plan.requests[index]
            }
        }
        if let error = firstFailure {
            let code: CloudWatchError.Code =
                switch error.kind {
                case .throttled: .throttled
                case .server, .network: .publishFailed
                case .accessDenied: .accessDenied
                case .notFound, .client: .invalidRequest
                }
            throw CloudWatchError(code, error.message, unpublished: unpublished)
        }
        return report
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension CloudWatchClient: Sendable {}
