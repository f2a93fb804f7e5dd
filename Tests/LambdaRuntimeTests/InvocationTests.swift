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
import CurlHTTP
import Testing

@testable import LambdaRuntime

@Suite struct InvocationTests {
    @Test("every /next header is read into the invocation")
    func readsHeaders() throws {
        let response = HTTPResponse(
            status: 200,
            headers: [
                (name: "Lambda-Runtime-Aws-Request-Id", value: "req-1"),
                (name: "Lambda-Runtime-Deadline-Ms", value: "1790000001000"),
                (name: "Lambda-Runtime-Invoked-Function-Arn", value: "arn:aws:lambda:eu-west-1:1:function:f"),
                (name: "Lambda-Runtime-Trace-Id", value: "Root=1-a"),
                (name: "Lambda-Runtime-Client-Context", value: "{}"),
                (name: "Lambda-Runtime-Cognito-Identity", value: "{\"id\":1}"),
                (name: "Lambda-Runtime-Aws-Tenant-Id", value: "tenant"),
            ], body: Array("{}".utf8))
        let invocation = try Invocation(response: response, now: 1_790_000_000_000)
        #expect(invocation.requestID == "req-1")
        #expect(invocation.deadline.epochMilliseconds == 1_790_000_001_000)
        #expect(invocation.invokedFunctionARN == "arn:aws:lambda:eu-west-1:1:function:f")
        #expect(invocation.traceID == "Root=1-a")
        #expect(invocation.clientContext == "{}")
        #expect(invocation.cognitoIdentity == "{\"id\":1}")
        #expect(invocation.tenantID == "tenant")
        #expect(invocation.event == Array("{}".utf8))
    }

    @Test("an answer without a request id is an error, not a crash")
    func missingRequestID() {
        #expect(throws: RuntimeError.self) {
            try Invocation(response: HTTPResponse(status: 200, body: [1]), now: 0)
        }
    }

    @Test(
        "a request id that is not a plain token is refused: it would go into the request line of /response",
        arguments: ["a b", "a\rb", "a\tb", "../next", "..", "a/b", "a?b", "é", String(repeating: "a", count: 257)])
    func unsafeRequestID(id: String) {
        let response = HTTPResponse(
            status: 200, headers: [(name: "Lambda-Runtime-Aws-Request-Id", value: id)], body: [1])
        let error = #expect(throws: RuntimeError.self) {
            try Invocation(response: response, now: 0)
        }
        #expect(error?.code == .invalidRequestID)
    }

    @Test("Lambda's UUID request ids and cargo-lambda's are accepted")
    func safeRequestID() throws {
        for id in ["8476a536-e9f4-11e8-9739-2dfe598c3fcd", "a.b_c~d"] {
            let response = HTTPResponse(status: 200, headers: [(name: "Lambda-Runtime-Aws-Request-Id", value: id)])
            #expect(try Invocation(response: response, now: 0).requestID == id)
        }
    }

    @Test("any 2xx is success for a post, only 200 for /next; 413 and 5xx have their own codes")
    func statusMapping() throws {
        try CurlRuntimeClient.check(HTTPResponse(status: 202), expected: 202, call: "post")
        try CurlRuntimeClient.check(HTTPResponse(status: 200), expected: 202, call: "post")
        #expect(throws: RuntimeError.self) {
            try CurlRuntimeClient.check(HTTPResponse(status: 204), expected: 200, call: "next")
        }
        let codes: [(Int, RuntimeError.Code)] = [(413, .responseTooLarge), (500, .nonRecoverable), (403, .rejected)]
        for (status, code) in codes {
            do {
                try CurlRuntimeClient.check(HTTPResponse(status: status), expected: 202, call: "post")
                Issue.record("status \(status) passed")
            } catch {
                #expect(error.code == code)
            }
        }
    }
}
