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

public import CatalogModel
public import Core
public import JSON

/// The Amazon States Language definition of one customer's collection at one interval (pure).
///
/// One `Parallel` state runs each query as its own branch: a `Task` that invokes the function with the single-query
/// payload, so a failing query fails its task with a typed error name. Each task retries Lambda's own service errors
/// and the function's transient errors, then catches everything into a `Pass` that records the failure, so one
/// query never stops the others. Under a minute, the execution loops: after each round a `Choice` either ends or
/// waits the interval, counts the round (`States.MathAdd`) and runs the next.
///
/// `${FunctionArn}` is left for CloudFormation's `DefinitionSubstitutions`.
public enum StateMachineDefinition: Sendable {
    /// Lambda's errors worth a retry (Step Functions' own advice for Lambda tasks).
    public static let lambdaServiceErrors = [
        "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException", "Lambda.ClientExecutionTimeoutException",
    ]

    /// The function's errors that a second try may cure: the error table's "retry" column.
    ///
    /// Names, not the error types' codes: the generator is pure and links neither libpq nor libcurl, where those
    /// types live. `StackSynthTests` checks each name against its code.
    public static let retryableErrors = [
        "Postgres.ConnectFailed", "Postgres.Timeout", "Postgres.ConnectionLost", "Postgres.TooManyConnections",
        "Secrets.Unavailable",
        "CloudWatch.Throttled", "CloudWatch.PublishFailed",
    ]

    public static func make(customer: Customer, group: CollectionPlan.Group) -> JSONValue {
        let names = group.queries.map { group.firstRoundOnly.contains($0.name) ? "\($0.name) (once)" : $0.name }
            .joined(separator: ", ")
        let comment = "OnPremWatch: \(customer.opname), every \(group.interval) s: \(names)"
        // Retries must end within the interval when it is under a minute.
        let quick = group.interval < 60
        let retry: JSONValue = [
            [
                "ErrorEquals": .array(lambdaServiceErrors.map(JSONValue.string)), "IntervalSeconds": 1,
                "MaxAttempts": quick ? 1 : 3, "BackoffRate": 1.5,
            ],
            [
                "ErrorEquals": .array(retryableErrors.map(JSONValue.string)), "IntervalSeconds": quick ? 1 : 2,
                "MaxAttempts": quick ? 1 : 2, "BackoffRate": 1.5,
            ],
        ]
        var branches: [JSONValue] = []
        for (index, query) in group.queries.enumerated() {
            let run = stateName("Run \(query.name)", index)
            let failed = stateName("\(query.name) failed", index)
            var states: JSONObject = [:]
            var start = run
            if group.firstRoundOnly.contains(query.name) {
                // A one-minute query in a sub-minute machine: the first round runs it, the others pass.
                start = stateName("\(query.name) due?", index)
                let later = stateName("\(query.name) ran this minute", index)
                states[start] = [
                    "Type": "Choice",
                    "Choices": [["Variable": "$.round", "NumericGreaterThan": 1, "Next": .string(later)]],
                    "Default": .string(run),
                ]
                states[later] = [
                    "Type": "Pass", "Parameters": ["query": .string(query.name), "status": "not due"], "End": true,
                ]
            }
            states[run] = [
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": [
                    "FunctionName": "${FunctionArn}",
                    "Payload": ["customer": .string(customer.opname), "query": .string(query.name)],
                ],
                // The output keeps the summary only: ten queries' datapoints could pass the 256 KB limit.
                "ResultSelector": [
                    "query": .string(query.name), "status.$": "$.Payload.status",
                    "datapoints.$": "$.Payload.datapointCount", "durationMs.$": "$.Payload.durationMs",
                ],
                "Retry": retry,
                "Catch": [["ErrorEquals": ["States.ALL"], "Next": .string(failed)]],
                "End": true,
            ]
            states[failed] = [
                "Type": "Pass",
                "Parameters": [
                    "query": .string(query.name), "status": "error", "error.$": "$.Error", "cause.$": "$.Cause",
                ],
                "End": true,
            ]
            branches.append(["StartAt": .string(start), "States": .object(states)])
        }
        let collect: JSONValue = ["Type": "Parallel", "Branches": .array(branches)]
        guard group.rounds > 1 else {
            var single = collect
            single[key: "End"] = true
            return ["Comment": .string(comment), "StartAt": "Collect", "States": ["Collect": single]]
        }
        var looping = collect
        looping[key: "ResultPath"] = "$.results"
        looping[key: "Next"] = "Last round?"
        return [
            "Comment": .string("\(comment); \(group.rounds) rounds a minute"),
            "StartAt": "First round",
            "States": [
                // Every execution counts its rounds from 1, whatever its input.
                "First round": ["Type": "Pass", "Parameters": ["round": 1], "Next": "Collect"],
                "Collect": looping,
                "Last round?": [
                    "Type": "Choice",
                    "Choices": [
                        [
                            "Variable": "$.round", "NumericGreaterThanEquals": .number(Double(group.rounds)),
                            "Next": "Done",
                        ]
                    ],
                    "Default": "Wait",
                ],
                "Wait": ["Type": "Wait", "Seconds": .number(Double(group.interval)), "Next": "Next round"],
                "Next round": [
                    "Type": "Pass", "Parameters": ["round.$": "States.MathAdd($.round, 1)"], "Next": "Collect",
                ],
                "Done": ["Type": "Succeed"],
            ],
        ]
    }

    /// State names are at most 80 characters and unique in the machine; the index keeps truncated ones apart.
    static func stateName(_ name: String, _ index: Int) -> String {
        name.count <= 80 ? name : "\(index + 1) \(name.prefix(70))"
    }
}

extension JSONValue {
    /// An object's member, for building documents step by step.
    subscript(key key: String) -> JSONValue? {
        get {
            guard case .object(let fields) = self else { return nil }
            return fields[key]
        }
        set {
            guard case .object(var fields) = self else { return }
            fields[key] = newValue
            self = .object(fields)
        }
    }
}
