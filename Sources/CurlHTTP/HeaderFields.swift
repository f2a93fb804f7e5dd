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

/// Header fields as they arrived: the bytes of the header block, and where each field's name and value lie in it.
///
/// A field becomes a `String` only when someone asks for it. Turning every field of every response into a pair of
/// strings as it arrived was a third of an echo invocation's instructions: the Runtime API's `/next` answer has ten
/// fields, and the runtime reads five of them.
public struct HeaderFields: Sendable {
    /// The bytes the fields are in; they may hold more (the status line, the body) around them.
    private let bytes: [UInt8]
    private var fields: [Field] = []
    /// Whether a non-empty line had no colon or a name with blanks in it; such a line is not a field.
    private(set) var hasMalformedLine = false

    private struct Field: Sendable {
        var name: Range<Int>
        var value: Range<Int>
    }

    /// Indexes the `Name: value` lines of `bytes[lines]`, ended by LF or CRLF; the value is trimmed of blanks.
    init(bytes: [UInt8], lines: Range<Int>) {
        self.bytes = bytes
        fields.reserveCapacity(16)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = lines.lowerBound
            while start < lines.upperBound {
                // memchr to the line's end: a byte-by-byte loop here was most of the cost.
                let end =
                    memchr(base + start, 0x0A, lines.upperBound - start).map {
                        UnsafeRawPointer(base).distance(to: $0)
                    } ?? lines.upperBound
                index(line: start..<end, in: buffer)
                start = end + 1
            }
        }
    }

    /// Fields given as values (tests, and responses libcurl has read), in this order.
    public init(_ pairs: [(name: String, value: String)] = []) {
        var block: [UInt8] = []
        for (name, value) in pairs {
            block.append(contentsOf: name.utf8)
            block.append(contentsOf: ": ".utf8)
            block.append(contentsOf: value.utf8)
            block.append(0x0A)
        }
        self.init(bytes: block, lines: 0..<block.count)
    }

    /// The value of the first field called `name`, matched without regard to ASCII case.
    public func value(_ name: String) -> String? {
        var name = name
        return name.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { buffer -> String? in
                for field in fields where field.name.count == wanted.count {
                    var same = true
                    for offset in 0..<wanted.count
                    where Self.folded(buffer[field.name.lowerBound + offset]) != Self.folded(wanted[offset]) {
                        same = false
                        break
                    }
                    if same {
                        return String(decoding: UnsafeBufferPointer(rebasing: buffer[field.value]), as: UTF8.self)
                    }
                }
                return nil
            }
        }
    }

    private mutating func index(line: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) {
        var end = line.upperBound
        while end > line.lowerBound && Self.isBlank(buffer[end - 1]) { end -= 1 }
        guard end > line.lowerBound else { return }
        var colon = line.lowerBound
        while colon < end && buffer[colon] != UInt8(ascii: ":") && !Self.isBlank(buffer[colon]) { colon += 1 }
        guard colon < end, colon > line.lowerBound, buffer[colon] == UInt8(ascii: ":") else {
            hasMalformedLine = true
            return
        }
        var start = colon + 1
        while start < end && Self.isBlank(buffer[start]) { start += 1 }
        fields.append(Field(name: line.lowerBound..<colon, value: start..<end))
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    private static func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
}
