#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks (or, with --fix, adds) the Apache 2.0 header on each source file the project wrote itself.

Swift, C and headers carry the block below; Python and shell scripts carry the SPDX line after their shebang.
Copied material (the conformance corpora, the SigV4 vectors, fuzz inputs) keeps its own licence and is not
checked. `make lint` runs the check, so a new file without the header fails `make test`.
"""

import pathlib
import subprocess
import sys

BLOCK = """//===----------------------------------------------------------------------===//
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

"""
SPDX_LINE = "# SPDX-License-Identifier: Apache-2.0\n"
BLOCK_SUFFIXES = (".swift", ".c", ".h")
SCRIPT_SUFFIXES = (".py", ".sh")
SCRIPT_NAMES = ("bootstrap", ".ci/run")
SKIP_PARTS = ("JSONTestSuite", "aws4_testsuite", "Corpus", "Crashes")


def sources(root):
    listed = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout
    for name in listed.splitlines():
        path = pathlib.PurePosixPath(name)
        if any(part in SKIP_PARTS for part in path.parts):
            continue
        if name.endswith(BLOCK_SUFFIXES):
            yield root / name, "block"
        elif name.endswith(SCRIPT_SUFFIXES) or name in SCRIPT_NAMES:
            yield root / name, "spdx"


def first_line_stays(line, kind):
    """A shebang, or a manifest's tools version, must stay the first line."""
    return line.startswith("#!") if kind == "spdx" else line.startswith("// swift-tools-version")


def split(text, kind):
    lines = text.splitlines(keepends=True)
    at = 1 if lines and first_line_stays(lines[0], kind) else 0
    return "".join(lines[:at]), "".join(lines[at:])


def has_header(text, kind):
    _, rest = split(text, kind)
    return rest.startswith(BLOCK.rstrip("\n")) if kind == "block" else rest.startswith(SPDX_LINE)


def with_header(text, kind):
    first, rest = split(text, kind)
    return first + (BLOCK if kind == "block" else SPDX_LINE) + rest


def main():
    fix = "--fix" in sys.argv[1:]
    root = pathlib.Path(__file__).resolve().parent.parent
    missing = []
    for path, kind in sources(root):
        text = path.read_text()
        if has_header(text, kind):
            continue
        if fix:
            path.write_text(with_header(text, kind))
        else:
            missing.append(path.relative_to(root))
    for path in missing:
        print(f"missing licence header: {path} (scripts/license-headers.py --fix adds it)", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
