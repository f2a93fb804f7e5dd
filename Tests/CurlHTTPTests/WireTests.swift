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

/// Both HTTP clients through a real loopback socket: answers split into pieces of every kind, and a size sweep
/// around every multiple of the 16 KiB read size (head and body exactly at the boundary, one under, one over).
@Suite struct WireTests {
    /// Response sizes on the wire: one under, at and one over each multiple of 16 KiB up to 128 KiB, then at
    /// larger powers of two up to 4 MiB, and Lambda's 6 MB payload limit.
    static let sweep: [Int] = {
        var sizes: [Int] = []
        let read = 16 * 1024
        for multiple in [1, 2, 3, 4, 5, 6, 7, 8, 16, 64, 256, 384] {
            sizes += [multiple * read - 1, multiple * read, multiple * read + 1]
        }
        return sizes + [6_000_000]
    }()

    /// Pieces the answers are written in: single bytes, odd sizes that cut the head and the CRLFs, and reads
    /// that end exactly at the read size.
    static let fragmentations: [[Int]] = [[1], [2, 3], [7], [17, 1], [100], [16 * 1024], [16 * 1024 - 1, 2]]

    @Test("the Runtime API client reads every answer size of the sweep, sent in one write as Lambda sends it")
    func runtimeClientSweep() throws {
        let sizes = Self.sweep
        let server = try FragmentingServer { index in (response(totalBytes: sizes[index]), []) }
        defer { server.stop() }
        let client = HTTP1Client(origin: server.origin)
        for size in sizes {
            let expected = framed(totalBytes: size)
            #expect(expected.bytes.count == size)
            let answer = try client.perform(method: "GET", target: "/next", timeout: .seconds(10))
            #expect(answer.status == 200)
            #expect(answer.header("lambda-runtime-aws-request-id") == "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
            #expect(answer.body == expected.body, "size \(size)")
        }
    }

    @Test("the AWS clients' libcurl transfer reads every answer size of the sweep")
    func curlEasySweep() throws {
        let sizes = Self.sweep
        let server = try FragmentingServer { index in (response(totalBytes: sizes[index]), []) }
        defer { server.stop() }
        let curl = try #require(CurlEasy())
        for size in sizes {
            let answer = try curl.perform(HTTPRequest(url: server.origin + "/", timeout: .seconds(10)))
            #expect(answer.status == 200)
            #expect(answer.body == framed(totalBytes: size).body, "size \(size)")
        }
    }

    @Test(
        "answers split into pieces of every kind read the same, on one kept-alive connection", arguments: fragmentations
    )
    func fragmented(pieces: [Int]) throws {
        let answers: [[UInt8]] = [
            response(totalBytes: 300),
            Array("HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}".utf8),
            Array(
                ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nX-T: 1\r\n\r\n")
                    .utf8),
            Array("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8),
            response(totalBytes: 40_000),
        ]
        let server = try FragmentingServer { index in (answers[index % answers.count], pieces) }
        defer { server.stop() }
        let client = HTTP1Client(origin: server.origin)
        for round in 0..<answers.count {
            let answer = try client.perform(method: "GET", target: "/", timeout: .seconds(10))
            let expected = try #require(try HTTP1.parseResponse(answers[round], closed: false))
            #expect(answer.status == expected.response.status, "round \(round), pieces \(pieces)")
            #expect(answer.body == expected.response.body, "round \(round), pieces \(pieces)")
        }
    }

    @Test("an answer over the client's limit fails the exchange instead of filling memory")
    func overLimit() throws {
        let server = try FragmentingServer { _ in (response(totalBytes: 200_000), []) }
        defer { server.stop() }
        let client = HTTP1Client(origin: server.origin, maxResponseBytes: 100_000)
        let error = #expect(throws: HTTPClientError.self) {
            try client.perform(method: "GET", target: "/next", timeout: .seconds(10))
        }
        #expect(error?.message.contains("over the limit") == true)
    }
}
