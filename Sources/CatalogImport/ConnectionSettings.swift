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

/// What a tool's connection string says about where and how to connect: libpq's `key=value` form or a
/// `postgres://` URL (Telegraf's `address`, sql_exporter's `data_source_name`), or a Datadog instance's keys.
///
/// The password is never kept: only whether there was one, so that the report can say where the login goes.
struct ConnectionSettings: Equatable, Sendable {
    var hosts: [String] = []
    var port: Int?
    var database: String?
    var user: String?
    var sslmode: String?
    var sslrootcert: String?
    var sslcert: String?
    var sslkey: String?
    var hadPassword = false
    /// Settings the catalog has no field for (`connect_timeout`, `statement_timeout`, `application_name`, ...).
    var otherKeys: [String] = []
    /// A URL's scheme (`postgres`, `sqlserver`, ...); `nil` for the `key=value` form.
    var scheme: String?

    /// The schemes of PostgreSQL URLs: libpq's two, and those sql_exporter's xo/dburl takes for PostgreSQL.
    static let postgresSchemes: Set<String> = ["postgres", "postgresql", "pg", "pgsql", "pgx"]

    /// Whether the settings reach the server through a Unix socket: no host (libpq's default is the socket), or a
    /// host that is a folder. The catalog connects over TCP only.
    var isUnixSocket: Bool { hosts.isEmpty || hosts.contains { $0.hasPrefix("/") || $0.hasPrefix("@") } }

    /// Parses a connection string in either form; `nil` when it is neither.
    init?(_ text: String) {
        let trimmed = text.trimmingSpaces
        if let range = trimmed.firstRange(of: "://") {
            self.init(url: trimmed, schemeEnd: range)
        } else {
            guard let pairs = Self.keywordPairs(trimmed) else { return nil }
            self.init()
            for (key, value) in pairs { set(key, value) }
        }
    }

    init() {}

    /// Sets one libpq keyword.
    mutating func set(_ key: String, _ value: String) {
        switch key {
        case "host", "hostaddr":
            hosts = value.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        case "port": port = Int(value.split(separator: ",").first.map(String.init) ?? value)
        case "dbname": database = value
        case "user": user = value
        case "password": hadPassword = true
        case "sslmode": sslmode = value
        case "sslrootcert": sslrootcert = value
        case "sslcert": sslcert = value
        case "sslkey": sslkey = value
        default: if !otherKeys.contains(key) { otherKeys.append(key) }
        }
    }

    /// libpq's `key = value` pairs: a value is a word, or single-quoted with `\'` and `\\`; `nil` when the text is
    /// not of that form.
    static func keywordPairs(_ text: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        var rest = Substring(text)
        func skipSpaces() { rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "\n" } }
        skipSpaces()
        while !rest.isEmpty {
            let key = rest.prefix { $0 != "=" && $0 != " " && $0 != "\t" }
            rest = rest.dropFirst(key.count)
            skipSpaces()
            guard !key.isEmpty, rest.first == "=" else { return nil }
            rest = rest.dropFirst()
            skipSpaces()
            var value = ""
            if rest.first == "'" {
                rest = rest.dropFirst()
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\\", let next = rest.first {
                        value.append(next)
                        rest = rest.dropFirst()
                    } else if character == "'" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
            } else {
                while let character = rest.first, character != " ", character != "\t", character != "\n" {
                    rest = rest.dropFirst()
                    if character == "\\", let next = rest.first {
                        value.append(next)
                        rest = rest.dropFirst()
                    } else {
                        value.append(character)
                    }
                }
            }
            pairs.append((String(key), value))
            skipSpaces()
        }
        return pairs
    }

    /// `scheme://[user[:password]@][host[:port][,host[:port]...]][/database][?key=value&...]`, percent-decoded;
    /// `nil` when a port is not a number or the text is not of that form.
    ///
    /// The user information ends at the last `@` before the parameters, as URL parsers find it, so that a password
    /// written without percent-encoding (`Pa/ss?w0rd`) stays in it and never becomes a host or a database. The
    /// parameters start at the first `?key=` after that `@`.
    private init?(url text: String, schemeEnd: Range<String.Index>) {
        scheme = String(text[..<schemeEnd.lowerBound]).lowercased()
        var rest = Substring(text[schemeEnd.upperBound...])
        if let hash = rest.lastIndex(of: "#"), !rest[hash...].contains("@") { rest = rest[..<hash] }
        // The parameters: the first "?key=" (or a bare "?" after the last "@" before it).
        var query = Substring()
        if let mark = Self.queryStart(rest) {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = Self.percentDecoded(userInfo[..<colon])
                hadPassword = true
            } else if !userInfo.isEmpty {
                user = Self.percentDecoded(userInfo)
            }
        }
        var path = Substring()
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        for entry in rest.split(separator: ",") {
            var host = entry
            var portText: Substring?
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { return nil }
                let after = host[host.index(after: close)...]
                if after.hasPrefix(":") {
                    portText = after.dropFirst()
                } else if !after.isEmpty {
                    return nil
                }
                host = host[host.index(after: host.startIndex)..<close]
            } else if let colon = host.lastIndex(of: ":") {
                portText = host[host.index(after: colon)...]
                host = host[..<colon]
            }
            if let portText {
                guard !portText.isEmpty, portText.utf8.count <= 9, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                    let number = Int(portText)
                else { return nil }
                port = number
            }
            hosts.append(Self.percentDecoded(host))
        }
        if !path.isEmpty { database = Self.percentDecoded(path) }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = parts.first, !key.isEmpty else { continue }
            set(Self.percentDecoded(key), parts.count > 1 ? Self.percentDecoded(parts[1]) : "")
        }
    }

    /// Where a URL's parameters start (the index of the `?`): the first `?` followed by a `key=`; failing that, the
    /// first `?` after the last `@`.
    private static func queryStart(_ rest: Substring) -> Substring.Index? {
        var index = rest.startIndex
        while let mark = rest[index...].firstIndex(of: "?") {
            let after = rest[rest.index(after: mark)...]
            let key = after.prefix { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" }
            if !key.isEmpty, after.dropFirst(key.count).first == "=" { return mark }
            index = rest.index(after: mark)
        }
        let from = rest.lastIndex(of: "@").map { rest.index(after: $0) } ?? rest.startIndex
        return rest[from...].firstIndex(of: "?")
    }

    /// Whether a settings key can be named in a report: a word like libpq's keywords (`[a-z_]+`). Anything else
    /// may be part of a mistyped connection string, a password perhaps, and is only counted.
    static func isReportableKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 40
            && key.unicodeScalars.allSatisfy { (0x61...0x7A).contains($0.value) || $0 == "_" }
    }

    /// `%XX` decoded as UTF-8 bytes; a malformed escape is kept as it is.
    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let first = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex),
                let second = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), second < utf8.endIndex,
                let value = UInt8(String(decoding: [utf8[first], utf8[second]], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = utf8.index(after: second)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
