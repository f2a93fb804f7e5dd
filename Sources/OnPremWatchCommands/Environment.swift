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

/// The process environment as a dictionary, read once.
enum Environment {
    /// Variables that would change TLS behind the catalog's back, removed from the process before anything reads
    /// them: libpq's defaults for TLS and for where to connect (the function always sets TLS itself, but libpq
    /// falls back to these for what it does not set), and `SSLKEYLOGFILE`, with which libcurl's OpenSSL writes the
    /// session keys of every TLS connection to a file. `SSL_CERT_FILE` and `SSL_CERT_DIR` stay: they choose the
    /// CAs for AWS endpoints behind a private CA, and setting a function's variables is an administrator's act.
    static let scrubbed = [
        "SSLKEYLOGFILE", "PGSSLMODE", "PGREQUIRESSL", "PGSSLCERT", "PGSSLKEY", "PGSSLROOTCERT", "PGSSLCRL",
        "PGSSLCRLDIR", "PGSSLSNI", "PGSSLMINPROTOCOLVERSION", "PGSSLMAXPROTOCOLVERSION", "PGCHANNELBINDING",
        "PGGSSENCMODE", "PGSERVICE", "PGSERVICEFILE", "PGSYSCONFDIR", "PGHOST", "PGHOSTADDR", "PGPORT",
        "PGTARGETSESSIONATTRS", "PGREQUIREPEER", "PGREQUIREAUTH",
    ]

    /// Removes ``scrubbed`` from the process's environment.
    static func scrub() {
        for name in scrubbed { unsetenv(name) }
    }

    static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
