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
import AWSSigning
import Core
import LambdaRuntime
import MetricModel

/// The sinks this binary has, by the name `ONPREM_METRICS_SINK` gives.
public enum MetricsSinks: Sendable {
    /// Makes a sink from the environment and the validated namespace.
    public typealias Factory =
        @Sendable (_ environment: [String: String], _ namespace: String) throws -> any MetricsSink

    /// Every sink, by name; `cloudwatch` is the default.
    public static let all: [(name: String, make: Factory)] = [
        ("cloudwatch", CloudWatchSink.init(environment:namespace:)),
        ("emf", { _, namespace in EMFSink(namespace: namespace) }),
        ("none", { _, _ in NoSink() }),
    ]

    /// Reads the sink from the environment.
    ///
    /// - Throws: `CloudWatch.NoCredentials` for the CloudWatch sink without credentials, `Runtime.InitFailed` for
    ///   an unknown sink or namespace.
    public static func from(environment: [String: String]) throws -> any MetricsSink {
        let namespace = environment["ONPREM_NAMESPACE"] ?? "OnPremWatch"
        if let problem = PutMetricDataPlanner.namespaceProblem(namespace) {
            throw RuntimeError(.initFailed, "ONPREM_NAMESPACE: \(problem)")
        }
        let name = environment["ONPREM_METRICS_SINK"] ?? "cloudwatch"
        guard let entry = all.first(where: { $0.name == name }) else {
            let names = all.map(\.name).joined(separator: ", ")
            throw RuntimeError(.initFailed, "ONPREM_METRICS_SINK=\(name) is not one of \(names)")
        }
        return try entry.make(environment, namespace)
    }
}
