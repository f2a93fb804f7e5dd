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
import Testing

@testable import CurlHTTP

@Suite struct HTTPResponseTests {
    @Test("lookups are case-insensitive and return the first value")
    func headerLookup() {
        let response = HTTPResponse(status: 200, headers: [(name: "X-A", value: "1"), (name: "x-a", value: "2")])
        #expect(response.header("x-A") == "1")
        #expect(response.header("X-a") == "1")
        #expect(response.header("x-") == nil)
        #expect(response.header("missing") == nil)
    }
}
