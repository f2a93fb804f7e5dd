#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes bench/hot-symbols.txt: the binary's functions that run at start-up, in the runtime loop and in the real
job, for the Lambda build's linker (`--symbol-ordering-file`, bench/README.md).

    make hot-symbols        # runs this under scripts/with-services.sh with the unstripped release binary

Why: Linux maps a file-backed page together with its neighbours (fault-around, 64 KB), so code that runs once
at start-up, scattered over 11 MB of text, makes most of the binary resident. Placed together, it maps a fraction.
The profile is callgrind's (every function that executed at least once): the echo handler's start and 20
invocations, then the metrics handler's start and 20 invocations of the demo query, published to moto.
A name that later disappears from the code is ignored by the linker; regenerate after larger changes.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import EVENT, real_job_env  # noqa: E402
from fast_emulator import Emulator  # noqa: E402


def executed_functions(callgrind_out, binary):
    """Functions of `binary` in callgrind's output, in the order it lists them (names are compressed as `(n)`)."""
    objects, names, current, found = {}, {}, None, []
    for line in open(callgrind_out):
        match = re.match(r"^(c?)(ob|fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not match:
            continue
        called, kind, number, name = match.groups()
        table = objects if kind == "ob" else names
        if name:
            table[number] = name
        if called:
            continue
        if kind == "ob":
            current = objects[number]
        elif current == binary:
            found.append(names[number])
    return found


def profile(binary, env, invocations):
    emulator = Emulator()
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "callgrind.out")
        emulator.start(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", binary],
                       env, None)
        for _ in range(invocations):
            status, body, _ = emulator.invoke(EVENT, timeout=300)
            if status != 200:
                raise SystemExit(f"hot-symbols: invocation failed: {body[:300]!r}")
        emulator.process.terminate()
        emulator.process.wait()
        return executed_functions(out, binary)


def main(unstripped, stage, output):
    with tempfile.TemporaryDirectory() as scratch:
        # valgrind cannot read the DWARF 5 debug information; the symbol table is all it needs.
        binary = os.path.join(scratch, "onprem-watch")
        subprocess.run(["strip", "--strip-debug", "-o", binary, unstripped], check=True)
        echo_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA")}
        echo_env.update(_HANDLER="echo", LAMBDA_TASK_ROOT=stage, AWS_LAMBDA_LOG_LEVEL="ERROR")
        symbols = profile(binary, echo_env, 20)
        symbols += profile(binary, dict(real_job_env(stage, publish=True), _HANDLER="metrics"), 20)
    ordered = list(dict.fromkeys(symbols))
    with open(output, "w") as f:
        f.write("".join(f"{name}\n" for name in ordered))
    print(f"hot-symbols: {len(ordered)} functions in {output}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
