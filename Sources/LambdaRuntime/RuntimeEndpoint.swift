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

/// Where the Runtime API lives, parsed from `AWS_LAMBDA_RUNTIME_API`.
///
/// Lambda gives `host:port`; local emulators give a URL with a path prefix (cargo-lambda:
/// `http://[::]:9001/.rt`). Both forms are accepted.
public struct RuntimeEndpoint: Equatable, Sendable {
    /// `scheme://host:port`: what the connection is made to.
    public let origin: String
    /// The path every Runtime API call starts with, ending in `/2018-06-01`.
    public let pathPrefix: String
    /// The base URL that every Runtime API path is appended to, ending in `/2018-06-01`.
    public var baseURL: String { origin + pathPrefix }

    /// Parses the variable's value.
    ///
    /// - Returns: `nil` when the value is empty or has no host.
    ///
    /// ```swift
    /// RuntimeEndpoint("127.0.0.1:9001")?.baseURL            // "http://127.0.0.1:9001/2018-06-01"
    /// RuntimeEndpoint("http://[::]:9001/.rt")?.baseURL      // "http://[::1]:9001/.rt/2018-06-01"
    /// ```
    public init?(_ value: String) {
        var rest = Substring(value.trimmed(of: " \t\r\n"))
        var scheme = "http"
        if let range = rest.firstRange(of: "://") {
            scheme = String(rest[..<range.lowerBound]).lowercased()
            rest = rest[range.upperBound...]
        }
        guard scheme == "http" || scheme == "https" else { return nil }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<slash])
        var prefix = String(rest[slash...])
        while prefix.hasSuffix("/") { prefix.removeLast() }
        guard !authority.isEmpty, !authority.hasPrefix(":") else { return nil }
        // The unspecified addresses are where an emulator listens, not where to connect: use loopback.
        if authority.hasPrefix("[::]") {
            authority = "[::1]" + authority.dropFirst(4)
        } else if authority.hasPrefix("0.0.0.0") {
            authority = "127.0.0.1" + authority.dropFirst(7)
        }
        origin = "\(scheme)://\(authority)"
        pathPrefix = "\(prefix)/\(RuntimeAPI.version)"
        invocationPrefix = pathPrefix + "/runtime/invocation/"
        nextPath = invocationPrefix + "next"
    }

    /// Made once: the loop asks for it on every invocation.
    public let nextPath: String
    public func responsePath(_ requestID: String) -> String { invocationPath(requestID, "/response") }
    public func errorPath(_ requestID: String) -> String { invocationPath(requestID, "/error") }
    public var initErrorPath: String { "\(pathPrefix)/runtime/init/error" }

    /// `<prefix>/runtime/invocation/`, which each invocation's paths start with.
    private let invocationPrefix: String

    /// Sized up front: interpolating these paths showed in the echo benchmark's profile (bench/README.md).
    private func invocationPath(_ requestID: String, _ leaf: String) -> String {
        var path = ""
        path.reserveCapacity(invocationPrefix.utf8.count + requestID.utf8.count + leaf.utf8.count)
        path += invocationPrefix
        path += requestID
        path += leaf
        return path
    }
}
