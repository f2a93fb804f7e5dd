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
public import Core
import LambdaRuntime
import MetricModel

/// The sinks this binary has, by the name `ONPREM_METRICS_SINK` gives.
public enum MetricsSinkChoice: Sendable {
    /// Makes a sink from the environment and the validated namespace.
    public typealias Factory =
        @Sendable (_ environment: [String: String], _ namespace: String) throws -> any MetricsSink

    /// Every sink, by the name `ONPREM_METRICS_SINK` gives; `cloudwatch` is the default.
    public static let choice = NamedChoice<Factory>(
        variable: "ONPREM_METRICS_SINK", defaultName: "cloudwatch",
        [
            ("cloudwatch", CloudWatchSink.init(environment:namespace:)),
            ("emf", { _, namespace in EMFSink(namespace: namespace) }),
            ("none", { _, _ in NoSink() }),
        ])

    /// Reads the sink from the environment.
    ///
    /// - Throws: `CloudWatch.NoCredentials` for the CloudWatch sink without credentials, `Runtime.InitFailed` for
    ///   an unknown sink or namespace.
    public static func from(environment: [String: String]) throws -> any MetricsSink {
        let namespace = environment["ONPREM_NAMESPACE"] ?? "OnPremWatch"
        if let problem = PutMetricDataPlanner.namespaceProblem(namespace) {
            throw RuntimeError(.initFailed, "ONPREM_NAMESPACE: \(problem)")
        }
        switch choice.choose(in: environment) {
        case .success(let make): return try make(environment, namespace)
        case .failure(let unknown): throw RuntimeError(.initFailed, unknown.message)
        }
    }
}
