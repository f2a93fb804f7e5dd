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

import ArgumentParser
import CatalogModel
import Core
import Glibc
import JSON
import StackSynth

#if canImport(Glibc)
    import Glibc
#endif

/// Prints what changing the catalog from `--base` to `--catalog` does: customers, schedules, alarms and the monthly
/// bill, as Markdown for a pull request or JSON for tools.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a catalog change does: customers, queries and schedules, alarms, and the monthly cost."
    )

    @Option(help: "The catalog before the change (the base branch's).")
    var base: String

    @Option(help: "The catalog after the change.")
    var catalog = "catalog.json"

    @Flag(help: "Print JSON instead of Markdown.")
    var json = false

    @Flag(help: "Exit 2 when the change changes something (0 when it changes nothing).")
    var exitCode = false

    func run() throws {
        let after = try Self.load(catalog)
        let change = CatalogChange(from: try Self.load(base), to: after)
        // On stderr, so that the plan's Markdown or JSON stays as it is.
        for warning in after.warnings {
            let line = Array("warning: \(warning)\n".utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
        let text = json ? String(decoding: change.json.serialized(pretty: true), as: UTF8.self) : change.markdown
        print(text)
        if exitCode && !change.isEmpty { throw ExitCode(2) }
    }

    /// A catalog, validated as the function validates it: a broken one stops the plan, naming the entry.
    static func load(_ path: String) throws -> Catalog { try Catalog.forCommand(path) }
}
