#ifndef ONPREM_FUZZER_DRIVER_H
#define ONPREM_FUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (LLVM 12 and later), run from our own main: SwiftPM links every executable with
/// `--defsym main=<Target>_main`, so libFuzzer's own main never runs.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
