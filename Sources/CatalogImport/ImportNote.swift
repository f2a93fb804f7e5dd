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

/// One line of the import's report: something of the tool's file the catalog does not carry over, and why.
///
/// The report is the contract of an import: nothing of the other tool's file is dropped without a line here. Lines
/// are warnings (the command still exits 0); they are what the person moving in reads before deploying.
public struct ImportNote: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The file, as it was given.
    public var file: String
    /// Where in the file, as a key path (`pg_process_idle.seconds`, `instances[0].password`); empty for the file as a
    /// whole.
    public var place: String
    /// What was not carried over and why, and what to do instead where there is something.
    public var message: String

    public init(file: String, place: String, _ message: String) {
        self.file = file
        self.place = place
        self.message = message
    }

    /// The line without the file: what the tests compare.
    public var line: String { place.isEmpty ? message : "\(place): \(message)" }

    public var description: String { "\(file): \(line)" }
}
