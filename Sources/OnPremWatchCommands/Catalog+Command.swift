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

extension Catalog {
    /// The catalog at `path` for a subcommand: a broken one is a usage error with the entry named, as
    /// ArgumentParser prints it, not a crash.
    static func forCommand(_ path: String) throws -> Catalog {
        do {
            return try Catalog(path: path)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
