#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that every ``symbol`` link in the doc comments resolves, as DocC would resolve it.

DocC itself (`docc convert`) resolves links within one module only, and ours cross modules on purpose
(``CaseModel/CasesError``), so this reads the symbol graphs the compiler writes (`swift package
dump-symbol-graph`) and resolves each link the way DocC does: an absolute link starts with a module's name; a
relative one is looked up from the documented symbol's scope outwards to its module. DocC's disambiguation suffixes
(`-swift.enum`, `-7abc`) are ignored. A link that resolves nowhere fails the check, naming the file and line.

    scripts/check-doc-links.py [SYMBOLGRAPH_DIR]     (make check runs it)
"""
import glob
import json
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build", "x86_64-unknown-linux-gnu", "symbolgraph")
sources = "file://" + os.path.join(root, "Sources") + "/"

paths = set()  # "Module/Type/member"
documented = []  # (module, pathComponents, uri, first line, [lines])
modules = set()
for file in glob.glob(os.path.join(folder, "*.symbols.json")):
    graph = json.load(open(file))
    module = graph["module"]["name"]
    modules.add(module)
    extended_module = None
    for symbol in graph["symbols"]:
        components = symbol["pathComponents"]
        owner = symbol.get("swiftExtension", {}).get("extendedModule", module)
        for name in {module, owner}:
            paths.add("/".join([name] + components))
        comment = symbol.get("docComment")
        if comment and comment.get("uri", "").startswith(sources):
            documented.append((module, components, comment["uri"][len("file://"):], comment["lines"]))

link = re.compile(r"``([^`]+)``")
suffix = re.compile(r"-(swift\.[a-z.]+|[0-9a-f]{3,})$")


def normalise(text):
    return "/".join(suffix.sub("", part) for part in text.strip("/").split("/"))


def resolves(module, scope, target):
    target = normalise(target)
    first = target.split("/")[0]
    if first in modules and target in paths or target == first and first in modules:
        return True
    for depth in range(len(scope), -1, -1):
        if "/".join([module] + scope[:depth] + [target]) in paths:
            return True
    return False


broken = []
seen = set()
for module, components, uri, lines in documented:
    for line in lines:
        for target in link.findall(line["text"]):
            where = (uri, line.get("range", {}).get("start", {}).get("line", 0) + 1, target)
            if where in seen:
                continue
            seen.add(where)
            if not resolves(module, components[:-1] + components[-1:], target):
                broken.append(where)

for uri, number, target in sorted(broken):
    print(f"{os.path.relpath(uri, root)}:{number}: ``{target}`` resolves to no symbol", file=sys.stderr)
print(f"check-doc-links: {len(seen)} links, {len(broken)} broken", file=sys.stderr if broken else sys.stdout)
sys.exit(1 if broken else 0)
