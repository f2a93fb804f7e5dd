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

/// One server of a customer: a host name or address and a port.
public struct HostAddress: Sendable, Equatable {
    /// A host name or an address (the catalog's `ip`, which has always held names too).
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `host`, `host:port`, `[v6]` or `[v6]:port`; `nil` for anything else (an empty host, a bad port, a
    /// comma, which libpq would read as a second host).
    public init?(_ text: String, defaultPort: Int) {
        var host = Substring(text)
        var port = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()) else { return nil }
                port = number
            }
        } else if let colon = host.firstIndex(of: ":") {
            let digits = host[host.index(after: colon)...]
            guard digits.allSatisfy(\.isNumber), let number = Int(digits) else { return nil }
            port = number
            host = host[..<colon]
        }
        guard Self.isHostName(host), (1...65535).contains(port) else { return nil }
        self.init(host: String(host), port: port)
    }

    /// Whether `host` is one host name or address as libpq's `host` takes it: not empty, no comma (libpq's second
    /// host), no `/` or `@` at its start (a Unix socket's folder), no space or control character, at most 253
    /// bytes (DNS's limit).
    public static func isHostName(_ host: Substring) -> Bool {
        !host.isEmpty && host.utf8.count <= 253 && !host.hasPrefix("/") && !host.hasPrefix("@")
            && !host.unicodeScalars.contains { $0 == "," || $0 == "/" || $0.value <= 0x20 || $0.value == 0x7F }
    }
}
