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

import Core
import JSON

/// The support-case worker's half of the parent stack: the alarm topic (unless `AlarmTopicArn` names one), the
/// queue that the topic delivers to with its dead-letter queue, the worker function from the same zip
/// (`Handler: cases`) with its event source mapping, the episodes table, an alarm on the dead-letter queue, and the
/// worker's role.
extension StackTemplates {
    /// Seconds the worker may run: a batch of ten records, each a few calls to DynamoDB and AWS Support.
    static let workerTimeout = 60
    /// SQS's advice: a visibility timeout of at least six times the function's timeout, so a batch that is being
    /// retried by Lambda is not delivered again meanwhile.
    static let queueVisibilityTimeout = 6 * workerTimeout
    /// Deliveries before a message that keeps failing goes to the dead-letter queue.
    static let maxReceiveCount = 5

    /// The topic the alarms notify: the stack's own, or the one `AlarmTopicArn` names.
    static var alarmTopic: JSONValue { ["Fn::If": ["CreateTopic", ref("AlarmTopic"), ref("AlarmTopicArn")]] }

    static var workerConditions: [String: JSONValue] {
        [
            "CreateTopic": ["Fn::Equals": [ref("AlarmTopicArn"), ""]],
            "HasWebhookSecret": ["Fn::Not": [["Fn::Equals": [ref("CaseWebhookSecretArn"), ""]]]],
            "HasPermissionsBoundary": ["Fn::Not": [["Fn::Equals": [ref("PermissionsBoundaryArn"), ""]]]],
            "HasReservedConcurrency": ["Fn::Not": [["Fn::Equals": [ref("ReservedConcurrency"), 0]]]],
        ]
    }

    static var workerResources: [String: JSONValue] {
        let queueArn = getAtt("CasesQueue", "Arn")
        return [
            "AlarmTopic": [
                "Type": "AWS::SNS::Topic", "Condition": "CreateTopic",
                // Encrypted under the stack's own key: CloudWatch cannot publish to a topic under the AWS-managed
                // alias/aws/sns, whose key policy cannot grant it, so the key's policy admits CloudWatch.
                "Properties": ["TopicName": sub("${Name}-alarms"), "KmsMasterKeyId": ref("AlarmTopicKey")],
            ],
            "AlarmTopicKey": [
                "Type": "AWS::KMS::Key", "Condition": "CreateTopic",
                "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                "Properties": [
                    "Description": sub("${Name}: encrypts the alarm topic"), "EnableKeyRotation": true,
                    "KeyPolicy": policy([
                        [
                            "Sid": "Account", "Effect": "Allow",
                            "Principal": ["AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")],
                            "Action": "kms:*", "Resource": "*",
                        ],
                        [
                            // As AWS documents it for alarms that notify an encrypted topic. SNS needs no grant to
                            // deliver to the queue, which has its own encryption (SSE-SQS).
                            "Sid": "CloudWatchPublishes", "Effect": "Allow",
                            "Principal": ["Service": "cloudwatch.amazonaws.com"],
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
                        ],
                    ]),
                ],
            ],
            "CasesDeadLetterQueue": [
                "Type": "AWS::SQS::Queue",
                "Metadata": checkovSkips([
                    (
                        "CKV_AWS_27",
                        "encrypted at rest with SSE-SQS (SqsManagedSseEnabled); the check knows only KmsMasterKeyId"
                    )
                ]),
                "Properties": [
                    "QueueName": sub("${Name}-cases-dlq"), "MessageRetentionPeriod": 1_209_600,
                    "SqsManagedSseEnabled": true,
                ],
            ],
            "CasesQueue": [
                "Type": "AWS::SQS::Queue",
                "Metadata": checkovSkips([
                    (
                        "CKV_AWS_27",
                        "encrypted at rest with SSE-SQS (SqsManagedSseEnabled); the check knows only KmsMasterKeyId"
                    )
                ]),
                "Properties": [
                    "QueueName": sub("${Name}-cases"), "VisibilityTimeout": .number(Double(queueVisibilityTimeout)),
                    "SqsManagedSseEnabled": true,
                    "RedrivePolicy": [
                        "deadLetterTargetArn": getAtt("CasesDeadLetterQueue", "Arn"),
                        "maxReceiveCount": .number(Double(maxReceiveCount)),
                    ],
                ],
            ],
            "CasesQueuePolicy": [
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": [
                    "Queues": [ref("CasesQueue")],
                    "PolicyDocument": policy([
                        [
                            "Effect": "Allow", "Principal": ["Service": "sns.amazonaws.com"],
                            "Action": "sqs:SendMessage", "Resource": queueArn,
                            "Condition": ["ArnEquals": ["aws:SourceArn": alarmTopic]],
                        ]
                    ]),
                ],
            ],
            "CasesSubscription": [
                "Type": "AWS::SNS::Subscription",
                "Properties": ["Protocol": "sqs", "TopicArn": alarmTopic, "Endpoint": queueArn],
            ],
            "CasesTable": [
                "Type": "AWS::DynamoDB::Table",
                "Metadata": checkovSkips([
                    (
                        "CKV_AWS_119",
                        "a small table of claims and case ids, encrypted at rest by DynamoDB's own key; it holds no secrets"
                    )
                ]),
                // What the worker remembers decides that a case is raised once: kept if the stack goes.
                "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                "Properties": [
                    "PointInTimeRecoverySpecification": ["PointInTimeRecoveryEnabled": true],
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [["AttributeName": "pk", "AttributeType": "S"]],
                    "KeySchema": [["AttributeName": "pk", "KeyType": "HASH"]],
                    "TimeToLiveSpecification": ["AttributeName": "expires", "Enabled": true],
                ],
            ],
            "CasesLogGroup": logGroup("/aws/lambda/${Name}-cases"),
            "CasesRole": [
                "Type": "AWS::IAM::Role",
                "Properties": [
                    "PermissionsBoundary": permissionsBoundary,
                    "AssumeRolePolicyDocument": assumeRole("lambda.amazonaws.com"),
                    "Policies": [["PolicyName": "onprem-watch-cases", "PolicyDocument": policy(workerStatements)]],
                ],
            ],
            "CasesFunction": [
                "Type": "AWS::Lambda::Function",
                "Metadata": checkovSkips([
                    (
                        "CKV_AWS_116",
                        "its event source is the queue, whose own dead-letter queue keeps what fails maxReceiveCount times"
                    ),
                    (
                        "CKV_AWS_117",
                        "it calls only AWS APIs and the webhook over HTTPS; a VPC would add a NAT gateway and nothing to protect"
                    ),
                    (
                        "CKV_AWS_115",
                        "its concurrency is capped by the event source mapping's ScalingConfig.MaximumConcurrency (2)"
                    ),
                    environmentEncryptionSkip,
                ]),
                "Properties": [
                    "FunctionName": sub("${Name}-cases"),
                    "Description": "OnPremWatch: raises a support case per alarm episode",
                    "Runtime": "provided.al2023", "Handler": "cases", "Architectures": ["x86_64"],
                    "MemorySize": 128, "Timeout": .number(Double(workerTimeout)),
                    "Code": ["S3Bucket": ref("CodeBucket"), "S3Key": ref("CodeKey")],
                    "Role": getAtt("CasesRole", "Arn"),
                    "Environment": [
                        "Variables": [
                            "ONPREM_CASES_TABLE": ref("CasesTable"), "ONPREM_CASE_SINK": ref("CaseSink"),
                            "ONPREM_CASE_WEBHOOK_SECRET": [
                                "Fn::If": ["HasWebhookSecret", ref("CaseWebhookSecretArn"), ref("AWS::NoValue")]
                            ],
                        ]
                    ],
                    "LoggingConfig": [
                        "LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "WARN",
                        "LogGroup": ref("CasesLogGroup"),
                    ],
                ],
            ],
            "CasesEventSource": [
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": [
                    "EventSourceArn": queueArn, "FunctionName": ref("CasesFunction"), "BatchSize": 10,
                    "FunctionResponseTypes": ["ReportBatchItemFailures"],
                    // Two workers at most (SQS's least): an alarm storm must not become a storm of Support calls.
                    "ScalingConfig": ["MaximumConcurrency": 2],
                ],
            ],
            "CasesDeadLetterAlarm": [
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": [
                    "AlarmName": sub("${Name} | support-case messages in the dead-letter queue"),
                    "AlarmDescription":
                        "Alarm notifications the case worker could not handle: read them in the queue and the worker's log",
                    "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
                    "Dimensions": [["Name": "QueueName", "Value": getAtt("CasesDeadLetterQueue", "QueueName")]],
                    "Statistic": "Maximum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 0,
                    "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
                    "AlarmActions": [alarmTopic], "OKActions": [alarmTopic],
                ],
            ],
        ]
    }

    /// Its log group, its queue, its table, AWS Support's case calls (which have no resource-level permissions),
    /// and the webhook's secret when there is one.
    static var workerStatements: [JSONValue] {
        [
            [
                "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": getAtt("CasesLogGroup", "Arn"),
            ],
            [
                "Effect": "Allow",
                "Action": [
                    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility",
                ],
                "Resource": getAtt("CasesQueue", "Arn"),
            ],
            [
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
                "Resource": getAtt("CasesTable", "Arn"),
            ],
            [
                // DescribeCases: a worker that takes over a lapsed claim looks for the case its predecessor raised.
                "Effect": "Allow",
                "Action": [
                    "support:CreateCase", "support:DescribeCases", "support:AddCommunicationToCase",
                    "support:ResolveCase",
                ],
                "Resource": "*",
            ],
            [
                "Fn::If": [
                    "HasWebhookSecret",
                    [
                        "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                        "Resource": ref("CaseWebhookSecretArn"),
                    ],
                    ref("AWS::NoValue"),
                ]
            ],
        ]
    }
}
