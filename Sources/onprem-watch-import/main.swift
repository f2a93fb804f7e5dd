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
import CatalogImport

#if canImport(Glibc)
    import Glibc
#endif

/// `onprem-watch import FORMAT FILE... [--out FILE] [--versions 1]` (issue 28): another tool's own files in, a
/// catalog fragment out (JSON, to stdout or `--out`), and on stderr a report of every key and usage that was not
/// carried over and why.
///
/// A binary of its own, beside `onprem-watch`, which runs it for `onprem-watch import`: its YAML and TOML
/// libraries (libyaml, toml++ in C++) stay out of the Lambda function's zip. Exits 1 when a file cannot be read or
/// is not one the tool would read; the report's lines are warnings, and leave the exit status 0.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onprem-watch import",
        abstract: "Write catalog queries and customers from another tool's files.",
        discussion: """
            Formats: postgres-exporter (queries.yaml), sql-exporter (collector files, sql_exporter.yml), telegraf \
            ([[inputs.postgresql_extensible]] TOML), datadog (the postgres check's conf.yaml). The report on stderr \
            says what was not carried over and why; passwords never are (put the login in a secret). \
            docs/importing.md has an example per tool.
            """)

    @Argument(help: "The tool: \(ImportFormat.names.joined(separator: ", ")).")
    var format: String

    @Argument(help: "The tool's files.")
    var files: [String]

    @Option(help: "Write the catalog fragment to this file instead of stdout.")
    var out: String?

    @Option(
        help: ArgumentHelp(
            "The customer versions the queries serve (repeat, or separate with commas); customers get the first.",
            valueName: "version"))
    var versions: [String] = ["1"]

    func validate() throws {
        guard ImportFormat(rawValue: format) != nil else {
            throw ValidationError(
                "unknown format \"\(format)\"; one of \(ImportFormat.names.joined(separator: ", "))")
        }
        guard !files.isEmpty else { throw ValidationError("give at least one file") }
        guard !versionList.isEmpty else { throw ValidationError("--versions lists no version") }
    }

    /// `--versions 1,2` and `--versions 1 --versions 2` alike.
    var versionList: [String] {
        versions.flatMap { $0.split(separator: ",") }.map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
    }

    func run() throws {
        guard let format = ImportFormat(rawValue: format) else { throw ExitCode.validationFailure }
        let local = LocalFiles()
        do {
            var sources: [ImportSource] = []
            for path in files { sources.append(ImportSource(path: path, text: try local.read(path))) }
            let catalog = try CatalogImporter(format: format, versions: versionList, files: local).run(sources)
            for note in catalog.notes { printError("warning: \(note)") }
            printError(
                "imported \(catalog.queries.count) queries and \(catalog.customers.count) customers from "
                    + "\(files.count) files; \(catalog.notes.count) report lines")
            let json = catalog.json()
            if let out {
                guard let file = fopen(out, "wb") else {
                    printError("error: cannot write \(out): \(String(cString: strerror(errno)))")
                    throw ExitCode.failure
                }
                let bytes = Array(json.utf8)
                let written = fwrite(bytes, 1, bytes.count, file)
                guard fclose(file) == 0, written == bytes.count else {
                    printError("error: cannot write \(out)")
                    throw ExitCode.failure
                }
            } else {
                print(json, terminator: "")
            }
        } catch let error as ImportError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}

/// A line on stderr: the report, apart from the fragment on stdout.
func printError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

ImportCommand.main()
