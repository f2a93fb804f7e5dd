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

/// The import: another tool's files in, a catalog fragment and its report out.
///
/// Pure but for the files that the given files name (a Telegraf `script`, sql_exporter's `collector_files`), which
/// it reads through `files`.
public struct CatalogImporter: Sendable {
    public var format: ImportFormat
    /// The customer versions every imported query serves, and every imported customer's version (the first).
    public var versions: [String]
    public var files: any ImportFileAccess

    public init(format: ImportFormat, versions: [String] = ["1"], files: any ImportFileAccess = LocalFiles()) {
        self.format = format
        self.versions = versions.isEmpty ? ["1"] : versions
        self.files = files
    }

    /// Imports `sources`, in order.
    ///
    /// - Throws: `Import.InvalidFile` or `Import.UnreadableFile` naming the file (and the key): the first file the
    ///   tool itself would refuse.
    public func run(_ sources: [ImportSource]) throws(ImportError) -> ImportedCatalog {
        var catalog = ImportedCatalog()
        switch format {
        case .postgresExporter:
            let importer = PostgresExporterImporter(versions: versions)
            for source in sources { try importer.run(source, into: &catalog) }
        case .sqlExporter:
            try SQLExporterImporter(versions: versions, files: files).run(sources, into: &catalog)
        case .telegraf:
            let importer = TelegrafImporter(versions: versions, files: files)
            for source in sources { try importer.run(source, into: &catalog) }
        case .datadog:
            let importer = DatadogImporter(versions: versions)
            for source in sources { try importer.run(source, into: &catalog) }
        }
        return catalog
    }
}
