#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Points the metrics function's `live` alias back at the version before (make rollback).

    rollback.py --stack NAME [--to VERSION]

The stack publishes a version of the function per zip (its CodeSha256 parameter) and keeps the old ones; the state
machines invoke the `live` alias. (The case worker has no alias: its messages wait in the queue, and deploying the
previous commit again is its rollback.) Rolling back moves the alias, in seconds, with no
deploy: the next `make deploy` of a fixed commit moves it forward again. Honours AWS_ENDPOINT_URL as the AWS CLI
does (boto3 reads it).
"""
import argparse
import sys

import boto3

OUTPUTS = {"metrics": "FunctionAliasArn"}


def previous(versions, current):
    """The highest published version below `current`, or None."""
    earlier = [v for v in versions if v != "$LATEST" and int(v) < int(current)]
    return max(earlier, key=int) if earlier else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--to", help="the version to point at (default: the one before the alias's)")
    options = parser.parse_args()

    outputs = {o["OutputKey"]: o["OutputValue"] for o in
               boto3.client("cloudformation").describe_stacks(StackName=options.stack)["Stacks"][0].get("Outputs", [])}
    lambdas = boto3.client("lambda")
    for name in OUTPUTS:
        arn = outputs.get(OUTPUTS[name])
        if not arn:
            sys.exit(f"rollback: the stack {options.stack} has no output {OUTPUTS[name]}")
        function, alias = arn.rsplit(":", 1)
        current = lambdas.get_alias(FunctionName=function, Name=alias)["FunctionVersion"]
        versions = [v["Version"] for page in lambdas.get_paginator("list_versions_by_function").paginate(
            FunctionName=function) for v in page["Versions"]]
        target = options.to or previous(versions, current)
        if target is None:
            sys.exit(f"rollback: {function} has no version before {current}")
        if target not in versions:
            sys.exit(f"rollback: {function} has no version {target} (it has {', '.join(versions)})")
        lambdas.update_alias(FunctionName=function, Name=alias, FunctionVersion=target)
        print(f"rollback: {function}:{alias} now runs version {target} (was {current})")


if __name__ == "__main__":
    main()
