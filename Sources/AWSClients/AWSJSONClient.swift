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

public import AWSSigning
public import Core
import CurlHTTP
public import JSON

/// Calls to an AWS service of the JSON protocol (DynamoDB's 1.0, AWS Support's 1.1): one POST to `/` per
/// operation, named by `X-Amz-Target`, SigV4-signed, retried on throttling, 5xx and network errors until the
/// deadline.
///
/// - Note: Not `Sendable`: it owns a connection, kept across warm invocations.
public final class AWSJSONClient {
    /// Why a call failed, whatever the service: its kind decides the caller's error, `code` is AWS's.
    public struct CallError: Error, Sendable {
        public enum Kind: Sendable { case throttled, server, network, accessDenied, notFound, client }

        public var kind: Kind
        /// AWS's error code (`ConditionalCheckFailedException`), or the transport's.
        public var code: String
        public var message: String
        /// The answer's body, when there was one: DynamoDB returns the item that failed a condition in it.
        public var body: JSONValue?

        /// Throttling, 5xx and network errors outlast the retries only when the service stays unwell.
        public var retryable: Bool { kind == .throttled || kind == .server || kind == .network }
    }

    private let sender: SignedSender
    private let targetPrefix: String
    private let contentType: String

    /// - Parameters:
    ///   - targetPrefix: What comes before the operation in `X-Amz-Target` (`DynamoDB_20120810`).
    ///   - jsonVersion: `1.0` or `1.1`, as the service's protocol says.
    public init?(
        endpoint: String, region: String, service: String, targetPrefix: String, jsonVersion: String,
        credentials: AWSCredentials, retry: RetryPolicy = RetryPolicy()
    ) {
        guard
            let sender = SignedSender(
                endpoint: endpoint, region: region, service: service, credentials: credentials, retry: retry)
        else { return nil }
        self.sender = sender
        self.targetPrefix = targetPrefix
        self.contentType = "application/x-amz-json-\(jsonVersion)"
    }

    /// The endpoint from `variable` (`AWS_ENDPOINT_URL_DYNAMODB`), then `AWS_ENDPOINT_URL`, then `fallback`, as the AWS SDKs
    /// choose it.
    public static func endpoint(environment: [String: String], variable: String, fallback: String) -> String {
        if let url = environment[variable], !url.isEmpty { return url }
        if let url = environment["AWS_ENDPOINT_URL"], !url.isEmpty { return url }
        return fallback
    }

    /// Calls `operation` with `input` and returns the answer's JSON (an empty object for an empty answer).
    ///
    /// - Parameter idempotent: `false` for a call that must not be carried out twice: it is retried only on
    ///   throttling.
    public func call(
        _ operation: String, _ input: JSONValue, deadline: Deadline, idempotent: Bool = true
    ) throws(CallError) -> JSONValue {
        let answer: HTTPResponse
        do {
            answer = try sender.send(
                input.serialized(),
                headers: [
                    (name: "Content-Type", value: contentType),
                    (name: "X-Amz-Target", value: "\(targetPrefix).\(operation)"),
                ], operation: operation, deadline: deadline, idempotent: idempotent
            ).response
        } catch {
            let kind: CallError.Kind =
                switch error.kind {
                case .throttled: .throttled
                case .server: .server
                case .network: .network
                case .accessDenied: .accessDenied
                case .notFound: .notFound
                case .client: .client
                }
            throw CallError(
                kind: kind, code: error.code, message: error.message,
                body: error.body.flatMap { try? JSONValue.parse($0) })
        }
        if answer.body.isEmpty { return .object(JSONObject()) }
        do {
            return try JSONValue.parse(answer.body)
        } catch {
            throw CallError(
                kind: .server, code: "InvalidAnswer", message: "\(operation) answered with no JSON: \(error)")
        }
    }
}

/// Not `Sendable`, on purpose: it owns a C handle that one thread at a time may use.
@available(*, unavailable)
extension AWSJSONClient: Sendable {}
