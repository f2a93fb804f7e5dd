import Testing

@testable import CurlHTTP

@Suite struct HTTPResponseTests {
    @Test("header lines are split at the first colon, trimmed, and the name lowercased")
    func parsesHeaderLines() {
        let field = HTTPResponse.parseHeaderLine("Lambda-Runtime-Trace-Id:  Root=1-abc;Parent=x:y \r\n")
        #expect(field?.name == "lambda-runtime-trace-id")
        #expect(field?.value == "Root=1-abc;Parent=x:y")
    }

    @Test(
        "status lines, blank lines and junk are not header fields", arguments: ["HTTP/1.1 200 OK\r\n", "\r\n", "junk"])
    func skipsNonFields(line: String) {
        #expect(HTTPResponse.parseHeaderLine(line) == nil)
    }

    @Test("lookups are case-insensitive and return the first value")
    func headerLookup() {
        let response = HTTPResponse(status: 200, headers: [(name: "X-A", value: "1"), (name: "x-a", value: "2")])
        #expect(response.header("x-A") == "1")
        #expect(response.header("missing") == nil)
    }

    @Test("Duration converts to whole milliseconds")
    func durationMilliseconds() {
        #expect(Duration.milliseconds(1500).milliseconds == 1500)
        #expect(Duration.seconds(2).milliseconds == 2000)
    }
}
