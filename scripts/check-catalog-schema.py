#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks catalog.schema.json, the JSON Schema editors use to validate and complete catalog.json.

    python3 scripts/check-catalog-schema.py

- The schema is valid draft 2020-12.
- It says what Sources/CatalogModel says: the keys of each entry (the `keys` arrays and `refuseUnknownKeys` lists),
  the values of each choice (the Swift enums' raw values), the integer ranges, `maxCCEmails` and the intervals.
- catalog.json, the fuzz corpus's catalogs, a generated catalog and a few written here validate.
- Bad catalogs, each a good one with one mistake, are refused, and only for that mistake.

One line per check; exit 1 on any failure. Needs the `jsonschema` package: without it, the script installs it into
a venv in .build-tools/jsonschema (from PyPI) and runs again there.
"""
import copy
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build-tools", "jsonschema")


def ensure_jsonschema():
    """Returns when `jsonschema` imports; else installs it into VENV and runs this script again under it."""
    try:
        import jsonschema  # noqa: F401

        return
    except ImportError:
        pass
    if os.environ.get("ONPREM_JSONSCHEMA_REEXEC") == "1":
        sys.exit(f"check-catalog-schema: jsonschema does not import, even in {VENV}")
    python = os.path.join(VENV, "bin", "python3")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    if subprocess.run([python, "-c", "import jsonschema"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "--quiet", "jsonschema"], check=True)
    os.environ["ONPREM_JSONSCHEMA_REEXEC"] = "1"
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


ensure_jsonschema()

from jsonschema import Draft202012Validator  # noqa: E402
from jsonschema.exceptions import SchemaError  # noqa: E402

failures = []


def report(ok, name, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}")
    if not ok:
        failures.append(name)


def where(path):
    return "/".join(str(part) for part in path) or "(root)"


# MARK: - The schema itself

with open(os.path.join(ROOT, "catalog.schema.json")) as file:
    SCHEMA = json.load(file)
try:
    Draft202012Validator.check_schema(SCHEMA)
    report(True, "schema: valid draft 2020-12", f"{os.path.getsize(os.path.join(ROOT, 'catalog.schema.json'))} bytes")
except SchemaError as error:
    report(False, "schema: valid draft 2020-12", error.message)
    sys.exit(1)
VALIDATOR = Draft202012Validator(SCHEMA)
DEFS = SCHEMA["$defs"]


# MARK: - The schema says what the Swift code says


def swift(name, module="CatalogModel"):
    with open(os.path.join(ROOT, "Sources", module, name)) as file:
        return file.read()


def strings(text):
    return re.findall(r'"([^"]*)"', text)


def swift_enum(source, name):
    """The raw values of `enum name: String`, its cases at the enum's own level (not a switch's inside it)."""
    match = re.search(r"enum " + name + r": String\b[^{]*\{", source)
    if match is None:
        raise LookupError(f"enum {name} not found")
    depth, values = 1, []
    for line in source[match.end():].splitlines():
        stripped = line.strip()
        if depth == 1 and stripped.startswith("case ") and not stripped.startswith("case ."):
            for item in stripped[len("case "):].split(","):
                case = re.fullmatch(r'\s*`?(\w+)`?\s*(?:=\s*"([^"]*)")?\s*', item)
                if case is None:
                    raise LookupError(f"enum {name}: cannot read case {item!r}")
                values.append(case.group(2) if case.group(2) is not None else case.group(1))
        depth += line.count("{") - line.count("}")
        if depth <= 0:
            return values
    raise LookupError(f"enum {name} not closed")


def same(name, swift_values, schema_values):
    missing = sorted(set(swift_values) - set(schema_values))
    extra = sorted(set(schema_values) - set(swift_values))
    detail = "; ".join(part for part in (
        f"not in the schema: {missing}" if missing else "",
        f"not in the Swift code: {extra}" if extra else "") if part)
    report(not missing and not extra, name, detail or f"{len(swift_values)} values")


def drift_checks():
    listed = r"refuseUnknownKeys\(\s*\[(.*?)\]"  # the catalog's and a cases object's keys
    static = r"static let keys = \[(.*?)\]"  # a customer's, a query's and an alarm's
    for entry, schema, file_name, pattern in [
        ("catalog", SCHEMA, "Catalog.swift", listed),
        ("customer", DEFS["customer"], "Customer.swift", static),
        ("query", DEFS["query"], "QueryDefinition.swift", static),
        ("alarm", DEFS["alarm"], "AlarmSpec.swift", static),
        ("cases", DEFS["casePolicy"], "CasePolicy.swift", listed),
    ]:
        keys = strings(re.search(pattern, swift(file_name), re.S)[1])
        same(f"keys: {entry} has the Swift code's", keys, schema["properties"])
        report(schema.get("additionalProperties") is False, f"keys: {entry} refuses unknown keys")

    customer, alarm = DEFS["customer"]["properties"], DEFS["alarm"]["properties"]
    cases, query = DEFS["casePolicy"]["properties"], DEFS["query"]["properties"]
    settings, alarms, policy = swift("ConnectionSettings.swift"), swift("AlarmSpec.swift"), swift("CasePolicy.swift")
    packs = swift_enum(swift("BuiltinPack.swift"), "BuiltinPack")
    for label, swift_values, schema_values in [
        ("sslmode", swift_enum(settings, "SSLMode"), customer["sslmode"]["enum"]),
        ("channelBinding", swift_enum(settings, "ChannelBinding"), customer["channelBinding"]["enum"]),
        ("targetSessionAttrs", swift_enum(settings, "TargetSessionAttributes"), customer["targetSessionAttrs"]["enum"]),
        ("units", swift_enum(swift("MetricUnit.swift", "MetricModel"), "MetricUnit"), DEFS["unit"]["enum"]),
        ("comparison", swift_enum(alarms, "Comparison"), alarm["comparison"]["enum"]),
        ("statistic", swift_enum(alarms, "Statistic"), alarm["statistic"]["enum"]),
        ("missingData", swift_enum(alarms, "MissingData"), alarm["missingData"]["enum"]),
        ("severity", swift_enum(policy, "Severity"), DEFS["severity"]["enum"]),
        ("insufficientData", swift_enum(policy, "InsufficientData"), cases["insufficientData"]["enum"]),
        ("builtin", packs, DEFS["builtinList"]["items"]["enum"]),
        ("query name not a pack", packs, query["name"]["not"]["enum"]),
    ]:
        same(f"values: {label} as the Swift enum", swift_values, schema_values)

    max_cc = int(re.search(r"static let maxCCEmails = (\d+)", policy)[1])
    report(DEFS["ccEmails"]["maxItems"] == max_cc, "range: ccEmails at most CasePolicy.maxCCEmails", str(max_cc))

    # optionalInteger("key", in: low...high) with literal bounds, or a static constant of the file.
    sources = "".join(map(swift, ("Customer.swift", "QueryDefinition.swift", "AlarmSpec.swift", "CasePolicy.swift")))
    special = {"period", "storageResolution", "datapointsToAlarm"}  # checked below, or bounded by another field
    for key, low, high in re.findall(r'optionalInteger\("(\w+)", in: ([\w_.]+)\.\.\.([\w_.]+)\)', sources):
        if key in special:
            continue
        if not re.fullmatch(r"[\d_]+", high):
            high = re.search(r"static let " + high.split(".")[-1] + r" = ([\d_]+)", sources)[1]
        bounds = (int(low.replace("_", "")), int(high.replace("_", "")))
        found = [d["properties"][key] for d in DEFS.values() if key in d.get("properties", {})]
        given = [(p.get("minimum"), p.get("maximum")) for p in found]
        report(bool(found) and all(g == bounds for g in given), f"range: {key} {bounds[0]}...{bounds[1]}",
               f"schema {given}")

    # CollectionInterval: under a minute a divisor of 60, else whole minutes up to the code's maximum.
    top = int(re.search(r"seconds <= ([\d_]+)", swift("CollectionInterval.swift"))[1].replace("_", ""))
    branches = DEFS["interval"]["anyOf"]
    report(branches[0]["enum"] == [d for d in range(1, 60) if 60 % d == 0]
           and branches[1] == {"type": "integer", "multipleOf": 60, "minimum": 60, "maximum": top},
           "range: interval divides 60, or whole minutes", f"up to {top}")
    longest = int(re.search(r'optionalInteger\("period", in: [\d_]+\.\.\.([\d_]+)\)', alarms)[1].replace("_", ""))
    period = alarm["period"]["anyOf"]
    report(period[0]["enum"] == [10, 30]
           and period[1] == {"type": "integer", "multipleOf": 60, "minimum": 60, "maximum": longest},
           "range: alarm period 10, 30 or whole minutes", f"up to {longest}")


try:
    drift_checks()
except (LookupError, TypeError, KeyError) as error:
    report(False, "drift: the Swift sources read as expected", f"{type(error).__name__}: {error}")


# MARK: - Good catalogs


def errors(catalog):
    return sorted(VALIDATOR.iter_errors(catalog), key=lambda error: list(map(str, error.absolute_path)))


def short(error, length=110):
    """The error's message, with the entry it is about as "the entry" rather than printed whole."""
    message, shown = error.message, repr(error.instance)
    if len(shown) > 40 and message.startswith(shown):
        message = "the entry" + message[len(shown):]
    return message if len(message) <= length else message[:length - 3] + "..."


def expect_valid(name, catalog):
    found = errors(catalog)
    report(not found, f"valid: {name}",
           "; ".join(f"{where(e.absolute_path)}: {short(e, 100)}" for e in found[:3]))


with open(os.path.join(ROOT, "catalog.json")) as file:
    expect_valid("catalog.json (the demo's)", json.load(file))
for path in sorted(glob.glob(os.path.join(ROOT, "Fuzz", "Corpus", "catalog", "*.json"))):
    with open(path) as file:
        expect_valid(os.path.relpath(path, ROOT), json.load(file))
generated = subprocess.run(
    [sys.executable, os.path.join(ROOT, "scripts", "generate-catalog.py"), "--customers", "3", "--queries", "2"],
    capture_output=True, text=True, check=True).stdout
expect_valid("scripts/generate-catalog.py --customers 3 --queries 2", json.loads(generated))

MINIMAL = {
    "customers": [{"opname": "Site 1", "ip": "db.site1.example", "database": "ops", "version": "1", "threshold": 100}],
    "queries": [{"name": "sessions", "versions": ["1"],
                 "query": "select count(*) as active_sessions from pg_stat_activity",
                 "alarms": [{"metric": "active_sessions"}]}],
}
expect_valid("minimal: one customer, one query with one alarm", MINIMAL)

expect_valid("hosts and high availability, TLS files, high resolution, every alarm field", {
    "$schema": "./catalog.schema.json",
    "customers": [{
        "opname": "Plant 7", "hosts": ["10.7.0.10", "10.7.0.11:5433", "[fd00::7]:5432", "standby.plant7.example"],
        "port": 5432, "targetSessionAttrs": "prefer-standby", "connectTimeoutMs": 2000, "database": "ops",
        "version": "2", "secret": "onprem/plant-7", "user": "onprem", "sslmode": "verify-full",
        "sslrootcert": "certs/plant-7-ca.pem", "sslcert": "certs/client.pem", "sslkey": "certs/client.key",
        "channelBinding": "require", "interval": 20, "threshold": "50", "thresholds": {"open_alarms": "5"}}],
    "queries": [{
        "name": "open-alarms", "description": "Open alarms by severity", "tags": ["alarms"], "versions": ["2"],
        "query": "select severity, count(*) as open_alarms from alarms where cleared_at is null group by severity",
        "cloudwatchDimension": "alarms", "units": {"open_alarms": "Count"}, "timeoutMs": 5000, "maxRows": 1000,
        "storageResolution": 1, "interval": 20,
        "alarms": [{"metric": "open_alarms", "comparison": "GreaterThanOrEqualToThreshold", "statistic": "Maximum",
                    "periods": 3, "datapointsToAlarm": 2, "period": 30, "missingData": "notBreaching",
                    "dimensions": {"severity": "critical"}}]}],
})

expect_valid("builtin packs and case policies at three levels", {
    "builtin": ["server-health"],
    "cases": {"severity": "normal", "runbook": "Check the site's VPN first.", "ccEmails": ["ops@example.com"],
              "maxCasesPerHour": 5, "insufficientData": "note"},
    "customers": [{"opname": "Plant North", "ip": "10.1.0.5", "port": "5432", "database": "ops", "version": "1",
                   "builtin": ["server-health"], "interval": 300, "thresholds": {"connections_used_percent": 90},
                   "cases": {"severity": "high", "ccEmails": ["north-ops@example.com"], "insufficientData": "case"}}],
    "queries": [{"name": "sessions", "versions": ["1"],
                 "query": "select count(*) as active_sessions from pg_stat_activity",
                 "alarms": [{"metric": "active_sessions", "threshold": 80, "period": 300, "severity": "urgent",
                             "runbook": "Look at pg_stat_activity for idle-in-transaction sessions.",
                             "ccEmails": ["dba@example.com"]}]}],
})


# MARK: - Bad catalogs, each refused for its own mistake


def expect_refused(name, catalog, path, keyword, text=None):
    """`catalog` is refused, and every error is `keyword` at `path` (mentioning `text`): its one mistake."""
    found = errors(catalog)
    wanted = tuple(path)
    right = [e for e in found if tuple(e.absolute_path) == wanted and e.validator == keyword
             and (text is None or text in e.message)]
    wrong = [e for e in found if e not in right]
    if right and not wrong:
        report(True, f"refused: {name}", f"{keyword} at {where(wanted)}: {short(right[0])}")
    elif not found:
        report(False, f"refused: {name}", "the schema accepts it")
    else:
        report(False, f"refused: {name}", f"expected {keyword} at {where(wanted)}; got "
               + "; ".join(f"{e.validator} at {where(e.absolute_path)}: {short(e, 80)}" for e in found[:3]))


def bad(change):
    catalog = copy.deepcopy(MINIMAL)
    change(catalog, catalog["customers"][0], catalog["queries"][0], catalog["queries"][0]["alarms"][0])
    return catalog


C, Q = ("customers", 0), ("queries", 0)
A = Q + ("alarms", 0)
for name, change, path, keyword, text in [
    ("unknown key \"treshold\" in a customer", lambda cat, c, q, a: c.update(treshold=5), C,
     "additionalProperties", "'treshold'"),
    ("a \"password\" in a customer", lambda cat, c, q, a: c.update(password="hunter2"), C,
     "additionalProperties", "'password'"),
    ("both ip and hosts", lambda cat, c, q, a: c.update(hosts=["10.0.0.6"]), C, "oneOf", None),
    ("neither ip nor hosts", lambda cat, c, q, a: c.pop("ip"), C, "oneOf", None),
    ("unit \"Furlongs\"", lambda cat, c, q, a: q.update(units={"distance": "Furlongs"}), Q + ("units", "distance"),
     "enum", "'Furlongs'"),
    ("alarm period 45", lambda cat, c, q, a: a.update(period=45), A + ("period",), "anyOf", None),
    ("sslmode \"sometimes\"", lambda cat, c, q, a: c.update(sslmode="sometimes"), C + ("sslmode",), "enum", None),
    ("a query without versions", lambda cat, c, q, a: q.pop("versions"), Q, "required", "'versions'"),
    ("a query with an empty versions list", lambda cat, c, q, a: q.update(versions=[]), Q + ("versions",),
     "minItems", None),
    ("customer interval 45", lambda cat, c, q, a: c.update(interval=45), C + ("interval",), "anyOf", None),
    ("alarm period 30 without storageResolution 1", lambda cat, c, q, a: a.update(period=30), Q, "required",
     "'storageResolution'"),
    ("a query named after the built-in pack", lambda cat, c, q, a: q.update(name="server-health"), Q + ("name",),
     "not", None),
    ("opname with \"${\"", lambda cat, c, q, a: c.update(opname="Site ${AWS::Region}"), C + ("opname",), "not", None),
    ("unbracketed IPv6 in hosts", lambda cat, c, q, a: (c.pop("ip"), c.update(hosts=["fd00::7"])),
     C + ("hosts", 0), "pattern", None),
    ("port 70000", lambda cat, c, q, a: c.update(port=70000), C + ("port",), "maximum", None),
    ("sslcert without sslkey", lambda cat, c, q, a: c.update(sslcert="client.pem"), C, "dependentRequired",
     "'sslkey'"),
    ("threshold \"80%\" (not a number)", lambda cat, c, q, a: c.update(threshold="80%"), C + ("threshold",),
     "pattern", None),
    ("11 ccEmails", lambda cat, c, q, a: cat.update(cases={"ccEmails": [f"ops{n}@example.com" for n in range(11)]}),
     ("cases", "ccEmails"), "maxItems", None),
    ("maxCasesPerHour in an alarm (customer and catalog only)", lambda cat, c, q, a: a.update(maxCasesPerHour=5), A,
     "additionalProperties", "'maxCasesPerHour'"),
]:
    expect_refused(name, bad(change), path, keyword, text)

# The fuzzer's crash inputs that a schema can refuse (each the Swift code refuses now).
for file_name, path, keyword in [
    ("huge-datapointsToAlarm.json", A + ("datapointsToAlarm",), "maximum"),
    ("infinite-threshold.json", C + ("threshold",), "maximum"),
    ("nan-timeoutMs.json", Q + ("timeoutMs",), "pattern"),
    ("string-infinite-threshold.json", C + ("threshold",), "pattern"),
]:
    crash = os.path.join(ROOT, "Fuzz", "Crashes", "catalog", file_name)
    if os.path.exists(crash):
        with open(crash) as file:
            expect_refused(f"Fuzz/Crashes/catalog/{file_name}", json.load(file), path, keyword)

print(f"{len(failures)} failure{'' if len(failures) == 1 else 's'}" + (f": {', '.join(failures)}" if failures else ""))
sys.exit(1 if failures else 0)
