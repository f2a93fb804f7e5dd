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

/// One HTTP request, as values: what ``CurlEasy/perform(_:)`` sends.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header fields in order; names are sent as given.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whole-request time limit; `nil` means none (the Runtime API's `/next` must never time out).
    public var timeout: Duration?
    /// Time limit for establishing the connection; `nil` means libcurl's default.
    public var connectTimeout: Duration?
    /// Whether to keep the response's header fields; callers that only need the status skip their parsing.
    public var collectsHeaders: Bool
    /// The largest response body to accept; a larger one ends the transfer with
    /// ``HTTPClientError/Code/responseTooLarge``, so that a peer cannot make the process hold more. `nil`: no limit.
    public var maxResponseBytes: Int?

    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeout: Duration? = nil,
        connectTimeout: Duration? = nil,
        collectsHeaders: Bool = true,
        maxResponseBytes: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.collectsHeaders = collectsHeaders
        self.maxResponseBytes = maxResponseBytes
    }
}
