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

import CurlHTTP
import Testing

@testable import AWSClients

@Suite struct AWSFailureTests {
    @Test("error codes are read from the query and JSON protocols' headers and bodies")
    func errorCodes() {
        #expect(
            AWSFailure.errorCode(
                HTTPResponse(status: 400, headers: [(name: "x-amzn-query-error", value: "Throttling;Sender")]))
                == "Throttling")
        #expect(
            AWSFailure.errorCode(
                HTTPResponse(status: 400, body: Array("<Error><Code>InvalidParameterValue</Code></Error>".utf8)))
                == "InvalidParameterValue")
        #expect(
            AWSFailure.errorCode(
                HTTPResponse(
                    status: 400,
                    body: Array(#"{"__type": "com.amazonaws#ResourceNotFoundException", "message": "x"}"#.utf8)))
                == "ResourceNotFoundException")
    }

    @Test("throttling and 5xx are retryable; 403, not found and other 4xx are not")
    func classification() {
        #expect(AWSFailure.classify(HTTPResponse(status: 200), operation: "op") == nil)
        let throttled = AWSFailure.classify(
            HTTPResponse(status: 400, body: Array("<Code>Throttling</Code>".utf8)), operation: "op")
        #expect(throttled?.kind == .throttled && throttled?.retryable == true)
        #expect(AWSFailure.classify(HTTPResponse(status: 503), operation: "op")?.retryable == true)
        #expect(AWSFailure.classify(HTTPResponse(status: 403), operation: "op")?.kind == .accessDenied)
        let missing = AWSFailure.classify(
            HTTPResponse(status: 400, body: Array(#"{"__type":"ResourceNotFoundException"}"#.utf8)), operation: "op")
        #expect(missing?.kind == .notFound && missing?.retryable == false)
    }

    @Test("a secret is JSON with username and password inside SecretString; anything else is Secrets.Invalid")
    func parsesSecrets() throws {
        let login = try SecretsManagerClient.parse(
            Array(#"{"SecretString": "{\"username\":\"u\",\"password\":\"p\"}"}"#.utf8), id: "s")
        #expect(login.username == "u" && login.password == "p")
        #expect(throws: SecretsError.self) {
            try SecretsManagerClient.parse(Array(#"{"SecretString": "plain"}"#.utf8), id: "s")
        }
    }

    @Test("backoff grows exponentially up to its cap, with full jitter")
    func backoff() {
        let policy = RetryPolicy(base: .milliseconds(50), cap: .seconds(1))
        #expect(policy.delay(attempt: 1, random: 0.999) <= .milliseconds(50))
        #expect(policy.delay(attempt: 3, random: 0.999) > .milliseconds(150))
        #expect(policy.delay(attempt: 30, random: 0.999) <= .seconds(1))
        #expect(policy.delay(attempt: 5, random: 0) == .zero)
    }
}
