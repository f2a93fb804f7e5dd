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
import MetricModel

/// A customer's resources (state machine, schedule, alarms) and how customers are sharded into nested stacks.
extension StackTemplates {
    // MARK: - Customers

    /// Resources of one customer: per interval group a state machine and a schedule, its alarms, its health alarm,
    /// and a saved Logs Insights query per query that keeps log fields.
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
        for query in plan.groups.flatMap(\.queries) {
            if let saved = LogFieldQueries.resource(of: query, customer: customer) {
                resources["\(prefix)LogFields\(CollectionPlan.key(query.name))"] = saved
            }
        }
        var alarmNames: [String] = []
        for alarm in plan.alarms {
            let spec = alarm.spec
            let extra = spec.dimensions.sorted { $0.key < $1.key }
            let series = ([alarm.query.name, spec.metric] + extra.map { "\($0.key)=\($0.value)" }).joined(
                separator: " ")
            var dimensions: [JSONValue] = [
                ["Name": "Customer", "Value": .string(customer.opname)],
                ["Name": "Query", "Value": .string(alarm.query.cloudwatchDimension)],
            ]
            // The catalog's own dimensions are on every datum of the query: the alarm's series has them too.
            dimensions += (customer.dimensions + alarm.query.dimensions).map {
                ["Name": .string($0.name), "Value": .string($0.value)]
            }
            dimensions += extra.map { ["Name": .string($0.key), "Value": .string($0.value)] }
            alarmNames.append("\(customer.opname) | \(series)")
            resources["\(prefix)A\(CollectionPlan.key(series))"] = alarmResource(
                name: "\(customer.opname) | \(series)",
                description: "\(spec.metric) of \(customer.opname) (\(alarm.query.name)), threshold from the catalog",
                metric: spec.metric, dimensions: dimensions, statistic: spec.statistic, period: spec.period,
                periods: spec.periods, datapointsToAlarm: spec.datapointsToAlarm, threshold: alarm.threshold,
                comparison: spec.comparison, missingData: spec.missingData,
                counter: alarm.query.isCounter(spec.metric))
        }
        let health = plan.healthAlarm
        resources["\(prefix)Health"] = alarmResource(
            name: "\(customer.opname) | collection",
            description: "Collection for \(customer.opname) failed or stopped (QuerySucceeded)",
            metric: health.metric, dimensions: [["Name": "Customer", "Value": .string(customer.opname)]],
            statistic: health.statistic, period: health.period, periods: health.periods,
            datapointsToAlarm: health.datapointsToAlarm, threshold: health.threshold ?? 1,
            comparison: health.comparison, missingData: health.missingData)
        alarmNames.append("\(customer.opname) | collection")
        for (index, window) in customer.maintenance.enumerated() {
            resources.merge(maintenanceSchedules(window, index: index + 1, plan: plan, alarms: alarmNames)) { a, _ in a
            }
        }
        return resources
    }

    /// A maintenance window's schedules: at its start, Scheduler's universal target for CloudWatch's
    /// `DisableAlarmActions` on the customer's alarms (at most 100 a call, so a schedule per hundred); at its end,
    /// `EnableAlarmActions`. The alarms still change state and show on the dashboard; they only send nothing.
    static func maintenanceSchedules(
        _ window: MaintenanceWindow, index: Int, plan: CollectionPlan.CustomerPlan, alarms: [String]
    ) -> [String: JSONValue] {
        var resources: [String: JSONValue] = [:]
        let schedule = window.schedule
        let chunks = stride(from: 0, to: alarms.count, by: 100).map { Array(alarms[$0..<min($0 + 100, alarms.count)]) }
        for (part, names) in chunks.enumerated() {
            // The alarms' names as CloudFormation makes them (`Name | ...`), in the JSON the call takes.
            var pieces: [JSONValue] = [#"{"AlarmNames":["#]
            for (position, name) in names.enumerated() {
                let quoted = JSONText.quoted(" | " + String(name.prefix(197)))
                pieces += [.string(position == 0 ? "\"" : ",\""), ref("Name"), .string(String(quoted.dropFirst()))]
            }
            pieces.append("]}")
            let input: JSONValue = ["Fn::Join": ["", .array(pieces)]]
            for (edge, expression, call) in [
                ("start", schedule.start, "disableAlarmActions"), ("end", schedule.end, "enableAlarmActions"),
            ] {
                let suffix = chunks.count == 1 ? "" : "p\(part + 1)"
                resources["C\(plan.key)Maintenance\(index)\(suffix)\(edge == "start" ? "Start" : "End")"] = [
                    "Type": "AWS::Scheduler::Schedule",
                    "Properties": [
                        "Name": sub("${Name}--\(plan.key)-m\(index)\(suffix)-\(edge)"),
                        "GroupName": ref("ScheduleGroup"),
                        "Description": .string(
                            String(
                                "\(plan.customer.opname): maintenance window \(index) \(edge == "start" ? "begins: alarm actions off" : "ends: alarm actions on")"
                                    .prefix(512))),
                        "ScheduleExpression": .string(expression),
                        "ScheduleExpressionTimezone": .string(schedule.timezone),
                        "FlexibleTimeWindow": ["Mode": "OFF"], "State": "ENABLED",
                        "Target": [
                            "Arn": sub("arn:${AWS::Partition}:scheduler:::aws-sdk:cloudwatch:\(call)"),
                            "RoleArn": ref("SchedulerRoleArn"), "Input": input,
                            "RetryPolicy": ["MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 10],
                        ],
                    ],
                ]
            }
        }
        return resources
    }

    static func alarmResource(
        name: String, description: String, metric: String, dimensions: [JSONValue], statistic: AlarmSpec.Statistic,
        period: Int, periods: Int, datapointsToAlarm: Int, threshold: Double, comparison: AlarmSpec.Comparison,
        missingData: AlarmSpec.MissingData, counter: Bool = false
    ) -> JSONValue {
        let actions: JSONValue = ["Fn::If": ["HasTopic", [ref("AlarmTopicArn")], ref("AWS::NoValue")]]
        var properties: JSONObject = [
            "Namespace": ref("Namespace"), "MetricName": .string(metric), "Dimensions": .array(dimensions),
            "Statistic": .string(statistic.rawValue), "Period": .number(Double(period)),
        ]
        if counter {
            // A cumulative counter: the alarm compares its per-second rate, and a fall (a reset, a failover to
            // another server) gives no rate rather than a negative one.
            properties = [
                "Metrics": [
                    [
                        "Id": "m", "ReturnData": false,
                        "MetricStat": [
                            "Metric": [
                                "Namespace": ref("Namespace"), "MetricName": .string(metric),
                                "Dimensions": .array(dimensions),
                            ],
                            "Period": .number(Double(period)), "Stat": .string(statistic.rawValue),
                        ],
                    ],
                    [
                        "Id": "rate", "ReturnData": true, "Expression": "IF(DIFF(m) >= 0, RATE(m))",
                        "Label": .string("\(metric) per second"),
                    ],
                ]
            ]
        }
        let common: [String: JSONValue] = [
            "AlarmName": ["Fn::Join": ["", [ref("Name"), .string(String(" | \(name)".prefix(200)))]]],
            "AlarmDescription": .string(String(description.prefix(1024))),
            "EvaluationPeriods": .number(Double(periods)), "DatapointsToAlarm": .number(Double(datapointsToAlarm)),
            "Threshold": .number(threshold), "ComparisonOperator": .string(comparison.rawValue),
            "TreatMissingData": .string(missingData.rawValue), "AlarmActions": actions, "OKActions": actions,
            // The case worker ignores INSUFFICIENT_DATA unless the catalog's cases.insufficientData says not to.
            "InsufficientDataActions": actions,
        ]
        for (key, value) in common { properties[key] = value }
        return ["Type": "AWS::CloudWatch::Alarm", "Properties": .object(properties)]
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
}
