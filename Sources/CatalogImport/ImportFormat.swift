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

/// The tools whose own files `onprem-watch import FORMAT FILE...` reads (issue 28), by the name the command takes.
public enum ImportFormat: String, CaseIterable, Sendable {
    /// prometheus-community/postgres_exporter's `queries.yaml` (`--extend.query-path`).
    case postgresExporter = "postgres-exporter"
    /// burningalchemist/sql_exporter's collector files and its `sql_exporter.yml`.
    case sqlExporter = "sql-exporter"
    /// Telegraf's `[[inputs.postgresql_extensible]]` and its `[[inputs.postgresql_extensible.query]]` tables.
    case telegraf
    /// The Datadog Agent's postgres check `conf.yaml`: its `custom_queries` and instances.
    case datadog

    /// The names, as the command line and its help list them.
    public static var names: [String] { allCases.map(\.rawValue) }
}
