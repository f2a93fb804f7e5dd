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

public import AWSClients
import AWSSigning
public import Core
public import MetricModel

/// PutMetricData, signed, batched and aggregated (``AWSClients/CloudWatchClient``).
public struct CloudWatchSink: MetricsSink {
    public let client: CloudWatchClient
    public var name: String { "cloudwatch" }

    public init(client: CloudWatchClient) { self.client = client }

    /// The client the environment describes: credentials, region, endpoint override, gzip.
    ///
    /// - Throws: `CloudWatch.NoCredentials` without `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    public init(environment: [String: String], namespace: String) throws {
        guard let credentials = AWSCredentials(environment: environment) else {
            throw CloudWatchError(
                .noCredentials,
                AWSCredentials.missing(
                    for: "the cloudwatch sink (PutMetricData)",
                    instead: "set them, or ONPREM_METRICS_SINK=emf to write the metrics to the log as EMF lines"))
        }
        let endpoint = CloudWatchClient.endpoint(environment: environment)
        // gzip is on against AWS's own endpoints, off against overrides (the local emulator cannot read it).
        let compresses =
            environment["ONPREM_CLOUDWATCH_GZIP"].map { $0 == "true" } ?? endpoint.hasSuffix(".amazonaws.com")
        self.init(
            client: try CloudWatchClient(
                endpoint: endpoint, region: environment["AWS_REGION"] ?? "us-east-1", credentials: credentials,
                namespace: namespace, compresses: compresses))
    }

    /// Publishes the metrics with PutMetricData; log-only values (``MetricModel/MetricDatum/logOnly``) go to the log as
    /// JSON lines, as the EMF sink writes them, and never to CloudWatch's API.
    public func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> PublishSummary {
        guard datums.contains(where: \.logOnly) else { return try client.publish(datums, deadline: deadline) }
        // The metrics first: a failure to write the log lines must not leave them unsent and unlisted.
        let metrics = datums.filter { !$0.logOnly }
        var summary = metrics.isEmpty ? PublishSummary(sink: name) : try client.publish(metrics, deadline: deadline)
        let logOnly = datums.filter(\.logOnly)
        var bytes: [UInt8] = []
        EMF.append(logOnly, namespace: client.namespace, to: &bytes)
        try StandardOutput.write(bytes, unpublished: logOnly)
        summary.logFields += logOnly.count
        summary.datapoints += logOnly.count
        return summary
    }
}

/// Not `Sendable`, on purpose: it holds handles that one thread at a time may use.
@available(*, unavailable)
extension CloudWatchSink: Sendable {}
