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

/// The response decoder fed the same bytes at every split point, as postgres-nio verifies its message decoders:
/// whatever the split, the same response (or the same error) comes out, and never before its last byte.
@Suite struct HTTP1DecoderTests {
    /// What a decoded response is, compared as values.
    struct Outcome: Equatable, CustomStringConvertible {
        var status: Int
        var fields: [String: String]
        var body: [UInt8]
        var keepAlive: Bool

        init(_ parsed: HTTP1.Parsed) {
            status = parsed.response.status
            fields = [:]
            for name in ["content-type", "lambda-runtime-aws-request-id", "lambda-runtime-deadline-ms", "x-trailer"] {
                fields[name] = parsed.response.header(name)
            }
            body = parsed.response.body
            keepAlive = parsed.keepAlive
        }

        var description: String { "\(status) \(fields) \(body.count) bytes keepAlive=\(keepAlive)" }
    }

    /// Responses of every framing the Runtime API and AWS may send; `closes` when the body runs to the close.
    static let responses: [(name: String, text: String, closes: Bool)] = [
        (
            "next",
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: 8476a536\r\n"
                + "Lambda-Runtime-Deadline-Ms: 1542409706888\r\nContent-Length: 12\r\n\r\n{\"n\":\"1234\"}", false
        ),
        ("accepted", "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}", false),
        (
            "chunked",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n"
                + "0\r\n\r\n", false
        ),
        (
            "trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-Trailer: t\r\n\r\n",
            false
        ),
        ("continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false),
        ("no content", "HTTP/1.1 204 No Content\r\n\r\n", false),
        ("close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye", false),
        ("to the close", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", true),
        ("bare LF fields", "HTTP/1.1 200 OK\r\nContent-Type: a\nContent-Length: 1\r\n\r\nz", false),
    ]

    /// Decodes `bytes` delivered in the given pieces; the response must appear only once the last piece is in.
    static func decode(_ pieces: [ArraySlice<UInt8>], closes: Bool) throws(HTTP1.ParseError) -> HTTP1.Parsed? {
        var decoder = HTTP1.ResponseDecoder()
        for (index, piece) in pieces.enumerated() {
            try decoder.append(piece)
            let last = index == pieces.count - 1
            if let parsed = try decoder.response(closed: last && closes) {
                guard last else {
                    Issue.record("complete after piece \(index + 1) of \(pieces.count)")
                    return parsed
                }
                return parsed
            }
        }
        return nil
    }

    @Test("one byte at a time gives the response that all the bytes at once give", arguments: responses)
    func byteAtATime(name: String, text: String, closes: Bool) throws {
        let bytes = Array(text.utf8)
        let whole = try #require(try Self.decode([bytes[...]], closes: closes), "\(name)")
        let pieces = bytes.indices.map { bytes[$0..<($0 + 1)] }
        let split = try #require(try Self.decode(pieces, closes: closes), "\(name)")
        #expect(Outcome(split) == Outcome(whole))
    }

    @Test("every two-way split gives the same response", arguments: responses)
    func everySplit(name: String, text: String, closes: Bool) throws {
        let bytes = Array(text.utf8)
        let whole = Outcome(try #require(try Self.decode([bytes[...]], closes: closes)))
        for cut in 1..<bytes.count {
            let parsed = try #require(try Self.decode([bytes[..<cut], bytes[cut...]], closes: closes), "cut \(cut)")
            #expect(Outcome(parsed) == whole, "\(name), cut at \(cut)")
        }
    }

    @Test("an incomplete response is never complete, at any length")
    func neverEarly() throws {
        for (name, text, closes) in Self.responses where !closes {
            let bytes = Array(text.utf8)
            for length in 0..<bytes.count {
                #expect(try HTTP1.parseResponse(Array(bytes[..<length]), closed: false) == nil, "\(name) at \(length)")
            }
        }
    }

    @Test("malformed framing is refused at every split, with the same error")
    func refusedAtEverySplit() throws {
        let bad = [
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nabcde",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
            "HTTP/1.1 200 OK\r\nbad line\r\n\r\n",
            "SSH-2.0-OpenSSH\r\n\r\n",
        ]
        for text in bad {
            let bytes = Array(text.utf8)
            let expected = #expect(throws: HTTP1.ParseError.self) { try HTTP1.parseResponse(bytes, closed: false) }
            for cut in 1..<bytes.count {
                let error = #expect(throws: HTTP1.ParseError.self, "\(text.debugDescription) cut at \(cut)") {
                    _ = try Self.decode([bytes[..<cut], bytes[cut...]], closes: false)
                }
                #expect(error == expected)
            }
        }
    }

    @Test("chunk data must end with CRLF: other bytes there are an error, not part of the body")
    func crlfAfterChunkData() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcde\r\n0\r\n\r\n"
        let error = #expect(throws: HTTP1.ParseError.self) { try HTTP1.parseResponse(Array(text.utf8), closed: false) }
        #expect(error?.description == "no CRLF after chunk data")
    }

    @Test("a response over the limit is refused as it arrives, not held")
    func limit() throws {
        var decoder = HTTP1.ResponseDecoder(limit: 64)
        try decoder.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".utf8))
        #expect(try decoder.response(closed: false) == nil)
        #expect(throws: HTTP1.ParseError.self) { try decoder.append([UInt8](repeating: 0x61, count: 64)) }
    }

    @Test("a chunk-size line that never ends is refused, not buffered for ever")
    func endlessSizeLine() throws {
        var decoder = HTTP1.ResponseDecoder()
        try decoder.append(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        try decoder.append([UInt8](repeating: 0x30, count: 5000))
        #expect(throws: HTTP1.ParseError.self) { try decoder.response(closed: false) }
    }

    @Test("a large chunked body in many small reads is taken apart chunk by chunk, in order")
    func manyChunks() throws {
        var decoder = HTTP1.ResponseDecoder()
        try decoder.append(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        var expected: [UInt8] = []
        for index in 0..<20_000 {
            let data = Array("chunk \(index);".utf8)
            expected += data
            try decoder.append(Array("\(String(data.count, radix: 16))\r\n".utf8) + data + [0x0D, 0x0A])
            #expect(try decoder.response(closed: false) == nil)
        }
        try decoder.append(Array("0\r\n\r\n".utf8))
        let parsed = try #require(try decoder.response(closed: false))
        #expect(parsed.response.body == expected)
    }
}
