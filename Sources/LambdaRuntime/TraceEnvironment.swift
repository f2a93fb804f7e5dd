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

#if canImport(Glibc)
    import Glibc
#endif

/// Sets one environment variable (`_X_AMZN_TRACE_ID`) to a new value for each invocation, without leaking.
///
/// glibc's `setenv` keeps every value it was ever given, because a caller of `getenv` may still hold the old one:
/// setting a fresh trace id per invocation grew the heap with every invocation (the soak benchmark measured it),
/// which over a warm function's life would push it out of its memory. This type owns one `NAME=value`
/// buffer handed to `putenv`, overwrites it in place for each new value, and replaces it (freeing the old one) only
/// when a longer value does not fit. Python's `os.environ` keeps the same kind of bookkeeping.
///
/// - Note: Not `Sendable`: the process environment has no lock, so it is set from the runtime loop's thread only.
final class TraceEnvironment {
    private let name: String
    /// `NAME=value\0`, as handed to `putenv`; `nil` until the first value.
    private var entry: UnsafeMutablePointer<CChar>?
    /// Bytes available for the value and its terminating NUL.
    private var capacity = 0

    init(name: String) {
        self.name = name
    }

    deinit {
        guard let entry else { return }
        if isInstalled(entry) { unsetenv(name) }
        entry.deallocate()
    }

    /// Sets the variable to `value`, or removes it when `value` is `nil`.
    func set(_ value: String?) {
        guard let value else {
            if let entry, isInstalled(entry) { unsetenv(name) }
            return
        }
        let prefix = name.utf8.count + 1
        let count = value.utf8.count
        if let entry, count < capacity {
            // The environment may no longer point here (unset above, or replaced by the handler's own setenv).
            let installed = isInstalled(entry)
            copy(value, to: entry + prefix)
            if !installed { putenv(entry) }
            return
        }
        let capacity = max(count + 1, 128)
        let fresh = UnsafeMutablePointer<CChar>.allocate(capacity: prefix + capacity)
        // Zeroed, so the entry's last byte is a NUL that no value overwrites: a thread reading the variable while
        // it is rewritten may see a mix of two trace ids, but never reads past the entry.
        fresh.initialize(repeating: 0, count: prefix + capacity)
        copy(name + "=", to: fresh)
        copy(value, to: fresh + prefix)
        putenv(fresh)
        // Only now is the old entry out of the environment.
        entry?.deallocate()
        entry = fresh
        self.capacity = capacity
    }

    /// Whether the environment's current value is the one in `entry`.
    private func isInstalled(_ entry: UnsafeMutablePointer<CChar>) -> Bool {
        let current: UnsafeMutablePointer<CChar>? = getenv(name)
        return current == entry + name.utf8.count + 1
    }

    /// Writes `text` and a NUL terminator at `destination`, which has room for them.
    private func copy(_ text: String, to destination: UnsafeMutablePointer<CChar>) {
        _ = text.withCString { strcpy(destination, $0) }
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension TraceEnvironment: Sendable {}
