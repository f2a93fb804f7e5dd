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

import Foundation
import Testing

@testable import CaseWorker

/// The webhook's rules that need no receiver: https only, and the key a receiver sees.
@Suite struct WebhookCaseSinkTests {
    @Test("only https:// URLs are posted to: a token in an http:// URL would cross the network in clear")
    func httpsOnly() throws {
        #expect(WebhookCaseSink.isAcceptable("https://tickets.example.com/hook?token=t"))
        #expect(WebhookCaseSink.isAcceptable("HTTPS://tickets.example.com/"))
        for url in ["http://tickets.example.com/hook", "https://", "ftp://x", "tickets.example.com", ""] {
            #expect(!WebhookCaseSink.isAcceptable(url), "\(url)")
        }
        let catalog = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-\(getpid()).json")
        try #"{"customers": [], "queries": []}"#.write(to: catalog, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: catalog) }
        do {
            _ = try CasesHandler(environment: [
                "ONPREM_CATALOG": catalog.path, "ONPREM_CASES_TABLE": "t", "AWS_ACCESS_KEY_ID": "k",
                "AWS_SECRET_ACCESS_KEY": "s", "ONPREM_CASE_SINK": "webhook",
                "ONPREM_CASE_WEBHOOK_URL": "http://tickets.example.com/hook?token=t",
            ])
            Issue.record("an http:// webhook was accepted")
        } catch {
            #expect("\(error)".contains("https://") && !"\(error)".contains("token=t"))
        }
    }

    @Test("the idempotency key is the SHA-256 of the action's key: 64 hex digits, whatever the alarm's fields hold")
    func idempotencyKey() {
        let key = WebhookCaseSink.idempotencyKey("action#arn:aws:cloudwatch:x\r\nX-Injected: 1#ALARM#1")
        #expect(key.count == 64 && key.allSatisfy { $0.isHexDigit })
        #expect(WebhookCaseSink.idempotencyKey("a") == WebhookCaseSink.idempotencyKey("a"))
        #expect(WebhookCaseSink.idempotencyKey("a") != WebhookCaseSink.idempotencyKey("b"))
    }
}
