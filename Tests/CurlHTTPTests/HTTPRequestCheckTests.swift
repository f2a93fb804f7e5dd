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

/// Header injection: a value with CR, LF or NUL never leaves the process, whichever client sends it.
@Suite(.serialized) struct HTTPRequestCheckTests {
    static let injected = [
        "k\r\nAuthorization: Bearer stolen", "k\nX: y", "k\rX: y", "k\u{0}", "k\r\n\r\nPOST /smuggled HTTP/1.1\r\n",
    ]

    @Test("values with CR, LF or NUL, names that are no token, and URLs with spaces are refused; tabs are fine")
    func rules() {
        for value in Self.injected {
            #expect(HTTPRequestCheck.problem(method: "POST", target: "/", headers: [("Idempotency-Key", value)]) != nil)
        }
        for name in ["", "Bad Name", "X:Y", "X\r\nY"] {
            #expect(HTTPRequestCheck.problem(method: "GET", target: "/", headers: [(name, "v")]) != nil)
        }
        #expect(HTTPRequestCheck.problem(method: "GET", target: "/a b", headers: []) != nil)
        #expect(HTTPRequestCheck.problem(method: "GET\r\n", target: "/", headers: []) != nil)
        #expect(HTTPRequestCheck.problem(method: "POST", target: "https://h/p?q=1", headers: [("A", "b\tc d")]) == nil)
    }

    @Test("both clients refuse an injected header before a byte is sent, and no retry is made")
    func clientsRefuse() throws {
        let server = try FragmentingServer { _ in (bytes: response(totalBytes: 300), pieces: []) }
        defer { server.stop() }
        let curl = try #require(CurlEasy())
        let http = HTTP1Client(origin: server.origin)
        for value in Self.injected {
            do {
                _ = try curl.perform(
                    HTTPRequest(method: "POST", url: server.origin + "/", headers: [("K", value)], timeout: .seconds(5))
                )
                Issue.record("libcurl sent \(value.debugDescription)")
            } catch {
                #expect(error.code == .invalidRequest && !error.retryable)
            }
            do {
                _ = try http.perform(method: "POST", target: "/", headers: [("K", value)], timeout: .seconds(5))
                Issue.record("HTTP1Client sent \(value.debugDescription)")
            } catch {
                #expect(error.code == .invalidRequest)
            }
        }
        #expect(server.requestCount == 0)
        // The same handle still serves a good request.
        #expect(try curl.perform(HTTPRequest(url: server.origin + "/", timeout: .seconds(5))).status == 200)
    }

    @Test("an answer larger than the request allows ends the transfer, and is not retried")
    func responseLimit() throws {
        let server = try FragmentingServer { _ in (bytes: response(totalBytes: 200_000), pieces: [16_384]) }
        defer { server.stop() }
        let curl = try #require(CurlEasy())
        do {
            _ = try curl.perform(
                HTTPRequest(url: server.origin + "/", timeout: .seconds(10), maxResponseBytes: 64 * 1024))
            Issue.record("a 200 kB answer was read under a 64 KiB limit")
        } catch {
            #expect(error.code == .responseTooLarge && !error.retryable)
        }
        let whole = try curl.perform(HTTPRequest(url: server.origin + "/", timeout: .seconds(10)))
        #expect(whole.body.count > 100_000)
    }
}
