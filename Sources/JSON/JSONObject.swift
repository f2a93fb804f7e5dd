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

/// A JSON object's members, with keys compared by their Unicode scalars, as JSON compares them.
///
/// Swift's `String` equality is canonical equivalence: `"\u{e9}"` and `"e\u{301}"` are equal strings, so a
/// `[String: JSONValue]` merges them into one key. They are two distinct keys in JSON, and two distinct columns in
/// a `row_to_json` row, so one of the row's metrics was lost. Here each key stays a key of its own.
public struct JSONObject: Equatable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// A key that hashes and compares its UTF-8 bytes, in one pass over contiguous storage each.
    struct MemberKey: Hashable, Sendable {
        let text: String

        static func == (lhs: MemberKey, rhs: MemberKey) -> Bool {
            var left = lhs.text
            var right = rhs.text
            return left.withUTF8 { a in
                right.withUTF8 { b in
                    a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
                }
            }
        }

        func hash(into hasher: inout Hasher) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    private var members: [MemberKey: JSONValue]

    public init() { members = [:] }

    /// The members of a dictionary, whose keys are already distinct strings.
    public init(_ dictionary: [String: JSONValue]) {
        members = Dictionary(uniqueKeysWithValues: dictionary.map { (MemberKey(text: $0.key), $0.value) })
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = Dictionary(elements.map { (MemberKey(text: $0.0), $0.1) }, uniquingKeysWith: { _, last in last })
    }

    /// The member named exactly `key`, scalar for scalar.
    public subscript(key: String) -> JSONValue? {
        get { members[MemberKey(text: key)] }
        set { members[MemberKey(text: key)] = newValue }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.keys.map(\.text) }

    /// Members in no particular order, as a dictionary's.
    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        members.lazy.map { (key: $0.key.text, value: $0.value) }.makeIterator()
    }
}
