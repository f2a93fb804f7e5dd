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
import Foundation
import JSON
import MetricModel
import Testing

@testable import StackSynth

@Suite struct StackTemplatesTests {
    @Test(
        "the parent holds the function (provided.al2023, in the VPC, per-customer health) and one nested stack per file"
    )
    func parent() throws {
        let templates = StackTemplates(plan: CollectionPlan(catalog: Fixtures.catalog(customers: 2)))
        #expect(templates.files.map(\.name) == ["template.json", "customers-001.json", "dashboards.json"])
        let parent = templates.files[0].template
        let function = try #require(parent["Resources", "Function", "Properties"])
        #expect(function["Runtime"] == "provided.al2023")
        #expect(function["Code"] == ["S3Bucket": ["Ref": "CodeBucket"], "S3Key": ["Ref": "CodeKey"]])
        #expect(function["VpcConfig", "SubnetIds"] == ["Ref": "SubnetIds"])
        #expect(function["Environment", "Variables", "ONPREM_HEALTH"] == "customer")
        #expect(parent["Resources", "Customers001", "Properties", "TemplateURL"] == "customers-001.json")
        #expect(parent["Resources", "Dashboards", "Properties", "TemplateURL"] == "dashboards.json")
        for parameter in ["CodeBucket", "CodeKey", "SubnetIds", "SecurityGroupIds", "AlarmTopicArn", "MetricsSink"] {
            #expect(parent["Parameters", parameter] != nil, "\(parameter)")
        }
    }

    @Test("the case worker's half: topic, queue with its dead-letter queue, worker from the same zip, table, alarm")
    func caseWorker() throws {
        let parent = StackTemplates(plan: CollectionPlan(catalog: Fixtures.catalog(customers: 2))).files[0].template
        let worker = try #require(parent["Resources", "CasesFunction", "Properties"])
        #expect(worker["Handler"] == "cases")
        #expect(worker["Code"] == parent["Resources", "Function", "Properties", "Code"])
        #expect(worker["Environment", "Variables", "ONPREM_CASES_TABLE"] == ["Ref": "CasesTable"])
        #expect(worker["Environment", "Variables", "ONPREM_CASE_SINK"] == ["Ref": "CaseSink"])
        #expect(
            parent["Resources", "CasesEventSource", "Properties", "FunctionResponseTypes"] == [
                "ReportBatchItemFailures"
            ])
        let queue = try #require(parent["Resources", "CasesQueue", "Properties"])
        #expect(queue["RedrivePolicy", "maxReceiveCount"] == 5)
        #expect(queue["VisibilityTimeout"] == .number(Double(6 * StackTemplates.workerTimeout)))
        let table = try #require(parent["Resources", "CasesTable", "Properties"])
        #expect(table["BillingMode"] == "PAY_PER_REQUEST")
        #expect(table["TimeToLiveSpecification"] == ["AttributeName": "expires", "Enabled": true])
        #expect(parent["Resources", "AlarmTopic", "Condition"] == "CreateTopic")
        // Every alarm notifies the stack's topic, or the one AlarmTopicArn names.
        #expect(
            parent["Resources", "Customers001", "Properties", "Parameters", "AlarmTopicArn"]
                == ["Fn::If": ["CreateTopic", ["Ref": "AlarmTopic"], ["Ref": "AlarmTopicArn"]]])
        #expect(
            parent["Resources", "CasesQueuePolicy", "Properties", "PolicyDocument", "Statement"]
                == [
                    [
                        "Effect": "Allow", "Principal": ["Service": "sns.amazonaws.com"], "Action": "sqs:SendMessage",
                        "Resource": ["Fn::GetAtt": ["CasesQueue", "Arn"]],
                        "Condition": [
                            "ArnEquals": [
                                "aws:SourceArn": [
                                    "Fn::If": ["CreateTopic", ["Ref": "AlarmTopic"], ["Ref": "AlarmTopicArn"]]
                                ]
                            ]
                        ],
                    ]
                ])
        for parameter in ["CaseSink", "CaseWebhookSecretArn"] {
            #expect(parent["Parameters", parameter] != nil, "\(parameter)")
        }
    }

    @Test("the server-health pack: its four alarms per customer, and a dashboard widget of counter rates")
    func serverHealth() throws {
        var catalog = Fixtures.catalog(customers: 2)
        catalog.customers[0].builtin = [.serverHealth]
        catalog.customers[0].thresholds["connections_used_percent"] = 90
        let plan = CollectionPlan(catalog: catalog)
        let pack = plan.customers[0].alarms.filter { $0.query.builtin == .serverHealth }
        #expect(
            Dictionary(uniqueKeysWithValues: pack.map { ($0.spec.metric, $0.threshold) }) == [
                "connections_used_percent": 90, "wraparound_headroom_percent": 20, "replay_lag_seconds": 60,
                "oldest_idle_in_transaction_seconds": 600,
            ])
        #expect(plan.customers[1].alarms.allSatisfy { $0.query.builtin == nil })
        #expect(plan.customers[0].groups.flatMap(\.queries).contains { $0.name == "server-health" })

        let dashboards = StackTemplates(plan: plan).files.last!.template
        let body = try #require(dashboards["Resources", "Dashboard1", "Properties", "DashboardBody", "Fn::Sub"]?.text)
        #expect(body.contains("server counters, per second"))
        // Every expression is a rate of a metric the same widget defines, hidden, by an id CloudWatch accepts.
        let metrics = CounterRates.metrics(customer: "Customer 1")
        var ids: Set<String> = []
        var expressions: [String] = []
        for entry in metrics {
            guard case .array(let parts) = entry, case .object(let options)? = parts.last else {
                Issue.record("not a metric entry: \(entry)")
                continue
            }
            let id = try #require(options["id"]?.text)
            #expect(id.first!.isLowercase && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
            if let expression = options["expression"]?.text {
                expressions.append(expression)
            } else {
                #expect(options["visible"] == false)
                #expect(parts.count == 7 && parts[0] == "${Namespace}" && parts[5] == "server-health")
                ids.insert(id)
            }
        }
        #expect(expressions.count == CounterRates.counters.count && ids.count == CounterRates.counters.count)
        for (counter, expression) in zip(CounterRates.counters, expressions) {
            #expect(expression == "IF(DIFF(m_\(counter)) >= 0, RATE(m_\(counter)))")
            let referenced = expression.split { "(), >=".contains($0) }.filter { $0.hasPrefix("m_") }
            #expect(referenced.allSatisfy { ids.contains(String($0)) })
        }
        // The widget draws the counters that are metrics: by default the three the alert rules read.
        #expect(CounterRates.counters == ["deadlocks", "xact_commit", "xact_rollback"])
        // The pack's series in the estimate (a primary of the newest major, five states, two databases): the
        // default alarms' metrics and the widget's counters are metrics; replay lag is a standby's.
        let split = CostEstimate.seriesCount(BuiltinPack.serverHealth.definition)
        #expect(split == BuiltinPack.serverHealth.estimatedSeries(as: BuiltinPack.serverHealth.definition))
        #expect(split.metrics == 6 && split.logFields == 23)
    }

    @Test("a dashboard holds at most 500 widgets: customers with the pack take two")
    func dashboardPages() {
        var catalog = Fixtures.catalog(customers: 400)
        for index in catalog.customers.indices { catalog.customers[index].builtin = [.serverHealth] }
        let pages = StackTemplates.dashboardPages(CollectionPlan(catalog: catalog).customers)
        #expect(pages.map(\.count) == [250, 150])
    }

    @Test("the function may publish only into its namespace and read only the catalog's secrets")
    func leastPrivilege() {
        var catalog = Fixtures.catalog(customers: 2)
        catalog.customers[0].secret = "onprem/plant-a"
        let statements = StackTemplates.functionStatements(CollectionPlan(catalog: catalog))
        let publish = statements.first { $0["Action"] == "cloudwatch:PutMetricData" }
        #expect(publish?["Condition"] == ["StringEquals": ["cloudwatch:namespace": ["Ref": "Namespace"]]])
        let secrets = statements.first { $0["Action"] == "secretsmanager:GetSecretValue" }
        #expect(
            secrets?["Resource"]
                == [
                    [
                        "Fn::Sub":
                            "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:onprem/plant-a-??????"
                    ]
                ])
    }

    @Test("a customer gets a state machine and a schedule per interval, its KPI alarms and a health alarm")
    func customerResources() throws {
        let catalog = try Catalog(
            json: Array(
                """
                {"customers": [{"opname": "Plant A", "ip": "h", "database": "d", "version": "1", "threshold": 100,
                                "thresholds": {"open": 4}}],
                 "queries": [{"name": "sessions", "versions": ["1"], "query": "s",
                              "alarms": [{"metric": "active", "dimensions": {"region": "north"}, "periods": 5,
                                          "datapointsToAlarm": 2, "missingData": "notBreaching"}]},
                             {"name": "alarms", "versions": ["1"], "query": "s", "interval": 20,
                              "alarms": [{"metric": "open", "comparison": "GreaterThanOrEqualToThreshold"}]}]}
                """.utf8))
        let plan = try #require(CollectionPlan(catalog: catalog).customers.first)
        let resources = StackTemplates.resources(of: plan)
        let prefix = "C\(plan.key)"
        let types = resources.mapValues { $0["Type"] }
        // The one-minute query rides in the first round of the 20 s machine (issue 29): one of each.
        #expect(types.values.filter { $0 == "AWS::StepFunctions::StateMachine" }.count == 1)
        #expect(types.values.filter { $0 == "AWS::Scheduler::Schedule" }.count == 1)
        #expect(types.values.filter { $0 == "AWS::CloudWatch::Alarm" }.count == 3)
        let machine = try #require(resources["\(prefix)Collect20"]?["Properties"])
        #expect(machine["StateMachineType"] == "EXPRESS")
        #expect(machine["DefinitionSubstitutions"] == ["FunctionArn": ["Ref": "FunctionArn"]])
        let schedule = try #require(resources["\(prefix)Schedule20"]?["Properties"])
        #expect(schedule["ScheduleExpression"] == "rate(1 minute)")
        #expect(schedule["Target", "Arn"] == ["Ref": .string("\(prefix)Collect20")])

        let alarms = resources.values.compactMap { $0["Properties"] }.filter { $0["MetricName"] != nil }
        let active = try #require(alarms.first { $0["MetricName"] == "active" })
        #expect(active["Threshold"] == 100)
        #expect(
            active["Dimensions"]
                == [
                    ["Name": "Customer", "Value": "Plant A"], ["Name": "Query", "Value": "sessions"],
                    ["Name": "region", "Value": "north"],
                ])
        #expect([active["EvaluationPeriods"], active["DatapointsToAlarm"]] == [5, 2])
        #expect(active["TreatMissingData"] == "notBreaching")
        #expect(
            active["AlarmActions"] == ["Fn::If": ["HasTopic", [["Ref": "AlarmTopicArn"]], ["Ref": "AWS::NoValue"]]])
        let open = try #require(alarms.first { $0["MetricName"] == "open" })
        #expect(open["Threshold"] == 4)
        #expect(open["ComparisonOperator"] == "GreaterThanOrEqualToThreshold")
        let health = try #require(resources["\(prefix)Health"]?["Properties"])
        #expect(health["MetricName"] == "QuerySucceeded")
        #expect(health["Dimensions"] == [["Name": "Customer", "Value": "Plant A"]])
        #expect(
            [health["Statistic"], health["ComparisonOperator"], health["TreatMissingData"]] == [
                "Minimum", "LessThanThreshold", "breaching",
            ])
    }

    @Test("2,000 customers fit CloudFormation: every stack under 400 resources and 1 MB, each customer in one")
    func twoThousandCustomers() throws {
        let plan = CollectionPlan(catalog: Fixtures.catalog(customers: 2000))
        let templates = StackTemplates(plan: plan)
        let nested = templates.files.filter { $0.name.hasPrefix("customers-") }
        #expect(nested.count == templates.customerStacks)
        #expect(templates.dashboards == 4)
        var seen: [String: Int] = [:]
        for file in templates.files {
            #expect(file.resources <= StackTemplates.resourcesPerStack, "\(file.name)")
            #expect(file.template.serialized().count <= StackTemplates.templateBytes, "\(file.name)")
            #expect(
                file.template["Resources"]?.objectKeys.count ?? 0 == file.resources || file.name == "dashboards.json")
            for key in file.template["Resources"]?.objectKeys ?? [] where key.hasSuffix("Health") {
                seen[key, default: 0] += 1
            }
        }
        #expect(seen.count == 2000)
        #expect(seen.values.allSatisfy { $0 == 1 })
        let parent = templates.files[0]
        #expect(parent.template["Resources"]?.objectKeys.count ?? 0 < 500)
        // Each customer's stack depends only on its name: a new customer moves no one else.
        let grown = StackTemplates(plan: CollectionPlan(catalog: Fixtures.catalog(customers: 2001)))
        #expect(grown.customerStacks == templates.customerStacks)
        #expect(
            stackOf(templates) == stackOf(grown).filter { $0.key != "C\(CollectionPlan.key("Customer 2001"))Health" })
    }

    @Test("the dashboards: a row per customer, at most 500 rows each, the namespace left for CloudFormation")
    func dashboards() throws {
        let plan = CollectionPlan(catalog: Fixtures.catalog(customers: 501))
        let template = StackTemplates.dashboardTemplate(plan.customers)
        #expect(template["Resources"]?.objectKeys == ["Dashboard1", "Dashboard2"])
        #expect(template["Resources", "Dashboard2", "Properties", "DashboardName"] == ["Fn::Sub": "${Name}-2"])
        guard case .string(let body)? = template["Resources", "Dashboard1", "Properties", "DashboardBody", "Fn::Sub"]
        else {
            Issue.record("no body")
            return
        }
        #expect(body.contains(#"SEARCH('Namespace=\"${Namespace}\" Customer=\"Customer 1\"', 'Average', 60)"#))
        // Its one unit, on the axis, with the alarms' threshold drawn.
        #expect(body.contains(#""yAxis":{"left":{"label":"Count"}}"#))
        #expect(body.contains(#"{"label":"kpi_1, kpi_2, kpi_3, ... > threshold","value":100}"#))
        #expect(body.split(separator: #""type":"metric""#).count - 1 == 500)
    }

    @Test("Fn::Sub text keeps only the named variables; every other ${ is made literal")
    func subEscaping() {
        #expect(
            StackTemplates.subEscaped("${Namespace} ${x} ${AWS::Region}", keeping: ["${Namespace}"])
                == "${Namespace} ${!x} ${!AWS::Region}")
    }

    /// Which nested stack holds each customer's health alarm.
    func stackOf(_ templates: StackTemplates) -> [String: String] {
        var result: [String: String] = [:]
        for file in templates.files where file.name.hasPrefix("customers-") {
            for key in file.template["Resources"]?.objectKeys ?? [] where key.hasSuffix("Health") {
                result[key] = file.name
            }
        }
        return result
    }
}

/// The stack's defences of issue 25 and the versions of issue 26, as values: what moto does not model or check
/// (resources, conditions, alarms, schedules, aliases) is checked here.
@Suite struct StackSecurityTests {
    static let files = StackTemplates(plan: CollectionPlan(catalog: Fixtures.catalog(customers: 2))).files
    static var parent: JSONValue { files[0].template }
    static var customers: JSONValue { files[1].template }

    /// The actions of role `role`'s statements, with `Fn::If` branches taken both ways.
    static func actions(_ role: String) -> Set<String> {
        var found: Set<String> = []
        func visit(_ value: JSONValue) {
            switch value {
            case .object(let fields):
                if let action = fields["Action"] {
                    if case .string(let one) = action { found.insert(one) }
                    for case .string(let each) in action.items { found.insert(each) }
                }
                for (_, member) in fields { visit(member) }
            case .array(let items): items.forEach(visit)
            default: break
            }
        }
        visit(parent["Resources", role, "Properties", "Policies"] ?? .null)
        return found
    }

    @Test("the worker's role holds every call its code makes, DescribeCases among them; the function's its own")
    func roles() {
        #expect(
            Self.actions("CasesRole").isSuperset(of: [
                "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "support:CreateCase", "support:DescribeCases", "support:AddCommunicationToCase", "support:ResolveCase",
                "secretsmanager:GetSecretValue",
            ]))
        #expect(Self.actions("FunctionRole").contains("cloudwatch:PutMetricData"))
        #expect(
            Self.parent[
                "Resources", "FunctionRole", "Properties", "Policies", 0, "PolicyDocument", "Statement", 2,
                "Condition"] == ["StringEquals": ["cloudwatch:namespace": ["Ref": "Namespace"]]])
    }

    @Test("the bootstrap's permissions boundary allows every action of every role the stack makes, and no other")
    func boundary() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let bootstrap = try JSONValue.parse(
            Array(try Data(contentsOf: root.appendingPathComponent("deploy/bootstrap.json"))))
        for environment in ["Staging", "Production"] {
            let statements = bootstrap[
                "Resources", "\(environment)RoleBoundary", "Properties", "PolicyDocument", "Statement"]
            let allowed = Set(statements?.items.first?["Action"]?.items.compactMap(\.text) ?? [])
            let used = ["FunctionRole", "StatesRole", "SchedulerRole", "CasesRole"].reduce(Set<String>()) {
                $0.union(Self.actions($1))
            }
            #expect(
                used.isSubset(of: allowed), "\(environment): not in the boundary: \(used.subtracting(allowed).sorted())"
            )
            #expect(used.contains("cloudwatch:DisableAlarmActions"))
        }
    }

    @Test("trust policies name their source: this account's state machines, the deployment's schedule group")
    func trust() {
        let scheduler = Self.parent[
            "Resources", "SchedulerRole", "Properties", "AssumeRolePolicyDocument", "Statement", 0]
        #expect(scheduler?["Condition", "StringEquals", "aws:SourceAccount"] == ["Ref": "AWS::AccountId"])
        #expect(
            scheduler?["Condition", "ArnLike", "aws:SourceArn"]
                == [
                    "Fn::Sub": "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule-group/${Name}"
                ])
        let states = Self.parent["Resources", "StatesRole", "Properties", "AssumeRolePolicyDocument", "Statement", 0]
        #expect(states?["Condition", "StringEquals", "aws:SourceAccount"] == ["Ref": "AWS::AccountId"])
        #expect(
            Self.parent["Parameters", "Name", "AllowedPattern"] == "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$",
            "no --, so Name--* matches this deployment's state machines only")
    }

    @Test("state machines invoke the live alias, log their failures, and every schedule is in the group")
    func customersStack() throws {
        #expect(
            Self.parent["Resources", "Customers001", "Properties", "Parameters", "FunctionArn"] == [
                "Fn::Sub": "${Function.Arn}:live"
            ])
        #expect(Self.parent["Resources", "FunctionAlias", "Properties", "Name"] == "live")
        #expect(
            Self.parent["Resources", "FunctionAlias", "Properties", "FunctionVersion"] == [
                "Fn::GetAtt": ["FunctionVersion", "Version"]
            ])
        #expect(Self.parent["Resources", "FunctionVersion", "UpdateReplacePolicy"] == "Retain")
        #expect(Self.parent["Resources", "FunctionVersion", "Properties", "CodeSha256"] == ["Ref": "CodeSha256"])
        let resources = try #require(Self.customers["Resources"])
        for key in resources.objectKeys {
            let resource = try #require(resources[key])
            if resource["Type"] == "AWS::StepFunctions::StateMachine" {
                #expect(resource["Properties", "LoggingConfiguration", "Level"] == "ERROR")
                #expect(resource["Properties", "LoggingConfiguration", "IncludeExecutionData"] == false)
                #expect(
                    (resource["Properties", "StateMachineName", "Fn::Sub"]).map { "\($0)".contains("${Name}--") }
                        == true)
            }
            if resource["Type"] == "AWS::Scheduler::Schedule" {
                #expect(resource["Properties", "GroupName"] == ["Ref": "ScheduleGroup"])
            }
        }
    }

    @Test("the topic is under the stack's key, the table recoverable and kept, concurrency bounded")
    func resources() {
        #expect(Self.parent["Resources", "AlarmTopic", "Properties", "KmsMasterKeyId"] == ["Ref": "AlarmTopicKey"])
        #expect(Self.parent["Resources", "AlarmTopicKey", "Properties", "EnableKeyRotation"] == true)
        #expect(
            Self.parent["Resources", "CasesTable", "Properties", "PointInTimeRecoverySpecification"] == [
                "PointInTimeRecoveryEnabled": true
            ])
        #expect(Self.parent["Resources", "CasesTable", "DeletionPolicy"] == "Retain")
        #expect(
            Self.parent["Resources", "CasesEventSource", "Properties", "ScalingConfig"] == ["MaximumConcurrency": 2])
        #expect(
            Self.parent["Resources", "Function", "Properties", "ReservedConcurrentExecutions", "Fn::If", 0]
                == "HasReservedConcurrency")
    }

    /// Issue 30: a site's graph averaged bytes beside percentages beside counts on one axis.
    @Test("a customer's KPIs get a widget per unit, each with its own series and its alarms' thresholds")
    func widgetPerUnit() throws {
        let catalog = Catalog(
            customers: [Customer(opname: "Site 1", host: "h", database: "d", version: "1", threshold: 5)],
            queries: [
                QueryDefinition(
                    name: "q", versions: ["1"], sql: "s", cloudwatchDimension: "q",
                    units: ["size": .bytes, "used": .percent, "sessions": .count],
                    alarms: [
                        AlarmSpec(metric: "used", threshold: 90),
                        AlarmSpec(metric: "sessions", dimensions: ["region": "n"]),
                    ])
            ])
        let panels = StackTemplates.unitPanels(CollectionPlan(catalog: catalog).customers[0])
        #expect(panels.map(\.unit) == ["Bytes", "Count", "Percent"])
        #expect(panels.map(\.metrics) == [["size"], ["sessions"], ["used"]])
        #expect(panels[1].thresholds.map(\.label) == ["sessions (region=n) > threshold"])
        #expect(panels[2].thresholds.map(\.value) == [90])
        #expect(StackTemplates.widths(3) == [8, 8, 8] && StackTemplates.widths(5) == [6, 6, 6, 6, 24])
        let body = try #require(
            StackTemplates.dashboardTemplate(CollectionPlan(catalog: catalog).customers)[
                "Resources", "Dashboard1", "Properties", "DashboardBody", "Fn::Sub"]?.text)
        #expect(body.contains(#"Customer=\"Site 1\" (MetricName=\"used\")"#))
    }

    /// Issue 30: no way to silence a site while it is worked on, short of the console.
    @Test("a maintenance window turns the customer's alarm actions off at its start and on at its end")
    func maintenanceWindows() throws {
        let catalog = try Catalog(
            json: Array(
                #"""
                {"customers": [{"opname": "Site \"7\"", "ip": "h", "database": "d", "version": "1", "threshold": 5,
                  "maintenance": [{"from": "2026-12-10T22:00:00Z", "to": "2026-12-11T02:00:00+01:00"},
                                  {"start": "cron(0 22 ? * SUN *)", "end": "cron(0 2 ? * MON *)",
                                   "timezone": "Europe/Berlin"}]}],
                 "queries": [{"name": "q", "versions": ["1"], "query": "select 1 as m", "alarms": [{"metric": "m"}]}]}
                """#.utf8))
        #expect(
            catalog.customers[0].maintenance.map(\.schedule.start) == [
                "at(2026-12-10T22:00:00)", "cron(0 22 ? * SUN *)",
            ])
        let plan = CollectionPlan(catalog: catalog)
        let resources = StackTemplates.resources(of: plan.customers[0])
        let key = plan.customers[0].key
        let start = try #require(resources["C\(key)Maintenance1Start"])
        #expect(start["Properties", "ScheduleExpression"] == "at(2026-12-10T22:00:00)")
        #expect(resources["C\(key)Maintenance1End"]?["Properties", "ScheduleExpression"] == "at(2026-12-11T01:00:00)")
        #expect(
            start["Properties", "Target", "Arn"]
                == ["Fn::Sub": "arn:${AWS::Partition}:scheduler:::aws-sdk:cloudwatch:disableAlarmActions"])
        #expect(
            resources["C\(key)Maintenance2End"]?["Properties", "Target", "Arn"]
                == ["Fn::Sub": "arn:${AWS::Partition}:scheduler:::aws-sdk:cloudwatch:enableAlarmActions"])
        #expect(resources["C\(key)Maintenance2Start"]?["Properties", "ScheduleExpressionTimezone"] == "Europe/Berlin")
        // The input, with the stack's name put in, is the JSON DisableAlarmActions takes: every alarm of the customer.
        var text = ""
        for piece in start["Properties", "Target", "Input", "Fn::Join", 1]?.items ?? [] {
            text += piece.text ?? "onprem-watch"
        }
        let input = try JSONValue.parse(Array(text.utf8))
        #expect(
            input == [
                "AlarmNames": [#"onprem-watch | Site "7" | q m"#, #"onprem-watch | Site "7" | collection"#]
            ])
        #expect(
            Set(StackSecurityTests.actions("SchedulerRole")).isSuperset(of: [
                "cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions",
            ]))
    }

    @Test(
        "a maintenance window the stack cannot carry out is refused",
        arguments: [
            (#"{"from": "2026-12-11T00:00:00Z", "to": "2026-12-10T00:00:00Z"}"#, "to must be after from"),
            (#"{"from": "tonight", "to": "2026-12-10T00:00:00Z"}"#, "from and to are RFC 3339 times"),
            (#"{"start": "0 22 * * 0", "end": "cron(0 2 ? * MON *)"}"#, "is not a Scheduler cron expression"),
            (
                #"{"start": "cron(0 22 ? * SUN *)", "end": "cron(0 2 ? * MON *)", "timezone": "Berlin time"}"#,
                "timezone"
            ),
            (#"{"from": "2026-12-10T00:00:00Z", "to": "2026-12-10T01:00:00Z", "until": "x"}"#, "unknown key \"until\""),
        ])
    func badMaintenance(window: String, message: String) {
        let json =
            #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1", "maintenance": ["#
            + window + #"]}], "queries": []}"#
        #expect {
            _ = try Catalog(json: Array(json.utf8))
        } throws: { error in
            (error as? CatalogError)?.message.contains(message) == true
        }
    }

    /// Issue 28: CloudWatch has no counter type; alarms and dashboards on cumulative columns take their rate.
    @Test("counters: alarms compare the per-second rate through metric math, dashboards draw it, the plan says so")
    func counters() throws {
        let catalog = try Catalog(
            json: Array(
                #"""
                {"builtin": ["server-health"], "builtinAlarms": {"server-health": [{"metric": "deadlocks", "threshold": 0.1}]},
                 "customers": [{"opname": "Site 1", "ip": "h", "database": "d", "version": "1", "threshold": 100}],
                 "queries": [{"name": "db", "versions": ["1"], "query": "select xact_commit as commits from x",
                              "units": {"commits": "Count"}, "counters": ["commits"],
                              "alarms": [{"metric": "commits", "threshold": 500}]}]}
                """#.utf8))
        let plan = CollectionPlan(catalog: catalog)
        let resources = StackTemplates.resources(of: plan.customers[0])
        let alarms = resources.values.filter {
            $0["Type"] == "AWS::CloudWatch::Alarm" && $0["Properties", "Metrics"] != nil
        }
        // The query's counter and the pack's deadlocks, each an expression of the rate; nothing else is a rate.
        #expect(alarms.count == 2)
        for alarm in alarms {
            #expect(alarm["Properties", "Metrics", 1, "Expression"] == "IF(DIFF(m) >= 0, RATE(m))")
            #expect(alarm["Properties", "Metrics", 0, "ReturnData"] == false)
            #expect(alarm["Properties", "MetricName"] == nil && alarm["Properties", "Statistic"] == nil)
        }
        let thresholds = alarms.compactMap { alarm -> Double? in
            guard case .number(let value)? = alarm["Properties", "Threshold"] else { return nil }
            return value
        }
        #expect(Set(thresholds) == [500, 0.1])
        let change = CatalogChange(from: Catalog(customers: [], queries: []), to: catalog)
        #expect(change.markdown.contains("GreaterThanThreshold 500 per second"))
        let panels = StackTemplates.unitPanels(plan.customers[0])
        #expect(panels.map(\.unit).contains("per second"))
        let body = try #require(
            StackTemplates.dashboardTemplate(plan.customers)[
                "Resources", "Dashboard1", "Properties", "DashboardBody", "Fn::Sub"]?.text)
        #expect(
            body.contains(
                #"RATE(SEARCH('Namespace=\"${Namespace}\" Customer=\"Site 1\" (MetricName=\"commits\")', 'Maximum', 60))"#
            ))
    }

    @Test("builtinAlarms names a pack and its metric, or is refused with the nearest")
    func badBuiltinAlarms() {
        for (alarms, message) in [
            (
                #"{"server-health": [{"metric": "deadlock"}]}"#,
                "deadlock is no metric of the pack; did you mean deadlocks?"
            ),
            (#"{"server-wealth": []}"#, "builtinAlarms.server-wealth is not one of"),
        ] {
            let json = #"{"builtinAlarms": "# + alarms + #", "customers": [], "queries": []}"#
            #expect {
                _ = try Catalog(json: Array(json.utf8))
            } throws: { error in
                (error as? CatalogError)?.message.contains(message) == true
            }
        }
    }

    @Test("an alarm's series carries the catalog's dimensions, as every datum of its query does")
    func constantDimensionsInAlarms() throws {
        let catalog = try Catalog(
            json: Array(
                #"""
                {"customers": [{"opname": "Site 1", "ip": "h", "database": "d", "version": "1", "threshold": 1,
                                "dimensions": {"env": "prod"}}],
                 "queries": [{"name": "q", "versions": ["1"], "query": "select 1 as m", "dimensions": {"tier": "gold"},
                              "alarms": [{"metric": "m"}]}]}
                """#.utf8))
        let resources = StackTemplates.resources(of: CollectionPlan(catalog: catalog).customers[0])
        let alarm = try #require(
            resources.values.first { $0["Type"] == "AWS::CloudWatch::Alarm" && $0["Properties", "MetricName"] == "m" })
        let names = alarm["Properties", "Dimensions"]?.items.compactMap { $0["Name"]?.text }
        #expect(names == ["Customer", "Query", "env", "tier"])
    }

    @Test("units and counters name columns, alarms the published metric: a renamed counter is still a rate")
    func renamedCounter() throws {
        let catalog = try Catalog(
            json: Array(
                #"""
                {"customers": [{"opname": "Site 1", "ip": "h", "database": "d", "version": "1", "threshold": 1}],
                 "queries": [{"name": "db", "versions": ["1"], "query": "select xact_commit from pg_stat_database",
                              "units": {"xact_commit": "Count"}, "counters": ["xact_commit"],
                              "metricNames": {"xact_commit": "commits"}, "alarms": [{"metric": "commits"}]}]}
                """#.utf8))
        let query = catalog.queries[0]
        #expect(query.knownMetrics == ["commits"] && query.isCounter("commits") && query.unit(of: "commits") == .count)
        let customer = CollectionPlan(catalog: catalog).customers[0]
        let alarm = try #require(
            StackTemplates.resources(of: customer).values.first { $0["Properties", "Metrics"] != nil })
        #expect(alarm["Properties", "Metrics", 0, "MetricStat", "Metric", "MetricName"] == "commits")
        #expect(StackTemplates.unitPanels(customer).map(\.metrics) == [["commits"]])
    }
}
