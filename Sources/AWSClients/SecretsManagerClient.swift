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

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads database logins from Secrets Manager (`GetSecretValue`, the JSON `username`/`password` form that RDS
/// uses), cached across warm invocations until they expire.
///
/// - Note: Not `Sendable`: it owns a connection. Secret values never reach a log or an error message.
public final class SecretsManagerClient {
    /// A database login, and the TLS material a server may need beside it, as PEM text: a client certificate and
    /// its key (`sslcert`, `sslkey`) and the CA that signed the server's certificate (`sslrootcert`).
    public struct Login: Sendable {
        public var username: String
        public var password: String
        public var sslcert: String?
        public var sslkey: String?
        public var sslrootcert: String?
    }

    private let sender: SignedSender
    private let timeToLive: Duration
    private var cache: [String: (login: Login, expiresMs: Int64)] = [:]

    public init?(endpoint: String, region: String, credentials: AWSCredentials, timeToLive: Duration = .seconds(300)) {
        guard
            let sender = SignedSender(
                endpoint: endpoint, region: region, service: "secretsmanager", credentials: credentials,
                retry: RetryPolicy())
        else { return nil }
        self.sender = sender
        self.timeToLive = timeToLive
    }

    /// `AWS_ENDPOINT_URL_SECRETS_MANAGER`, then `AWS_ENDPOINT_URL`, then the region's endpoint.
    public static func endpoint(environment: [String: String]) -> String {
        if let url = environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"], !url.isEmpty { return url }
        if let url = environment["AWS_ENDPOINT_URL"], !url.isEmpty { return url }
        return "https://secretsmanager.\(environment["AWS_REGION"] ?? "us-east-1").amazonaws.com"
    }

    /// The login in secret `id` (a name or an ARN), from the cache while it is fresh.
    public func login(secret id: String, deadline: Deadline) throws(SecretsError) -> Login {
        let now = Deadline.nowEpochMilliseconds()
        if let cached = cache[id], cached.expiresMs > now { return cached.login }
        let login = try Self.parse(try fetch(id, deadline: deadline), id: id)
        cache[id] = (login, now + timeToLive.milliseconds)
        return login
    }

    /// The `SecretString` of secret `id`, as it is: for secrets that are not logins (a webhook's URL).
    public func secretString(_ id: String, deadline: Deadline) throws(SecretsError) -> String {
        guard let text = Self.secretString(in: try fetch(id, deadline: deadline)) else {
            throw SecretsError(.invalid, "secret \(id) has no SecretString")
        }
        return text
    }

    /// `GetSecretValue`'s `SecretString`, if the answer has one.
    static func secretString(in body: [UInt8]) -> String? {
        struct Answer: Decodable {
            var secretString: String?
            enum CodingKeys: String, CodingKey { case secretString = "SecretString" }
        }
        return (try? JSONDecoder().decode(Answer.self, from: Data(body)))?.secretString
    }

    /// `GetSecretValue`'s answer.
    private func fetch(_ id: String, deadline: Deadline) throws(SecretsError) -> [UInt8] {
        let body = Array("{\"SecretId\":\(JSONText.quoted(id))}".utf8)
        let response: (response: HTTPResponse, retries: Int)
        do {
            let sent = try sender.send(
                body,
                headers: [
                    (name: "Content-Type", value: "application/x-amz-json-1.1"),
                    (name: "X-Amz-Target", value: "secretsmanager.GetSecretValue"),
                ], operation: "GetSecretValue", deadline: deadline)
            response = (sent.response, sent.retries)
        } catch {
            let code: SecretsError.Code =
                switch error.kind {
                case .notFound: .notFound
                case .accessDenied: .accessDenied
                case .throttled, .server, .network: .unavailable
                case .client: .invalid
                }
            throw SecretsError(code, "secret \(id): \(error.message)")
        }
        return response.response.body
    }

    /// Reads `SecretString`, itself JSON with `username` and `password`, and optionally `sslcert`, `sslkey` and
    /// `sslrootcert` as PEM text.
    static func parse(_ body: [UInt8], id: String) throws(SecretsError) -> Login {
        struct Credentials: Decodable {
            var username: String
            var password: String
            var sslcert: String?
            var sslkey: String?
            var sslrootcert: String?
        }
        guard let text = secretString(in: body),
            let login = try? JSONDecoder().decode(Credentials.self, from: Data(text.utf8))
        else {
            throw SecretsError(.invalid, "secret \(id) is not a JSON SecretString with username and password")
        }
        return Login(
            username: login.username, password: login.password, sslcert: login.sslcert, sslkey: login.sslkey,
            sslrootcert: login.sslrootcert)
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension SecretsManagerClient: Sendable {}
