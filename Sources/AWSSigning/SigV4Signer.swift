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
import Crypto
import UTCTime

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// AWS Signature Version 4, as pure functions of the request: no clock, no I/O.
///
/// The steps are public so tests can compare each with AWS's official vectors: the canonical request, the
/// string to sign, and the `Authorization` header. SHA-256 and HMAC come from swift-crypto.
public struct SigV4Signer: Sendable {
    /// A request as the signer sees it.
    public struct Request: Sendable {
        public var method: String
        /// The path as it will be sent, encoded or not (it is decoded, normalised and encoded again).
        public var path: String
        /// The query string without `?`, as it will be sent.
        public var query: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(
            method: String, path: String = "/", query: String = "", headers: [(name: String, value: String)],
            body: [UInt8] = []
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    public let credentials: AWSCredentials
    public let region: String
    public let service: String
    /// The signing key of one day, kept by ``prepare(amzDate:)``: it depends only on the day, the region, the
    /// service and the secret, and deriving it is four of the five HMACs of every signature.
    private var dayKey: (day: Substring, key: SymmetricKey)?

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Derives and keeps the signing key of `amzDate`'s day, so signatures of that day skip the derivation.
    /// A signer kept across requests (across warm invocations) calls this before each ``sign(_:amzDate:)``.
    public mutating func prepare(amzDate: String) {
        let day = amzDate.prefix(8)
        if dayKey?.day != day { dayKey = (day, signingKey(amzDate)) }
    }

    /// Signs a request.
    ///
    /// - Parameters:
    ///   - request: Must carry a `Host` header.
    ///   - amzDate: The signing time, `YYYYMMDDTHHMMSSZ` (see ``amzDate(epochSeconds:)``).
    /// - Returns: The headers to send: the request's own, plus `X-Amz-Date`, `X-Amz-Security-Token` (with a
    ///   session token) and `Authorization`.
    public func sign(_ request: Request, amzDate: String) -> [(name: String, value: String)] {
        var signed = request
        if !signed.headers.contains(where: { $0.name.lowercased() == "x-amz-date" }) {
            signed.headers.append((name: "X-Amz-Date", value: amzDate))
        }
        if let token = credentials.sessionToken,
            !signed.headers.contains(where: { $0.name.lowercased() == "x-amz-security-token" })
        {
            signed.headers.append((name: "X-Amz-Security-Token", value: token))
        }
        return signed.headers + [(name: "Authorization", value: authorization(signed, amzDate: amzDate))]
    }

    /// The `Authorization` header value for a request whose headers are final.
    public func authorization(_ request: Request, amzDate: String) -> String {
        let canonical = Self.canonicalRequest(request)
        let toSign = stringToSign(canonicalRequest: canonical.text, amzDate: amzDate)
        let key = dayKey.flatMap { $0.day == amzDate.prefix(8) ? $0.key : nil } ?? signingKey(amzDate)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: key))
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(amzDate)), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
    }

    /// The canonical request and its signed-header list.
    public static func canonicalRequest(_ request: Request) -> (text: String, signedHeaders: String) {
        let headers = canonicalHeaders(request.headers)
        let signedHeaders = headers.map(\.name).joined(separator: ";")
        let text = [
            request.method.uppercased(),
            canonicalPath(request.path),
            canonicalQuery(request.query),
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            hex(SHA256.hash(data: request.body)),
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    public func stringToSign(canonicalRequest: String, amzDate: String) -> String {
        ["AWS4-HMAC-SHA256", amzDate, scope(amzDate), Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))]
            .joined(separator: "\n")
    }

    private func scope(_ amzDate: String) -> String {
        "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// `HMAC("AWS4" + secret, date)`, then region, service, `aws4_request`.
    private func signingKey(_ amzDate: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [String(amzDate.prefix(8)), region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// Removes `.` and `..` segments and empty segments, keeps a trailing slash, and encodes each segment of the
    /// path as sent. An already-encoded path is encoded again, as SigV4 requires for every service but S3.
    static func canonicalPath(_ path: String) -> String {
        var segments: [String] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(URIEncoding.encode(String(segment)))
            }
        }
        let joined = "/" + segments.joined(separator: "/")
        return path.hasSuffix("/") && !segments.isEmpty ? joined + "/" : joined
    }

    /// Each key and value decoded and encoded again, sorted by key, then by value; `=` kept for empty values.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = URIEncoding.encode(URIEncoding.decode(String(parts[0])))
            let value = parts.count > 1 ? URIEncoding.encode(URIEncoding.decode(String(parts[1]))) : ""
            return (key, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Names lowercased and sorted; values trimmed with inner runs of spaces collapsed; repeats joined by commas.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var merged: [String: [String]] = [:]
        for header in headers {
            let value = header.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .joined(separator: " ")
            merged[header.name.lowercased(), default: []].append(value)
        }
        return merged.keys.sorted().map { (name: $0, value: merged[$0, default: []].joined(separator: ",")) }
    }

    /// `YYYYMMDDTHHMMSSZ` for a Unix time.
    public static func amzDate(epochSeconds: Int64) -> String { UTCTime.amzDate(epochSeconds: epochSeconds) }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
