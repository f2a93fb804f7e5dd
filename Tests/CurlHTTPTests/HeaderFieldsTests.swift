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

@testable import CurlHTTP

@Suite struct HeaderFieldsTests {
    @Test("fields are split at the first colon and trimmed; lines without one are not fields")
    func indexesFields() {
        let block = Array("Lambda-Runtime-Trace-Id:  Root=1-abc;Parent=x:y \r\nEmpty:\r\nX-B:\t2\n\r\n".utf8)
        let fields = HeaderFields(bytes: block, lines: 0..<block.count)
        #expect(fields.value("lambda-runtime-trace-id") == "Root=1-abc;Parent=x:y")
        #expect(fields.value("empty") == "")
        #expect(fields.value("x-b") == "2")
        #expect(!fields.hasMalformedLine)
    }

    @Test(
        "a line without a colon, or with blanks in the name, is malformed",
        arguments: ["junk", "X A: 1", ": v", " X: folded"])
    func malformedLines(line: String) {
        let block = Array("X-A: 1\r\n\(line)\r\n".utf8)
        let fields = HeaderFields(bytes: block, lines: 0..<block.count)
        #expect(fields.hasMalformedLine)
        #expect(fields.value("x-a") == "1")
    }

    @Test("only the given range is read")
    func range() {
        let bytes = Array("HTTP/1.1 200 OK\r\nA: 1\r\n\r\nB: 2".utf8)
        let fields = HeaderFields(bytes: bytes, lines: 17..<23)
        #expect(fields.value("a") == "1")
        #expect(fields.value("b") == nil)
        #expect(fields.value("http/1.1 200 ok") == nil)
    }
}
