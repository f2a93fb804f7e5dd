#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Stages and zips the function for Lambda's provided.al2023 (x86_64), and checks the result.

    scripts/package.py --binary PATH --stage DIR [--zip dist/onprem-watch.zip]

The stage is what Lambda unpacks into /var/task: `bootstrap`, the stripped `onprem-watch`, `catalog.json`, and
`lib/` with every shared library the binary needs that provided.al2023 does not ship (none, for the build that
`make package` makes: libpq and libcurl are linked statically).

It fails, naming the file, when a rule is broken:
- an ELF file needs a glibc symbol newer than 2.34 or a libstdc++ one newer than GLIBCXX_3.4.29;
- glibc or its loader would be bundled (starting through a bundled loader costs tens of milliseconds);
- a needed library is neither on provided.al2023 nor bundled;
- the zip is over 8 MB.
The zip is reproducible: entries sorted, every timestamp 1980-01-01, fixed permissions, fixed compression.
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile

# Shared libraries that provided.al2023 has in its base image (glibc, libstdc++ of GCC 11+, OpenSSL 3, zlib,
# curl-minimal). Nothing else may be assumed.
AL2023_LIBRARIES = {
    "linux-vdso.so.1", "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0",
    "librt.so.1", "libresolv.so.2", "libutil.so.1", "libstdc++.so.6", "libgcc_s.so.1", "libssl.so.3",
    "libcrypto.so.3", "libz.so.1", "libcurl.so.4",
}
# glibc's own libraries: never bundled, whatever the binary asks for.
GLIBC_PARTS = re.compile(r"^(ld-linux.*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl)\.so")
NEWEST = {"GLIBC": (2, 34), "GLIBCXX": (3, 4, 29)}
ZIP_LIMIT = 8_000_000
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def fail(message):
    print(f"package: {message}", file=sys.stderr)
    sys.exit(1)


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def needed(path):
    """The DT_NEEDED sonames of an ELF file."""
    out = subprocess.run(["objdump", "-p", path], check=True, capture_output=True, text=True).stdout
    return re.findall(r"^\s+NEEDED\s+(\S+)", out, re.M)


def newest_versions(path):
    """The newest GLIBC_ and GLIBCXX_ symbol versions an ELF file asks for, as tuples."""
    out = subprocess.run(["objdump", "-T", path], check=True, capture_output=True, text=True).stdout
    newest = {}
    for family, version in re.findall(r"\b(GLIBC|GLIBCXX)_([0-9][0-9.]*)\b", out):
        parsed = tuple(int(part) for part in version.split("."))
        newest[family] = max(newest.get(family, parsed), parsed)
    return newest


def resolve(soname, binary):
    """Where the loader here finds `soname` for `binary` (ldd), or None."""
    out = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    match = re.search(rf"^\s*{re.escape(soname)} => (\S+)", out, re.M)
    return match.group(1) if match else None


def stage(binary, directory, root):
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    shutil.copy(os.path.join(root, "bootstrap"), os.path.join(directory, "bootstrap"))
    target = os.path.join(directory, "onprem-watch")
    subprocess.run(["strip", "--strip-all", "-o", target, binary], check=True)
    catalog = os.path.join(root, "catalog.json")
    if os.path.exists(catalog):
        shutil.copy(catalog, os.path.join(directory, "catalog.json"))

    # Bundle every library, direct or indirect, that provided.al2023 lacks.
    queue, seen = [target], set()
    while queue:
        elf = queue.pop()
        for soname in needed(elf):
            if soname in AL2023_LIBRARIES or soname in seen:
                continue
            if GLIBC_PARTS.match(soname):
                fail(f"{os.path.basename(elf)} needs {soname}, a part of glibc that provided.al2023 lacks; "
                     "glibc is never bundled")
            source = resolve(soname, binary)
            if source is None:
                fail(f"{os.path.basename(elf)} needs {soname}, which is not on this machine")
            seen.add(soname)
            os.makedirs(os.path.join(directory, "lib"), exist_ok=True)
            copy = os.path.join(directory, "lib", soname)
            subprocess.run(["strip", "--strip-unneeded", "-o", copy, source], check=True)
            queue.append(copy)


def check(directory):
    """Every rule that concerns the files themselves; returns the ELF files checked with their newest versions."""
    report = []
    for path in sorted(files(directory)):
        full = os.path.join(directory, path)
        if not is_elf(full):
            continue
        if GLIBC_PARTS.match(os.path.basename(path)):
            fail(f"{path} is a part of glibc; glibc is never bundled")
        versions = newest_versions(full)
        for family, limit in NEWEST.items():
            if family in versions and versions[family] > limit:
                fail(f"{path} needs {family}_{'.'.join(map(str, versions[family]))}, newer than provided.al2023's "
                     f"{family}_{'.'.join(map(str, limit))} (pin the symbol in Sources/CGlibcCompat)")
        bundled = set(os.listdir(os.path.join(directory, "lib"))) if os.path.isdir(os.path.join(directory, "lib")) else set()
        for soname in needed(full):
            if soname not in AL2023_LIBRARIES and soname not in bundled:
                fail(f"{path} needs {soname}, which is neither on provided.al2023 nor in lib/")
        report.append((path, versions))
    return report


def files(directory):
    for dirpath, _, names in os.walk(directory):
        for name in names:
            yield os.path.relpath(os.path.join(dirpath, name), directory)


def write_zip(directory, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    temporary = path + ".tmp"
    with zipfile.ZipFile(temporary, "w") as archive:
        for name in sorted(files(directory)):
            full = os.path.join(directory, name)
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.create_system = 3  # Unix, so the permissions below are honoured
            mode = 0o755 if os.access(full, os.X_OK) else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(full, "rb") as f:
                archive.writestr(info, f.read(), compresslevel=9)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--zip")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    stage(args.binary, args.stage, root)
    report = check(args.stage)
    for path, versions in report:
        shown = ", ".join(f"{family}_{'.'.join(map(str, v))}" for family, v in sorted(versions.items()))
        print(f"package: {path}: newest symbols {shown}; needs {', '.join(needed(os.path.join(args.stage, path)))}")
    bundled = sorted(os.listdir(os.path.join(args.stage, "lib"))) if os.path.isdir(os.path.join(args.stage, "lib")) else []
    print(f"package: bundled libraries: {', '.join(bundled) if bundled else 'none (all on provided.al2023)'}")
    if not args.zip:
        return

    write_zip(args.stage, args.zip)
    size = os.path.getsize(args.zip)
    with zipfile.ZipFile(args.zip) as archive:
        for info in archive.infolist():
            print(f"package:   {info.filename:<28} {info.file_size:>10,} bytes, {info.compress_size:>10,} zipped")
    with open(args.zip, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print(f"package: {args.zip}: {size:,} bytes, sha256 {digest}")
    if size > ZIP_LIMIT:
        fail(f"{args.zip} is {size:,} bytes, over the budget of {ZIP_LIMIT:,}")


if __name__ == "__main__":
    main()
