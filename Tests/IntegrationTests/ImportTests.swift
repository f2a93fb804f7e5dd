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

/// The importers end to end (issue 28): each tool's own files imported by `onprem-watch-import`, the imported queries
/// run by the real binary against the test PostgreSQL, and their datapoints compared with what the original tool
/// publishes, computed by `import_e2e.py` from the original SQL and the tool's semantics.
@Suite struct ImportTests {
    /// `onprem-watch-import`, built beside `onprem-watch` (`ONPREM_IMPORT_BINARY` to give another).
    static var importBinary: String {
        LiveServices.environment["ONPREM_IMPORT_BINARY"]
            ?? URL(fileURLWithPath: LiveServices.binary).deletingLastPathComponent()
            .appendingPathComponent("onprem-watch-import").path
    }

    @Test(
        "each tool's files imported, run on PostgreSQL, and equal to what the tool publishes from the same SQL",
        .enabled(
            if: LiveServices.postgresPort != nil && LiveServices.environment["ONPREM_SERVICES_DIR"] != nil,
            "needs the test services (make test)"))
    func importedQueriesPublishWhatTheToolDid() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("import-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("import_e2e.py")
        let (exit, data) = try Command.run(
            "/usr/bin/env", ["python3", script.path, LiveServices.binary, Self.importBinary, work.path])
        let text = String(decoding: data, as: UTF8.self)
        #expect(exit == 0, "import_e2e.py exited \(exit): \(text.suffix(4000))")
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tools = try #require(report["tools"] as? [String: [String: Any]])
        #expect(Set(tools.keys) == ["postgres-exporter", "sql-exporter", "telegraf", "datadog"])

        func queries(_ tool: String) -> [String: [String: Any]] {
            let list = tools[tool]?["queries"] as? [[String: Any]] ?? []
            return Dictionary(list.map { ($0["query"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        }
        func status(_ tool: String, _ query: String) -> String? { queries(tool)[query]?["status"] as? String }

        for (name, tool) in tools.sorted(by: { $0.key < $1.key }) {
            #expect((tool["import"] as? [String: Any])?["exit"] as? Int == 0, "\(name): the import failed")
            for (query, entry) in queries(name).sorted(by: { $0.key < $1.key }) {
                #expect(entry["status"] as? String != "mismatch", "\(name) \(query): \(entry)")
                if entry["status"] as? String == "skipped" {
                    #expect((entry["reason"] as? String)?.isEmpty == false, "\(name) \(query) skipped without a reason")
                }
            }
        }
        #expect(report["ok"] as? Bool == true)

        // postgres_exporter: seven namespaces compared value for value, the two that need what the server lacks
        // skipped, the random one run only.
        #expect((tools["postgres-exporter"]?["comparedWithValues"] as? Int ?? 0) >= 7)
        for namespace in [
            "pg_replication", "pg_postmaster", "pg_stat_user_tables", "pg_statio_user_tables", "pg_database",
            "pg_process_idle", "pg_locks_mode",
        ] {
            #expect(status("postgres-exporter", namespace) == "equal", "\(namespace)")
        }
        #expect(status("postgres-exporter", "pg_stat_statements") == "skipped")
        #expect(status("postgres-exporter", "pg_wal") == "skipped")
        #expect(queries("postgres-exporter")["pg_locks_mode"]?["series"] as? Int == 8)

        // sql_exporter: every named query of both collectors; the two over the whole cluster by shape.
        #expect((tools["sql-exporter"]?["comparedWithValues"] as? Int ?? 0) >= 7)
        #expect(status("sql-exporter", "_srv_pg_stat_database") == "equal")
        #expect(status("sql-exporter", "_db_pg_stat_activity") == "shape")

        // Telegraf: pg_stat_database, pg_stat_bgwriter, the blocked sessions of the README's view, the
        // application table with its tags; the extensions' queries skipped; sample.conf's SQL fails as written.
        #expect((tools["telegraf"]?["comparedWithValues"] as? Int ?? 0) >= 4)
        let blocking = queries("telegraf")["postgresql/7"]
        #expect(blocking?["status"] as? String == "equal" && blocking?["series"] as? Int == 2)
        #expect(blocking?["blocked"] as? Bool == true)
        #expect(status("telegraf", "postgresql/8") == "equal")
        #expect(status("telegraf", "postgresql/3") == "skipped" && status("telegraf", "postgresql/5") == "skipped")
        #expect(status("telegraf", "pg_stat_database") == "skipped")

        // Datadog: the check's own integration test, custom.num 97, 98, 99 with customtag a, b, c.
        for query in ["custom", "another_custom_one", "global_custom"] {
            #expect(status("datadog", query) == "equal" && queries("datadog")[query]?["series"] as? Int == 3)
        }
    }
}
