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

#if canImport(Glibc)
    import Glibc
#endif

/// The local file system, for the command: whole-file reads and glob(3).
public struct LocalFiles: ImportFileAccess {
    public init() {}

    public func read(_ path: String) throws(ImportError) -> String {
        guard let bytes = FileBytes.read(path) else {
            throw ImportError(.unreadableFile, file: path, "cannot be opened: \(String(cString: strerror(errno)))")
        }
        // The tools read their files as UTF-8 (Go, Python, toml++); a file that is not is not theirs either.
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ImportError(.unreadableFile, file: path, "is not UTF-8 text")
        }
        return text
    }

    public func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}
