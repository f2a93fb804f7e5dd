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

@testable import CatalogImport

/// Names from another tool's file, quoted for PostgreSQL.
@Suite struct SQLNamesTests {
    @Test(
        "identifiers are bare where PostgreSQL reads them back as the same name, quoted otherwise",
        arguments: [
            ("seq_scan", "seq_scan"), ("count", "count"), ("user", "\"user\""),
            ("LastUpdateTime", "\"LastUpdateTime\""),
            ("event.total", "\"event.total\""), ("a\"b", "\"a\"\"b\""), ("1st", "\"1st\""), ("_x1", "_x1"),
        ])
    func identifier(name: String, sql: String) {
        #expect(SQLNames.identifier(name) == sql)
    }

    @Test("literals double their quotes")
    func literal() {
        #expect(SQLNames.literal("it's") == "'it''s'")
    }
}
