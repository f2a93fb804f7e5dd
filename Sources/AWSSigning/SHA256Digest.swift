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

import Crypto

/// SHA-256 as lowercase hex, for names derived from content an outsider may choose (an idempotency key from an
/// alarm's fields, a file named by its content): unlike FNV-1a, no one can make two inputs collide.
public enum SHA256Digest: Sendable {
    public static func hex(_ bytes: [UInt8]) -> String {
        SigV4Signer.hex(SHA256.hash(data: bytes))
    }

    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }
}
