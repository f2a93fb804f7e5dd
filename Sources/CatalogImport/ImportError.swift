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

/// Why an import stopped: a file that cannot be read, or that the tool itself would refuse.
///
/// What the catalog cannot carry over is not an error: it is an ``ImportNote`` of the report, and the import goes
/// on. An error names the file and, where there is one, the key (`queries.yaml: pg_database.master: must be true or
/// false`), so that the person moving in finds it in their own file.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stable code, in the project's `Category.Reason` form; codes can grow without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidFile = "Import.InvalidFile"
            case unreadableFile = "Import.UnreadableFile"
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The file is not YAML or TOML, or not of the shape the format's tool reads (a key it refuses, a required
        /// key missing, a value of the wrong type).
        public static let invalidFile = Code(.invalidFile)
        /// The file (or a file it names: a Telegraf `script`, a sql_exporter `collector_files` glob) cannot be read.
        public static let unreadableFile = Code(.unreadableFile)

        /// The wire name, `Import.Reason`.
        public var name: String { base.rawValue }
        public var description: String { name }
    }

    public let code: Code
    /// The file, as it was given.
    public let file: String
    /// What is wrong, naming the key; never the file's SQL or a password.
    public let message: String

    public init(_ code: Code, file: String, _ message: String) {
        self.code = code
        self.file = file
        self.message = message
    }

    public var description: String { "\(code.name): \(file): \(message)" }
}
