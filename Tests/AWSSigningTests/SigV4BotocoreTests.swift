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

import Core
import Foundation
import Testing

@testable import AWSSigning

enum Botocore {
    static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import botocore"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}

/// Our signatures against botocore's, on requests generated here: methods, paths that need encoding, queries,
/// header values with runs of spaces, bodies, session tokens.
@Suite(.enabled(if: Botocore.isAvailable, "needs python3 with botocore (make test installs it)"))
struct SigV4BotocoreTests {
    struct Case: Codable {
        var method: String
        var path: String
        var query: [[String]]
        var headers: [[String]]
        var body: String
        var accessKey: String
        var secretKey: String
        var token: String?
        var region: String
        var service: String
        var amzDate: String
    }

    /// A deterministic generator, so a failure reproduces.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
        mutating func text(_ alphabet: [String], length: Int) -> String {
            (0..<length).map { _ in pick(alphabet) }.joined()
        }
    }

    static func generate(count: Int) -> [Case] {
        var random = Generator(state: 20_261_121)
        let safe = (Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")).map(String.init)
        let needsEncoding = safe + [" ", "/", "+", "=", "&", "*", "é", "ሴ", "$", "@", ":"]
        return (0..<count).map { index in
            let pathSegments = (0..<random.next(4)).map { _ in
                random.text(safe + ["é", "$", "@"], length: 1 + random.next(8))
            }
            var keys: Set<String> = []
            var query: [[String]] = []
            for _ in 0..<random.next(4) {
                let key = random.text(safe, length: 1 + random.next(6))
                if keys.insert(key).inserted {
                    query.append([key, random.text(needsEncoding, length: random.next(10))])
                }
            }
            var headers: [[String]] = [
                ["Host", "monitoring.eu-west-1.amazonaws.com"], ["X-Amz-Date", "20261121T120000Z"],
            ]
            for header in 0..<random.next(3) {
                headers.append([
                    "X-Test-\(header)", "  value  with   spaces \(random.text(safe, length: 1 + random.next(12)))  ",
                ])
            }
            if random.next(2) == 0 {
                headers.append(["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"])
            }
            return Case(
                method: random.pick(["GET", "POST", "PUT"]), path: "/" + pathSegments.joined(separator: "/"),
                query: query,
                headers: headers, body: random.text(needsEncoding, length: random.next(200)),
                accessKey: "AKID\(index)", secretKey: random.text(safe, length: 40),
                token: random.next(2) == 0 ? random.text(safe + ["/", "+", "="], length: 64) : nil,
                region: random.pick(["eu-west-1", "us-east-1", "ap-southeast-2"]),
                service: random.pick(["monitoring", "secretsmanager"]), amzDate: "20261121T120000Z")
        }
    }

    @Test("Authorization headers match botocore's SigV4Auth on 200 generated requests")
    func matchesBotocore() throws {
        let cases = Self.generate(count: 200)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "botocore_sign.py"
        ).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(cases))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let expected = try JSONDecoder().decode([[String]].self, from: data)
        #expect(expected.count == cases.count)
        for (item, botocore) in zip(cases, expected) {
            let signer = SigV4Signer(
                credentials: AWSCredentials(
                    accessKeyID: item.accessKey, secretAccessKey: item.secretKey, sessionToken: item.token),
                region: item.region, service: item.service)
            let query = item.query.map { "\(URIEncoding.encode($0[0]))=\(URIEncoding.encode($0[1]))" }.joined(
                separator: "&")
            // The path as sent on the wire, encoded once, as botocore gets it from the URL.
            let wirePath = item.path.split(separator: "/", omittingEmptySubsequences: false)
                .map { URIEncoding.encode(String($0)) }.joined(separator: "/")
            let request = SigV4Signer.Request(
                method: item.method, path: wirePath, query: query,
                headers: item.headers.map { (name: $0[0], value: $0[1]) }, body: Array(item.body.utf8))
            let ours = signer.sign(request, amzDate: item.amzDate).first { $0.name == "Authorization" }?.value
            #expect(
                ours == botocore[0],
                "ours:\n\(SigV4Signer.canonicalRequest(request).text)\nbotocore:\n\(botocore[1])")
        }
    }
}
