#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Points the metrics function's `live` alias back at the version before (make rollback).

    rollback.py --stack NAME [--bucket BUCKET] [--to VERSION]

The stack publishes a version of the function per zip (its CodeSha256 parameter) and keeps the old ones; the state
machines invoke the `live` alias. (The case worker has no alias: its messages wait in the queue, and deploying the
previous commit again is its rollback.)

The version before is the last one that served: `make deploy` records each version the alias ran after a successful
deploy in s3://BUCKET/onprem-watch/served/STACK.json. A failed deploy's version (CloudFormation keeps it, as it keeps
every old one) is never chosen. Without --bucket, the highest version below the alias's is taken.

A rollback moves code and the catalog shipped in the zip, not the stack: it is for a bad code change. A catalog
change (customers, alarms) is rolled back by reverting its commit and deploying. CloudFormation does not know of the
move: the next deploy of a new zip publishes a new version and moves the alias forward; deploying the same zip
again changes nothing. Rolling back moves the alias, in seconds, with no
deploy: the next `make deploy` of a fixed commit moves it forward again. Honours AWS_ENDPOINT_URL as the AWS CLI
does (boto3 reads it).
"""
import argparse
import json
import os
import sys

import boto3

OUTPUTS = {"metrics": "FunctionAliasArn"}


def previous(versions, current, served=None):
    """The version to go back to: the last served one below `current` when the record is there, else the highest
    published one below it; None when there is none."""
    candidates = [v for v in (served if served else versions) if v != "$LATEST" and int(v) < int(current)]
    if served:
        candidates = [v for v in candidates if v in versions]
        return candidates[-1] if candidates else None
    return max(candidates, key=int) if candidates else None


def served_versions(bucket, stack):
    """The versions that served, oldest first, from what `make deploy` recorded; [] when there is no record."""
    if not bucket:
        return []
    try:
        body = boto3.client("s3").get_object(Bucket=bucket, Key=f"onprem-watch/served/{stack}.json")["Body"].read()
    except Exception as error:  # noqa: BLE001 - no record is a reason to fall back, said below
        print(f"rollback: no record of served versions ({error.__class__.__name__}); taking the highest below")
        return []
    return [entry["version"] for entry in json.loads(body)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--bucket", help="the artifact bucket, where make deploy records the versions that served")
    parser.add_argument("--to", help="the version to point at (default: the one before the alias's)")
    options = parser.parse_args()

    # AWS_REGION as Lambda names it; boto3 itself reads only AWS_DEFAULT_REGION and the config file.
    if os.environ.get("AWS_REGION") and not os.environ.get("AWS_DEFAULT_REGION"):
        os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"]
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
        target = options.to or previous(versions, current, served_versions(options.bucket, options.stack))
        if target is None:
            sys.exit(f"rollback: {function} has no version before {current}")
        if target not in versions:
            sys.exit(f"rollback: {function} has no version {target} (it has {', '.join(versions)})")
        lambdas.update_alias(FunctionName=function, Name=alias, FunctionVersion=target)
        print(f"rollback: {function}:{alias} now runs version {target} (was {current})")


if __name__ == "__main__":
    main()
