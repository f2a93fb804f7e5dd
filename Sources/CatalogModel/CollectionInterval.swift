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

/// How often a customer's queries run, in seconds.
///
/// Under a minute it must divide 60: one scheduled execution a minute runs 60/interval rounds with a `Wait` between
/// them. From a minute up it must be whole minutes, the finest rate a schedule takes.
public enum CollectionInterval: Sendable {
    public static let `default` = 60

    static func validated(_ value: Double?, place: String) throws(CatalogError) -> Int? {
        guard let value else { return nil }
        let seconds = Int(exactly: value) ?? 0
        let valid = seconds >= 60 ? seconds % 60 == 0 && seconds <= 86_400 : seconds > 0 && 60 % seconds == 0
        guard valid else {
            let shown = Int(exactly: value).map(String.init) ?? "\(value)"
            throw CatalogError(
                .invalid,
                "\(place): interval \(shown) must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) or be whole minutes")
        }
        return seconds
    }
}
