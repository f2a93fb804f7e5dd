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
public import Logging
import UTCTime

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log backend for Lambda: one line per record on stderr, JSON or text.
///
/// With `AWS_LAMBDA_LOG_FORMAT=JSON` each record is one JSON object with `timestamp` (RFC 3339), `level`,
/// `message`, `requestId` and the metadata, which CloudWatch Logs indexes. Otherwise a plain text line.
/// Each line goes out in one `write(2)` so lines from one process never interleave.
public struct LambdaLogHandler: LogHandler {
    public enum Format: Sendable { case text, json }

    public let label: String
    public let format: Format
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    /// Where lines go; stderr keeps stdout clean for `replay` output and EMF lines.
    private let fileDescriptor: Int32

    public init(label: String, format: Format, level: Logger.Level, fileDescriptor: Int32 = 2) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.fileDescriptor = fileDescriptor
    }

    /// Reads `AWS_LAMBDA_LOG_FORMAT` and `AWS_LAMBDA_LOG_LEVEL` from an environment.
    public init(label: String, environment: [String: String]) {
        let format: Format = environment["AWS_LAMBDA_LOG_FORMAT"]?.uppercased() == "JSON" ? .json : .text
        self.init(label: label, format: format, level: Self.level(environment["AWS_LAMBDA_LOG_LEVEL"]))
    }

    /// Maps Lambda's level names (TRACE, DEBUG, INFO, WARN, ERROR, FATAL) to swift-log's; the default is info.
    public static func level(_ name: String?) -> Logger.Level {
        switch name?.uppercased() {
        case "TRACE": .trace
        case "DEBUG": .debug
        case "WARN", "WARNING": .warning
        case "ERROR": .error
        case "FATAL", "CRITICAL": .critical
        default: .info
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = Self.render(
            format: format, timestamp: Self.rfc3339Now(), level: event.level, message: "\(event.message)",
            metadata: merged)
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        _ = bytes.withUnsafeBytes { write(fileDescriptor, $0.baseAddress, $0.count) }
    }

    /// The most of a message kept in a line, and of one metadata value: an alarm's name or a row's text can be
    /// a megabyte, and a log line is not the place to keep it.
    public static let messageLimit = 4096
    public static let valueLimit = 1024

    /// Renders one record as a line, without the newline. Pure, for tests.
    ///
    /// Values come from outside (payloads, alarm messages, rows): each is cut at its limit, and in text lines every
    /// control character is escaped (`\n`, `\u{1B}`), so that no value can end the line, forge another (an EMF line
    /// among them), or drive a terminal. JSON lines escape them by JSON's rules.
    public static func render(
        format: Format, timestamp: String, level: Logger.Level, message: String, metadata: Logger.Metadata
    ) -> String {
        let levelName = lambdaLevelName(level)
        let message = cut(message, messageLimit)
        switch format {
        case .json:
            var line = "{\"timestamp\":\(JSONText.quoted(timestamp)),\"level\":\"\(levelName)\""
            line += ",\"message\":\(JSONText.quoted(message))"
            if case .string(let id)? = metadata["requestId"] {
                line += ",\"requestId\":\(JSONText.quoted(cut(id, valueLimit)))"
            }
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where key != "requestId" {
                line += ",\(JSONText.quoted(cut(key, valueLimit))):\(JSONText.quoted(cut("\(value)", valueLimit)))"
            }
            return line + "}"
        case .text:
            var line = "\(timestamp) \(levelName)"
            if case .string(let id)? = metadata["requestId"] { line += " \(escaped(cut(id, valueLimit)))" }
            line += " \(escaped(message))"
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where key != "requestId" {
                line += " \(escaped(cut(key, valueLimit)))=\(escaped(cut("\(value)", valueLimit)))"
            }
            return line
        }
    }

    /// `text` within `limit` UTF-8 bytes, cut at a scalar's boundary (a character may be one letter and 200,000
    /// combining marks), saying how much was left out.
    static func cut(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            if bytes > limit { break }
            kept.append(scalar)
        }
        let result = String(kept)
        return result + "…(\(text.utf8.count - result.utf8.count) more bytes)"
    }

    /// `text` with every control character (C0, DEL, C1, and the Unicode line and paragraph separators) written as
    /// an escape, and the backslash doubled, so the line stays one line and reads back unambiguously.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where needsEscape(scalar):
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
            || scalar.value == 0x2029 || scalar == "\\"
    }

    /// Lambda's own level names, which its log filtering understands.
    static func lambdaLevelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARN"
        case .error: "ERROR"
        case .critical: "FATAL"
        }
    }

    /// The current UTC time as RFC 3339 with milliseconds, without Foundation's formatters.
    static func rfc3339Now() -> String {
        rfc3339(epochMilliseconds: Deadline.nowEpochMilliseconds())
    }

    /// Formats epoch milliseconds as `2026-11-21T12:34:56.789Z`.
    public static func rfc3339(epochMilliseconds: Int64) -> String {
        UTCTime.rfc3339(epochMilliseconds: epochMilliseconds)
    }
}
