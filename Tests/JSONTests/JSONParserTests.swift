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
import Testing

@testable import JSON

@Suite struct JSONParserTests {
    func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    @Test("values of every kind, with whitespace anywhere JSON allows it")
    func values() throws {
        #expect(
            try parse(#" {"a": [1, -2.5, 3e2, 0, -0.0, 1E-2], "b": {"c": null}, "d": true, "e": false, "f": ""} "#)
                == ["a": [1, -2.5, 300, 0, -0.0, 0.01], "b": ["c": .null], "d": true, "e": false, "f": ""])
        #expect(try parse("[]") == [])
        #expect(try parse("{}") == [:])
        #expect(try parse("\t\r\n 42 \n") == 42)
        #expect(try parse(#""top""#) == "top")
        #expect(try parse(#"{"k": 1, "k": 2}"#) == ["k": 2])
    }

    @Test("string escapes, \\u escapes and surrogate pairs, and UTF-8 passed through")
    func strings() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        #expect(try parse(#""\u00e9\u20AC\ud83d\ude00""#) == "é€😀")
        #expect(try parse("\"Zürich 😀\"") == "Zürich 😀")
        #expect(try parse(#""\u0000""#) == "\u{0}")
    }

    @Test(
        "what is not JSON is refused, with the place",
        arguments: [
            ("", "unexpected end"), ("[1,]", "unexpected character"), ("{\"a\":1,}", "expected a key"),
            ("01", "leading zero"), ("1.", "invalid number"), (".5", "unexpected character"), ("-", "invalid number"),
            ("1e", "invalid number"), ("\"abc", "unterminated string"), ("\"\\x\"", "invalid escape"),
            ("\"\\ud83d\"", "unpaired surrogate"), ("\"\\ude00\"", "unpaired surrogate"),
            ("\"\\u12G4\"", "invalid \\u"),
            ("\"a\nb\"", "control character"), ("tru", "unexpected end"), ("nul1", "unexpected character"),
            ("{} {}", "unexpected text after"), ("{\"a\" 1}", "expected ':'"), ("[1 2]", "expected ',' or ']'"),
            ("NaN", "unexpected character"), ("// c\n1", "unexpected character"),
        ])
    func refused(text: String, mention: String) {
        do {
            let value = try parse(text)
            Issue.record("accepted \(text.debugDescription) as \(value)")
        } catch {
            #expect(error.message.contains(mention), "\(text.debugDescription): \(error)")
        }
    }

    @Test("invalid UTF-8 and hostile nesting are refused")
    func hostile() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try parse(String(repeating: "[", count: 100_000)) }
        #expect((try? parse(String(repeating: "[", count: 500) + String(repeating: "]", count: 500))) != nil)
    }

    @Test("agrees with Foundation's JSONDecoder on the payloads, rows and catalog the function reads")
    func agreesWithFoundation() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var texts = [
            #"{"active_sessions": 300, "region": "east", "ratio": 0.1, "big": 12345678901234567890, "tiny": 1e-300}"#,
            #"{"nested": {"list": [true, false, null, "x", -1.5e10]}, "unicode": "\u00fc\ud83d\ude00"}"#,
        ]
        for name in [
            "catalog.json", "events/demo-query.json", "events/several-queries.json", "events/customer-2-all.json",
        ] {
            if let text = try? String(contentsOfFile: root.appendingPathComponent(name).path, encoding: .utf8) {
                texts.append(text)
            }
        }
        #expect(texts.count >= 4)
        for text in texts {
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(try parse(text) == foundation, "\(text.prefix(60))")
        }
    }

    // MARK: - Public corpora

    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    static let suiteFiles: [String] = {
        let folder = here.appendingPathComponent("JSONTestSuite/test_parsing").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }()

    @Test("JSONTestSuite is all there")
    func suiteIsThere() {
        #expect(Self.suiteFiles.count == 318)
    }

    @Test("JSONTestSuite: y_ accepted, n_ refused with a typed error, i_ either, none crashes", arguments: suiteFiles)
    func jsonTestSuite(file: String) throws {
        let bytes = try [UInt8](
            Data(contentsOf: Self.here.appendingPathComponent("JSONTestSuite/test_parsing/\(file)")))
        let result = Result { () throws(JSONParseError) in try JSONValue.parse(bytes) }
        switch (file.prefix(2), result) {
        case ("y_", .failure(let error)): Issue.record("\(file) refused: \(error)")
        case ("n_", .success): Issue.record("\(file) accepted")
        default: break
        }
    }

    @Test("numbers are read correctly rounded: the same bits as Python's float(), over hard cases and random ones")
    func numbersAgainstReference() throws {
        let text = try String(contentsOf: Self.here.appendingPathComponent("json-numbers.txt"), encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            let number = String(parts[0])
            let result = Result { () throws(JSONParseError) in try JSONValue.parse(Array(number.utf8)) }
            if parts[1] == "out-of-range" {
                #expect(throws: JSONParseError.self, "\(number)") { try result.get() }
            } else {
                let bits = try #require(UInt64(parts[1], radix: 16))
                guard case .number(let value) = try result.get() else {
                    Issue.record("\(number) is not a number")
                    continue
                }
                #expect(value.bitPattern == bits, "\(number): \(value) against \(Double(bitPattern: bits))")
            }
            checked += 1
        }
        #expect(checked > 600)
    }
}
