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

/// What can be told of a query's SQL without a server: whether it is one statement.
///
/// A query is run as one statement in a read-only transaction; two (`select 1; select 2`) failed only at run time
/// (issue 30). `onprem-watch check` asks the server too (a prepared statement is one statement), but the catalog
/// refuses the obvious case at load, where every tool sees it.
enum SQLText {
    /// Why `sql` is not one statement, if it is not: a `;` followed by more than whitespace and comments, outside
    /// string literals, quoted identifiers, dollar-quoted strings and comments.
    static func statementProblem(_ sql: String) -> String? {
        // Empty statements (`;;`) are nothing to PostgreSQL's parser; only a second statement is refused.
        SQLStatement(sql).count > 1 ? "has more than one statement (a \";\" with more after it); give one" : nil
    }
}
