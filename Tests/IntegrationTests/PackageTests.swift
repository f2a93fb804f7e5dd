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

import CatalogModel
import Core
import CurlHTTP
import Foundation
import MetricModel
import Testing

@testable import PostgresClient

/// The deployment zip on a machine that has never seen the project: a Debian minbase root with only what
/// provided.al2023 adds to it (libcurl4, libssl3), no libpq, no Swift. `make test` builds the zip
/// (`ONPREM_TEST_ZIP`) and the root (`ONPREM_TEST_ROOTFS`).
@Suite(
    .serialized,
    .enabled(
        if: LiveServices.environment["ONPREM_TEST_ZIP"] != nil && LiveServices.environment["ONPREM_TEST_ROOTFS"] != nil
            && LiveServices.runtimeEmulator != nil && LiveServices.environment["ONPREM_TEST_MOTO"] != nil,
        "needs ONPREM_TEST_ZIP, ONPREM_TEST_ROOTFS and the live services (make test)"))
struct PackageTests {
    let zip = LiveServices.environment["ONPREM_TEST_ZIP"] ?? ""
    let rootfs = LiveServices.environment["ONPREM_TEST_ROOTFS"] ?? ""
    var task: String { rootfs + "/var/task" }

    /// Unpacks the zip into the root's `/var/task`, as Lambda does.
    func unpack() throws {
        #expect(Shell.run("rm -rf '\(task)' && mkdir -p '\(task)' && unzip -q -o '\(zip)' -d '\(task)'") == 0)
    }

    @Test("bootstrap runs under chroot in the clean root: a sample event queries PostgreSQL and its metric lands")
    func invocationInCleanRoot() throws {
        try unpack()
        let emulator = LiveServices.runtimeEmulator ?? ""
        let moto = LiveServices.environment["ONPREM_TEST_MOTO"] ?? ""
        let namespace = "PackageTest\(getpid())"
        // Lambda's environment, and nothing of this machine's: env -i inside the root. /proc is mounted in a
        // private mount namespace (Lambda has one; the static Swift runtime reads its arguments from it), which
        // disappears with the process.
        // A catalog customer for the test server, in a catalog inside the root: the shipped catalog's queries, its
        // server verified (verify-full, the default) under the test CA, also inside the root. The function runs
        // under the key of the function role that `synth` (the zip's own binary) writes for this catalog.
        let shipped = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(task)/catalog.json")))
        var catalog = try #require(shipped as? [String: Any])
        catalog["customers"] = [
            [
                "opname": "Packaged", "ip": "127.0.0.1", "port": LiveServices.postgresPort ?? 0, "database": "ops_v1",
                "version": "1", "user": LiveServices.postgresUser, "sslrootcert": "/tmp/package-test/ca.pem",
            ]
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: catalog), as: UTF8.self)
        #expect(Shell.run("mkdir -p '\(rootfs)/tmp/package-test'") == 0)
        try text.write(toFile: "\(rootfs)/tmp/package-test/catalog.json", atomically: true, encoding: .utf8)
        #expect(
            Shell.run("cp '\(LiveServices.environment["ONPREM_TEST_PG_CA"] ?? "")' '\(rootfs)/tmp/package-test/ca.pem'")
                == 0)
        let role = try LiveServices.roleIdentity(catalog: text, role: "FunctionRole", binary: "\(task)/onprem-watch")
        let variables = [
            "LAMBDA_TASK_ROOT=/var/task", "PATH=/usr/local/bin:/usr/bin:/bin", "_HANDLER=metrics",
            "AWS_LAMBDA_RUNTIME_API=\(emulator)/.rt", "AWS_REGION=eu-west-1", "AWS_ENDPOINT_URL=\(moto)",
            "AWS_ACCESS_KEY_ID=\(role.accessKeyID)", "AWS_SECRET_ACCESS_KEY=\(role.secretAccessKey)",
            "ONPREM_NAMESPACE=\(namespace)", "PGPASSWORD=\(LiveServices.postgresPassword)",
            "ONPREM_CATALOG=/tmp/package-test/catalog.json",
        ]
        let script =
            "root=$1; shift; mount -t proc proc \"$root/proc\" && exec chroot \"$root\" /usr/bin/env -i \"$@\" "
            + "/var/task/bootstrap --limit 1"

        // The shipped catalog's query, against the test server, over verified TLS: the zip's libpq and the root's
        // OpenSSL.
        let event = #"{"customer": "Packaged", "query": "sessions"}"#
        let (answer, result) = try LiveServices.withEmulator {
            let child = try ChildProcess(
                "/usr/bin/unshare",
                arguments: ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", rootfs]
                    + variables,
                environment: ChildProcess.environment([:]))
            let answer = Result { try TestHTTP.post("\(emulator)/2015-03-31/functions/_/invocations", body: event) }
            return (answer, child.finish())
        }
        let response = try #require(try? answer.get(), "no answer; the function printed: \(result.stderr)")
        let body = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 200, "\(body)\n\(result.stderr)")
        #expect(result.status == 0, "\(result.stderr)")
        let output = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(output?["status"] as? String == "ok", "\(body)")
        #expect((output?["published"] as? [String: Any])?["requests"] as? Int == 1, "\(body)")

        let landed = try CloudWatchClientTests.readBack(
            namespace: namespace, name: "active_sessions", customer: "Packaged")
        #expect((landed["sampleCount"] as? Double ?? 0) >= 1, "\(landed)")
    }

    @Test("no ELF file in the zip needs a glibc symbol newer than 2.34, and none is a part of glibc")
    func glibcVersions() throws {
        try unpack()
        let elves = try FileManager.default.subpathsOfDirectory(atPath: task).filter { path in
            guard let handle = FileHandle(forReadingAtPath: "\(task)/\(path)") else { return false }
            defer { try? handle.close() }
            return handle.readData(ofLength: 4) == Data([0x7f, 0x45, 0x4c, 0x46])
        }
        #expect(elves.contains("onprem-watch"))
        for elf in elves {
            #expect(!elf.contains("libc.so") && !elf.contains("ld-linux"), "\(elf) is a part of glibc")
            let symbols = try Command.output("/usr/bin/objdump", ["-T", "\(task)/\(elf)"])
            let newest = Self.glibcVersions(in: symbols).max { $0.lexicographicallyPrecedes($1) } ?? []
            #expect(!([2, 34].lexicographicallyPrecedes(newest)), "\(elf) needs GLIBC_\(newest)")
        }
    }

    @Test("packaging is reproducible: the same stage gives the same zip bytes, whatever the files' times")
    func reproducible() throws {
        try unpack()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("package-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/package.py").path
        var digests: [String] = []
        for attempt in 0..<2 {
            // A new modification time each round: it must not reach the zip.
            #expect(Shell.run("touch -d '200\(attempt)-01-01' '\(task)/onprem-watch'") == 0)
            _ = try Command.output(
                "/usr/bin/env",
                [
                    "python3", script, "--binary", "\(task)/onprem-watch", "--stage", "\(work)/stage", "--zip",
                    "\(work)/\(attempt).zip",
                ])
            digests.append(try Command.output("/usr/bin/sha256sum", ["\(work)/\(attempt).zip"]).prefix(64).description)
        }
        let shipped = try Command.output("/usr/bin/sha256sum", [zip]).prefix(64).description
        #expect(digests[0] == digests[1])
        #expect(digests[0] == shipped, "a zip of the shipped files is the shipped zip")
    }

    /// The `GLIBC_x.y` versions named in `objdump -T` output.
    static func glibcVersions(in symbols: String) -> [[Int]] {
        symbols.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" || $0 == ")" }).compactMap { word in
            guard word.hasPrefix("GLIBC_"), let first = word.dropFirst(6).first, first.isNumber else { return nil }
            return word.dropFirst(6).split(separator: ".").compactMap { Int($0) }
        }
    }
}
