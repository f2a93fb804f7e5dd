#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Draws the state machines of a generated stack (onprem-watch synth) as PNG, from their definitions.

    scripts/draw-state-machine.py dist/stack docs/state-machines

Writes one `<customer>-<interval>s.png` per state machine, at most --limit of them, through Graphviz's `dot`
(Debian's `graphviz`). Tasks are boxes with their retries, Catch edges are dashed, a Parallel is a frame with a
fork and a join, Choice is a diamond. The pictures of the demo catalog in docs/monitoring-stack.md are made by
this script.
"""
import argparse
import glob
import json
import os
import re
import subprocess

parser = argparse.ArgumentParser()
parser.add_argument("stack")
parser.add_argument("out")
parser.add_argument("--limit", type=int, default=20)
args = parser.parse_args()


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


OPERATORS = {"NumericGreaterThanEquals": ">=", "NumericLessThan": "<", "NumericEquals": "=="}


class Graph:
    def __init__(self):
        self.lines = []
        self.count = 0

    def node(self, label, **attributes):
        self.count += 1
        name = f"n{self.count}"
        extra = "".join(f", {key}={quote(str(value))}" for key, value in attributes.items())
        self.lines.append(f"{name} [label={quote(label)}{extra}];")
        return name

    def edge(self, source, target, label="", **attributes):
        extra = "".join(f", {key}={quote(str(value))}" for key, value in attributes.items())
        self.lines.append(f"{source} -> {target} [label={quote(label)}{extra}];")

    def states(self, machine):
        """Adds a machine's (or a branch's) states; returns its entry node and the nodes that end it."""
        nodes, exits, ends = {}, {}, []
        for name, state in machine["States"].items():
            kind = state["Type"]
            if kind == "Parallel":
                self.lines.append(f"subgraph cluster_{self.count} {{ label={quote(name + ' (Parallel)')}; "
                                  'style="rounded"; color="#888888";')
                fork = self.node("", shape="point", width="0.12")
                join = self.node("", shape="point", width="0.12")
                for branch in state["Branches"]:
                    self.lines.append(f"subgraph cluster_{self.count}b {{ label=\"\"; style=\"dotted\";")
                    entry, branch_ends = self.states(branch)
                    self.lines.append("}")
                    self.edge(fork, entry)
                    for end in branch_ends:
                        self.edge(end, join)
                self.lines.append("}")
                nodes[name], exits[name] = fork, join
                continue
            if kind == "Task":
                label = name
                for retry in state.get("Retry", []):
                    errors = retry["ErrorEquals"]
                    kind_of = "Lambda's errors" if all(e.startswith("Lambda.") for e in errors) else "transient errors"
                    label += f"\nretry {kind_of} x{retry.get('MaxAttempts', 3)}"
                node = self.node(label, shape="box", style="rounded,filled", fillcolor="#dbe9f6")
            elif kind == "Choice":
                node = self.node(name, shape="diamond", style="filled", fillcolor="#fdf0d5")
            elif kind == "Wait":
                node = self.node(f"{name}\n{state.get('Seconds', '')} s", shape="box", style="filled",
                                 fillcolor="#eeeeee")
            elif kind in ("Succeed", "Fail"):
                node = self.node(name, shape="box", style="rounded,bold")
            else:
                node = self.node(name, shape="box", style="dashed")
            nodes[name] = exits[name] = node
        for name, state in machine["States"].items():
            source = exits[name]
            if "Next" in state:
                self.edge(source, nodes[state["Next"]])
            for choice in state.get("Choices", []):
                condition = next(f"{OPERATORS.get(key, key)} {value}" for key, value in choice.items()
                                 if key not in ("Variable", "Next"))
                self.edge(source, nodes[choice["Next"]], f"{choice.get('Variable', '')} {condition}")
            if "Default" in state:
                self.edge(source, nodes[state["Default"]], "otherwise")
            for catch in state.get("Catch", []):
                self.edge(nodes[name], nodes[catch["Next"]], " / ".join(catch["ErrorEquals"]), style="dashed",
                          color="#b03030", fontcolor="#b03030")
            if state.get("End") or state["Type"] in ("Succeed", "Fail"):
                ends.append(source)
        return nodes[machine["StartAt"]], ends

    def render(self, definition, title):
        start = self.node("start", shape="circle", width="0.3", style="filled", fillcolor="#333333",
                          fontcolor="white", fontsize="8")
        entry, ends = self.states(definition)
        end = self.node("end", shape="doublecircle", width="0.25", fontsize="8")
        self.edge(start, entry)
        for node in ends:
            self.edge(node, end)
        return "\n".join([
            "digraph machine {", 'graph [fontname="Helvetica", fontsize=11, rankdir=TB, labelloc=t, '
            f"label={quote(title)}];", 'node [fontname="Helvetica", fontsize=10];',
            'edge [fontname="Helvetica", fontsize=9];', *self.lines, "}"])


os.makedirs(args.out, exist_ok=True)
drawn = 0
for path in sorted(glob.glob(os.path.join(args.stack, "customers-*.json"))):
    with open(path) as f:
        resources = json.load(f)["Resources"]
    for logical_id, resource in sorted(resources.items()):
        if resource["Type"] != "AWS::StepFunctions::StateMachine" or drawn >= args.limit:
            continue
        definition = resource["Properties"]["Definition"]
        comment = definition.get("Comment", logical_id)
        match = re.match(r"OnPremWatch: (.*), every (\d+) s", comment)
        customer, interval = match.groups() if match else (logical_id, "")
        name = re.sub(r"[^a-z0-9]+", "-", customer.lower()).strip("-") + f"-{interval}s"
        dot = Graph().render(definition, comment.replace("OnPremWatch: ", ""))
        subprocess.run(["dot", "-Tpng", "-Gdpi=80", "-o", os.path.join(args.out, name + ".png")], input=dot.encode(),
                       check=True)
        drawn += 1
        print(f"draw-state-machine: {args.out}/{name}.png")
