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
import Foundation
import JSON
import Testing

@testable import CatalogImport

/// The other tools' own files (Tests/Fixtures/importers), read as the command reads files, with paths relative to
/// one tool's folder so that the report names them as a person would give them.
struct FixtureFiles: ImportFileAccess {
    static let importers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/importers").path

    /// The tool's folder, `Tests/Fixtures/importers/<tool>`.
    let root: String

    init(_ tool: String) { root = Self.importers + "/" + tool }

    private func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }

    func read(_ path: String) throws(ImportError) -> String {
        do {
            return try LocalFiles().read(absolute(path))
        } catch {
            throw ImportError(error.code, file: path, error.message)
        }
    }

    func glob(_ pattern: String) -> [String] {
        LocalFiles().glob(absolute(pattern)).map {
            $0.hasPrefix(root + "/") ? String($0.dropFirst(root.count + 1)) : $0
        }
    }

    /// A fixture as the import's source, named by its path in the tool's folder.
    func source(_ path: String) throws -> ImportSource {
        ImportSource(path: path, text: try read(path))
    }

    /// Imports the fixtures `paths` (and `extra` sources written by the test) as `format`.
    func run(_ format: ImportFormat, _ paths: [String], extra: [ImportSource] = []) throws -> ImportedCatalog {
        try CatalogImporter(format: format, versions: ["1"], files: self).run(paths.map(source) + extra)
    }
}

enum Fragment {
    /// The fragment, with a customer of version 1 besides its own, loaded as the function loads a catalog: every
    /// query and customer an import writes must pass the catalog's checks.
    @discardableResult
    static func load(_ catalog: ImportedCatalog) throws -> Catalog {
        guard case .object(var root) = try JSONValue.parse(Array(catalog.json().utf8)),
            case .array(var customers)? = root["customers"]
        else { throw POSIXError(.EINVAL) }
        customers.append(["opname": "e2e", "ip": "127.0.0.1", "database": "ops", "version": "1"])
        root["customers"] = .array(customers)
        return try Catalog(json: JSONValue.object(root).serialized())
    }

    /// The query named `name`.
    static func query(_ name: String, in catalog: ImportedCatalog) throws -> ImportedQuery {
        try #require(catalog.queries.first { $0.name == name }, "no query \(name): \(catalog.queries.map(\.name))")
    }
}
