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
import JSON

/// Lambda's SQS event, as much of it as the worker reads, and the partial batch response it answers with.
public struct SQSBatch: Sendable, Equatable {
    public struct Record: Sendable, Equatable {
        public var messageId: String
        public var body: String
        /// How many times SQS has handed this message out, this time included; 1 when the event leaves it out.
        public var receiveCount: Int

        public init(messageId: String, body: String, receiveCount: Int = 1) {
            self.messageId = messageId
            self.body = body
            self.receiveCount = receiveCount
        }
    }

    public var records: [Record]

    public init(records: [Record]) { self.records = records }

    /// Reads `{"Records": [{"messageId", "body", "attributes": {"ApproximateReceiveCount"}}, ...]}`.
    ///
    /// - Throws: `Cases.InvalidEvent` when the event is not of that shape, or a record has no
    ///   `messageId`: a failure that cannot name its record can only fail the whole batch.
    public init(event bytes: [UInt8]) throws(CasesError) {
        guard case .object(let root)? = try? JSONValue.parse(bytes), case .array(let entries)? = root["Records"]
        else {
            throw CasesError(.invalidEvent, "the event is not an SQS event (no Records list)")
        }
        var records: [Record] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let fields) = entry, case .string(let id)? = fields["messageId"], !id.isEmpty else {
                throw CasesError(.invalidEvent, "Records[\(index)] has no messageId")
            }
            let body: String
            if case .string(let text)? = fields["body"] { body = text } else { body = "" }
            var count = 1
            if case .object(let attributes)? = fields["attributes"],
                let text = attributes["ApproximateReceiveCount"]?.text,
                let number = Int(text)
            {
                count = number
            }
            records.append(Record(messageId: id, body: body, receiveCount: count))
        }
        self.init(records: records)
    }

    /// `{"batchItemFailures": [{"itemIdentifier": ...}]}`: the records SQS should deliver again; an empty list
    /// means every record succeeded.
    public static func response(failed messageIds: [String]) -> [UInt8] {
        var out = Array("{\"batchItemFailures\":[".utf8)
        for (index, id) in messageIds.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array("{\"itemIdentifier\":".utf8)
            JSONText.appendQuoted(id, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out += Array("]}".utf8)
        return out
    }
}
