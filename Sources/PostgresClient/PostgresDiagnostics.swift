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

/// What of a PostgreSQL or libpq diagnostic may leave the function (pure): errors reach Step Functions' execution
/// history and `Catch` outputs, which more people read than the database's own log.
///
/// Kept: the server, the severity, the primary message, the SQLSTATE. Left out: the statement and the error's
/// position in it (`LINE 1: ...`, which quotes the statement's literals), `LOCATION` (the server's source file and
/// line), `DETAIL`, `HINT`, `CONTEXT`, `QUERY`, `STATEMENT`, and the paths of TLS files (whose error would tell
/// whether a file exists).
public enum PostgresDiagnostics: Sendable {
    static let droppedPrefixes = ["LOCATION:", "DETAIL:", "HINT:", "CONTEXT:", "QUERY:", "STATEMENT:", "LINE "]

    /// A libpq connection message (`PQerrorMessage`, verbose: `... failed: FATAL:  28P01: password ...`) as it may
    /// be shown: its lines but the dropped ones, the SQLSTATE taken out of the text (the error carries it), and
    /// file paths hidden.
    ///
    /// Only the first line is kept, and each later line that starts another host's attempt (`connection to server
    /// at ...`): a server's message may go on over lines (a `CONTEXT` or `DETAIL` that quotes a statement), and
    /// those lines start with nothing that tells them apart.
    public static func connectMessage(_ message: String) -> String {
        var kept: [String] = []
        for (index, line) in message.split(whereSeparator: \.isNewline).enumerated() {
            guard index == 0 || line.hasPrefix("connection to server") else { continue }
            let text = line.drop { $0 == " " || $0 == "\t" }
            if droppedPrefixes.contains(where: { text.hasPrefix($0) }) || text.allSatisfy({ $0 == " " || $0 == "^" }) {
                continue
            }
            kept.append(hidingPaths(withoutSQLState(String(line))))
        }
        return kept.joined(separator: "\n")
    }

    /// A failed statement's message from its fields: `ERROR:  <primary>`; the full message (which may quote the
    /// statement) only through ``connectMessage(_:)`` when the fields are missing.
    public static func resultMessage(severity: String?, primary: String?, fallback: String) -> String {
        guard let primary else { return connectMessage(fallback) }
        return "\(severity ?? "ERROR"):  \(primary)"
    }

    /// `FATAL:  28P01: password ...` → `FATAL:  password ...`: a verbose message's SQLSTATE after the severity.
    static func withoutSQLState(_ line: String) -> String {
        var result = ""
        var rest = Substring(line)
        while let range = rest.firstRange(of: ":  ") {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let code = rest.prefix(5)
            if code.count == 5, code.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }),
                rest.dropFirst(5).hasPrefix(": ")
            {
                rest = rest.dropFirst(7)
            }
        }
        return result + rest
    }

    /// `could not read root certificate file "/etc/x": No such file` → `... file (path hidden): No such file`.
    static func hidingPaths(_ line: String) -> String {
        var result = ""
        var rest = Substring(line)
        while let range = rest.firstRange(of: "file \"") {
            result += rest[..<range.lowerBound] + "file (path hidden)"
            let after = rest[range.upperBound...]
            guard let close = after.firstIndex(of: "\"") else { return result }
            rest = after[after.index(after: close)...]
        }
        return result + rest
    }
}
