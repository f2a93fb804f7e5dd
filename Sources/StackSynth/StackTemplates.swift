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
public import Core
public import JSON

/// The CloudFormation templates of the whole monitoring stack (pure): a parent with the function and its roles,
/// nested stacks with the customers' state machines, schedules and alarms, and one with the dashboards.
///
/// Why nested stacks: a stack holds at most 500 resources, and every customer needs a state machine, a schedule and
/// its alarms (13 for ten KPIs), so 2,000 customers need about 26,000. Customers go to a nested stack by a hash of
/// their `opname`, not by their place in the catalog, so editing the catalog moves no one else's resources (named
/// resources cannot move between stacks without a clash). `aws cloudformation package` uploads the nested templates.
public struct StackTemplates: Sendable {
    public struct File: Sendable {
        public var name: String
        public var template: JSONValue
        public var resources: Int
        /// The template as written, serialized once: `template.json` indented for reading, the nested ones compact,
        /// since their size is what CloudFormation's 1 MB limit counts (`jq .` reads them).
        public var bytes: [UInt8]

        init(name: String, template: JSONValue, resources: Int) {
            self.name = name
            self.template = template
            self.resources = resources
            bytes = template.serialized(pretty: name == "template.json")
        }
    }

    /// The parent (`template.json`) first.
    public var files: [File]
    public var customerStacks: Int
    public var dashboards: Int

    /// At most 500 resources per stack; this leaves room to grow before customers have to be reshuffled.
    public static let resourcesPerStack = 400
    /// CloudFormation reads nested templates up to 1 MB from S3.
    public static let templateBytes = 1_000_000
    /// A dashboard holds at most 500 widgets: one row per customer, of one widget, or two with the
    /// `server-health` pack.
    public static let widgetsPerDashboard = 500

    public init(plan: CollectionPlan) {
        let customerFiles = Self.customerTemplates(plan.customers)
        let dashboards = Self.dashboardPages(plan.customers).count
        let dashboardFile = File(
            name: "dashboards.json", template: Self.dashboardTemplate(plan.customers), resources: max(1, dashboards))
        let parent = Self.parentTemplate(plan, customerFiles: customerFiles.map(\.name))
        files = [parent] + customerFiles + [dashboardFile]
        customerStacks = customerFiles.count
        self.dashboards = max(1, dashboards)
    }

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
            "LogGroup": [
                "Type": "AWS::Logs::LogGroup", "Metadata": checkovSkips([logsEncryptionSkip]),
                "Properties": [
                    "LogGroupName": sub("/aws/lambda/${Name}"), "RetentionInDays": ref("LogRetentionDays"),
                ],
            ],
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
            "StatesLogGroup": [
                "Type": "AWS::Logs::LogGroup", "Metadata": checkovSkips([logsEncryptionSkip]),
                "Properties": [
                    "LogGroupName": sub("/aws/vendedlogs/states/${Name}"), "RetentionInDays": ref("LogRetentionDays"),
                ],
            ],
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
                        ]
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

    // MARK: - Customers

    /// Resources of one customer: per interval group a state machine and a schedule, its alarms, its health alarm.
    static func resources(of plan: CollectionPlan.CustomerPlan) -> [String: JSONValue] {
        var resources: [String: JSONValue] = [:]
        let customer = plan.customer
        let prefix = "C\(plan.key)"
        for group in plan.groups {
            let machine = "\(prefix)Collect\(group.interval)"
            let name = sub("${Name}--\(plan.key)-\(group.interval)s")
            resources[machine] = [
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": [
                    "StateMachineName": name, "StateMachineType": "EXPRESS", "RoleArn": ref("StatesRoleArn"),
                    "Definition": StateMachineDefinition.make(customer: customer, group: group),
                    "DefinitionSubstitutions": ["FunctionArn": ref("FunctionArn")],
                    // Express executions leave no history: a failed one is logged, without its data.
                    "LoggingConfiguration": [
                        "Level": "ERROR", "IncludeExecutionData": false,
                        "Destinations": [["CloudWatchLogsLogGroup": ["LogGroupArn": ref("StatesLogGroupArn")]]],
                    ],
                ],
            ]
            let minutes = group.schedulePeriod / 60
            resources["\(prefix)Schedule\(group.interval)"] = [
                "Type": "AWS::Scheduler::Schedule",
                "Properties": [
                    "Name": name, "GroupName": ref("ScheduleGroup"),
                    "Description": .string(String("\(customer.opname): \(group.queries.count) queries".prefix(512))),
                    "ScheduleExpression": .string(minutes == 1 ? "rate(1 minute)" : "rate(\(minutes) minutes)"),
                    "FlexibleTimeWindow": ["Mode": "OFF"], "State": "ENABLED",
                    "Target": [
                        "Arn": ref(machine), "RoleArn": ref("SchedulerRoleArn"), "Input": "{}",
                        // A collection that could not start within a minute is overtaken by the next one.
                        "RetryPolicy": ["MaximumEventAgeInSeconds": 60, "MaximumRetryAttempts": 2],
                    ],
                ],
            ]
        }
        for alarm in plan.alarms {
            let spec = alarm.spec
            let extra = spec.dimensions.sorted { $0.key < $1.key }
            let series = ([alarm.query.name, spec.metric] + extra.map { "\($0.key)=\($0.value)" }).joined(
                separator: " ")
            var dimensions: [JSONValue] = [
                ["Name": "Customer", "Value": .string(customer.opname)],
                ["Name": "Query", "Value": .string(alarm.query.cloudwatchDimension)],
            ]
            dimensions += extra.map { ["Name": .string($0.key), "Value": .string($0.value)] }
            resources["\(prefix)A\(CollectionPlan.key(series))"] = alarmResource(
                name: "\(customer.opname) | \(series)",
                description: "\(spec.metric) of \(customer.opname) (\(alarm.query.name)), threshold from the catalog",
                metric: spec.metric, dimensions: dimensions, statistic: spec.statistic, period: spec.period,
                periods: spec.periods, datapointsToAlarm: spec.datapointsToAlarm, threshold: alarm.threshold,
                comparison: spec.comparison, missingData: spec.missingData)
        }
        let health = plan.healthAlarm
        resources["\(prefix)Health"] = alarmResource(
            name: "\(customer.opname) | collection",
            description: "Collection for \(customer.opname) failed or stopped (QuerySucceeded)",
            metric: health.metric, dimensions: [["Name": "Customer", "Value": .string(customer.opname)]],
            statistic: health.statistic, period: health.period, periods: health.periods,
            datapointsToAlarm: health.datapointsToAlarm, threshold: health.threshold ?? 1,
            comparison: health.comparison, missingData: health.missingData)
        return resources
    }

    static func alarmResource(
        name: String, description: String, metric: String, dimensions: [JSONValue], statistic: AlarmSpec.Statistic,
        period: Int, periods: Int, datapointsToAlarm: Int, threshold: Double, comparison: AlarmSpec.Comparison,
        missingData: AlarmSpec.MissingData
    ) -> JSONValue {
        let actions: JSONValue = ["Fn::If": ["HasTopic", [ref("AlarmTopicArn")], ref("AWS::NoValue")]]
        return [
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": [
                "AlarmName": ["Fn::Join": ["", [ref("Name"), .string(String(" | \(name)".prefix(200)))]]],
                "AlarmDescription": .string(String(description.prefix(1024))),
                "Namespace": ref("Namespace"), "MetricName": .string(metric), "Dimensions": .array(dimensions),
                "Statistic": .string(statistic.rawValue), "Period": .number(Double(period)),
                "EvaluationPeriods": .number(Double(periods)), "DatapointsToAlarm": .number(Double(datapointsToAlarm)),
                "Threshold": .number(threshold), "ComparisonOperator": .string(comparison.rawValue),
                "TreatMissingData": .string(missingData.rawValue), "AlarmActions": actions, "OKActions": actions,
                // The case worker ignores INSUFFICIENT_DATA unless the catalog's cases.insufficientData says not to.
                "InsufficientDataActions": actions,
            ],
        ]
    }

    /// Customers spread over nested stacks by hash, in as few stacks (a power of two) as keep each one under the
    /// resource and size limits.
    static func customerTemplates(_ customers: [CollectionPlan.CustomerPlan]) -> [File] {
        let perCustomer = customers.map { resources(of: $0) }
        let total = perCustomer.reduce(0) { $0 + $1.count }
        var buckets = 1
        while buckets * Self.resourcesPerStack / 2 < total { buckets *= 2 }
        while true {
            var groups = Array(repeating: [String: JSONValue](), count: buckets)
            for (plan, resources) in zip(customers, perCustomer) {
                let bucket = Int((UInt64(plan.key, radix: 16) ?? 0) % UInt64(buckets))
                groups[bucket].merge(resources) { first, _ in first }
            }
            let files = groups.enumerated().filter { !$0.element.isEmpty }.map { index, resources in
                let number = String(index + 1)
                let name = "customers-\(String(repeating: "0", count: max(0, 3 - number.count)) + number).json"
                return File(name: name, template: customerTemplate(resources), resources: resources.count)
            }
            let fits = files.allSatisfy {
                $0.resources <= Self.resourcesPerStack && $0.bytes.count <= Self.templateBytes
            }
            if fits || buckets >= 4096 { return files }
            buckets *= 2
        }
    }

    static func customerTemplate(_ resources: [String: JSONValue]) -> JSONValue {
        [
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": "OnPremWatch: customers' collections (state machines, schedules) and alarms",
            "Parameters": [
                "Name": ["Type": "String"], "Namespace": ["Type": "String"], "AlarmTopicArn": ["Type": "String"],
                "FunctionArn": ["Type": "String"], "StatesRoleArn": ["Type": "String"],
                "SchedulerRoleArn": ["Type": "String"], "StatesLogGroupArn": ["Type": "String"],
                "ScheduleGroup": ["Type": "String"],
            ],
            "Conditions": ["HasTopic": ["Fn::Not": [["Fn::Equals": [ref("AlarmTopicArn"), ""]]]]],
            "Resources": .object(JSONObject(resources)),
        ]
    }

    // MARK: - Dashboards

    /// One row per customer: every series of its namespace (KPIs and health), found by `SEARCH`, so the dashboard
    /// needs no list of row dimensions the catalog cannot know.
    /// Customers in catalog order, as many on each dashboard as its widgets allow; at least one (empty) page.
    static func dashboardPages(_ customers: [CollectionPlan.CustomerPlan]) -> [[CollectionPlan.CustomerPlan]] {
        var pages: [[CollectionPlan.CustomerPlan]] = [[]]
        var widgets = 0
        for customer in customers {
            let count = customer.customer.builtin.contains(.serverHealth) ? 2 : 1
            if widgets + count > Self.widgetsPerDashboard {
                pages.append([])
                widgets = 0
            }
            pages[pages.count - 1].append(customer)
            widgets += count
        }
        return pages
    }

    static func dashboardTemplate(_ customers: [CollectionPlan.CustomerPlan]) -> JSONValue {
        var resources: [String: JSONValue] = [:]
        let pages = Self.dashboardPages(customers)
        for (index, page) in pages.enumerated() {
            let widgets: [JSONValue] = page.enumerated().map { row, plan in
                let opname = plan.customer.opname.replacing("\\", with: "\\\\")
                    .replacing("\"", with: "\\\"").replacing("'", with: "\\'")
                let search = "SEARCH('Namespace=\"${Namespace}\" Customer=\"\(opname)\"', 'Average', 60)"
                let health = plan.customer.builtin.contains(.serverHealth)
                let kpis: JSONValue = [
                    "type": "metric", "x": 0, "y": .number(Double(row * 6)), "width": health ? 12 : 24, "height": 6,
                    "properties": [
                        "title": .string(plan.customer.opname), "region": "${AWS::Region}", "view": "timeSeries",
                        "period": 60, "metrics": [[["expression": .string(search), "id": "kpis"]]],
                    ],
                ]
                guard health else { return [kpis] }
                return [
                    kpis,
                    [
                        "type": "metric", "x": 12, "y": .number(Double(row * 6)), "width": 12, "height": 6,
                        "properties": [
                            "title": .string("\(plan.customer.opname): server counters, per second"),
                            "region": "${AWS::Region}", "view": "timeSeries", "period": 60,
                            "metrics": .array(CounterRates.metrics(customer: plan.customer.opname)),
                        ],
                    ],
                ]
            }.flatMap { $0 }
            let body = JSONValue.object(["widgets": .array(widgets)]).serialized()
            let text = subEscaped(String(decoding: body, as: UTF8.self), keeping: ["${Namespace}", "${AWS::Region}"])
            resources["Dashboard\(index + 1)"] = [
                "Type": "AWS::CloudWatch::Dashboard",
                "Properties": [
                    "DashboardName": sub(index == 0 ? "${Name}" : "${Name}-\(index + 1)"),
                    "DashboardBody": sub(text),
                ],
            ]
        }
        return [
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": "OnPremWatch: dashboards, one row per customer",
            "Parameters": ["Name": ["Type": "String"], "Namespace": ["Type": "String"]],
            "Resources": .object(JSONObject(resources)),
        ]
    }

    // MARK: - Intrinsics

    static func ref(_ name: String) -> JSONValue { ["Ref": .string(name)] }

    /// A resource's `Metadata` that tells checkov (`make test` runs it on every template) which of its findings
    /// are known and why: each is a check whose remedy does not fit here, said where the resource is.
    static func checkovSkips(_ skips: [(id: String, comment: String)]) -> JSONValue {
        ["checkov": ["skip": .array(skips.map { ["id": .string($0.id), "comment": .string($0.comment)] })]]
    }

    static let logsEncryptionSkip = (
        id: "CKV_AWS_158",
        comment: "CloudWatch Logs encrypts every log group; the logs hold no secrets (docs/security.md)"
    )
    static let environmentEncryptionSkip = (
        id: "CKV_AWS_173", comment: "the variables hold no secrets; Lambda encrypts them with its own key"
    )
    static func sub(_ text: String) -> JSONValue { ["Fn::Sub": .string(text)] }
    static func getAtt(_ resource: String, _ attribute: String) -> JSONValue {
        ["Fn::GetAtt": [.string(resource), .string(attribute)]]
    }

    /// `text` for `Fn::Sub` with every `${` made literal (`${!`) except the variables in `keeping`.
    static func subEscaped(_ text: String, keeping: [String] = []) -> String {
        var escaped = text.replacing("${", with: "${!")
        for variable in keeping {
            escaped = escaped.replacing("${!" + variable.dropFirst(2), with: variable)
        }
        return escaped
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

    // MARK: - Versions

    /// The function's version for the zip `CodeSha256` names and the settings the parameters give it. A version
    /// freezes the function's code and configuration, so a new zip, or a new namespace, sink, memory, timeout or
    /// network, changes the description and so replaces the resource, which publishes a new version; the old one
    /// is retained (`Retain`), so that `make rollback` can point the alias back at it. Lambda publishes the version
    /// only if the code's hash is the one given.
    static func version(of function: String) -> JSONValue {
        [
            "Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": [
                "FunctionName": ref(function),
                "CodeSha256": ref("CodeSha256"),
                "Description": [
                    "Fn::Join": [
                        " ",
                        [
                            ref("CodeSha256"), ref("Namespace"), ref("MetricsSink"), ref("MemorySize"), ref("Timeout"),
                            ["Fn::Join": [",", ref("SubnetIds")]], ["Fn::Join": [",", ref("SecurityGroupIds")]],
                        ],
                    ]
                ],
            ],
        ]
    }

    /// The role's permissions boundary, where the stack's parameter names one.
    static var permissionsBoundary: JSONValue {
        ["Fn::If": ["HasPermissionsBoundary", ref("PermissionsBoundaryArn"), ref("AWS::NoValue")]]
    }

    /// The `live` alias, which the state machines invoke.
    static func alias(of function: String, version: String) -> JSONValue {
        [
            "Type": "AWS::Lambda::Alias",
            "Properties": [
                "FunctionName": ref(function), "FunctionVersion": getAtt(version, "Version"), "Name": "live",
            ],
        ]
    }

    /// `customers-001.json` → `Customers001`.
    static func logicalID(_ file: String) -> String {
        "Customers" + file.dropFirst("customers-".count).dropLast(".json".count)
    }
}
