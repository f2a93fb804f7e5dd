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

@testable import AWSSigning

/// AWS's official SigV4 vectors (`aws4_testsuite/`, copied from `../shared/testdata` with their LICENSE and NOTICE,
/// so a clone tests on its own): canonical request, string to sign and `Authorization` header, for every case.
///
/// botocore skips `normalize-path/get-space` and the `get-vanilla-query-order-*` cases with duplicate keys; this
/// signer passes them too, so none is skipped.
@Suite struct SigV4TestSuiteTests {
    static let root: String = {
        if let path = ProcessInfo.processInfo.environment["ONPREM_AWS4_TESTSUITE"] { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("aws4_testsuite").path
    }()

    /// Every folder holding a `.req` file.
    static let cases: [String] = {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let item = walker.nextObject() as? String {
            if item.hasSuffix(".req") { found.append(String(item.dropLast(4))) }
        }
        return found.sorted()
    }()

    static let signer = SigV4Signer(
        credentials: AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")

    @Test("the test suite is there, all of it")
    func suiteFound() {
        #expect(Self.cases.count >= 31, "found \(Self.cases.count) cases under \(Self.root)")
    }

    @Test("canonical request, string to sign and Authorization match AWS's vectors", arguments: cases)
    func vector(name: String) throws {
        let base = "\(Self.root)/\(name)"
        let raw = try String(contentsOfFile: base + ".req", encoding: .utf8)
        var request = try Self.parse(raw)
        var signer = Self.signer
        if name.hasSuffix("get-vanilla-with-session-token") {
            // The request file leaves the token out: the signer adds it from the credentials.
            signer = SigV4Signer(
                credentials: AWSCredentials(
                    accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    sessionToken: "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"),
                region: "us-east-1", service: "service")
            request.headers = signer.sign(request, amzDate: "20150830T123600Z").filter { $0.name != "Authorization" }
        }
        let canonical = SigV4Signer.canonicalRequest(request).text
        #expect(canonical == (try String(contentsOfFile: base + ".creq", encoding: .utf8)))
        let toSign = signer.stringToSign(canonicalRequest: canonical, amzDate: "20150830T123600Z")
        #expect(toSign == (try String(contentsOfFile: base + ".sts", encoding: .utf8)))
        #expect(
            signer.authorization(request, amzDate: "20150830T123600Z")
                == (try String(contentsOfFile: base + ".authz", encoding: .utf8)))
    }

    @Test("a prepared signer signs as a fresh one, on the prepared day and on any other")
    func preparedKey() throws {
        let raw = try String(contentsOfFile: "\(Self.root)/get-vanilla/get-vanilla.req", encoding: .utf8)
        let request = try Self.parse(raw)
        var prepared = Self.signer
        prepared.prepare(amzDate: "20150830T000000Z")
        let expected = try String(contentsOfFile: "\(Self.root)/get-vanilla/get-vanilla.authz", encoding: .utf8)
        #expect(prepared.authorization(request, amzDate: "20150830T123600Z") == expected)
        for other in ["20150831T123600Z", "20160101T000000Z"] {
            #expect(
                prepared.authorization(request, amzDate: other) == Self.signer.authorization(request, amzDate: other))
        }
        prepared.prepare(amzDate: "20150831T000000Z")
        #expect(
            prepared.authorization(request, amzDate: "20150831T123600Z")
                == Self.signer.authorization(request, amzDate: "20150831T123600Z"))
    }

    @Test("amzDate formats Unix time as YYYYMMDDTHHMMSSZ")
    func amzDate() {
        #expect(SigV4Signer.amzDate(epochSeconds: 1_440_938_160) == "20150830T123600Z")
        #expect(SigV4Signer.amzDate(epochSeconds: 951_782_400) == "20000229T000000Z")
    }

    @Test("credentials never show their secret")
    func redacted() {
        let credentials = AWSCredentials(
            accessKeyID: "AKID", secretAccessKey: "very-secret", sessionToken: "session-token-value")
        for shown in ["\(credentials)", String(describing: credentials), String(reflecting: credentials)] {
            #expect(shown.contains("AKID"))
            #expect(!shown.contains("very-secret"))
            #expect(!shown.contains("session-token-value"))
        }
    }

    /// Reads a raw `.req` file: request line, headers (continuation lines folded in), blank line, body.
    static func parse(_ raw: String) throws -> SigV4Signer.Request {
        var lines = raw.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " ") else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        let (path, query) =
            target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) }
            ?? (target, "")
        var headers: [(name: String, value: String)] = []
        var bodyLines: [String] = []
        var inBody = false
        for line in lines {
            if inBody {
                bodyLines.append(line)
            } else if line.isEmpty {
                inBody = true
            } else if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
            }
        }
        return SigV4Signer.Request(
            method: method, path: path, query: query, headers: headers,
            body: Array(bodyLines.joined(separator: "\n").utf8))
    }
}
