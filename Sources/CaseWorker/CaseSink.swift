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

import CaseModel
import Core

/// Where cases go: AWS Support (``SupportCaseSink``) or a team's own ticketing system (``WebhookCaseSink``).
protocol CaseSink {
    /// `support` or `webhook`, for the log.
    var name: String { get }

    /// Raises a case and returns its id.
    ///
    /// - Parameter key: Names the action for good: a receiver that sees one key twice should keep one case.
    func create(_ document: CaseDocument, key: String, deadline: Deadline) throws(CasesError) -> String

    /// Adds `text` to case `caseId`.
    func addNote(_ text: String, caseId: String, key: String, deadline: Deadline) throws(CasesError)

    /// Resolves case `caseId` after its alarm recovered.
    func resolve(caseId: String, key: String, deadline: Deadline) throws(CasesError)
}
