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

/// What the worker remembers between deliveries (``DynamoEpisodeStore`` in DynamoDB; an in-memory one in the
/// tests). Every write is conditional, so that duplicate deliveries and workers running at once agree on who does
/// what; ``CaseModel/CaseStateMachine`` decides what to ask, and `model/cases.pml` checks the protocol these
/// semantics make.
protocol EpisodeStore {
    /// Claims a notification's action until `leaseUntilMs`: ``CaseModel/EpisodeClaim/claimed(token:lapsedSince:)``
    /// if nobody had it or its lease lapsed (a takeover names when the lapsed claim was made), `done` if a worker
    /// finished it, `busy` while another worker's lease runs.
    func claim(_ key: String, leaseUntilMs: Int64, deadline: Deadline) throws(CasesError) -> EpisodeClaim

    /// Marks a claimed action done, with the case it raised or noted; `false` when the claim was taken over
    /// meanwhile (its lease lapsed), which the caller logs.
    func finish(_ key: String, token: Int64, caseId: String?, owned: Bool, deadline: Deadline) throws(CasesError)
        -> Bool

    /// Gives a claim back after its work failed, so the next delivery need not wait for the lease. Never fails:
    /// a claim not given back lapses.
    func release(_ key: String, token: Int64, deadline: Deadline)

    /// The alarm's open case and its latest recovery that found none.
    func alarm(_ alarm: String, deadline: Deadline) throws(CasesError) -> AlarmRecord

    /// Records `open` as the alarm's case, unless this or a later episode is already recorded: a repeated
    /// delivery of an `ALARM` after its `OK` must not reopen the episode.
    func setOpenCase(alarm: String, _ open: OpenCase, deadline: Deadline) throws(CasesError)

    /// Closes the alarm's case of `episode`; `false` when it is no longer the open one. With `resolving` it is
    /// marked to be resolved until ``finishResolving(alarm:episode:deadline:)``.
    func closeCase(alarm: String, episode: Int64, resolving: String?, deadline: Deadline) throws(CasesError) -> Bool

    /// The resolve of the alarm's case of `episode` is done; `false` when it was not marked (another finished it).
    func finishResolving(alarm: String, episode: Int64, deadline: Deadline) throws(CasesError) -> Bool

    /// Makes the alarm's open case of episode `from` the case of episode `to` (an `ALARM` back through
    /// `INSUFFICIENT_DATA` continues it); `false` when it is no longer open for `from`.
    func moveOpenCase(alarm: String, from: Int64, to: Int64, deadline: Deadline) throws(CasesError) -> Bool

    /// Records an `OK` that found no open case, unless a later one is recorded.
    func setLastRecovery(alarm: String, _ time: Int64, deadline: Deadline) throws(CasesError)

    /// The customer's newest case.
    func customerCase(_ opname: String, deadline: Deadline) throws(CasesError) -> String?

    func setCustomerCase(_ opname: String, caseId: String, deadline: Deadline) throws(CasesError)

    /// Takes one of the customer's cases of this hour: the hour it counts in, or `nil` when `limit` are taken.
    func takeStormSlot(_ opname: String, limit: Int, deadline: Deadline) throws(CasesError) -> Int64?

    /// Gives back the slot taken in `hour` when its case was surely not raised. Never fails.
    func returnStormSlot(_ opname: String, hour: Int64, deadline: Deadline)
}
