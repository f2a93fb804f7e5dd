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

import CCurl
import Core

/// Owns one libcurl easy handle and performs blocking HTTP requests on it.
///
/// One handle is kept for the life of the process so that libcurl's connection cache keeps the connection open
/// between requests: to the Runtime API between invocations, and to CloudWatch across warm invocations.
///
/// - Note: Not `Sendable` on purpose: a libcurl handle must not be used from two threads at once.
public final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    /// libcurl's error buffer (`CURLOPT_ERRORBUFFER`), filled with detail on failure.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The current request's headers, kept alive for as long as libcurl may read them.
    private var headerList: CurlHeaderList?
    /// Where the current transfer's response goes, alive for as long as the transfer runs.
    private var sink: Sink?

    /// Where the current transfer's response is collected; passed to the C callbacks as their context.
    private final class Sink {
        let collectsHeaders: Bool
        let maxBodyBytes: Int
        /// Set when the body passed ``maxBodyBytes`` and the transfer was ended.
        var tooLarge = false
        init(collectsHeaders: Bool, maxBodyBytes: Int) {
            self.collectsHeaders = collectsHeaders
            self.maxBodyBytes = maxBodyBytes
        }
        /// The header lines of the last response, as received.
        var head: [UInt8] = []
        var body: [UInt8] = []
        /// The request body libcurl reads through ``curlReadBody`` (transfers ``CurlMulti`` drives), and how much
        /// of it was read.
        var upload: [UInt8] = []
        var uploaded = 0
    }

    /// Makes a handle, or `nil` when libcurl cannot initialise (out of memory, or the global init failed).
    ///
    /// - Parameter caFile: A PEM bundle of the certificate authorities to trust instead of the system's, for an
    ///   endpoint behind a private CA.
    public init?(caFile: String? = nil) {
        guard let handle = CurlGlobal.makeHandle() else { return nil }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        // Options that never change are set once; ``perform(_:)`` sets every per-request option each time
        // instead of calling `curl_easy_reset`, which measurably added to each request's cost.
        _ = onprem_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = onprem_curl_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        _ = onprem_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
        _ = onprem_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        if let caFile { _ = onprem_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends `request` and waits for the whole response.
    ///
    /// - Returns: The response, whatever its status.
    /// - Throws: ``HTTPClientError`` when no HTTP response arrived (connect failure, timeout, dropped connection),
    ///   or the request was refused before sending (``HTTPRequestCheck``).
    public func perform(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        try prepare(request)
        let code: CURLcode = request.body.withUnsafeBufferPointer { body in
            if request.method != "GET" {
                _ = onprem_curl_setopt_ptr(
                    handle, CURLOPT_POSTFIELDS, UnsafeRawPointer(body.baseAddress) ?? UnsafeRawPointer(errorBuffer))
                _ = onprem_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            }
            return curl_easy_perform(handle)
        }
        return try response(after: code)
    }

    /// The raw handle, for ``CurlMulti`` to drive.
    var rawHandle: UnsafeMutableRawPointer { handle }

    /// Sets every option of `request` for a transfer that ``CurlMulti`` drives. The transfer outlives this call,
    /// so libcurl reads the body from the handle's sink through a callback, in pieces, rather than from a pointer
    /// or a copy of its own: four bodies in flight would otherwise be held twice.
    func prepareReadingBody(_ request: HTTPRequest) throws(HTTPClientError) {
        try prepare(request)
        if request.method != "GET" {
            sink?.upload = request.body
            _ = onprem_curl_setopt_ptr(handle, CURLOPT_POSTFIELDS, nil)
            _ = onprem_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            _ = onprem_curl_setopt_callback(handle, CURLOPT_READFUNCTION, curlReadBody)
            _ = onprem_curl_setopt_ptr(handle, CURLOPT_READDATA, sink.map { Unmanaged.passUnretained($0).toOpaque() })
        }
    }

    /// Sets every per-request option but the body, once the request passed ``HTTPRequestCheck``.
    private func prepare(_ request: HTTPRequest) throws(HTTPClientError) {
        if let problem = HTTPRequestCheck.problem(request) {
            throw HTTPClientError(code: .invalidRequest, curlCode: 0, message: "request not sent: \(problem)")
        }
        errorBuffer[0] = 0
        let sink = Sink(collectsHeaders: request.collectsHeaders, maxBodyBytes: request.maxResponseBytes ?? .max)
        self.sink = sink
        let context = Unmanaged.passUnretained(sink).toOpaque()

        _ = onprem_curl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = onprem_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, context)
        _ = onprem_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, context)
        _ = onprem_curl_setopt_long(
            handle, CURLOPT_TIMEOUT_MS, request.timeout.map { max(1, Int($0.milliseconds)) } ?? 0)
        _ = onprem_curl_setopt_long(
            handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.map { max(1, Int($0.milliseconds)) } ?? 0)

        var lines = request.headers.map { "\($0.name): \($0.value)" }
        if request.method != "GET" {
            // An empty `Expect:` stops libcurl from waiting for `100 Continue` on larger bodies.
            lines.append("Expect:")
        }
        headerList = lines.isEmpty ? nil : CurlHeaderList(lines)
        _ = onprem_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList?.pointer)

        if request.method == "GET" {
            _ = onprem_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            _ = onprem_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, nil)
        } else {
            _ = onprem_curl_setopt_long(handle, CURLOPT_POST, 1)
            _ = onprem_curl_setopt_string(
                handle, CURLOPT_CUSTOMREQUEST, request.method == "POST" ? nil : request.method)
        }
    }

    /// The response of the transfer that ended with `code`.
    func response(after code: CURLcode) throws(HTTPClientError) -> HTTPResponse {
        defer { sink = nil }
        if let sink, sink.tooLarge {
            throw HTTPClientError(
                code: .responseTooLarge, curlCode: Int(code.rawValue),
                message: "the answer was larger than \(sink.maxBodyBytes) bytes; the transfer was ended")
        }
        guard code == CURLE_OK, let sink else { throw failure(code) }
        var status = 0
        _ = onprem_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let fields = HeaderFields(bytes: sink.head, lines: 0..<sink.head.count)
        return HTTPResponse(status: status, fields: fields, body: sink.body)
    }

    /// Builds the error for a failed transfer from the code and libcurl's error buffer.
    private func failure(_ code: CURLcode) -> HTTPClientError {
        HTTPClientError(code, detail: String(cString: errorBuffer))
    }

    /// Called by libcurl for the next piece of the request body.
    private let curlReadBody: onprem_curl_data_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
        let length = min(size * count, sink.upload.count - sink.uploaded)
        guard length > 0 else { return 0 }
        sink.upload.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + sink.uploaded, byteCount: length)
        }
        sink.uploaded += length
        return length
    }

    /// Called by libcurl for each chunk of the body.
    private let curlWriteBody: onprem_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        // Returning less than was given ends the transfer (CURLE_WRITE_ERROR).
        guard length <= sink.maxBodyBytes - sink.body.count else {
            sink.tooLarge = true
            return 0
        }
        sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    /// Called by libcurl for each header line, including status lines; a new status line (after `100 Continue`
    /// or a redirect) starts the header block over.
    private let curlWriteHeader: onprem_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard sink.collectsHeaders else { return length }
        let line = UnsafeRawBufferPointer(start: data, count: length)
        if line.starts(with: "HTTP/".utf8) {
            sink.head.removeAll()
        } else {
            sink.head.append(contentsOf: line)
        }
        return length
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension CurlEasy: Sendable {}
