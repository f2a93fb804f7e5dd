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
import CatalogModel
import Core
import JSON
import PostgresClient
import Testing

@testable import StackSynth

@Suite struct StateMachineDefinitionTests {
    @Test("the retried names are the error codes' own: the generator, which cannot link those types, spells them")
    func transientNamesAreCodes() {
        let codes = [
            PostgresError.Code.connectFailed.name, PostgresError.Code.timeout.name,
            PostgresError.Code.connectionLost.name, PostgresError.Code.tooManyConnections.name,
            SecretsError.Code.unavailable.name, CloudWatchError.Code.throttled.name,
            CloudWatchError.Code.publishFailed.name,
        ]
        #expect(StateMachineDefinition.retryableErrors == codes)
    }

    static let customer = Customer(opname: "Plant A", host: "h", database: "d", version: "1")
    static func query(_ name: String) -> QueryDefinition {
        QueryDefinition(name: name, versions: ["1"], sql: "s", cloudwatchDimension: name)
    }

    @Test("one Parallel runs a branch per query; each invokes the function with the single-query payload")
    func everyMinute() throws {
        let group = CollectionPlan.Group(interval: 60, queries: [Self.query("sessions"), Self.query("alarms")])
        let definition = StateMachineDefinition.make(customer: Self.customer, group: group)
        #expect(definition["StartAt"] == "Collect")
        #expect(definition["States"]?.objectKeys == ["Collect"])
        let collect = try #require(definition["States", "Collect"])
        #expect(collect["Type"] == "Parallel")
        #expect(collect["End"] == true)
        let branches = try #require(collect["Branches"]).items
        #expect(branches.count == 2)
        let task = try #require(branches[0]["States", "Run sessions"])
        #expect(task["Resource"] == "arn:aws:states:::lambda:invoke")
        #expect(
            task["Parameters"] == [
                "FunctionName": "${FunctionArn}", "Payload": ["customer": "Plant A", "query": "sessions"],
            ])
        #expect(task["Catch"] == [["ErrorEquals": ["States.ALL"], "Next": "sessions failed"]])
        let failed = try #require(branches[0]["States", "sessions failed"])
        #expect(failed["Type"] == "Pass")
        #expect(failed["Parameters", "error.$"] == "$.Error")
        #expect(branches[1]["StartAt"] == "Run alarms")
    }

    @Test("retries cover Lambda's service errors and the function's transient errors, not its permanent ones")
    func retries() throws {
        let group = CollectionPlan.Group(interval: 60, queries: [Self.query("q")])
        let task = try #require(
            StateMachineDefinition.make(customer: Self.customer, group: group)[
                "States", "Collect", "Branches", 0,
                "States", "Run q"])
        let retry = try #require(task["Retry"]).items
        #expect(retry.count == 2)
        #expect(retry[0]["ErrorEquals"]?.items.contains("Lambda.TooManyRequestsException") == true)
        #expect(
            retry[1]["ErrorEquals"]
                == [
                    "Postgres.ConnectFailed", "Postgres.Timeout", "Postgres.ConnectionLost",
                    "Postgres.TooManyConnections", "Secrets.Unavailable", "CloudWatch.Throttled",
                    "CloudWatch.PublishFailed",
                ])
        #expect(retry[1]["MaxAttempts"] == 2)
        let retried = retry.flatMap { $0["ErrorEquals"]?.items ?? [] }
        for permanent in ["Postgres.QueryFailed", "Catalog.UnknownCustomer", "Event.Invalid", "States.ALL"] {
            #expect(!retried.contains(.string(permanent)))
        }
    }

    @Test("under a minute one execution loops: collect, count the round, wait the interval, until the minute is full")
    func subMinute() throws {
        let group = CollectionPlan.Group(interval: 20, queries: [Self.query("q")])
        let definition = StateMachineDefinition.make(customer: Self.customer, group: group)
        #expect(definition["StartAt"] == "First round")
        #expect(
            definition["States"]?.objectKeys == ["Collect", "Done", "First round", "Last round?", "Next round", "Wait"])
        #expect(definition["States", "First round", "Parameters"] == ["round": 1])
        #expect(definition["States", "Collect", "ResultPath"] == "$.results")
        #expect(definition["States", "Collect", "Next"] == "Last round?")
        #expect(definition["States", "Last round?", "Choices", 0, "NumericGreaterThanEquals"] == 3)
        #expect(definition["States", "Wait", "Seconds"] == 20)
        #expect(definition["States", "Next round", "Parameters", "round.$"] == "States.MathAdd($.round, 1)")
        // Retries must fit between rounds.
        let retry = try #require(definition["States", "Collect", "Branches", 0, "States", "Run q", "Retry"]).items
        #expect(retry.map { $0["MaxAttempts"] } == [1, 1])
    }

    @Test("one-minute queries in a sub-minute machine run once, beside the rounds, with a minute's retries")
    func onceBesideTheRounds() throws {
        var group = CollectionPlan.Group(interval: 20, queries: [Self.query("fast"), Self.query("minute")])
        group.onceAMinute = ["minute"]
        let definition = StateMachineDefinition.make(customer: Self.customer, group: group)
        #expect(definition["StartAt"] == "Rounds" && definition["States"]?.objectKeys == ["Rounds"])
        let branches = try #require(definition["States", "Rounds", "Branches"]).items
        #expect(branches.count == 2)
        // The loop, as without one-minute queries: its Collect runs the 20 s query only.
        #expect(branches[0]["StartAt"] == "First round")
        #expect(branches[0]["States", "Collect", "Branches", 0, "StartAt"] == "Run fast")
        #expect(branches[0]["States", "Collect", "Branches"]?.items.count == 1)
        #expect(branches[0]["States", "Wait", "Seconds"] == 20)
        // The one-minute query once, retried as a minute's query is.
        let once = try #require(branches[1]["States", "Once a minute", "Branches", 0])
        #expect(once["StartAt"] == "Run minute")
        #expect(once["States", "Run minute", "Retry"]?.items.map { $0["MaxAttempts"] } == [3, 2])
    }

    @Test("state names stay within 80 characters and apart when long query names are cut")
    func longNames() throws {
        let long = String(repeating: "x", count: 100)
        let group = CollectionPlan.Group(interval: 60, queries: [Self.query(long + "1"), Self.query(long + "2")])
        let branches = try #require(
            StateMachineDefinition.make(customer: Self.customer, group: group)["States", "Collect", "Branches"]
        ).items
        let names = branches.flatMap { $0["States"]?.objectKeys ?? [] }
        #expect(Set(names).count == 4)
        #expect(names.allSatisfy { $0.count <= 80 })
        // A name cut to fit keeps its prefix and suffix: a query's states stay apart (review of issue 29).
        let run = StateMachineDefinition.stateName(long, prefix: "Run ", 0)
        let failed = StateMachineDefinition.stateName(long, suffix: " failed", 0)
        #expect(run != failed && run.hasPrefix("1 Run ") && failed.hasSuffix(" failed"))
        #expect(run.count <= 80 && failed.count <= 80)
    }
}
