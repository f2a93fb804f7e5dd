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

import AWSSigning

#if canImport(Glibc)
    import Glibc
#endif

/// The login a connection uses, from the customer's secret: a user and password, and the TLS files that the
/// secret may carry (a client certificate and key, the server's CA), already written out as files, since libpq
/// reads them only from files.
public struct DatabaseLogin: Sendable, Equatable {
    public var user: String
    public var password: String
    /// Paths of the PEM files, for libpq's `sslcert`, `sslkey` and `sslrootcert`.
    public var sslcert: String?
    public var sslkey: String?
    public var sslrootcert: String?

    public init(
        user: String, password: String, sslcert: String? = nil, sslkey: String? = nil, sslrootcert: String? = nil
    ) {
        self.user = user
        self.password = password
        self.sslcert = sslcert
        self.sslkey = sslkey
        self.sslrootcert = sslrootcert
    }
}

/// The function's TLS settings for PostgreSQL that do not come from the catalog.
public struct PostgresTLS: Sendable, Equatable {
    /// The CA bundle that verifies a server whose customer names no `sslrootcert` (`ONPREM_PG_CA_BUNDLE`, else
    /// the system's); `nil` leaves it to libpq (`~/.postgresql/root.crt`).
    public var defaultRootCertificates: String?

    public init(defaultRootCertificates: String? = PostgresTLS.systemBundle) {
        self.defaultRootCertificates = defaultRootCertificates
    }

    /// Reads `ONPREM_PG_CA_BUNDLE`.
    public init(environment: [String: String]) {
        if let bundle = environment["ONPREM_PG_CA_BUNDLE"], !bundle.isEmpty {
            self.init(defaultRootCertificates: bundle)
        } else {
            self.init()
        }
    }

    /// The system's CA bundle: Amazon Linux's (provided.al2023), else Debian's.
    public static var systemBundle: String? {
        ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"].first { access($0, R_OK) == 0 }
    }
}

/// PEM text from a secret written to files that only this process's user can read, named by a hash of their
/// content so that a rotated secret gets a new file and an unchanged one is written once.
enum PEMFiles {
    /// The file holding `pem`, written if it is not there yet; `nil` if it cannot be written.
    static func path(for pem: String) -> String? {
        let folder = directory
        guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { return nil }
        var status = stat()
        // The folder must be this user's own and private: a folder another user made first is not used.
        guard lstat(folder, &status) == 0, status.st_uid == getuid(), status.st_mode & 0o077 == 0,
            (status.st_mode & S_IFMT) == S_IFDIR
        else { return nil }
        let path = "\(folder)/\(SHA256Digest.hex(pem)).pem"
        if access(path, R_OK) == 0 { return path }
        let temporary = "\(path).\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        let bytes = Array(pem.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            return nil
        }
        return path
    }

    /// `$TMPDIR/onprem-watch-tls-<uid>` (in Lambda, `/tmp`, the only writable place).
    static var directory: String {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        return "\(base.isEmpty ? "/tmp" : base)/onprem-watch-tls-\(getuid())"
    }
}
