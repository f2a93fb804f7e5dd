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

/// One file given to the import: its path as given, and its text.
public struct ImportSource: Equatable, Sendable {
    /// The path as the command line gave it; other files it names (a Telegraf `script`, sql_exporter's
    /// `collector_files`) are found relative to its folder.
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// The folder of ``path``, for the files it names; empty for the current folder.
    public var folder: String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    /// `reference` as a path: absolute as it is, otherwise relative to this file's folder.
    public func resolve(_ reference: String) -> String {
        reference.hasPrefix("/") ? reference : folder + reference
    }
}

/// How an importer reads the files a file names: a Telegraf query's `script`, a sql_exporter configuration's
/// `collector_files` globs. The command gives ``LocalFiles``; a test may give fixtures.
public protocol ImportFileAccess: Sendable {
    /// The text of the file at `path`.
    ///
    /// - Throws: `Import.UnreadableFile` naming `path`.
    func read(_ path: String) throws(ImportError) -> String

    /// The paths that match `pattern` (a glob: `*`, `?`, `[...]`), sorted; none when nothing matches.
    func glob(_ pattern: String) -> [String]
}
