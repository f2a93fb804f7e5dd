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
import LambdaRuntime
import Logging
import MetricModel
import PostgresClient

/// What the `statements` pack needs before it runs (issue 28): the extension's version and schema from the
/// server's own answer, so that the SQL fits the view it reads, and the reason when it cannot run (not installed,
/// not loaded, a schema the login may not use): a pack skipped with its reason, rather than an error in the
/// customer's server log at every interval.
extension MetricsHandler {
    func statements(
        _ pack: QueryDefinition, for customer: Customer, queriesLeft: Int, context: LambdaContext
    ) throws -> Result<QueryDefinition, BuiltinPack.StatementsUnavailable> {
        var answer = ProbeAnswer()
        try run(ProbeAnswer.probe, for: customer, into: &answer, queriesLeft: queriesLeft, context: context)
        return answer.resolving(pack)
    }

    /// Writes a row's text fields (``CatalogModel/QueryDefinition/logText``) to the function's log, one line per
    /// row with its dimensions (`Customer`, `Query` and the row's, as the row's metric line has them, so one Logs
    /// Insights filter finds both): the logger escapes control characters and cuts long values.
    static func textLogger(context: LambdaContext) -> ((RowMapper.LoggedText) -> Void)? {
        { text in
            var metadata: Logger.Metadata = [:]
            for field in text.dimensions + text.fields { metadata[field.name] = "\(field.value)" }
            context.logger.info("row text", metadata: metadata)
        }
    }
}

/// The probe's one row, by column name.
struct ProbeAnswer: RowReceiver {
    private var names: [String] = []
    private var cells: [String?] = []

    subscript(name: String) -> String? {
        names.firstIndex(of: name).flatMap { cells.indices.contains($0) ? cells[$0] : nil }
    }

    /// The probe, run before the pack by the function and by `check`.
    static let probe = QueryDefinition(
        name: "statements-probe", versions: [], sql: BuiltinPack.statementsProbe, cloudwatchDimension: "statements")

    /// The `statements` pack as it runs on the server that answered: its SQL for the extension found, no longer
    /// chosen by the server's version (`builtin` cleared), or why it cannot run.
    func resolving(_ pack: QueryDefinition) -> Result<QueryDefinition, BuiltinPack.StatementsUnavailable> {
        BuiltinPack.statements(
            installed: self["installed"] == "t", loaded: self["loaded"] == "t", usable: self["usable"] == "t",
            version: self["extversion"], schema: self["schema"]
        ).map { sql in
            var resolved = pack
            resolved.sql = sql
            resolved.builtin = nil
            return resolved
        }
    }

    mutating func columns(_ columns: [ResultTable.Column]) { names = columns.map(\.name) }
    mutating func row(_ row: ResultRow) { cells = row.cells }
}
