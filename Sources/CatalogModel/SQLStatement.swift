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

/// What can be told of SQL text without a server: where its statement ends, and whether it is one statement. The
/// catalog refuses a query of several (``SQLText``); the importers wrap another tool's statement with it.
///
/// Each importer wraps the tool's statement as a subquery (`FROM (<statement>) AS src`) to cast, rename and select
/// its columns. Wrapping needs the statement without its trailing `;` (postgres_exporter's `pg_locks_mode` ends with
/// one) and without trailing comments, which would swallow the closing parenthesis. Quotes, quoted identifiers,
/// dollar-quoted strings, escape strings and nested block comments are skipped, as PostgreSQL's lexer skips them.
public struct SQLStatement: Equatable, Sendable {
    /// The statement, from its first character that is not a space or `;` to its last significant one: no leading
    /// `;`, no trailing `;`, comment or space.
    public var body: String
    /// How many statements the text holds: 1 for one, 0 for none (only comments), 2 or more for a script.
    public var count: Int

    public init(_ sql: String) {
        let text = Array(sql.unicodeScalars)
        var index = 0
        var lastSignificant = -1
        var count = 0
        var inStatement = false
        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < text.count ? text[index + offset] : nil }
        var firstSignificant = -1
        // Where the text after the `;`s before the first statement starts (`; SELECT 1`).
        var leadingEnd = 0
        func significant(from start: Int, through end: Int) {
            if firstSignificant < 0 { firstSignificant = start }
            if !inStatement {
                inStatement = true
                count += 1
            }
            lastSignificant = max(lastSignificant, end)
        }
        while index < text.count {
            let scalar = text[index]
            if scalar == "-" && at(1) == "-" {
                while index < text.count && text[index] != "\n" { index += 1 }
                continue
            }
            if scalar == "/" && at(1) == "*" {
                var depth = 0
                repeat {
                    if text[index] == "/" && at(1) == "*" {
                        depth += 1
                        index += 2
                    } else if text[index] == "*" && at(1) == "/" {
                        depth -= 1
                        index += 2
                    } else {
                        index += 1
                    }
                } while depth > 0 && index < text.count
                continue
            }
            if scalar.properties.isWhitespace {
                index += 1
                continue
            }
            if scalar == ";" {
                if firstSignificant < 0 { leadingEnd = index + 1 }
                inStatement = false
                index += 1
                continue
            }
            let start = index
            let previous = index > 0 ? text[index - 1] : " "
            let startsWord =
                !(previous.properties.isAlphabetic || previous.properties.numericType != nil || previous == "_")
            if (scalar == "E" || scalar == "e") && at(1) == "'" && startsWord {
                // An escape string: a backslash escapes the next character.
                index += 2
                while index < text.count {
                    if text[index] == "\\" {
                        index += 2
                    } else if text[index] == "'" {
                        guard at(1) == "'" else { break }
                        index += 2
                    } else {
                        index += 1
                    }
                }
            } else if scalar == "'" || scalar == "\"" {
                index += 1
                while index < text.count {
                    if text[index] == scalar {
                        if at(1) == scalar { index += 2 } else { break }
                    } else {
                        index += 1
                    }
                }
            } else if scalar == "$", startsWord, previous != "$", let tag = Self.dollarTag(text, at: index) {
                // (A `$` after an identifier's letter or digit, `x$y$z`, is part of the identifier.)
                index += tag.count
                while index < text.count && Array(text[index..<min(text.count, index + tag.count)]) != tag {
                    index += 1
                }
                index += tag.count - 1
            }
            significant(from: start, through: min(index, text.count - 1))
            index = max(index, start) + 1
        }
        var scalars = String.UnicodeScalarView()
        if lastSignificant >= 0 {
            // Comments before the statement are kept, `;`s before it are not (`; SELECT 1`).
            let first = text[leadingEnd...].firstIndex { !$0.properties.isWhitespace } ?? firstSignificant
            scalars.append(contentsOf: text[first...lastSignificant])
        }
        body = String(scalars)
        self.count = count
    }

    /// `$tag$` at `index` (tag empty or an identifier); `nil` for `$1` (a parameter) or a lone `$`.
    private static func dollarTag(_ text: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        var end = index + 1
        while end < text.count
            && (text[end].properties.isAlphabetic || text[end] == "_"
                || (end > index + 1 && text[end].properties.numericType != nil))
        {
            end += 1
        }
        guard end < text.count, text[end] == "$" else { return nil }
        return Array(text[index...end])
    }

    /// Why this text cannot be a catalog query, if it cannot: none, or several statements.
    public var problem: String? {
        switch count {
        case 0: "has no SQL statement"
        case 1: nil
        default: "holds \(count) statements; a catalog query is one"
        }
    }
}
