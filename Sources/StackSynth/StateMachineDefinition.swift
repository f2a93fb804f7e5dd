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
/// waits the interval, counts the round (`States.MathAdd`) and runs the next. The customer's one-minute queries
/// (``CollectionPlan/Group/onceAMinute``) run once beside that loop, in a `Parallel` of the two, so one
/// execution a minute serves both and a slow one-minute query never holds up a round.
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
        let names = group.queries.map { group.onceAMinute.contains($0.name) ? "\($0.name) (once)" : $0.name }
            .joined(separator: ", ")
        let comment = "OnPremWatch: \(customer.opname), every \(group.interval) s: \(names)"
        // Retries must end within the interval when it is under a minute; the one-minute queries beside the rounds
        // keep a minute's.
        func retry(quick: Bool) -> JSONValue {
            [
                [
                    "ErrorEquals": .array(lambdaServiceErrors.map(JSONValue.string)), "IntervalSeconds": 1,
                    "MaxAttempts": quick ? 1 : 3, "BackoffRate": 1.5,
                ],
                [
                    "ErrorEquals": .array(retryableErrors.map(JSONValue.string)), "IntervalSeconds": quick ? 1 : 2,
                    "MaxAttempts": quick ? 1 : 2, "BackoffRate": 1.5,
                ],
            ]
        }
        var every: [JSONValue] = []
        var once: [JSONValue] = []
        for (index, query) in group.queries.enumerated() {
            let run = stateName(query.name, prefix: "Run ", index)
            let failed = stateName(query.name, suffix: " failed", index)
            let isOnce = group.onceAMinute.contains(query.name)
            let branch: JSONValue = [
                "StartAt": .string(run),
                "States": [
                    run: [
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
                        "Retry": retry(quick: group.interval < 60 && !isOnce),
                        "Catch": [["ErrorEquals": ["States.ALL"], "Next": .string(failed)]],
                        "End": true,
                    ],
                    failed: [
                        "Type": "Pass",
                        "Parameters": [
                            "query": .string(query.name), "status": "error", "error.$": "$.Error",
                            "cause.$": "$.Cause",
                        ],
                        "End": true,
                    ],
                ],
            ]
            if isOnce { once.append(branch) } else { every.append(branch) }
        }
        guard group.rounds > 1 else {
            let single: JSONValue = ["Type": "Parallel", "Branches": .array(every + once), "End": true]
            return ["Comment": .string(comment), "StartAt": "Collect", "States": ["Collect": single]]
        }
        let loop: JSONObject = [
            // Every execution counts its rounds from 1, whatever its input.
            "First round": ["Type": "Pass", "Parameters": ["round": 1], "Next": "Collect"],
            "Collect": [
                "Type": "Parallel", "Branches": .array(every), "ResultPath": "$.results", "Next": "Last round?",
            ],
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
        ]
        let rounds = "\(comment); \(group.rounds) rounds a minute"
        guard !once.isEmpty else {
            return ["Comment": .string(rounds), "StartAt": "First round", "States": .object(loop)]
        }
        // The one-minute queries run beside the loop, once, not inside its first round: a slow one must not hold
        // up the rounds after it (review of issue 29). One execution serves both.
        return [
            "Comment": .string("\(rounds); the one-minute queries once, beside the rounds"),
            "StartAt": "Rounds",
            "States": [
                "Rounds": [
                    "Type": "Parallel",
                    "Branches": [
                        ["StartAt": "First round", "States": .object(loop)],
                        [
                            "StartAt": "Once a minute",
                            "States": ["Once a minute": ["Type": "Parallel", "Branches": .array(once), "End": true]],
                        ],
                    ],
                    "End": true,
                ]
            ],
        ]
    }

    /// State names are at most 80 characters and unique in the machine: a long query name is cut, never its
    /// prefix or suffix (which tell a query's states apart), and the index keeps cut names of two queries apart.
    static func stateName(_ name: String, prefix: String = "", suffix: String = "", _ index: Int) -> String {
        let whole = prefix + name + suffix
        guard whole.count > 80 else { return whole }
        let number = "\(index + 1) "
        return number + prefix + name.prefix(80 - number.count - prefix.count - suffix.count) + suffix
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
