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
        #expect(retried == Set(StateMachineDefinition.retryableErrors))
    }

    @Test("every environment variable the code reads is in docs/configuration.md")
    func environmentVariables() throws {
        let read = try Self.matches(#"(?:environment\["|getenv\("|variable: ")([A-Z_][A-Z0-9_]+)"#, in: Self.sources())
        #expect(read.contains("ONPREM_METRICS_SINK"))
        let document = try String(
            contentsOf: Self.root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        for name in read.sorted() {
            #expect(document.contains("`\(name)`"), "\(name) is read but not in docs/configuration.md")
        }
    }

    /// Package.swift's targets but the tests, each with its direct dependencies (an external product by its
    /// package's name): read from the text, a target's block running to the next target's.
    static func packageTargets() throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let start = try NSRegularExpression(
            pattern: #"\.(target|executableTarget|systemLibrary|testTarget)\(\s*name:\s*"([^"]+)""#)
        let found = start.matches(in: text, range: NSRange(text.startIndex..., in: text))
        let dependency = try NSRegularExpression(
            pattern: #"\.product\(name:\s*"[^"]+",\s*package:\s*"([^"]+)"\)|"([^"]+)""#)
        var targets: [String: Set<String>] = [:]
        for (index, match) in found.enumerated() {
            guard let kind = Range(match.range(at: 1), in: text), text[kind] != "testTarget",
                let name = Range(match.range(at: 2), in: text), let from = Range(match.range, in: text)
            else { continue }
            let end =
                index + 1 < found.count
                ? Range(found[index + 1].range, in: text)?.lowerBound ?? text.endIndex
                : text.endIndex
            let block = text[from.lowerBound..<end]
            var dependencies: Set<String> = []
            if let list = block.range(of: "dependencies: ["), let close = block[list.upperBound...].firstIndex(of: "]")
            {
                let body = String(block[list.upperBound..<close])
                for item in dependency.matches(in: body, range: NSRange(body.startIndex..., in: body)) {
                    for group in [1, 2] {
                        if let range = Range(item.range(at: group), in: body) {
                            dependencies.insert(String(body[range]))
                        }
                    }
                }
            }
            targets[String(text[name])] = dependencies
        }
        return targets
    }

    @Test("docs/architecture.md's layer picture is Package.swift's targets and their dependencies, exactly")
    func layers() throws {
        let targets = try Self.packageTargets()
        #expect(targets["CaseWorker"]?.contains("CaseModel") == true && targets.count > 15)
        let document = try String(
            contentsOf: Self.root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let layout = try #require(document.range(of: "## Layout"))
        let open = try #require(document[layout.upperBound...].range(of: "```\n"))
        let close = try #require(document[open.upperBound...].range(of: "```"))
        var drawn: [String: Set<String>] = [:]
        for line in document[open.upperBound..<close.lowerBound].split(separator: "\n") {
            let text = line.split(separator: "(")[0]
            if let arrow = text.range(of: " ─ ") {
                let name = text[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces)
                drawn[name] = Set(
                    text[arrow.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            } else {
                for leaf in text.split(separator: ",") { drawn[leaf.trimmingCharacters(in: .whitespaces)] = [] }
            }
        }
        for (name, dependencies) in targets.sorted(by: { $0.key < $1.key }) {
            #expect(drawn[name] == dependencies, "\(name): Package.swift says \(dependencies.sorted())")
        }
        #expect(Set(drawn.keys) == Set(targets.keys), "drawn but not in Package.swift, or the reverse")
    }

    @Test("each test target is named after the module it tests, and docs/architecture.md says so")
    func testLayout() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let tests = try Self.matches(#"\.testTarget\(\s*name:\s*"([A-Za-z]+)Tests""#, in: [text])
        let modules = try Self.packageTargets()
        #expect(tests.count > 10)
        for module in tests.sorted() where module != "Integration" {
            #expect(modules[module] != nil, "\(module)Tests tests no module of that name")
        }
        let document = try String(
            contentsOf: Self.root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        #expect(document.contains("Tests/                   one test target per module, named after it"))
    }

    @Test("make help names every target of the Makefile")
    func makeHelp() throws {
        let makefile = try String(contentsOf: Self.root.appendingPathComponent("Makefile"), encoding: .utf8)
        let phony = try #require(makefile.split(separator: "\n").first { $0.hasPrefix(".PHONY:") })
        let help = try Self.matches(#"@echo "make ([a-z-]+)"#, in: [makefile])
        for target in phony.dropFirst(".PHONY:".count).split(separator: " ")
        where !["help", "deps", "deploy-deps"].contains(String(target)) {
            #expect(help.contains(String(target)), "make help does not name \(target)")
        }
    }
}
