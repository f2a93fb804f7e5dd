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

import Foundation
import StackSynth
import Testing

/// The two tables that are contracts, checked against the code: the error names Step Functions `Retry`/`Catch`
/// match on (docs/errors.md) and the variables the function reads (docs/configuration.md). A name the code can
/// throw, or a variable it reads, that the document does not list fails here.
@Suite struct DocumentedContractsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every Swift source under Sources/, as text.
    static func sources() throws -> [String] {
        let folder = root.appendingPathComponent("Sources")
        let paths = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return try paths.filter { $0.hasSuffix(".swift") }.map {
            try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
        }
    }

    static func matches(_ pattern: String, in texts: [String]) throws -> Set<String> {
        let expression = try NSRegularExpression(pattern: pattern)
        var found: Set<String> = []
        for text in texts {
            for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { found.insert(String(text[range])) }
            }
        }
        return found
    }

    @Test("every error name the code defines is in docs/errors.md")
    func errorNames() throws {
        // The wire names are the error codes' (`Self("Category.Reason")`), plus the fallback for other errors.
        var names = try Self.matches(#"Self\("([A-Z][A-Za-z]+\.[A-Z][A-Za-z]+)"\)"#, in: Self.sources())
        names.insert("Handler.Unhandled")
        #expect(names.count > 20)
        let document = try String(contentsOf: Self.root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        for name in names.sorted() {
            #expect(document.contains("`\(name)`"), "\(name) is not in docs/errors.md")
        }
    }

    @Test("the errors docs/errors.md marks retryable are exactly those the generated state machines retry")
    func retryColumn() throws {
        let document = try String(contentsOf: Self.root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        let retried = try Self.matches(#"(?m)^\| `([A-Za-z]+\.[A-Za-z]+)` \|.*\| yes \|$"#, in: [document])
        #expect(retried == Set(StateMachineDefinition.transientErrors))
    }

    @Test("every environment variable the code reads is in docs/configuration.md")
    func environmentVariables() throws {
        let read = try Self.matches(#"(?:environment\["|getenv\(")([A-Z_][A-Z0-9_]+)"#, in: Self.sources())
        #expect(read.contains("ONPREM_METRICS_SINK"))
        let document = try String(
            contentsOf: Self.root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        for name in read.sorted() {
            #expect(document.contains("`\(name)`"), "\(name) is read but not in docs/configuration.md")
        }
    }
}
