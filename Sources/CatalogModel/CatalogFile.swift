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

import Core

extension Catalog {
    /// The catalog shipped with the function: `ONPREM_CATALOG`, else `catalog.json` in `LAMBDA_TASK_ROOT`.
    ///
    /// - Throws: `Catalog.Invalid` naming the file and the bad entry.
    public init(environment: [String: String]) throws(CatalogError) {
        try self.init(path: environment["ONPREM_CATALOG"] ?? "\(environment["LAMBDA_TASK_ROOT"] ?? ".")/catalog.json")
    }

    /// The catalog in file `path`, validated as the function validates it (`synth` and `plan` read theirs so too).
    ///
    /// - Throws: `Catalog.Invalid` naming the file and the bad entry.
    public init(path: String) throws(CatalogError) {
        guard let bytes = FileBytes.read(path) else {
            throw CatalogError(.invalid, "cannot read the catalog at \(path)")
        }
        do {
            try self.init(json: bytes)
        } catch {
            throw CatalogError(.invalid, "\(path): \(error.message)")
        }
    }
}
