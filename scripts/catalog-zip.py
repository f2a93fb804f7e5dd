#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Puts a catalog into a released zip: the same function, another catalog, no Swift build.

    scripts/catalog-zip.py --zip onprem-watch-1.4.0.zip --sha256 HEX --catalog catalog.json \\
        --out dist/onprem-watch.zip [--synth-out dist/stack]

1. The released zip's sha256 must be --sha256 (the one the release published and the catalog repository pins),
   checked before anything else is read or run; a mismatch is refused.
2. The catalog is validated by the released binary itself: the zip is unpacked into a temporary directory and its
   `onprem-watch synth --catalog CATALOG --out DIR` run, which reads the catalog as the function does at init. A
   catalog it refuses is refused here, with the binary's message. The binary is the Lambda's, for Linux x86_64
   (glibc 2.34 or later, OpenSSL 3): it runs on Debian 12, Ubuntu 24.04 and GitHub's ubuntu-24.04 runners.
   With --synth-out DIR the stack it wrote is kept there for scripts/deploy.py (--templates DIR).
3. The new zip holds the catalog's bytes as `catalog.json` and every other entry of the released zip with the same
   bytes, name and permissions, written as scripts/package.py writes a zip: entries sorted by name, every timestamp
   1980-01-01 00:00, Unix permissions 0755 for executables and 0644 for the rest, deflated at level 9. The same
   zip and catalog give the same bytes (with the same Python zipfile and zlib): given the release's own catalog,
   the release's zip comes back byte for byte.

It prints the synth's summary and the new zip's entries and sha256. Exit status: 0 written, 1 refused.
"""

import argparse
import hashlib
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile

# As scripts/package.py writes the zip.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_LIMIT = 8_000_000
CATALOG = "catalog.json"
BINARY = "onprem-watch"
SYNTH_SECONDS = 300


class Refused(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def expected_digest(text):
    """The 64 hex digits of --sha256; a `sha256sum` line (`HEX  NAME`) is accepted too."""
    digest = text.strip().split()[0].lower() if text.strip() else ""
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise Refused(f"--sha256 {text!r} is not a sha256 (64 hex digits)")
    return digest


def mode_of(info):
    """The permissions scripts/package.py gives an entry: 0755 if any execute bit is set, else 0644."""
    unix = (info.external_attr >> 16) & 0o777
    return 0o755 if unix & 0o111 else 0o644


def read_release(path, digest):
    """The released zip's entries, in order, as (name, mode, bytes), after checking its sha256."""
    with open(path, "rb") as f:
        data = f.read()
    actual = sha256(data)
    if actual != digest:
        raise Refused(f"{path} has sha256 {actual}, not the expected {digest}: refused (a different or damaged "
                      "download, or the wrong sha256 pinned)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise Refused(f"{path} is not a zip: {error}") from None
    entries, seen = [], set()
    with archive:
        for info in archive.infolist():
            name = info.filename
            if name in seen:
                raise Refused(f"{path}: {name} is in the zip twice")
            seen.add(name)
            parts = name.split("/")
            if name.startswith("/") or "\\" in name or ".." in parts or "" in parts or info.is_dir():
                raise Refused(f"{path}: entry {name!r} is not a plain relative file, as scripts/package.py writes")
            if stat.S_IFMT(info.external_attr >> 16) not in (0, stat.S_IFREG):
                raise Refused(f"{path}: entry {name!r} is not a regular file")
            entries.append((name, mode_of(info), archive.read(name)))
    names = {name for name, _, _ in entries}
    for needed in ("bootstrap", BINARY):
        if needed not in names:
            raise Refused(f"{path} has no {needed}: not an OnPremWatch release zip")
    return entries


def unpack(entries, directory):
    for name, mode, data in entries:
        target = os.path.join(directory, *name.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        os.chmod(target, mode)


def prepare_out_dir(path):
    """A directory for synth: created, or emptied when it holds an earlier synth's stack; never anything else."""
    if os.path.isdir(path) and os.listdir(path):
        if not os.path.exists(os.path.join(path, "template.json")):
            raise Refused(f"--synth-out {path} is not empty and holds no template.json: not a stack to replace")
        shutil.rmtree(path)
    os.makedirs(path, exist_ok=True)


def synth(entries, catalog, out):
    """Runs the released binary's synth on the catalog; raises Refused with its message when it refuses."""
    with tempfile.TemporaryDirectory(prefix="catalog-zip-") as task_root:
        unpack(entries, task_root)
        env = dict(os.environ)
        lib = os.path.join(task_root, "lib")
        if os.path.isdir(lib):  # as bootstrap does in Lambda: libraries provided.al2023 lacks
            env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        command = [os.path.join(task_root, BINARY), "synth", "--catalog", os.path.abspath(catalog),
                   "--out", os.path.abspath(out)]
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=SYNTH_SECONDS)
        except OSError as error:
            raise Refused(f"cannot run the released {BINARY} (a Linux x86_64 binary): {error}") from None
        except subprocess.TimeoutExpired:
            raise Refused(f"the released {BINARY} synth did not finish within {SYNTH_SECONDS} s") from None
    if result.returncode != 0:
        message = (result.stderr.strip() or result.stdout.strip() or "(no message)")
        raise Refused(f"the released {BINARY} refused {catalog} (synth exit {result.returncode}):\n{message}")
    return result.stdout


def write_zip(entries, catalog_bytes, path):
    """The released entries with catalog.json replaced (or added), as scripts/package.py writes a zip."""
    files = {name: (mode, data) for name, mode, data in entries}
    files[CATALOG] = (0o644, catalog_bytes)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    temporary = path + ".tmp"
    with zipfile.ZipFile(temporary, "w") as archive:
        for name in sorted(files):
            mode, data = files[name]
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.create_system = 3  # Unix, so the permissions below are honoured
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    os.replace(temporary, path)


def verify(entries, catalog_bytes, path):
    """The written zip holds the catalog and every other released entry, same bytes and permissions."""
    wanted = {name: (mode, data) for name, mode, data in entries}
    wanted[CATALOG] = (0o644, catalog_bytes)
    with zipfile.ZipFile(path) as archive:
        bad = archive.testzip()
        if bad is not None:
            raise Refused(f"{path}: {bad} does not read back")
        found = {info.filename: info for info in archive.infolist()}
        if sorted(found) != sorted(wanted) or [i.filename for i in archive.infolist()] != sorted(wanted):
            raise Refused(f"{path}: entries {sorted(found)} are not {sorted(wanted)}")
        for name, (mode, data) in wanted.items():
            info = found[name]
            if archive.read(name) != data or mode_of(info) != mode or info.date_time != FIXED_TIME:
                raise Refused(f"{path}: {name} did not come out as it went in")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zip", required=True, help="the released onprem-watch-VERSION.zip")
    parser.add_argument("--sha256", required=True, help="the released zip's sha256, as the release published it")
    parser.add_argument("--catalog", required=True, help="the catalog to put in")
    parser.add_argument("--out", required=True, help="the zip to write (for example dist/onprem-watch.zip)")
    parser.add_argument("--synth-out", help="keep the stack synth wrote here, for scripts/deploy.py --templates")
    args = parser.parse_args()
    try:
        digest = expected_digest(args.sha256)
        entries = read_release(args.zip, digest)
        with open(args.catalog, "rb") as f:
            catalog_bytes = f.read()
        if args.synth_out:
            prepare_out_dir(args.synth_out)
            report = synth(entries, args.catalog, args.synth_out)
        else:
            with tempfile.TemporaryDirectory(prefix="catalog-zip-stack-") as scratch:
                report = synth(entries, args.catalog, scratch)
        for line in report.rstrip("\n").splitlines():
            print(f"catalog-zip: synth: {line}" if line else "catalog-zip: synth:")
        write_zip(entries, catalog_bytes, args.out)
        verify(entries, catalog_bytes, args.out)
    except (Refused, OSError) as error:
        print(f"catalog-zip: {error}", file=sys.stderr)
        return 1
    with open(args.out, "rb") as f:
        data = f.read()
    with zipfile.ZipFile(args.out) as archive:
        for info in archive.infolist():
            changed = "  (the given catalog)" if info.filename == CATALOG else ""
            print(f"catalog-zip:   {info.filename:<28} {info.file_size:>10,} bytes, {info.compress_size:>10,} "
                  f"zipped{changed}")
    print(f"catalog-zip: {args.zip} (sha256 {digest}) with {args.catalog}")
    if len(data) > ZIP_LIMIT:
        print(f"catalog-zip: warning: {args.out} is {len(data):,} bytes, over the product's budget of "
              f"{ZIP_LIMIT:,} (docs/deployment.md)", file=sys.stderr)
    print(f"catalog-zip: {args.out}: {len(data):,} bytes, sha256 {sha256(data)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
