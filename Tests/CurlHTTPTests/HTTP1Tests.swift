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

@Suite struct HTTP1Tests {
    func parse(_ text: String, closed: Bool = false) throws -> HTTP1.Parsed? {
        try HTTP1.parseResponse(Array(text.utf8), closed: closed)
    }

    @Test("a request is its line, Host, the fields, Content-Length for a POST, and the body")
    func request() {
        let post = HTTP1.request(
            method: "POST", target: "/p", host: "h:1", headers: [(name: "X-A", value: "1")], body: Array("ab".utf8))
        #expect(
            String(decoding: post, as: UTF8.self)
                == "POST /p HTTP/1.1\r\nHost: h:1\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nab")
        let get = HTTP1.request(method: "GET", target: "/n", host: "h:1", headers: [], body: [])
        #expect(String(decoding: get, as: UTF8.self) == "GET /n HTTP/1.1\r\nHost: h:1\r\n\r\n")
        let empty = HTTP1.request(method: "POST", target: "/e", host: "h", headers: [], body: [])
        #expect(String(decoding: empty, as: UTF8.self).contains("Content-Length: 0\r\n"))
    }

    @Test("a Content-Length response is complete only when every byte of its body is there")
    func contentLength() throws {
        let whole = "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r1\r\nContent-Length: 7\r\n\r\n{\"n\":1}"
        let parsed = try #require(try parse(whole))
        #expect(parsed.response.status == 200)
        #expect(parsed.response.header("lambda-runtime-aws-request-id") == "r1")
        #expect(String(decoding: parsed.response.body, as: UTF8.self) == "{\"n\":1}")
        #expect(parsed.keepAlive)
        for cut in [10, whole.utf8.count - 20, whole.utf8.count - 1] {
            #expect(try parse(String(decoding: whole.utf8.prefix(cut), as: UTF8.self)) == nil)
        }
    }

    @Test("chunked bodies are joined, with extensions and trailers, and incomplete until the last chunk")
    func chunked() throws {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let body = "3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\n"
        #expect(try parse(head + body) == nil)
        let parsed = try #require(try parse(head + body + "\r\n"))
        #expect(String(decoding: parsed.response.body, as: UTF8.self) == "abc0123456789")
        let trailed = try #require(try parse(head + body + "X-T: 1\r\n\r\n"))
        #expect(trailed.response.body.count == 13)
        #expect(try parse(head + "3\r\nab") == nil)
        #expect(throws: HTTP1.ParseError.self) { try parse(head + "zz\r\n") }
    }

    @Test("interim 1xx answers are skipped; 204 has no body")
    func interimAndEmpty() throws {
        let parsed = try #require(
            try parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok"))
        #expect(parsed.response.status == 202)
        #expect(try parse("HTTP/1.1 204 No Content\r\n\r\n")?.response.body == [])
    }

    @Test("a body without a length runs to the close, and Connection: close ends keep-alive")
    func closeDelimited() throws {
        let text = "HTTP/1.1 200 OK\r\n\r\nall of it"
        #expect(try parse(text) == nil)
        let parsed = try #require(try parse(text, closed: true))
        #expect(String(decoding: parsed.response.body, as: UTF8.self) == "all of it")
        #expect(!parsed.keepAlive)
        let closing = try #require(try parse("HTTP/1.1 202 Accepted\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n"))
        #expect(!closing.keepAlive)
    }

    @Test(
        "what is not HTTP/1.x is an error, not a hang",
        arguments: [
            "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        ])
    func malformed(text: String) {
        #expect(throws: HTTP1.ParseError.self) { try parse(text) }
    }
}
