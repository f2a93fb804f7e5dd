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
