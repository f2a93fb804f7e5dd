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

import Core

/// Open connections kept across warm invocations, one per customer endpoint, least recently used first out.
///
/// A function serving many customers would otherwise hold a connection slot on every one of their servers;
/// ``maxIdle`` caps that.
///
/// - Note: Not `Sendable`: the runtime serves one invocation at a time.
public final class ConnectionPool {
    public let maxIdle: Int
    private var connections: [String: PostgresConnection] = [:]
    /// Keys from least to most recently used.
    private var order: [String] = []

    public init(maxIdle: Int) { self.maxIdle = max(1, maxIdle) }

    public var count: Int { connections.count }

    /// Takes the endpoint's connection out of the pool, if there is one.
    public func take(_ key: String) -> PostgresConnection? {
        order.removeAll { $0 == key }
        return connections.removeValue(forKey: key)
    }

    /// Returns a healthy, idle connection to the pool, closing the least recently used beyond ``maxIdle``.
    public func put(_ key: String, _ connection: PostgresConnection) {
        guard connection.isUsable, connection.isIdle else { return }
        connections[key] = connection
        order.append(key)
        while order.count > maxIdle {
            connections.removeValue(forKey: order.removeFirst())
        }
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension ConnectionPool: Sendable {}
