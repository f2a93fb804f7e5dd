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
    func create(_ document: CaseDocument, key: String, facts: CaseFacts, deadline: Deadline) throws(CasesError)
        -> String

    /// The case a worker raised for the action whose reference (``CaseModel/CaseDocument/reference(forKey:)``)
    /// its body carries, raised since `sinceMs`: a worker that takes over a lapsed claim asks first, since the one
    /// before it may have raised the case and died before recording it. `nil` where the sink cannot tell (the
    /// webhook, whose receiver keeps one case per key).
    func find(reference: String, sinceMs: Int64, deadline: Deadline) throws(CasesError) -> String?

    /// Adds `text` to case `caseId`.
    /// `facts` are the notification's, for sinks that take data as well as text.
    func addNote(_ text: String, caseId: String, key: String, facts: CaseFacts, deadline: Deadline)
        throws(CasesError)

    /// Resolves case `caseId` after its alarm recovered.
    func resolve(caseId: String, key: String, facts: CaseFacts, deadline: Deadline) throws(CasesError)
}
