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

@testable import LambdaRuntime

@Suite struct RuntimeEndpointTests {
    @Test(
        "AWS_LAMBDA_RUNTIME_API is accepted as host:port or as a URL with a prefix",
        arguments: [
            ("127.0.0.1:9001", "http://127.0.0.1:9001/2018-06-01"),
            ("localhost:9001/", "http://localhost:9001/2018-06-01"),
            ("http://[::]:9001/.rt", "http://[::1]:9001/.rt/2018-06-01"),
            ("http://0.0.0.0:9001/.rt/", "http://127.0.0.1:9001/.rt/2018-06-01"),
            ("HTTP://host:1/a/b", "http://host:1/a/b/2018-06-01"),
        ])
    func parses(value: String, base: String) {
        #expect(RuntimeEndpoint(value)?.baseURL == base)
    }

    @Test("values without a host are refused", arguments: ["", ":9001", "ftp://host:1", "http://"])
    func refuses(value: String) {
        #expect(RuntimeEndpoint(value) == nil)
    }

    @Test("the call paths follow the 2018-06-01 API")
    func paths() throws {
        let endpoint = try #require(RuntimeEndpoint("h:1"))
        #expect(endpoint.nextPath == "/2018-06-01/runtime/invocation/next")
        #expect(endpoint.responsePath("id") == "/2018-06-01/runtime/invocation/id/response")
        #expect(endpoint.errorPath("id") == "/2018-06-01/runtime/invocation/id/error")
        #expect(endpoint.initErrorPath == "/2018-06-01/runtime/init/error")
        #expect(endpoint.origin == "http://h:1")
    }
}
