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

import CZlib

/// gzip with zlib, for PutMetricData bodies: CloudWatch accepts `Content-Encoding: gzip`, and the signature
/// covers the compressed bytes.
enum Gzip {
    /// The gzip form of `bytes`, or `nil` if zlib fails.
    ///
    /// A request body is most of a megabyte and compresses to a tenth of that: the output grows by pieces instead of
    /// being allocated at `deflateBound`, and a small window and hash table (form bodies repeat every few hundred
    /// bytes) keep zlib's own state small, so compressing costs little more memory than the compressed bytes.
    static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        // windowBits 12 + 16: a 4 KiB window, with a gzip header and trailer rather than raw zlib; memLevel 6.
        guard
            deflateInit2_(
                &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 12 + 16, 6, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 16 * 1024)
        // zlib reads the input without writing it; a mutable copy of a body would cost its size again.
        let finished = bytes.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                let (status, written) = piece.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    let status = deflate(&stream, Z_FINISH)
                    return (status, target.count - Int(stream.avail_out))
                }
                output += piece[0..<written]
                if status == Z_STREAM_END { return true }
                if status != Z_OK && status != Z_BUF_ERROR { return false }
            }
        }
        return finished ? output : nil
    }

    /// The bytes a gzip stream holds (tests check what was sent).
    static func decompress(_ bytes: [UInt8], limit: Int = 16 << 20) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: limit)
        // zlib reads the input without writing it; a mutable copy of a body would cost its size again.
        let status = bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return Array(output[0..<Int(stream.total_out)])
    }
}
