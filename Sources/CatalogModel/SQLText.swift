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

/// What can be told of a query's SQL without a server: whether it is one statement.
///
/// A query is run as one statement in a read-only transaction; two (`select 1; select 2`) failed only at run time
/// (issue 30). `onprem-watch check` asks the server too (a prepared statement is one statement), but the catalog
/// refuses the obvious case at load, where every tool sees it.
enum SQLText {
    /// Why `sql` is not one statement, if it is not: a `;` followed by more than whitespace and comments, outside
    /// string literals, quoted identifiers, dollar-quoted strings and comments.
    static func statementProblem(_ sql: String) -> String? {
        let text = Array(sql.unicodeScalars)
        var index = 0
        var statementEnded = false
        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < text.count ? text[index + offset] : nil }
        while index < text.count {
            let scalar = text[index]
            if scalar == "-" && at(1) == "-" {
                while index < text.count && text[index] != "\n" { index += 1 }
                continue
            }
            if scalar == "/" && at(1) == "*" {
                // PostgreSQL's block comments nest.
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
            // Empty statements (`;;`) are nothing to PostgreSQL's parser.
            if statementEnded && scalar != ";" {
                return "has more than one statement (a \";\" with more after it); give one"
            }
            // An escape string, E'...': a backslash escapes the next character (`E'it\'s'`).
            let previous = index > 0 ? text[index - 1] : " "
            let startsWord =
                !(previous.properties.isAlphabetic || previous.properties.numericType != nil || previous == "_")
            if (scalar == "E" || scalar == "e") && at(1) == "'" && startsWord {
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
                index += 1
                continue
            }
            switch scalar {
            case ";":
                statementEnded = true
                index += 1
            case "'", "\"":
                // A doubled quote inside is the quote itself; backslashes are plain in standard strings.
                index += 1
                while index < text.count {
                    if text[index] == scalar {
                        if at(1) == scalar { index += 2 } else { break }
                    } else {
                        index += 1
                    }
                }
                index += 1
            case "$":
                // $tag$ ... $tag$, where tag is empty or an identifier; `$1` is a parameter.
                var end = index + 1
                while end < text.count
                    && (text[end].properties.isAlphabetic || text[end] == "_"
                        || (end > index + 1 && text[end].properties.numericType != nil))
                {
                    end += 1
                }
                guard end < text.count, text[end] == "$" else {
                    index += 1
                    continue
                }
                let tag = Array(text[index...end])
                index = end + 1
                while index < text.count && Array(text[index..<min(text.count, index + tag.count)]) != tag {
                    index += 1
                }
                index += tag.count
            default:
                index += 1
            }
        }
        return nil
    }
}
