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
import UTCTime

/// PutMetricData in CloudWatch's query protocol (`application/x-www-form-urlencoded`), which both CloudWatch and
/// the local emulator accept.
enum QueryProtocol {
    static func header(namespace: String) -> [UInt8] {
        Array("Action=PutMetricData&Version=2010-08-01&Namespace=\(encode(namespace))".utf8)
    }

    /// One datum's fields, each prefixed with `&`.
    static func encode(_ datum: MetricDatum, index: Int) -> [UInt8] {
        let prefix = "&MetricData.member.\(index)."
        var text = "\(prefix)MetricName=\(encode(datum.name))"
        for (position, dimension) in datum.dimensions.enumerated() {
            text += "\(prefix)Dimensions.member.\(position + 1).Name=\(encode(dimension.name))"
            text += "\(prefix)Dimensions.member.\(position + 1).Value=\(encode(dimension.value))"
        }
        text += "\(prefix)Unit=\(encode(datum.unit))"
        text += "\(prefix)Timestamp=\(encode(UTCTime.rfc3339(epochMilliseconds: datum.timestampMs)))"
        text += "\(prefix)StorageResolution=\(datum.storageResolution)"
        if datum.values.count == 1 && datum.counts == [1] {
            text += "\(prefix)Value=\(encode(number(datum.values[0])))"
        } else {
            for (position, value) in datum.values.enumerated() {
                text += "\(prefix)Values.member.\(position + 1)=\(encode(number(value)))"
                text += "\(prefix)Counts.member.\(position + 1)=\(encode(number(datum.counts[position])))"
            }
        }
        return Array(text.utf8)
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
