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
import JSON
import Testing

@testable import Core

@Suite struct ErrorPayloadTests {
    struct Named: NamedError {
        var errorType: String { "Postgres.Timeout" }
        var errorMessage: String { "query \"q\" ran past the deadline\n" }
    }
    struct Plain: Error {}

    @Test("a named error keeps its name and message; the JSON escapes quotes and control characters")
    func named() {
        let payload = ErrorPayload(Named())
        #expect(payload.errorType == "Postgres.Timeout")
        #expect(
            String(decoding: payload.json, as: UTF8.self)
                == #"{"errorMessage":"query \"q\" ran past the deadline\n","errorType":"Postgres.Timeout","stackTrace":[]}"#
        )
    }

    @Test("any other error becomes Handler.Unhandled, naming only its type")
    func unnamed() {
        let payload = ErrorPayload(Plain())
        #expect(payload.errorType == "Handler.Unhandled")
        #expect(payload.errorMessage == "Plain")
    }

    @Test("control characters are escaped as \\u00XX")
    func controlCharacters() {
        #expect(JSONText.quoted("a\u{01}b\\") == #""a\u0001b\\""#)
    }
}
