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

public import Core
public import CurlHTTP

/// One event handed out by `GET /runtime/invocation/next`, with every header the Runtime API sends.
public struct Invocation: Sendable {
    public let requestID: String
    public let deadline: Deadline
    public let invokedFunctionARN: String
    public let traceID: String?
    public let clientContext: String?
    public let cognitoIdentity: String?
    public let tenantID: String?
    public let event: [UInt8]

    public init(
        requestID: String, deadline: Deadline, invokedFunctionARN: String = "", traceID: String? = nil,
        clientContext: String? = nil, cognitoIdentity: String? = nil, tenantID: String? = nil, event: [UInt8]
    ) {
        self.requestID = requestID
        self.deadline = deadline
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.tenantID = tenantID
        self.event = event
    }

    /// Reads an invocation from a `/next` response.
    ///
    /// - Parameter now: Epoch milliseconds at receipt, to resolve a duration-style deadline.
    /// - Throws: `Runtime.MissingRequestId` when the request id header is absent: without it the
    ///   answer cannot be posted anywhere. `Runtime.InvalidRequestId` when it is not a plain token:
    ///   the id goes into the request line of `/response`, where a space or a CR/LF would make a malformed or
    ///   smuggled request.
    public init(response: HTTPResponse, now: Int64) throws(RuntimeError) {
        guard let requestID = response.header(AmazonHeaders.requestID), !requestID.isEmpty else {
            throw RuntimeError(.missingRequestID, "GET /next answered without \(AmazonHeaders.requestID)")
        }
        guard Self.isSafeRequestID(requestID) else {
            throw RuntimeError(
                .invalidRequestID, "GET /next answered with a \(AmazonHeaders.requestID) that is not a plain token")
        }
        self.init(
            requestID: requestID,
            deadline: Deadline.parse(header: response.header(AmazonHeaders.deadlineMs), now: now),
            invokedFunctionARN: response.header(AmazonHeaders.invokedFunctionARN) ?? "",
            traceID: response.header(AmazonHeaders.traceID),
            clientContext: response.header(AmazonHeaders.clientContext),
            cognitoIdentity: response.header(AmazonHeaders.cognitoIdentity),
            tenantID: response.header(AmazonHeaders.tenantID),
            event: response.body
        )
    }

    /// Whether `id` can go into a request path as it is: RFC 3986's unreserved characters only (Lambda's ids are
    /// UUIDs), not a dot segment, and of a sane length.
    static func isSafeRequestID(_ id: String) -> Bool {
        guard id.utf8.count <= 256, id != ".", id != ".." else { return false }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                true
            default: false
            }
        }
    }
}
