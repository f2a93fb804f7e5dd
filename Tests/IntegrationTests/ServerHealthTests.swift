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

import Foundation
import Testing

/// The `server-health` pack against a real PostgreSQL primary and its streaming standby, with what it should see
/// made to happen first (`server_health_e2e.py`), collected as a role with only `pg_monitor`.
@Suite struct ServerHealthTests {
    struct Point {
        var name: String
        var value: Double
        var unit: String
        var dimensions: [String: String]
    }

    static func points(_ section: Any?) throws -> (points: [Point], skipped: Int, status: String?) {
        let section = try #require(section as? [String: Any])
        let points = try #require(section["datapoints"] as? [[String: Any]]).map {
            Point(
                name: $0["name"] as? String ?? "", value: $0["value"] as? Double ?? .nan,
                unit: $0["unit"] as? String ?? "",
                dimensions: $0["dimensions"] as? [String: String] ?? [:])
        }
        return (points, (section["skipped"] as? [Any])?.count ?? -1, section["status"] as? String)
    }

    @Test(
        "connections, an idle transaction, a deadlock, replication both ways, sizes and counters, as pg_monitor",
        .enabled(if: LiveServices.postgresPort != nil, "needs the test services (make test)"))
    func primaryAndStandby() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("server-health-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        // The cluster runs as `postgres`, which must be able to reach its directory.
        _ = try? Command.output("/bin/chmod", ["755", work.path])
        defer { try? FileManager.default.removeItem(at: work) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "server_health_e2e.py")
        let output = try Command.output("/usr/bin/env", ["python3", script.path, LiveServices.binary, work.path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect((report["deadlockErrors"] as? [String]) == ["40P01"])

        let primary = try Self.points(report["primary"])
        #expect(primary.status == "ok" && primary.skipped == 0)
        func value(_ name: String, _ dimensions: [String: String] = [:], in points: [Point]) -> Double? {
            points.first { $0.name == name && $0.dimensions == dimensions }?.value
        }
        #expect(value("max_connections", in: primary.points) == 60)
        #expect((value("connections", ["state": "idle"], in: primary.points) ?? 0) >= 3)
        #expect((value("connections", ["state": "idle in transaction"], in: primary.points) ?? 0) >= 1)
        #expect((value("idle_in_transaction_sessions", in: primary.points) ?? 0) >= 1)
        #expect((value("oldest_idle_in_transaction_seconds", in: primary.points) ?? 0) >= 2)
        #expect((value("connections_used_percent", in: primary.points) ?? 0) > 5)
        #expect((value("deadlocks", in: primary.points) ?? 0) >= 1)
        #expect(value("is_standby", in: primary.points) == 0)
        let headroom = value("wraparound_headroom_percent", in: primary.points) ?? 0
        #expect(headroom > 99 && headroom <= 100)
        #expect((value("database_size_bytes", ["database": "ops"], in: primary.points) ?? 0) > 1_000_000)
        #expect((0...100).contains(value("cache_hit_percent", in: primary.points) ?? -1))
        #expect((value("wal_bytes", in: primary.points) ?? 0) > 0)
        #expect(value("checkpoints_timed", in: primary.points) != nil)
        let replica = try #require(primary.points.first { $0.name == "replica_streaming" })
        #expect(replica.value == 1 && replica.dimensions["replica"] != nil)
        #expect(primary.points.first { $0.name == "oldest_idle_in_transaction_seconds" }?.unit == "Seconds")

        let standby = try Self.points(report["standby"])
        #expect(standby.status == "ok" && standby.skipped == 0)
        #expect(value("is_standby", in: standby.points) == 1)
        #expect((value("replay_lag_bytes", in: standby.points) ?? 0) > 0)
        #expect((value("replay_lag_seconds", in: standby.points) ?? 0) >= 2)
        #expect(value("replay_lag_seconds", in: primary.points) == nil)
    }
}
