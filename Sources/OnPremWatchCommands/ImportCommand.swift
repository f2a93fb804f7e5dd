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
import Glibc

/// `onprem-watch import FORMAT FILE...`: catalog queries from another tool's own files (issue 28, docs/importing.md).
///
/// The importers read YAML and TOML with Yams and TOMLKit, whose C and C++ code has no place in the Lambda
/// function: they live in the executable `onprem-watch-import`, built beside this one (`swift build`), which
/// this command runs with the same arguments, as `git` runs `git-foo`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write catalog queries from postgres_exporter, sql_exporter, Telegraf or Datadog files.",
        discussion: """
            FORMAT is postgres-exporter, sql-exporter, telegraf or datadog. The catalog fragment goes to stdout \
            (or --out FILE), what could not be carried over to stderr. Runs onprem-watch-import, built beside \
            this binary by `swift build`; docs/importing.md has an example per tool.
            """)

    @Argument(parsing: .allUnrecognized, help: "FORMAT FILE... [--out FILE] [--versions V]")
    var arguments: [String] = []

    func run() throws {
        let path = Self.sibling()
        guard access(path, X_OK) == 0 else {
            throw ValidationError(
                "\(path) is not there: build it with `swift build --product onprem-watch-import` (it is not part of "
                    + "the Lambda zip)")
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        throw ValidationError("could not run \(path): \(String(cString: strerror(errno)))")
    }

    /// `onprem-watch-import` in the folder of this binary (Linux's `/proc/self/exe`, however it was started).
    static func sibling() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let own = count > 0 ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let folder = own.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (folder.isEmpty ? "." : folder) + "/onprem-watch-import"
    }
}
