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
import LambdaRuntime
import Logging
import MetricModel
import Testing

@testable import MetricsCollector
@testable import PostgresClient

/// The metrics handler against the real PostgreSQL started by `make test` (databases ops_v1 and ops_v2).
@Suite(.serialized, .enabled(if: LiveServices.postgresPort != nil, "needs ONPREM_TEST_PG_PORT (make test)"))
struct PostgresTests {
    let port = LiveServices.postgresPort ?? 0

    var catalog: Catalog {
        Catalog(
            customers: [
                Customer(
                    opname: "Customer 1", host: "127.0.0.1", port: port, database: "ops_v1", version: "1",
                    threshold: 100),
                Customer(
                    opname: "Customer 2", host: "127.0.0.1", port: port, database: "ops_v2", version: "2", threshold: 50
                ),
                Customer(opname: "Down", host: "127.0.0.1", port: 1, database: "ops_v1", version: "1"),
                // Its database is this suite's alone: connectionReuse counts connections to it.
                Customer(opname: "Reused", host: "127.0.0.1", port: port, database: "ops_reuse", version: "1"),
                Customer(
                    opname: "Second host", host: "", database: "ops_v1", version: "1",
                    hosts: [HostAddress(host: "127.0.0.1", port: 1), HostAddress(host: "127.0.0.1", port: port)]),
                Customer(
                    opname: "Standby only", host: "127.0.0.1", port: port, database: "ops_v1", version: "1",
                    targetSessionAttrs: .standby),
                Customer(
                    opname: "Prefer standby", host: "127.0.0.1", port: port, database: "ops_v1", version: "1",
                    targetSessionAttrs: .preferStandby),
                Customer(
                    opname: "TLS", host: "localhost", port: port, database: "ops_v1", version: "1",
                    sslmode: .verifyFull,
                    sslrootcert: LiveServices.environment["ONPREM_TEST_PG_CA"]),
                Customer(
                    opname: "Wrong CA", host: "localhost", port: port, database: "ops_v1", version: "1",
                    sslmode: .verifyFull,
                    sslrootcert: LiveServices.environment["ONPREM_TEST_PG_WRONG_CA"]),
            ],
            queries: [
                QueryDefinition(
                    name: "demo-query", versions: ["1"],
                    sql: "select row_to_json(row) from (select random() as test_metric) row",
                    cloudwatchDimension: "demo"),
                QueryDefinition(
                    name: "demo-query", versions: ["2"],
                    sql: "select row_to_json(row) from (select 5 + random() as test_metric) row",
                    cloudwatchDimension: "demo"),
                QueryDefinition(
                    name: "types", versions: ["1"],
                    sql: """
                        select 'north'::text as region, 'x'::varchar as tier, 1::int2 as a_int2, 2::int4 as a_int4,
                               3::int8 as a_int8, 1.5::float4 as a_float4, 2.5::float8 as a_float8, 12.25::numeric as a_numeric,
                               true as a_bool, false as b_bool, null::int as a_null, 'NaN'::float8 as a_nan,
                               'NaN'::numeric as b_nan, 'Infinity'::float8 as a_inf, current_date as a_date,
                               now() - interval '1 minute' as timestamp, '-1234.5'::money as a_money,
                               1234567.89::money as b_money, interval '1 day 2 hours 3.5 seconds' as a_interval,
                               interval '-90 seconds' as b_interval, now() as started_at
                        """,
                    cloudwatchDimension: "types", units: ["a_int4": .count]),
                QueryDefinition(
                    name: "rows", versions: ["1"],
                    sql: "select g::text as shard, g * 10 as load from generate_series(1, 5) g",
                    cloudwatchDimension: "rows"),
                QueryDefinition(
                    name: "slow", versions: ["1"], sql: "select pg_sleep(30)::text as s, 1 as one",
                    cloudwatchDimension: "slow"),
                QueryDefinition(
                    name: "broken", versions: ["1"], sql: "select * from no_such_table",
                    cloudwatchDimension: "broken"),
                QueryDefinition(
                    name: "write", versions: ["1"], sql: "delete from alarms returning 1 as n",
                    cloudwatchDimension: "write"),
            ])
    }

    func handler(password: String = LiveServices.postgresPassword) -> MetricsHandler {
        MetricsHandler(catalog: catalog, publishReserve: .milliseconds(200), tls: LiveServices.tls) { _, _ in
            LiveServices.login(password: password)
        }
    }

    func context(timeout: Duration = .seconds(30)) -> LambdaContext {
        LambdaContext(
            requestID: "test", invokedFunctionARN: "", traceID: nil,
            deadline: Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + timeout.milliseconds),
            logger: Logger(label: "test"))
    }

    func invoke(_ handler: MetricsHandler, _ event: String, timeout: Duration = .seconds(30)) throws -> [String: Any] {
        let bytes = try handler.handle(Array(event.utf8), context: context(timeout: timeout))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func datapoints(_ output: [String: Any], query: Int = 0) -> [[String: Any]] {
        let queries = output["queries"] as? [[String: Any]] ?? []
        return queries.indices.contains(query) ? queries[query]["datapoints"] as? [[String: Any]] ?? [] : []
    }

    func errorType(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return ErrorPayload(error).errorType
        }
    }

    @Test("each customer runs the variant of its version: version 2's demo query returns 5 + random()")
    func versions() throws {
        let handler = handler()
        let v1 = try #require(
            datapoints(try invoke(handler, #"{"customer": "Customer 1", "query": "demo-query"}"#)).first)
        let v2 = try #require(
            datapoints(try invoke(handler, #"{"customer": "Customer 2", "query": "demo-query"}"#)).first)
        #expect((v1["value"] as? Double ?? -1) < 1)
        #expect((v2["value"] as? Double ?? -1) >= 5)
        #expect(v2["dimensions"] as? [String: String] == ["Customer": "Customer 2", "Query": "demo"])
    }

    @Test("every column type maps as documented, against real PostgreSQL result types")
    func columnTypes() throws {
        let output = try invoke(handler(), #"{"customer": "Customer 1", "query": "types"}"#)
        let points = datapoints(output)
        let values = Dictionary(
            uniqueKeysWithValues: points.map { ($0["name"] as? String ?? "", $0["value"] as? Double ?? .nan) })
        #expect(
            values == [
                "a_int2": 1, "a_int4": 2, "a_int8": 3, "a_float4": 1.5, "a_float8": 2.5, "a_numeric": 12.25,
                "a_bool": 1, "b_bool": 0, "a_money": -1234.5, "b_money": 1_234_567.89,
                "a_interval": 93_603.5, "b_interval": -90,
            ])
        let first = try #require(points.first)
        #expect(
            first["dimensions"] as? [String: String] == [
                "Customer": "Customer 1", "Query": "types", "region": "north", "tier": "x",
            ])
        #expect(points.first { $0["name"] as? String == "a_int4" }?["unit"] as? String == "Count")
        let timestamp = try #require(first["timestamp"] as? String)
        let age = Deadline.nowEpochMilliseconds() - (RowMapper.parseTimestamp(timestamp) ?? 0)
        #expect(age > 50_000 && age < 70_000, "the row's timestamp column (one minute ago) sets the time")
        let skipped = (output["queries"] as? [[String: Any]])?.first?["skipped"] as? [[String: Any]] ?? []
        let reasons = Dictionary(
            uniqueKeysWithValues: skipped.map { ($0["name"] as? String ?? "", $0["reason"] as? String ?? "") })
        #expect(reasons["a_null"] == "null")
        #expect(reasons["a_nan"] == "NaN")
        #expect(reasons["b_nan"] == "NaN")
        #expect(reasons["a_inf"] == "infinite")
        #expect(reasons["a_date"]?.hasPrefix("unsupported column type") == true)
        // Issue 30: a timestamptz not named timestamp was dropped without a word.
        #expect(reasons["started_at"]?.hasPrefix("a time is not a metric") == true)
    }

    @Test("several rows give several datapoints, each with its row's dimensions")
    func severalRows() throws {
        let points = datapoints(try invoke(handler(), #"{"customer": "Customer 1", "query": "rows"}"#))
        #expect(points.count == 5)
        #expect(
            Set(points.compactMap { ($0["dimensions"] as? [String: String])?["shard"] }) == ["1", "2", "3", "4", "5"])
    }

    @Test("a slow query is cancelled at the deadline with Postgres.Timeout, in time, and the next query works")
    func slowQueryCancelled() throws {
        let handler = handler()
        let started = Deadline.nowEpochMilliseconds()
        let type = errorType {
            try invoke(handler, #"{"customer": "Customer 1", "query": "slow"}"#, timeout: .seconds(2))
        }
        let elapsed = Deadline.nowEpochMilliseconds() - started
        #expect(type == "Postgres.Timeout")
        #expect(elapsed < 2000, "answered before the invocation's deadline (took \(elapsed) ms)")
        #expect(datapoints(try invoke(handler, #"{"customer": "Customer 1", "query": "demo-query"}"#)).count == 1)
    }

    @Test("a wrong password is Postgres.AuthFailed; a server that is down is Postgres.ConnectFailed")
    func loginAndDown() {
        #expect(
            errorType { try invoke(handler(password: "wrong"), #"{"customer": "Customer 1", "query": "demo-query"}"#) }
                == "Postgres.AuthFailed")
        #expect(
            errorType { try invoke(handler(), #"{"customer": "Down", "query": "demo-query"}"#) }
                == "Postgres.ConnectFailed")
    }

    @Test(
        "several hosts: a refused first host is passed over; a primary is refused for standby, kept for prefer-standby")
    func multiHost() throws {
        let handler = handler()
        #expect(datapoints(try invoke(handler, #"{"customer": "Second host", "query": "demo-query"}"#)).count == 1)
        do {
            _ = try invoke(handler, #"{"customer": "Standby only", "query": "demo-query"}"#)
            Issue.record("a primary was accepted as a standby")
        } catch let error as PostgresError {
            #expect(error.code == .connectFailed)
            #expect(error.message.contains("standby"), "\(error.message)")
        }
        #expect(datapoints(try invoke(handler, #"{"customer": "Prefer standby", "query": "demo-query"}"#)).count == 1)
    }

    @Test("a query that hangs costs its share of a multi-query payload's time: the query after it still runs")
    func hungQueryCostsItsShare() throws {
        let started = Deadline.nowEpochMilliseconds()
        let output = try invoke(
            handler(), #"{"customer": "Customer 1", "queries": ["slow", "demo-query"]}"#, timeout: .seconds(4))
        let elapsed = Deadline.nowEpochMilliseconds() - started
        let queries = try #require(output["queries"] as? [[String: Any]])
        #expect(queries.map { $0["status"] as? String } == ["error", "ok"])
        #expect((queries[0]["error"] as? [String: Any])?["errorType"] as? String == "Postgres.Timeout")
        #expect(elapsed < 4000, "answered before the invocation's deadline (took \(elapsed) ms)")
        #expect((queries[0]["durationMs"] as? Double ?? 0) < 2500, "the slow query took more than its half")
    }

    @Test("a failing query is Postgres.QueryFailed with its SQLSTATE; writes are refused by the read-only transaction")
    func queryFailures() throws {
        do {
            _ = try invoke(handler(), #"{"customer": "Customer 1", "query": "broken"}"#)
            Issue.record("no error")
        } catch let error as PostgresError {
            #expect(error.errorType == "Postgres.QueryFailed")
            #expect(error.sqlState == "42P01")
        }
        do {
            _ = try invoke(handler(), #"{"customer": "Customer 1", "query": "write"}"#)
            Issue.record("a write went through")
        } catch let error as PostgresError {
            #expect(error.sqlState == "25006", "read_only_sql_transaction")
        }
    }

    @Test("a multi-query payload reports each query's error and still returns the others' metrics")
    func multiQuery() throws {
        let output = try invoke(handler(), #"{"customer": "Customer 1", "queries": ["demo-query", "broken", "nope"]}"#)
        let queries = try #require(output["queries"] as? [[String: Any]])
        #expect(queries.map { $0["status"] as? String } == ["ok", "error", "error"])
        #expect((queries[1]["error"] as? [String: Any])?["errorType"] as? String == "Postgres.QueryFailed")
        #expect((queries[2]["error"] as? [String: Any])?["errorType"] as? String == "Catalog.UnknownQuery")
        #expect(output["status"] as? String == "partial")
        #expect(output["datapointCount"] as? Int == 1)
    }

    /// Issue 28: every database of a server, within ONPREM_MAX_CONNECTIONS, one failing alone.
    @Test("an eachDatabase query runs in each listed database with a database dimension; one failing fails alone")
    func eachDatabase() throws {
        var catalog = self.catalog
        catalog.customers[0].databases = .list(["ops_v1", "ops_v2", "no_such_database", "ops_reuse"])
        var here = QueryDefinition(
            name: "here", versions: ["1"],
            sql: "select count(*)::int as backends_here from pg_stat_activity where datname = current_database()",
            cloudwatchDimension: "here")
        here.eachDatabase = true
        catalog.queries.append(here)
        let handler = MetricsHandler(
            catalog: catalog, publishReserve: .milliseconds(200), maxIdleConnections: 2, tls: LiveServices.tls
        ) { _, _ in LiveServices.login() }
        let output = try invoke(handler, #"{"customer": "Customer 1", "query": "here"}"#)
        let query = try #require((output["queries"] as? [[String: Any]])?.first)
        #expect(query["status"] as? String == "partial")
        let databases = try #require(query["databases"] as? [[String: Any]])
        #expect(databases.map { $0["database"] as? String } == ["ops_v1", "ops_v2", "no_such_database", "ops_reuse"])
        #expect(databases.map { $0["status"] as? String } == ["ok", "ok", "error", "ok"])
        #expect((databases[2]["error"] as? [String: Any])?["errorType"] as? String == "Postgres.ConnectFailed")
        let points = datapoints(output).filter { $0["name"] as? String == "backends_here" }
        let dimensions = points.compactMap { ($0["dimensions"] as? [String: String])?["database"] }
        #expect(dimensions == ["ops_v1", "ops_v2", "ops_reuse"])
        // Four databases, two idle connections kept at most.
        #expect(handler.openConnections <= 2)
        // "all": the server's databases that take connections, less the excluded ones.
        catalog.customers[0].databases = .all(excluding: ["ops_reuse", "postgres"])
        let all = MetricsHandler(catalog: catalog, publishReserve: .milliseconds(200), tls: LiveServices.tls) { _, _ in
            LiveServices.login()
        }
        let found = try invoke(all, #"{"customer": "Customer 1", "query": "here"}"#)
        let names = ((found["queries"] as? [[String: Any]])?.first?["databases"] as? [[String: Any]] ?? [])
            .compactMap { $0["database"] as? String }
        #expect(names.contains("ops_v1") && names.contains("ops_v2") && !names.contains("ops_reuse"))
        #expect(!names.contains("template1") && !names.contains("postgres"))
    }

    @Test("one connection per endpoint is reused across invocations (pg_stat_activity)")
    func connectionReuse() throws {
        let handler = handler()
        for _ in 0..<5 { _ = try invoke(handler, #"{"customer": "Reused", "query": "demo-query"}"#) }
        #expect(handler.openConnections == 1)
        let count = try countConnections()
        #expect(count == 1, "the server sees \(count) onprem-watch connections")
    }

    @Test("the server restarted between two invocations: the second reconnects and succeeds")
    func serverRestart() throws {
        let handler = handler()
        _ = try invoke(handler, #"{"customer": "Customer 1", "query": "demo-query"}"#)
        let restart = try #require(LiveServices.environment["ONPREM_TEST_PG_RESTART"])
        #expect(Shell.run(restart) == 0)
        #expect(datapoints(try invoke(handler, #"{"customer": "Customer 1", "query": "demo-query"}"#)).count == 1)
    }

    @Test("TLS with sslmode=verify-full under the test CA works, and is refused under a wrong CA")
    func tls() throws {
        let handler = handler()
        #expect(datapoints(try invoke(handler, #"{"customer": "TLS", "query": "demo-query"}"#)).count == 1)
        #expect(
            errorType { try invoke(handler, #"{"customer": "Wrong CA", "query": "demo-query"}"#) }
                == "Postgres.ConnectFailed")
    }

    @Test(
        "with the CloudWatch sink, the KPIs and the health datapoints land in moto and the output says so",
        .enabled(if: LiveServices.environment["ONPREM_TEST_MOTO"] != nil, "needs moto (make test)"))
    func publishesToCloudWatch() throws {
        // Under the function role's own statements, as in AWS.
        let role = try LiveServices.roleIdentity(
            catalog: #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1"}], "queries": []}"#,
            role: "FunctionRole")
        let environment = [
            "AWS_ACCESS_KEY_ID": role.accessKeyID, "AWS_SECRET_ACCESS_KEY": role.secretAccessKey,
            "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": LiveServices.environment["ONPREM_TEST_MOTO"] ?? "",
            "ONPREM_NAMESPACE": "OnPremWatchHandlerTest",
        ]
        let handler = MetricsHandler(
            catalog: catalog, publishReserve: .milliseconds(200),
            sink: try MetricsSinkChoice.from(environment: environment),
            tls: LiveServices.tls
        ) { _, _ in LiveServices.login() }
        let output = try invoke(handler, #"{"customer": "Customer 1", "queries": ["rows", "broken"]}"#)
        let published = try #require(output["published"] as? [String: Any])
        #expect(published["sink"] as? String == "cloudwatch")
        #expect(published["requests"] as? Int == 1)
        // 5 rows, plus QuerySucceeded and QueryDuration for each of the two queries.
        #expect(published["datapoints"] as? Int == 9)
        let read = try CloudWatchClientTests.readBack(
            namespace: "OnPremWatchHandlerTest", name: "QuerySucceeded", customer: "Customer 1")
        #expect(read["sampleCount"] as? Double == 2)
        #expect(read["sum"] as? Double == 1, "one query succeeded, one failed")
    }

    /// Issue 29: a log field costs its bytes, not a metric.
    @Test(
        "a log field never reaches PutMetricData: moto holds the metric and not the log field; the output counts it",
        .enabled(if: LiveServices.environment["ONPREM_TEST_MOTO"] != nil, "needs moto (make test)"))
    func logFieldsStayInTheLog() throws {
        let role = try LiveServices.roleIdentity(
            catalog: #"{"customers": [{"opname": "c", "ip": "h", "database": "d", "version": "1"}], "queries": []}"#,
            role: "FunctionRole")
        let namespace = "OnPremWatchLogFieldsTest"
        let environment = [
            "AWS_ACCESS_KEY_ID": role.accessKeyID, "AWS_SECRET_ACCESS_KEY": role.secretAccessKey,
            "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": LiveServices.environment["ONPREM_TEST_MOTO"] ?? "",
            "ONPREM_NAMESPACE": namespace,
        ]
        var split = QueryDefinition(
            name: "split", versions: ["1"], sql: "select 7 as kept, 9 as logged", cloudwatchDimension: "split")
        split.logFields = ["logged"]
        var catalog = self.catalog
        catalog.queries.append(split)
        let handler = MetricsHandler(
            catalog: catalog, publishReserve: .milliseconds(200),
            sink: try MetricsSinkChoice.from(environment: environment), tls: LiveServices.tls
        ) { _, _ in LiveServices.login() }
        let output = try invoke(handler, #"{"customer": "Customer 1", "query": "split"}"#)
        let published = try #require(output["published"] as? [String: Any])
        #expect(published["logFields"] as? Int == 1)
        // kept, logged, QuerySucceeded and QueryDuration: all four in the output, three sent.
        #expect(published["datapoints"] as? Int == 4 && published["datums"] as? Int == 3)
        let script = """
            import boto3, json, os, sys
            cloudwatch = boto3.client("cloudwatch", endpoint_url=os.environ["ONPREM_TEST_MOTO"], region_name="eu-west-1",
                aws_access_key_id=os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
            print(json.dumps(sorted({m["MetricName"] for m in cloudwatch.list_metrics(Namespace=sys.argv[1])["Metrics"]})))
            """
        let names = try Command.output("/usr/bin/env", ["python3", "-c", script, namespace])
        #expect(names.contains("\"kept\"") && !names.contains("logged"), "\(names)")
    }

    @Test("a payload with SQL text is refused before anything runs")
    func inlineSQLRefused() {
        #expect(
            errorType {
                try invoke(
                    handler(), #"{"customer": "Customer 1", "query": {"name": "x", "query": "select 1 as one"}}"#)
            }
                == "Event.InlineSQLRefused")
    }

    /// Counts this function's connections as the server sees them, through a second, separate handler.
    private func countConnections() throws -> Int {
        let probe = MetricsHandler(
            catalog: Catalog(
                customers: [
                    Customer(opname: "probe", host: "127.0.0.1", port: port, database: "postgres", version: "1")
                ],
                queries: [
                    QueryDefinition(
                        name: "count", versions: ["1"],
                        sql:
                            "select count(*) as n from pg_stat_activity where application_name = 'onprem-watch' and datname = 'ops_reuse'",
                        cloudwatchDimension: "count")
                ]),
            tls: LiveServices.tls, credentials: { _, _ in LiveServices.login() })
        let output = try invoke(probe, #"{"customer": "probe", "query": "count"}"#)
        return Int(datapoints(output).first?["value"] as? Double ?? -1)
    }
}
