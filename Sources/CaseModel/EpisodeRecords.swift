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

/// What the episode store answers when a worker claims a notification's action (CaseWorker's `EpisodeStore.claim`).
public enum EpisodeClaim: Sendable, Equatable {
    /// This worker holds the action; `token` proves it in later writes. `lapsedSince` is when a worker before it
    /// claimed the action, if this is a takeover: that worker may have done the work without recording it.
    case claimed(token: Int64, lapsedSince: Int64? = nil)
    /// A worker did it before; `caseId` is the case it raised or noted, `owned` whether it raised it.
    case done(caseId: String?, owned: Bool)
    /// Another worker holds it and its lease runs.
    case busy
}

/// An alarm's open case: the one its `OK` notes and resolves.
public struct OpenCase: Sendable, Equatable {
    /// The episode's `StateChangeTime` in epoch milliseconds, stored as a number so that episodes order by time.
    public var episode: Int64
    public var caseId: String
    /// Whether the case is the alarm's own (raised for it) rather than the customer's case it was noted on.
    public var owned: Bool

    public init(episode: Int64, caseId: String, owned: Bool) {
        self.episode = episode
        self.caseId = caseId
        self.owned = owned
    }
}

/// What the store keeps of an alarm: its open case, if one is open, and the latest `OK` that found none.
public struct AlarmRecord: Sendable, Equatable {
    public var open: OpenCase?
    /// A case closed to be resolved whose resolve is not known to be done: the next worker that reads the alarm
    /// finishes it.
    public var resolving: OpenCase?
    /// The `StateChangeTime` of an `OK` that arrived while no case was open: an `ALARM` of an earlier episode
    /// that arrives after it (delayed by retries) has already recovered.
    public var lastRecovery: Int64?

    public init(open: OpenCase? = nil, lastRecovery: Int64? = nil, resolving: OpenCase? = nil) {
        self.open = open
        self.resolving = resolving
        self.lastRecovery = lastRecovery
    }
}
