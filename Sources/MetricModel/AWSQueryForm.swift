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
import UTCTime

/// PutMetricData in CloudWatch's query protocol (`application/x-www-form-urlencoded`), which both CloudWatch and
/// the local emulator accept.
enum AWSQueryForm {
    static func header(namespace: String) -> [UInt8] {
        Array("Action=PutMetricData&Version=2010-08-01&Namespace=\(encode(namespace))".utf8)
    }

    /// One datum's fields, each prefixed with `&`.
    static func encode(_ datum: MetricDatum, index: Int) -> [UInt8] {
        var encoder = Encoder()
        var bytes: [UInt8] = []
        encoder.append(datum, index: index, to: &bytes)
        return bytes
    }

    /// Writes datums' fields straight into a body: a large result is hundreds of thousands of datums, each of a
    /// dozen fields, so no field becomes a `String` of its own.
    struct Encoder {
        /// The last timestamp written and its encoded form: the datums of one collection share their time.
        private var timestamp: (ms: Int64, bytes: [UInt8])?

        mutating func append(_ datum: MetricDatum, index: Int, to body: inout [UInt8]) {
            let member = Array("&MetricData.member.\(index).".utf8)
            /// `&MetricData.member.N.<path>=`, where a list's member number goes between `list` and `leaf`.
            func key(_ list: StaticString, _ number: Int? = nil, _ leaf: StaticString = "") {
                body += member
                body += UnsafeRawBufferPointer(start: list.utf8Start, count: list.utf8CodeUnitCount)
                if let number { body += String(number).utf8 }
                body += UnsafeRawBufferPointer(start: leaf.utf8Start, count: leaf.utf8CodeUnitCount)
                body.append(UInt8(ascii: "="))
            }
            key("MetricName")
            Self.appendEncoded(datum.name, to: &body)
            for (position, dimension) in datum.dimensions.enumerated() {
                key("Dimensions.member.", position + 1, ".Name")
                Self.appendEncoded(dimension.name, to: &body)
                key("Dimensions.member.", position + 1, ".Value")
                Self.appendEncoded(dimension.value, to: &body)
            }
            key("Unit")
            Self.appendEncoded(datum.unit.rawValue, to: &body)
            key("Timestamp")
            if timestamp?.ms != datum.timestampMs {
                var bytes: [UInt8] = []
                Self.appendEncoded(UTCTime.rfc3339(epochMilliseconds: datum.timestampMs), to: &bytes)
                timestamp = (datum.timestampMs, bytes)
            }
            body += timestamp?.bytes ?? []
            key("StorageResolution")
            body += String(datum.storageResolution).utf8
            if datum.values.count == 1 && datum.counts == [1] {
                key("Value")
                Self.appendEncoded(number(datum.values[0]), to: &body)
            } else {
                for (position, value) in datum.values.enumerated() {
                    key("Values.member.", position + 1)
                    Self.appendEncoded(number(value), to: &body)
                    key("Counts.member.", position + 1)
                    Self.appendEncoded(number(datum.counts[position]), to: &body)
                }
            }
        }

        /// ``AWSQueryForm/encode(_:)`` written into `body`.
        static func appendEncoded(_ text: String, to body: inout [UInt8]) {
            URIEncoding.append(text, spaceAsPlus: true, to: &body)
        }
    }

    /// Form encoding as Python's `urlencode` writes it: unreserved characters as they are, space as `+`,
    /// everything else `%XX`. CloudWatch accepts any correct form encoding; moto re-encodes the form it parsed
    /// this way before checking the signature, so only this form verifies there.
    static func encode(_ text: String) -> String {
        URIEncoding.encode(text, spaceAsPlus: true)
    }

    /// Integral values without a fraction, others in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
