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

import Testing

@testable import CatalogImport

/// YAML and TOML as one tree, and the errors that name the file and key.
@Suite struct ConfigNodeTests {
    @Test("YAML scalars typed as YAML's core schema resolves them; mappings in the file's order")
    func yaml() throws {
        let node = try ConfigNode.yaml("b: 30\na: \"30\"\nc: true\nd: ~\ne: 1.5\nf: [x, 2]\n", file: "f.yaml")
        #expect(
            node
                == .table([
                    ConfigEntry(key: "b", value: .integer(30)), ConfigEntry(key: "a", value: .string("30")),
                    ConfigEntry(key: "c", value: .bool(true)), ConfigEntry(key: "d", value: .null),
                    ConfigEntry(key: "e", value: .number(1.5)),
                    ConfigEntry(key: "f", value: .list([.string("x"), .integer(2)])),
                ]))
        #expect(try ConfigNode.yaml("", file: "f.yaml") == .null)
    }

    @Test("YAML merge keys: a mapping or a list of mappings, the mapping's own keys winning, then the earlier source")
    func yamlMergeKeys() throws {
        let text = """
            common: &common {username: ddog, port: 5432}
            extra: &extra {port: 6432, dbname: app}
            instances:
              - <<: *common
                host: db1
              - <<: [*extra, *common]
                host: db2
                username: other
              - "<<": literal
            """
        let node = try ConfigNode.yaml(text, file: "f.yaml")
        guard case .list(let instances)? = node["instances"] else {
            Issue.record("no instances")
            return
        }
        #expect(
            instances == [
                .table([
                    ConfigEntry(key: "username", value: .string("ddog")),
                    ConfigEntry(key: "port", value: .integer(5432)),
                    ConfigEntry(key: "host", value: .string("db1")),
                ]),
                .table([
                    ConfigEntry(key: "port", value: .integer(6432)), ConfigEntry(key: "dbname", value: .string("app")),
                    ConfigEntry(key: "host", value: .string("db2")),
                    ConfigEntry(key: "username", value: .string("other")),
                ]),
                .table([ConfigEntry(key: "<<", value: .string("literal"))]),
            ])
        #expect(throws: ImportError.self) { try ConfigNode.yaml("a: {<<: 5}\n", file: "f.yaml") }
    }

    @Test("a file whose aliases expand past the limit (billion laughs) is refused, quickly")
    func yamlAliasBomb() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            text +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        #expect(
            throws: ImportError(
                .invalidFile, file: "lol.yaml",
                "expands to more than 100000 YAML nodes (aliases counted each time they are used)")
        ) {
            try ConfigNode.yaml(text, file: "lol.yaml")
        }
    }

    @Test("a repeated YAML key and a YAML error are Import.InvalidFile with the place")
    func yamlErrors() {
        #expect(throws: ImportError(.invalidFile, file: "f.yaml", "is not YAML: a mapping repeats a")) {
            try ConfigNode.yaml("a: 1\na: 2\n", file: "f.yaml")
        }
        #expect {
            try ConfigNode.yaml("a: [1\n", file: "f.yaml")
        } throws: { error in
            (error as? ImportError)?.message.contains("at line 2") == true
        }
    }

    @Test(
        "a character YAML refuses gives the problem, line and byte offset, never the line's text (a password perhaps)",
        arguments: ["instances:\n  - password: Top\u{01}Secret\n", "instances:\n  - password: Top\u{7F}Secret\n"])
    func yamlReaderErrorHidesText(text: String) {
        #expect {
            try ConfigNode.yaml(text, file: "f.yaml")
        } throws: { error in
            guard let message = (error as? ImportError)?.message else { return false }
            return message.contains("at line 2") && message.contains("byte offset") && !message.contains("Top")
                && !message.contains("Secret")
        }
    }

    @Test("TOML: tables, arrays of tables, multi-line strings with line-ending backslashes")
    func toml() throws {
        let node = try ConfigNode.toml(
            "[[a.b]]\nx = 1\ns = \"\"\"\\\n  one \\\n  two\"\"\"\n[[a.b]]\nx = 2\n", file: "f.toml")
        let tables = node["a"]?["b"]
        #expect(
            tables
                == .list([
                    .table([
                        ConfigEntry(key: "s", value: .string("one two")), ConfigEntry(key: "x", value: .integer(1)),
                    ]),
                    .table([ConfigEntry(key: "x", value: .integer(2))]),
                ]))
    }

    @Test("typed reads name the key of the wrong value")
    func reader() throws {
        let reader = try ConfigReader(
            file: "f.yaml", place: "ns", node: try ConfigNode.yaml("n: [1]\nt: {a: 1}\nq: 'true'\n", file: "f.yaml"))
        #expect(throws: ImportError(.invalidFile, file: "f.yaml", "ns.n: must be a whole number, not a list")) {
            try reader.integer("n")
        }
        #expect(throws: ImportError(.invalidFile, file: "f.yaml", "ns.t: must be text, not a mapping")) {
            try reader.text("t")
        }
        #expect(try reader.bool("q") == true)
        #expect(try reader.textList("n") == ["1"])
    }
}
