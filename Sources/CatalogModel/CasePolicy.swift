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

/// How the support-case worker (`_HANDLER=cases`) treats an alarm: what its case says and who hears of it.
///
/// A catalog sets these at three levels, each filling what the one below leaves unset: the catalog's `cases`, a
/// customer's `cases`, and an alarm's own `severity`, `runbook` and `ccEmails`.
///
/// ```json
/// "cases": {"severity": "normal", "runbook": "Check the plant's gateway first.", "ccEmails": ["ops@example.com"],
///           "maxCasesPerHour": 5, "insufficientData": "ignore"}
/// ```
public struct CasePolicy: Sendable, Equatable {
    /// AWS Support's severity codes, lowest first.
    public enum Severity: String, CaseIterable, Sendable {
        case low, normal, high, urgent, critical
    }

    /// What an `INSUFFICIENT_DATA` transition does: nothing, a note on the open case, or a case of its own.
    public enum InsufficientData: String, CaseIterable, Sendable {
        case ignore, note, `case`
    }

    public var severity: Severity?
    /// Text for the support team to start from, put at the end of the case's body.
    public var runbook: String?
    /// Who is copied on the case; AWS Support takes at most ten.
    public var ccEmails: [String]?
    /// New cases per customer per hour; alarms beyond it become notes on the customer's open case.
    public var maxCasesPerHour: Int?
    public var insufficientData: InsufficientData?

    /// What a policy that sets nothing means: low severity, as the worker this one replaces raised its cases, since
    /// a case should wait for a person rather than page one.
    public static let builtIn = CasePolicy(
        severity: .low, runbook: nil, ccEmails: [], maxCasesPerHour: 10, insufficientData: .ignore)

    /// AWS Support's limit on `ccEmailAddresses`.
    public static let maxCCEmails = 10

    public init(
        severity: Severity? = nil, runbook: String? = nil, ccEmails: [String]? = nil, maxCasesPerHour: Int? = nil,
        insufficientData: InsufficientData? = nil
    ) {
        self.severity = severity
        self.runbook = runbook
        self.ccEmails = ccEmails
        self.maxCasesPerHour = maxCasesPerHour
        self.insufficientData = insufficientData
    }

    /// This policy with what it leaves unset taken from `fallback`.
    public func over(_ fallback: CasePolicy) -> CasePolicy {
        CasePolicy(
            severity: severity ?? fallback.severity, runbook: runbook ?? fallback.runbook,
            ccEmails: ccEmails ?? fallback.ccEmails, maxCasesPerHour: maxCasesPerHour ?? fallback.maxCasesPerHour,
            insufficientData: insufficientData ?? fallback.insufficientData)
    }

    /// Reads the `cases` object of a catalog or customer, or an alarm's own fields (`alarmLevel`: only severity,
    /// runbook and ccEmails belong there).
    init(_ fields: JSONObject, place: String, alarmLevel: Bool = false) throws(CatalogError) {
        let reader = FieldReader(fields: fields, place: place)
        if let text = try reader.optionalText("severity") {
            guard let severity = Severity(rawValue: text) else {
                throw CatalogError(
                    .invalid, "\(place): severity \"\(text)\" is not one of \(Severity.allCases.map(\.rawValue))")
            }
            self.severity = severity
        }
        runbook = try reader.optionalText("runbook")
        if fields["ccEmails"] != nil && fields["ccEmails"] != .null {
            let emails = try reader.textList("ccEmails")
            guard emails.count <= Self.maxCCEmails else {
                throw CatalogError(.invalid, "\(place): ccEmails lists more than \(Self.maxCCEmails) addresses")
            }
            for email in emails where !Self.looksLikeEmail(email) {
                throw CatalogError(.invalid, "\(place): ccEmails entry \"\(email)\" is not an email address")
            }
            ccEmails = emails
        }
        guard !alarmLevel else { return }
        maxCasesPerHour = try reader.optionalInteger("maxCasesPerHour", in: 1...1_000)
        if let text = try reader.optionalText("insufficientData") {
            guard let choice = InsufficientData(rawValue: text) else {
                throw CatalogError(
                    .invalid,
                    "\(place): insufficientData \"\(text)\" is not one of \(InsufficientData.allCases.map(\.rawValue))"
                )
            }
            insufficientData = choice
        }
    }

    /// Reads a `cases` member of `fields`, if there is one.
    static func member(of fields: JSONObject, place: String) throws(CatalogError) -> CasePolicy {
        guard let value = fields["cases"], value != .null else { return CasePolicy() }
        guard case .object(let map) = value else { throw CatalogError(.invalid, "\(place): cases must be an object") }
        try FieldReader(fields: map, place: "\(place).cases").refuseUnknownKeys(
            ["severity", "runbook", "ccEmails", "maxCasesPerHour", "insufficientData"])
        return try CasePolicy(map, place: "\(place).cases")
    }

    /// One `@` with text on both sides and no spaces: enough to catch a name put where an address belongs.
    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
