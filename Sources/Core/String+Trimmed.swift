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

extension String {
    /// The string without leading and trailing characters from `set`, without Foundation.
    ///
    /// Named apart from Foundation's `trimmingCharacters(in:)`, which takes a `CharacterSet`: one name with two
    /// meanings would change behaviour with an import.
    public func trimmed(of set: String) -> String {
        guard let first = firstIndex(where: { !set.contains($0) }), let last = lastIndex(where: { !set.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}
