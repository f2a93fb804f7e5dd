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

@testable import FuzzChecks

/// Every seed and every input a fuzzer ever found (`Fuzz/Corpus`, `Fuzz/Crashes`) through the fuzz targets'
/// properties, in every `make test`: a fixed crash stays fixed without running a fuzzer.
@Suite struct FuzzCorpusTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// (target, file) for every file under Corpus/TARGET and Crashes/TARGET.
    static let inputs: [String] = {
        var inputs: [String] = []
        for folder in ["Corpus", "Crashes"] {
            for target in FuzzChecks.targets.keys.sorted() {
                let path = fuzz.appendingPathComponent("\(folder)/\(target)").path
                let files = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                inputs += files.filter { !$0.hasPrefix(".") }.sorted().map { "\(folder)/\(target)/\($0)" }
            }
        }
        return inputs
    }()

    @Test("every target has a seed corpus")
    func corporaExist() {
        for target in FuzzChecks.targets.keys {
            #expect(Self.inputs.contains { $0.hasPrefix("Corpus/\(target)/") }, "no seeds for \(target)")
        }
    }

    @Test("each corpus and crash input holds its target's property", arguments: inputs)
    func replay(input: String) throws {
        let target = input.split(separator: "/")[1]
        let check = try #require(FuzzChecks.targets[String(target)])
        let bytes = try [UInt8](Data(contentsOf: Self.fuzz.appendingPathComponent(input)))
        #expect(check(bytes) == nil, "\(input)")
    }
}
