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

import Testing

@testable import CatalogModel

/// Where a tool's statement ends, so that it can be wrapped, and whether it is one.
@Suite struct SQLStatementTests {
    @Test(
        "the body without trailing semicolons, comments and spaces; the count of statements",
        arguments: [
            ("SELECT 1", "SELECT 1", 1),
            ("SELECT 1;", "SELECT 1", 1),
            ("  SELECT 1 ;;\n", "SELECT 1", 1),
            ("SELECT 1 -- the end", "SELECT 1", 1),
            ("SELECT 1; -- done\n/* really */", "SELECT 1", 1),
            ("SELECT ';' AS a; ", "SELECT ';' AS a", 1),
            ("SELECT \"a;b\" FROM t", "SELECT \"a;b\" FROM t", 1),
            ("SELECT $$;$$, $x$ ; $x$", "SELECT $$;$$, $x$ ; $x$", 1),
            ("SELECT E'it\\'s;' AS a;", "SELECT E'it\\'s;' AS a", 1),
            ("SELECT $1::int", "SELECT $1::int", 1),
            ("/* a /* nested ; */ comment */ SELECT 2", "/* a /* nested ; */ comment */ SELECT 2", 1),
            ("SELECT 1; SELECT 2", "SELECT 1; SELECT 2", 2),
            ("-- nothing\n", "", 0),
            ("; SELECT 1", "SELECT 1", 1),
            ("-- lead\n;; SELECT 1;", "SELECT 1", 1),
            ("SELECT x$y$z, 1 FROM t$a$; SELECT 2", "SELECT x$y$z, 1 FROM t$a$; SELECT 2", 2),
        ])
    func statement(sql: String, body: String, count: Int) {
        let statement = SQLStatement(sql)
        #expect(statement.body == body)
        #expect(statement.count == count)
        #expect((statement.problem == nil) == (count == 1))
    }
}
