#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""scripts/catalog-zip.py, as a catalog repository uses it (docs/catalog-repository.md); no network, no build.

    python3 Tests/IntegrationTests/catalog_repo_test.py

The "released" zip is written by scripts/package.py's own write_zip (imported, not copied) from a stage of
`bootstrap`, a STAND-IN `onprem-watch` and a catalog. The stand-in is a short Python script written by this test,
not the product: it implements only `synth --catalog FILE --out DIR`, refuses a catalog that is not JSON or whose
customer has the key "treshold" (with the message the real binary gives for it, exit 64), and otherwise writes
DIR/template.json. It logs each call to $STANDIN_LOG, so a test can tell whether it ran.

examples/catalog-repo/scripts/fetch-release.sh is run against a release served over HTTPS on 127.0.0.1 by this
test (a certificate made with openssl for the run, trusted through CURL_CA_BUNDLE; skipped without curl or openssl).

Two optional cases use the real thing when the environment names it (skipped otherwise):
- ONPREM_TEST_BINARY=path/to/onprem-watch (any build that runs here, e.g. a copy of .build/debug/onprem-watch):
  a release zip around it; the repository's and examples/catalog-repo's catalogs pass, one with a misspelt key is
  refused with the binary's own message, and every key of examples/catalog-repo/deploy/*.json is a parameter of
  the template it writes.
- ONPREM_TEST_ZIP=dist/onprem-watch.zip (what make package wrote): its own catalog put back gives the same bytes.
"""

import functools
import hashlib
import http.server
import importlib.util
import json
import os
import pathlib
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "catalog-zip.py"
EXAMPLE = ROOT / "examples" / "catalog-repo"

STANDIN = f"""#!{sys.executable}
# A STAND-IN for the released onprem-watch, written by Tests/IntegrationTests/catalog_repo_test.py. Not the product.
import json, os, sys
with open(os.environ["STANDIN_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
args = sys.argv[1:]
if args[:1] != ["synth"] or "--catalog" not in args or "--out" not in args:
    sys.exit("stand-in: only `synth --catalog FILE --out DIR`")
catalog, out = args[args.index("--catalog") + 1], args[args.index("--out") + 1]
try:
    parsed = json.load(open(catalog))
except ValueError as error:
    print(f"Error: {{catalog}}: not JSON: {{error}}", file=sys.stderr)
    sys.exit(64)
for index, customer in enumerate(parsed.get("customers", [])):
    if "treshold" in customer:
        print(f'Error: {{catalog}}: customers[{{index}}] ("{{customer.get("opname")}}"): unknown key "treshold"; '
              'did you mean "threshold"?', file=sys.stderr)
        sys.exit(64)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "template.json"), "w") as f:
    json.dump({{"Description": "stand-in", "customers": len(parsed.get("customers", []))}}, f)
print(f"Wrote {{out}}/template.json for {{len(parsed.get('customers', []))}} customers.")
"""
# Comment lines after the stand-in's code, so that its entry is large and varied enough for the compression level
# to show in the bytes (deflate at 6 and at 9 give the same bytes for a few hundred bytes of text).
STANDIN += "".join(f"# {i:06d} {hashlib.sha256(str(i % 997).encode()).hexdigest()[:(i * 7) % 50 + 5]}\n"
                   for i in range(8000))

RELEASED_CATALOG = {
    "builtin": ["server-health"],
    "customers": [{"opname": "Plant North", "ip": "10.20.0.5", "database": "ops", "version": "2", "threshold": 80}],
    "queries": [{"name": "sessions", "versions": ["2"], "query": "select count(*) as active_sessions from sessions",
                 "cloudwatchDimension": "sessions", "alarms": [{"metric": "active_sessions"}]}],
}


def load_package_module():
    spec = importlib.util.spec_from_file_location("package", ROOT / "scripts" / "package.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sha256_of(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def entries(path):
    """name -> (bytes, Unix permissions, date_time), in the zip's order."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: (archive.read(info), (info.external_attr >> 16) & 0o777, info.date_time)
                for info in archive.infolist()}


class CatalogZipTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.package = load_package_module()
        cls.work = pathlib.Path(tempfile.mkdtemp(prefix="catalog-repo-test-"))
        cls.release = cls.make_release(cls.work / "release", STANDIN.encode(), json.dumps(RELEASED_CATALOG).encode())
        cls.release_sha256 = sha256_of(cls.release)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def make_release(cls, directory, binary, catalog):
        """A zip as scripts/package.py writes it (its write_zip) from bootstrap, the binary and a catalog."""
        stage = directory / "stage"
        stage.mkdir(parents=True)
        shutil.copy(ROOT / "bootstrap", stage / "bootstrap")
        (stage / "onprem-watch").write_bytes(binary)
        (stage / "onprem-watch").chmod(0o755)
        if catalog is not None:
            (stage / "catalog.json").write_bytes(catalog)
            (stage / "catalog.json").chmod(0o644)
        zip_path = directory / "onprem-watch-1.4.0.zip"
        cls.package.write_zip(str(stage), str(zip_path))
        return zip_path

    def setUp(self):
        self.case = pathlib.Path(tempfile.mkdtemp(dir=self.work))
        self.log = self.case / "standin.log"
        self.log.touch()

    def catalog(self, content, name="catalog.json"):
        path = self.case / name
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=1) + "\n")
        return path

    def run_script(self, *args, release=None, digest=None, extra_env=None):
        release = release or self.release
        env = dict(os.environ, STANDIN_LOG=str(self.log), **(extra_env or {}))
        return subprocess.run(
            [sys.executable, str(SCRIPT), "--zip", str(release), "--sha256", digest or self.release_sha256, *args],
            capture_output=True, text=True, env=env, timeout=600)

    def standin_calls(self):
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def new_catalog(self):
        changed = json.loads(json.dumps(RELEASED_CATALOG))
        changed["customers"].append({"opname": "Plant South", "ip": "10.21.0.5", "database": "ops", "version": "2",
                                     "threshold": 50})
        changed["customers"][0]["threshold"] = 90
        return self.catalog(changed)

    # MARK: - the sha256

    def test_a_zip_of_another_sha256_is_refused_before_anything_runs(self):
        out = self.case / "out.zip"
        wrong = "0" * 64
        result = self.run_script("--catalog", str(self.new_catalog()), "--out", str(out), digest=wrong)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"has sha256 {self.release_sha256}, not the expected {wrong}: refused", result.stderr)
        self.assertFalse(out.exists(), "no zip is written")
        self.assertEqual(self.standin_calls(), [], "the binary of an unverified zip never runs")

    def test_a_damaged_download_is_refused(self):
        damaged = self.case / "onprem-watch-1.4.0.zip"
        data = bytearray(self.release.read_bytes())
        data[len(data) // 2] ^= 0x01
        damaged.write_bytes(bytes(data))
        result = self.run_script("--catalog", str(self.new_catalog()), "--out", str(self.case / "out.zip"),
                                 release=damaged)
        self.assertEqual(result.returncode, 1)
        self.assertIn("not the expected", result.stderr)
        self.assertEqual(self.standin_calls(), [])

    def test_a_malformed_sha256_is_refused(self):
        result = self.run_script("--catalog", str(self.new_catalog()), "--out", str(self.case / "out.zip"),
                                 digest="abc123")
        self.assertEqual(result.returncode, 1)
        self.assertIn("is not a sha256", result.stderr)

    def test_a_sha256sum_line_is_accepted(self):
        line = f"{self.release_sha256.upper()}  onprem-watch-1.4.0.zip"
        result = self.run_script("--catalog", str(self.new_catalog()), "--out", str(self.case / "out.zip"),
                                 digest=line)
        self.assertEqual(result.returncode, 0, result.stderr)

    # MARK: - the new zip

    def test_the_catalog_is_replaced_and_every_other_entry_is_the_released_one(self):
        catalog = self.new_catalog()
        out = self.case / "dist" / "onprem-watch.zip"
        result = self.run_script("--catalog", str(catalog), "--out", str(out))
        self.assertEqual(result.returncode, 0, result.stderr)
        before, after = entries(self.release), entries(out)
        self.assertEqual(list(after), ["bootstrap", "catalog.json", "onprem-watch"], "sorted, as package.py writes")
        self.assertEqual(after["catalog.json"][0], catalog.read_bytes(), "the given catalog, byte for byte")
        self.assertNotEqual(after["catalog.json"][0], before["catalog.json"][0])
        for name in ("bootstrap", "onprem-watch"):
            self.assertEqual(after[name], before[name], f"{name}: bytes, permissions and date as released")
        self.assertEqual(after["catalog.json"][1:], (0o644, (1980, 1, 1, 0, 0, 0)))
        self.assertEqual(after["onprem-watch"][1], 0o755)
        self.assertIn(f"sha256 {sha256_of(out)}", result.stdout, "the new zip's sha256 is printed")
        self.assertFalse(pathlib.Path(str(out) + ".tmp").exists())
        # The released binary validated the given catalog (not the released one).
        calls = self.standin_calls()
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0][:3], ["synth", "--catalog", str(catalog.resolve())])
        self.assertIn("catalog-zip: synth: Wrote", result.stdout)

    def test_the_output_is_reproducible(self):
        catalog = self.new_catalog()
        first, second = self.case / "a" / "onprem-watch.zip", self.case / "b" / "onprem-watch.zip"
        self.assertEqual(self.run_script("--catalog", str(catalog), "--out", str(first)).returncode, 0)
        os.utime(catalog, (1_900_000_000, 1_900_000_000))  # a new checkout: new mtimes, same bytes
        catalog.chmod(0o600)
        self.assertEqual(self.run_script("--catalog", str(catalog), "--out", str(second)).returncode, 0)
        self.assertEqual(first.read_bytes(), second.read_bytes())

    def test_the_released_catalog_gives_the_released_zip_back(self):
        # The strongest check that the script writes as scripts/package.py does: nothing else changed, same bytes.
        catalog = self.case / "released.json"
        catalog.write_bytes(entries(self.release)["catalog.json"][0])
        out = self.case / "same.zip"
        result = self.run_script("--catalog", str(catalog), "--out", str(out))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(out.read_bytes(), self.release.read_bytes())

    def test_a_release_without_a_catalog_gets_one(self):
        bare = self.make_release(self.case / "bare", STANDIN.encode(), None)
        catalog = self.new_catalog()
        out = self.case / "out.zip"
        result = self.run_script("--catalog", str(catalog), "--out", str(out), release=bare, digest=sha256_of(bare))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(list(entries(out)), ["bootstrap", "catalog.json", "onprem-watch"])
        self.assertEqual(entries(out)["catalog.json"][0], catalog.read_bytes())

    # MARK: - refusals

    def test_a_catalog_the_binary_refuses_is_refused_with_its_message(self):
        broken = json.loads(json.dumps(RELEASED_CATALOG))
        broken["customers"][0]["treshold"] = broken["customers"][0].pop("threshold")
        out = self.case / "out.zip"
        result = self.run_script("--catalog", str(self.catalog(broken)), "--out", str(out))
        self.assertEqual(result.returncode, 1)
        self.assertIn("refused", result.stderr)
        self.assertIn('customers[0] ("Plant North"): unknown key "treshold"; did you mean "threshold"?', result.stderr)
        self.assertIn("synth exit 64", result.stderr)
        self.assertFalse(out.exists(), "no zip for a refused catalog")

    def test_a_catalog_that_is_not_json_is_refused(self):
        out = self.case / "out.zip"
        result = self.run_script("--catalog", str(self.catalog('{"customers": [')), "--out", str(out))
        self.assertEqual(result.returncode, 1)
        self.assertIn("not JSON", result.stderr)
        self.assertFalse(out.exists())

    def test_a_zip_without_the_binary_is_refused(self):
        stage = self.case / "stage"
        stage.mkdir()
        (stage / "catalog.json").write_text("{}")
        other = self.case / "other.zip"
        self.package.write_zip(str(stage), str(other))
        result = self.run_script("--catalog", str(self.new_catalog()), "--out", str(self.case / "out.zip"),
                                 release=other, digest=sha256_of(other))
        self.assertEqual(result.returncode, 1)
        self.assertIn("not an OnPremWatch release zip", result.stderr)

    def test_an_entry_outside_the_task_root_is_refused(self):
        evil = self.case / "evil.zip"
        with zipfile.ZipFile(evil, "w") as archive:
            for name in ("bootstrap", "onprem-watch", "../escape"):
                archive.writestr(name, b"x")
        result = self.run_script("--catalog", str(self.new_catalog()), "--out", str(self.case / "out.zip"),
                                 release=evil, digest=sha256_of(evil))
        self.assertEqual(result.returncode, 1)
        self.assertIn("not a plain relative file", result.stderr)
        self.assertFalse((self.case.parent / "escape").exists())

    # MARK: - --synth-out

    def test_synth_out_keeps_the_stack_and_replaces_only_a_stack(self):
        stack = self.case / "stack"
        result = self.run_script("--catalog", str(self.new_catalog()), "--out", str(self.case / "out.zip"),
                                 "--synth-out", str(stack))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads((stack / "template.json").read_text())["customers"], 2)
        (stack / "stale.json").write_text("{}")
        result = self.run_script("--catalog", str(self.new_catalog()), "--out", str(self.case / "out.zip"),
                                 "--synth-out", str(stack))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFalse((stack / "stale.json").exists(), "an earlier stack is replaced, not merged")
        other = self.case / "not-a-stack"
        other.mkdir()
        (other / "notes.txt").write_text("keep me")
        result = self.run_script("--catalog", str(self.new_catalog()), "--out", str(self.case / "out2.zip"),
                                 "--synth-out", str(other))
        self.assertEqual(result.returncode, 1)
        self.assertEqual((other / "notes.txt").read_text(), "keep me")

    # MARK: - the real binary and zip, when named

    @unittest.skipUnless(os.environ.get("ONPREM_TEST_BINARY"), "ONPREM_TEST_BINARY names no onprem-watch to run")
    def test_the_real_binary_validates(self):
        binary = pathlib.Path(os.environ["ONPREM_TEST_BINARY"]).read_bytes()
        release = self.make_release(self.case / "real", binary, (ROOT / "catalog.json").read_bytes())
        digest = sha256_of(release)
        good = self.case / "good.json"
        shutil.copy(ROOT / "catalog.json", good)
        result = self.run_script("--catalog", str(good), "--out", str(self.case / "good.zip"), "--synth-out",
                                 str(self.case / "stack"), release=release, digest=digest)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual((self.case / "good.zip").read_bytes(), release.read_bytes())
        self.assertTrue((self.case / "stack" / "template.json").exists())
        example = self.run_script("--catalog", str(EXAMPLE / "catalog.json"), "--out", str(self.case / "ex.zip"),
                                  "--synth-out", str(self.case / "example-stack"), release=release, digest=digest)
        self.assertEqual(example.returncode, 0, example.stderr)
        declared = json.loads((self.case / "example-stack" / "template.json").read_text())["Parameters"]
        for environment in ("staging", "production"):
            given = json.loads((EXAMPLE / "deploy" / f"{environment}.json").read_text())["Parameters"]
            self.assertEqual(sorted(set(given) - set(declared)), [], f"deploy/{environment}.json: unknown parameters")
        text = (ROOT / "catalog.json").read_text().replace('"threshold": 100', '"treshold": 100', 1)
        result = self.run_script("--catalog", str(self.catalog(text, "bad.json")), "--out",
                                 str(self.case / "bad.zip"), release=release, digest=digest)
        self.assertEqual(result.returncode, 1)
        self.assertIn('unknown key "treshold"', result.stderr)

    @unittest.skipUnless(os.environ.get("ONPREM_TEST_ZIP"), "ONPREM_TEST_ZIP names no packaged zip")
    def test_the_packaged_zip_comes_back_with_its_own_catalog(self):
        release = pathlib.Path(os.environ["ONPREM_TEST_ZIP"])
        catalog = self.case / "catalog.json"
        catalog.write_bytes(entries(release)["catalog.json"][0])
        out = self.case / "same.zip"
        result = self.run_script("--catalog", str(catalog), "--out", str(out), release=release,
                                 digest=sha256_of(release))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(out.read_bytes(), release.read_bytes())


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@unittest.skipUnless(shutil.which("curl") and shutil.which("openssl") and shutil.which("sha256sum"),
                     "fetch-release.sh needs curl and sha256sum; the test's certificate needs openssl")
class FetchReleaseTests(unittest.TestCase):
    """examples/catalog-repo/scripts/fetch-release.sh against a release served by this test over HTTPS."""

    FILES = ("onprem-watch-1.4.0.zip", "catalog-zip.py", "deploy.py", "rollback.py", "bootstrap.json")

    @classmethod
    def setUpClass(cls):
        cls.work = pathlib.Path(tempfile.mkdtemp(prefix="fetch-release-test-"))
        certificate, key = cls.work / "cert.pem", cls.work / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", str(key),
                        "-out", str(certificate), "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                       check=True, capture_output=True)
        cls.served = cls.work / "srv"
        cls.release = cls.served / "releases" / "download" / "v1.4.0"
        cls.release.mkdir(parents=True)
        stage = cls.work / "stage"
        stage.mkdir()
        shutil.copy(ROOT / "bootstrap", stage / "bootstrap")
        (stage / "onprem-watch").write_bytes(STANDIN.encode())
        (stage / "onprem-watch").chmod(0o755)
        load_package_module().write_zip(str(stage), str(cls.release / "onprem-watch-1.4.0.zip"))
        for name, source in (("catalog-zip.py", SCRIPT), ("deploy.py", ROOT / "scripts" / "deploy.py"),
                             ("rollback.py", ROOT / "scripts" / "rollback.py"),
                             ("bootstrap.json", ROOT / "deploy" / "bootstrap.json")):
            shutil.copy(source, cls.release / name)
        sums = "".join(f"{sha256_of(cls.release / name)}  {name}\n" for name in cls.FILES)
        (cls.release / "SHA256SUMS").write_text(sums)
        handler = functools.partial(QuietHandler, directory=str(cls.served))
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(certificate), str(key))
        cls.server.socket = context.wrap_socket(cls.server.socket, server_side=True)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = f"https://localhost:{cls.server.server_address[1]}/releases/download/v1.4.0/"
        cls.env = dict(os.environ, CURL_CA_BUNDLE=str(certificate))

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self):
        self.repo = pathlib.Path(tempfile.mkdtemp(dir=self.work))
        (self.repo / "scripts").mkdir()
        shutil.copy(EXAMPLE / "scripts" / "fetch-release.sh", self.repo / "scripts" / "fetch-release.sh")
        self.pins = {"version": "1.4.0", "url": self.url,
                     "sha256": sha256_of(self.release / "onprem-watch-1.4.0.zip"),
                     "sums_sha256": sha256_of(self.release / "SHA256SUMS")}

    def fetch(self, **changes):
        pins = dict(self.pins, **changes)
        (self.repo / "release.txt").write_text("# pinned\n" + "".join(f"{k}={v}\n" for k, v in pins.items()))
        return subprocess.run(["sh", str(self.repo / "scripts" / "fetch-release.sh"), str(self.repo / "out")],
                              capture_output=True, text=True, env=self.env, timeout=120)

    def test_the_pinned_release_is_fetched_and_checked(self):
        result = self.fetch()
        self.assertEqual(result.returncode, 0, result.stderr)
        out = self.repo / "out"
        self.assertEqual(result.stdout.splitlines(), [
            "version=1.4.0", f"sha256={self.pins['sha256']}", f"zip={out}/onprem-watch-1.4.0.zip"])
        for name in ("onprem-watch-1.4.0.zip", "catalog-zip.py", "deploy.py", "rollback.py"):
            self.assertEqual((out / name).read_bytes(), (self.release / name).read_bytes())
        self.assertFalse((out / "bootstrap.json").exists(), "used once, by hand: not downloaded")

    def test_the_example_placeholders_are_refused(self):
        shutil.copy(EXAMPLE / "release.txt", self.repo / "release.txt")
        result = subprocess.run(["sh", str(self.repo / "scripts" / "fetch-release.sh"), str(self.repo / "out")],
                                capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("placeholder", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_sha256sums_of_other_bytes_is_refused(self):
        result = self.fetch(sums_sha256="0" * 64)
        self.assertEqual(result.returncode, 1)
        self.assertIn("not the one release.txt pins", result.stderr)
        self.assertFalse((self.repo / "out" / "deploy.py").exists())

    def test_a_zip_sha256_that_sha256sums_does_not_list_is_refused(self):
        result = self.fetch(sha256="1" * 64)
        self.assertEqual(result.returncode, 1)
        self.assertIn("does not list onprem-watch-1.4.0.zip with release.txt's sha256", result.stderr)
        self.assertFalse((self.repo / "out" / "onprem-watch-1.4.0.zip").exists())

    def test_a_replaced_script_is_refused(self):
        original = (self.release / "deploy.py").read_bytes()
        try:
            (self.release / "deploy.py").write_bytes(original + b"\n# replaced after the release\n")
            result = self.fetch()
        finally:
            (self.release / "deploy.py").write_bytes(original)
        self.assertEqual(result.returncode, 1)
        self.assertIn("does not match SHA256SUMS", result.stderr)
        self.assertFalse((self.repo / "out" / "deploy.py").exists(), "no unchecked script is left behind")

    def test_plain_http_and_malformed_pins_are_refused(self):
        for changes, message in (({"url": self.url.replace("https://", "http://")}, "url must be https://"),
                                 ({"version": "1.4.0;id"}, "is not a version"),
                                 ({"sha256": "abc"}, "is not a sha256")):
            result = self.fetch(**changes)
            self.assertEqual(result.returncode, 1, changes)
            self.assertIn(message, result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
