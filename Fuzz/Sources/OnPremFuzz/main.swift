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

import CFuzzerDriver
import FuzzChecks
import Glibc

// One libFuzzer binary for every target: FUZZ_TARGET names the property of FuzzChecks to check (json, http1,
// payload, catalog, planner). A violation traps, so libFuzzer keeps the input as a finding.
let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
guard let selected = FuzzChecks.targets[name] else {
    print("FUZZ_TARGET must be one of \(FuzzChecks.targets.keys.sorted())")
    exit(64)
}
nonisolated(unsafe) let property = selected
nonisolated(unsafe) let propertyName = name

let check: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { start, count in
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    if let violation = property(bytes) {
        fatalError("\(propertyName) property violated: \(violation)")
    }
    return 0
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, check))
