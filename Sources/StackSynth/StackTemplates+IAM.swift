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

import CatalogModel
import Core
import JSON

/// The roles' policies: exactly the actions the code calls (docs/security.md), and the trust policies.
extension StackTemplates {
    /// Logs to its own group, network interfaces in the VPC, metrics only into its namespace, and only the
    /// catalog's secrets.
    static func functionStatements(_ plan: CollectionPlan) -> [JSONValue] {
        var statements: [JSONValue] = [
            [
                "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": getAtt("LogGroup", "Arn"),
            ],
            [
                "Effect": "Allow",
                "Action": [
                    "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
                ],
                "Resource": "*",
            ],
            [
                "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
                "Condition": ["StringEquals": ["cloudwatch:namespace": ref("Namespace")]],
            ],
        ]
        let secrets = Set(plan.customers.compactMap(\.customer.secret)).sorted()
        if !secrets.isEmpty {
            let arns: [JSONValue] = secrets.map { secret in
                secret.hasPrefix("arn:")
                    ? .string(secret)
                    : sub(
                        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
                            + "\(subEscaped(secret))-??????")
            }
            statements.append(["Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": .array(arns)])
        }
        return statements
    }

    /// A trust policy for `service`; with `sourceArn`, only on behalf of this account's resources of that form, so
    /// that no other account's state machine or schedule can make the service act as the role (the confused
    /// deputy).
    static func assumeRole(_ service: String, sourceArn: JSONValue? = nil) -> JSONValue {
        var statement: JSONObject = [
            "Effect": "Allow", "Principal": ["Service": .string(service)], "Action": "sts:AssumeRole",
        ]
        if let sourceArn {
            statement["Condition"] = [
                "StringEquals": ["aws:SourceAccount": ref("AWS::AccountId")], "ArnLike": ["aws:SourceArn": sourceArn],
            ]
        }
        return policy([.object(statement)])
    }

    /// Invoking the function, and Step Functions' log delivery (which has no resource-level permissions) for the
    /// state machines' error logs.
    static var statesStatements: [JSONValue] {
        [
            [
                "Effect": "Allow", "Action": "lambda:InvokeFunction",
                "Resource": [getAtt("Function", "Arn"), sub("${Function.Arn}:*")],
            ],
            [
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
                    "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
                    "logs:DescribeLogGroups",
                ],
                "Resource": "*",
            ],
        ]
    }

    static func policy(_ statements: [JSONValue]) -> JSONValue {
        ["Version": "2012-10-17", "Statement": .array(statements)]
    }

    /// The role's permissions boundary, where the stack's parameter names one.
    static var permissionsBoundary: JSONValue {
        ["Fn::If": ["HasPermissionsBoundary", ref("PermissionsBoundaryArn"), ref("AWS::NoValue")]]
    }
}
