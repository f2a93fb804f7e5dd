import CFuzzerDriver
import Glibc
import FuzzChecks

// The payload property of FuzzChecks under libFuzzer: a violation traps, so libFuzzer keeps the input.
let check: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { start, count in
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    if let violation = FuzzChecks.payload(bytes) {
        fatalError("payload property violated: \(violation)")
    }
    return 0
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, check))
