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

/// The parent template: parameters, the function and its version and alias, the roles, the alarm topic, the
/// case worker's resources, and the nested stacks.
extension StackTemplates {
    // MARK: - Parent

    static func parentTemplate(_ plan: CollectionPlan, customerFiles: [String]) -> File {
        let nestedParameters: JSONValue = [
            "Name": ref("Name"), "Namespace": ref("Namespace"), "AlarmTopicArn": alarmTopic,
            // The state machines invoke the alias: rolling back is pointing it at the version before.
            "FunctionArn": sub("${Function.Arn}:live"), "StatesRoleArn": getAtt("StatesRole", "Arn"),
            "SchedulerRoleArn": getAtt("SchedulerRole", "Arn"), "StatesLogGroupArn": getAtt("StatesLogGroup", "Arn"),
            "ScheduleGroup": ref("Name"),
        ]
        var resources: [String: JSONValue] = [
            "LogGroup": logGroup("/aws/lambda/${Name}"),
            "FunctionRole": [
                "Type": "AWS::IAM::Role",
                "Metadata": checkovSkips([
                    (
                        "CKV_AWS_111",
                        "the network interface actions Lambda documents for a function in a VPC; Lambda creates the interfaces, whose ARNs are not known ahead"
                    )
                ]),
                "Properties": [
                    "PermissionsBoundary": permissionsBoundary,
                    "AssumeRolePolicyDocument": assumeRole("lambda.amazonaws.com"),
                    "Policies": [["PolicyName": "onprem-watch", "PolicyDocument": policy(functionStatements(plan))]],
                ],
            ],
            "FunctionVersion": version(of: "Function"),
            "FunctionAlias": alias(of: "Function", version: "FunctionVersion"),
            "Function": [
                "Type": "AWS::Lambda::Function",
                "Metadata": checkovSkips([
                    (
                        "CKV_AWS_116",
                        "Step Functions invokes it synchronously and its Retry/Catch handle failures; there is no asynchronous event to keep"
                    ),
                    environmentEncryptionSkip,
                ]),
                "Properties": [
                    "FunctionName": ref("Name"),
                    "Description": "OnPremWatch: PostgreSQL KPIs of on-premises deployments to CloudWatch",
                    "Runtime": "provided.al2023", "Handler": "metrics", "Architectures": ["x86_64"],
                    "MemorySize": ref("MemorySize"), "Timeout": ref("Timeout"),
                    "Code": ["S3Bucket": ref("CodeBucket"), "S3Key": ref("CodeKey")],
                    "Role": getAtt("FunctionRole", "Arn"),
                    // Each environment holds up to 8 connections to customers' servers: this bounds them all.
                    "ReservedConcurrentExecutions": [
                        "Fn::If": ["HasReservedConcurrency", ref("ReservedConcurrency"), ref("AWS::NoValue")]
                    ],
                    "VpcConfig": ["SubnetIds": ref("SubnetIds"), "SecurityGroupIds": ref("SecurityGroupIds")],
                    "Environment": [
                        "Variables": [
                            "ONPREM_METRICS_SINK": ref("MetricsSink"), "ONPREM_NAMESPACE": ref("Namespace"),
                            "ONPREM_HEALTH": "customer",
                        ]
                    ],
                    // EMF lines carry no level, so Lambda files them as INFO: a WARN application level would drop
                    // the metrics. WARN for the platform drops START/END/REPORT, about 300 bytes per invocation.
                    "LoggingConfig": [
                        "LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "WARN",
                        "LogGroup": ref("LogGroup"),
                    ],
                ],
            ],
            "StatesLogGroup": logGroup("/aws/vendedlogs/states/${Name}"),
            "StatesRole": [
                "Type": "AWS::IAM::Role",
                "Properties": [
                    "PermissionsBoundary": permissionsBoundary,
                    "AssumeRolePolicyDocument": assumeRole(
                        "states.amazonaws.com",
                        sourceArn: sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:*")),
                    "Policies": [["PolicyName": "invoke-onprem-watch", "PolicyDocument": policy(statesStatements)]],
                ],
            ],
            "SchedulerRole": [
                "Type": "AWS::IAM::Role",
                "Properties": [
                    // Scheduler names the schedule group as the source, never a schedule: the deployment's own.
                    "PermissionsBoundary": permissionsBoundary,
                    "AssumeRolePolicyDocument": assumeRole(
                        "scheduler.amazonaws.com",
                        sourceArn: sub(
                            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule-group/${Name}")),
                    "Policies": [
                        [
                            "PolicyName": "start-collections",
                            "PolicyDocument": policy([
                                [
                                    "Effect": "Allow", "Action": "states:StartExecution",
                                    // `--` follows the name, and no name has `--` or ends in `-`: the pattern
                                    // matches this deployment's state machines, never another's.
                                    "Resource": sub(
                                        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${Name}--*"
                                    ),
                                ]
                            ]),
                        ],
                        [
                            // Maintenance windows and scripts/silence.py: the deployment's alarms send nothing for a
                            // while, then again.
                            "PolicyName": "maintenance-windows",
                            "PolicyDocument": policy([
                                [
                                    "Effect": "Allow",
                                    "Action": ["cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions"],
                                    "Resource": sub(
                                        "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${Name} | *"
                                    ),
                                ]
                            ]),
                        ],
                    ],
                ],
            ],
            "ScheduleGroup": [
                "Type": "AWS::Scheduler::ScheduleGroup", "Properties": ["Name": ref("Name")],
            ],
            "Dashboards": [
                "Type": "AWS::CloudFormation::Stack",
                "Properties": [
                    "TemplateURL": "dashboards.json",
                    "Parameters": ["Name": ref("Name"), "Namespace": ref("Namespace")],
                ],
            ],
        ]
        resources.merge(workerResources) { first, _ in first }
        for file in customerFiles {
            resources[logicalID(file)] = [
                "Type": "AWS::CloudFormation::Stack",
                // The schedules go into the group, and the state machines invoke the alias: both by name, so both
                // must exist first.
                "DependsOn": ["ScheduleGroup", "FunctionAlias"],
                "Properties": ["TemplateURL": .string(file), "Parameters": nestedParameters],
            ]
        }
        let template: JSONValue = [
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": .string(
                "OnPremWatch: the function, \(plan.customers.count) customers' collections, alarms and dashboards"),
            "Parameters": [
                "Name": [
                    "Type": "String", "Default": "onprem-watch", "MaxLength": 32,
                    "AllowedPattern": "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$",
                    "Description":
                        "Names the function, its log group, state machines, schedules, alarms and dashboards (letters, digits, single hyphens between them)",
                ],
                "CodeBucket": ["Type": "String", "Description": "S3 bucket of dist/onprem-watch.zip"],
                "CodeKey": ["Type": "String", "Default": "onprem-watch.zip", "Description": "S3 key of the zip"],
                "CodeSha256": [
                    "Type": "String", "AllowedPattern": "^[A-Za-z0-9+/]{43}=$",
                    "Description":
                        "base64 SHA-256 of the zip (make deploy sets it): a new value publishes a new version of the function, which Lambda checks against the code",
                ],
                "SubnetIds": [
                    "Type": "List<AWS::EC2::Subnet::Id>",
                    "Description": "Private subnets that reach the customers' databases",
                ],
                "SecurityGroupIds": [
                    "Type": "List<AWS::EC2::SecurityGroup::Id>",
                    "Description": "Egress to the customers' PostgreSQL ports, and 443 to CloudWatch/Secrets Manager",
                ],
                "AlarmTopicArn": [
                    "Type": "String", "Default": "",
                    "Description": "An existing SNS topic for alarm and OK notifications (empty: the stack makes one)",
                ],
                "CaseSink": [
                    "Type": "String", "Default": "support", "AllowedValues": ["support", "webhook"],
                    "Description":
                        "support: AWS Support cases (needs a Business support plan or higher); webhook: a POST per case action to the URL in CaseWebhookSecretArn",
                ],
                "CaseWebhookSecretArn": [
                    "Type": "String", "Default": "",
                    "Description": "Secrets Manager secret holding the webhook's URL (or {\"url\", \"authorization\"})",
                ],
                "MetricsSink": [
                    "Type": "String", "Default": "emf", "AllowedValues": ["emf", "cloudwatch"],
                    "Description": "emf: metrics through the log group (cheapest); cloudwatch: PutMetricData",
                ],
                "Namespace": [
                    "Type": "String", "Default": "OnPremWatch", "MaxLength": 64, "Description": "CloudWatch namespace",
                ],
                "PermissionsBoundaryArn": [
                    "Type": "String", "Default": "",
                    "Description":
                        "A managed policy every role of the stack gets as its permissions boundary (the bootstrap stack's <Env>RoleBoundaryArn; empty: none)",
                ],
                "MemorySize": ["Type": "Number", "Default": 128, "MinValue": 128, "MaxValue": 10240],
                "Timeout": ["Type": "Number", "Default": 30, "MinValue": 3, "MaxValue": 900],
                "ReservedConcurrency": [
                    "Type": "Number", "Default": 20, "MinValue": 0, "MaxValue": 1000,
                    "Description":
                        "Most metrics invocations at once; each holds up to 8 connections to customers' servers (0: no reservation; Lambda keeps 100 unreserved, so an account whose concurrency limit is under 120 needs 0)",
                ],
                "LogRetentionDays": [
                    "Type": "Number", "Default": 7,
                    "AllowedValues": [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365],
                ],
            ],
            "Conditions": .object(JSONObject(workerConditions)),
            "Resources": .object(JSONObject(resources)),
            "Outputs": [
                "FunctionArn": ["Value": getAtt("Function", "Arn")],
                "FunctionAliasArn": ["Value": sub("${Function.Arn}:live")],
                "LogGroup": ["Value": ref("LogGroup")],
                "AlarmTopicArn": ["Value": alarmTopic],
                "CasesQueueUrl": ["Value": ref("CasesQueue")],
                "CasesDeadLetterQueueUrl": ["Value": ref("CasesDeadLetterQueue")],
                "CasesTable": ["Value": ref("CasesTable")],
            ],
        ]
        return File(name: "template.json", template: template, resources: resources.count)
    }

    /// `customers-001.json` → `Customers001`.
    static func logicalID(_ file: String) -> String {
        "Customers" + file.dropFirst("customers-".count).dropLast(".json".count)
    }
}
