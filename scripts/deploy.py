#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Deploys the stack that `onprem-watch synth` wrote: uploads, one change set, printed, executed, waited for.

    scripts/deploy.py --stack NAME --bucket BUCKET --params deploy/ENV.json --zip dist/onprem-watch.zip \\
        --templates dist/stack [--region R] [--create-bucket]

1. The zip goes to s3://BUCKET/onprem-watch/<sha256>.zip, unless that key is already there: the zip is
   reproducible, so an unchanged build uploads nothing and leaves the functions alone (CodeKey is unchanged).
2. Every nested template (a relative `TemplateURL`, as synth writes them) is uploaded under
   onprem-watch/templates/<sha256>.json and its parent rewritten to point at it, then the parent likewise: a
   template's key names its content and that of everything under it, so an unchanged stack re-uploads nothing.
   The URLs are path-style, https://s3.REGION.amazonaws.com/BUCKET/KEY, whatever AWS_ENDPOINT_URL says: the form
   CloudFormation accepts, and one moto_server's CloudFormation resolves from its own S3 (it reads the bucket and
   key out of the URL; `aws cloudformation package` writes the endpoint's URL instead, and moto reads
   http://127.0.0.1:PORT/BUCKET/KEY as bucket "127": NoSuchBucket).
3. A change set (CREATE for a new stack, else UPDATE) with CodeBucket, CodeKey (and CodeSha256, base64, when the
   template declares it) and the parameters file's values (each must be one of the template's) is made, printed
   (action, resource, type, replacement; nested stacks' changes under them), executed and waited for. A change set with
   nothing in it is deleted, and the deploy ends 0 saying so.
4. On failure, the failed events of the stack and its nested stacks are printed, and the status says whether
   CloudFormation rolled the stack back to what it was (moto fails inside ExecuteChangeSet and rolls nothing back).

The parameters file is CodePipeline's template configuration: {"Parameters": {"Key": "value" or [list]}, "Tags":
{...}}; a list becomes the comma-separated value that List<...> parameters take. Uses boto3 (as the AWS CLI
does, and honouring AWS_ENDPOINT_URL and the usual credentials), not `aws cloudformation package/deploy`: those
key uploads by MD5, write endpoint-relative template URLs, and print neither a change set nor nested failures.
Exit status: 0 deployed or nothing to do, 1 failed.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import pathlib
import re
import sys
import time

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

PREFIX = "onprem-watch"
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
DONE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}


class DeployError(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def ensure_bucket(s3, bucket, region, create):
    try:
        s3.head_bucket(Bucket=bucket)
        return
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
    if not create:
        raise DeployError(f"bucket {bucket} does not exist (the bootstrap stack makes it; --create-bucket for tests)")
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **config)
    print(f"created bucket {bucket}")


def upload_once(s3, bucket, key, body, what):
    """Puts body at key unless the key exists; returns whether it uploaded."""
    try:
        s3.head_object(Bucket=bucket, Key=key)
        print(f"{what}: s3://{bucket}/{key} already there")
        return False
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchKey"):
            raise
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    print(f"{what}: uploaded s3://{bucket}/{key} ({len(body):,} bytes)")
    return True


def publish_template(s3, bucket, region, path):
    """Uploads the template at path after publishing its nested templates; returns its S3 URL."""
    template = json.loads(path.read_text())
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        url = properties.get("TemplateURL")
        if resource.get("Type") == "AWS::CloudFormation::Stack" and isinstance(url, str) and "://" not in url:
            properties["TemplateURL"] = publish_template(s3, bucket, region, path.parent / url)
    body = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    key = f"{PREFIX}/templates/{sha256(body)}.json"
    upload_once(s3, bucket, key, body, path.name)
    suffix = ".cn" if region.startswith("cn-") else ""
    return f"https://s3.{region}.amazonaws.com{suffix}/{bucket}/{key}"


def read_parameters(path):
    config = json.loads(pathlib.Path(path).read_text())
    values = {key: ",".join(value) if isinstance(value, list) else str(value)
              for key, value in config.get("Parameters", {}).items()}
    return values, config.get("Tags", {})


def stack_status(cfn, stack):
    try:
        return cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    except ClientError as error:
        if "does not exist" in error.response["Error"]["Message"]:
            return None
        raise


def change_set_changes(cfn, change_set):
    """Every change of the change set, following NextToken."""
    response = cfn.describe_change_set(ChangeSetName=change_set)
    changes = response.get("Changes", [])
    while response.get("NextToken"):
        response = cfn.describe_change_set(ChangeSetName=change_set, NextToken=response["NextToken"])
        changes += response.get("Changes", [])
    return changes


def print_changes(cfn, change_set, indent="  "):
    changes = [change["ResourceChange"] for change in change_set_changes(cfn, change_set)]
    if not changes and indent == "  ":
        print(f"{indent}(no resource changes listed)")
    for change in changes:
        replacement = change.get("Replacement")
        replaced = f"  replacement: {replacement}" if change.get("Action") == "Modify" and replacement else ""
        print(f"{indent}{change.get('Action', '?'):<7} {change['LogicalResourceId']:<32} {change['ResourceType']}"
              f"{replaced}")
        if change.get("ChangeSetId") and change["ChangeSetId"] != change_set:
            print_changes(cfn, change["ChangeSetId"], indent + "    ")


def failed_events(cfn, stack, since, seen=None):
    """The *_FAILED events of the stack and its nested stacks since the change set was made, oldest first."""
    seen = seen if seen is not None else set()
    if stack in seen:
        return []
    seen.add(stack)
    events = []
    for page in cfn.get_paginator("describe_stack_events").paginate(StackName=stack):
        events += [event for event in page["StackEvents"] if event["Timestamp"] >= since]
    found = [event for event in events if event["ResourceStatus"].endswith("_FAILED")]
    for event in events:
        nested = event.get("PhysicalResourceId", "")  # an ARN; moto gives the nested stack's name
        if event["ResourceType"] == "AWS::CloudFormation::Stack" and nested and nested != stack:
            try:
                found += failed_events(cfn, nested, since, seen)
            except ClientError:
                pass
    return sorted(found, key=lambda event: event["Timestamp"])


def report_failure(cfn, stack, since, status, reason=""):
    print(f"deploy: FAILED, stack {stack} is {status}{': ' + reason if reason else ''}", file=sys.stderr)
    try:
        events = failed_events(cfn, stack, since)
    except ClientError as error:
        events = []
        print(f"  (could not read the stack's events: {error})", file=sys.stderr)
    for event in events:
        print(f"  {event['StackName']}: {event['LogicalResourceId']} ({event['ResourceType']}) "
              f"{event['ResourceStatus']}: {event.get('ResourceStatusReason', '')}", file=sys.stderr)
    if status == "ROLLBACK_COMPLETE":
        print("CloudFormation rolled the stack's first deploy back: nothing of it runs. Delete the stack (aws "
              f"cloudformation delete-stack --stack-name {stack}) before the next deploy.", file=sys.stderr)
    elif status and status.endswith("ROLLBACK_COMPLETE"):
        print("CloudFormation rolled the stack back: what was deployed before still runs.", file=sys.stderr)
    elif status and status.endswith("ROLLBACK_FAILED"):
        print("The rollback failed too: see the events above, then `aws cloudformation continue-update-rollback`.",
              file=sys.stderr)


def deploy(args):
    # AWS_REGION as Lambda and the function name it; boto3 reads only AWS_DEFAULT_REGION and the config file.
    session = boto3.Session(region_name=args.region or os.environ.get("AWS_REGION") or None)
    region = session.region_name
    if not region:
        raise DeployError("no region: --region, AWS_REGION or AWS_DEFAULT_REGION")
    s3, cfn = session.client("s3"), session.client("cloudformation")
    parameters, tags = read_parameters(args.params)
    for setting in args.set or []:
        key, _, value = setting.partition("=")
        parameters[key] = value
    parent = pathlib.Path(args.templates) / "template.json"
    declared = json.loads(parent.read_text()).get("Parameters", {})
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise DeployError(f"{args.params}: not parameters of the template: {', '.join(unknown)}")

    ensure_bucket(s3, args.bucket, region, args.create_bucket)
    zip_bytes = pathlib.Path(args.zip).read_bytes()
    code_key = f"{PREFIX}/{sha256(zip_bytes)}.zip"
    upload_once(s3, args.bucket, code_key, zip_bytes, "zip")
    template_url = publish_template(s3, args.bucket, region, parent)
    parameters.update(CodeBucket=args.bucket, CodeKey=code_key)
    # The resources are named after the stack unless the parameters file names them otherwise: the bootstrap
    # stack's execution role may touch only resources named from the stack's name.
    parameters.setdefault("Name", args.stack)
    name_rule = declared.get("Name", {})
    if name_rule.get("AllowedPattern") and (
            not re.fullmatch(name_rule["AllowedPattern"], parameters["Name"])
            or len(parameters["Name"]) > name_rule.get("MaxLength", 1 << 30)):
        raise DeployError(f"Name {parameters['Name']!r} (the stack's name unless the parameters file says): letters, "
                          f"digits and single hyphens, at most {name_rule.get('MaxLength')} characters")
    if "CodeSha256" in declared:  # the templates that publish a version per zip take its hash, as Lambda gives it
        parameters["CodeSha256"] = base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()

    status = stack_status(cfn, args.stack)
    if status is not None and status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        raise DeployError(f"stack {args.stack} is {status}: another operation is running")
    if status == "ROLLBACK_COMPLETE":
        raise DeployError(f"stack {args.stack} is ROLLBACK_COMPLETE (its first deploy failed) and cannot be updated:"
                          f" delete it (aws cloudformation delete-stack --stack-name {args.stack}) and deploy again")
    kind = "CREATE" if status in (None, "REVIEW_IN_PROGRESS") else "UPDATE"
    name = "deploy-" + datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    # Under the bootstrap stack's execution role (--role-arn), CloudFormation acts with that role's permissions,
    # not the caller's: the deploy role may only pass it.
    role = {"RoleARN": args.role_arn} if args.role_arn else {}
    change_set = cfn.create_change_set(
        StackName=args.stack, ChangeSetName=name, ChangeSetType=kind, TemplateURL=template_url,
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in sorted(parameters.items())],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"], IncludeNestedStacks=True,
        Tags=[{"Key": key, "Value": str(value)} for key, value in tags.items()], **role)["Id"]
    waiting = time.monotonic()
    while True:
        described = cfn.describe_change_set(ChangeSetName=change_set)
        if described["Status"] not in ("CREATE_PENDING", "CREATE_IN_PROGRESS"):
            break
        if time.monotonic() - waiting > args.timeout:
            raise DeployError(f"change set {name} still {described['Status']} after {args.timeout} s")
        time.sleep(args.poll)
    since = described["CreationTime"]
    if described["Status"] == "FAILED":
        reason = described.get("StatusReason", "")
        if any(text in reason for text in NO_CHANGES):
            cfn.delete_change_set(ChangeSetName=change_set)
            print(f"No changes: stack {args.stack} is up to date.")
            return 0
        raise DeployError(f"change set {name} failed: {reason}")

    print(f"Change set {name} ({kind}) for stack {args.stack}:")
    print_changes(cfn, change_set)
    try:
        cfn.execute_change_set(ChangeSetName=change_set)
    except ClientError as error:  # moto runs the change set inside this call and answers its failure here
        report_failure(cfn, args.stack, since, stack_status(cfn, args.stack), str(error))
        return 1
    started = time.monotonic()
    while True:
        status = stack_status(cfn, args.stack)
        if not status or not status.endswith("_IN_PROGRESS"):
            break
        if time.monotonic() - started > args.timeout:
            raise DeployError(f"stack {args.stack} still {status} after {args.timeout} s")
        time.sleep(args.poll)
    if status not in DONE:
        report_failure(cfn, args.stack, since, status)
        return 1
    print(f"Stack {args.stack}: {status}")
    record_served(session, s3, cfn, args.bucket, args.stack, code_key)
    return 0


def record_served(session, s3, cfn, bucket, stack, code_key):
    """Appends the version the live alias now runs to s3://BUCKET/onprem-watch/served/STACK.json, so that `make
    rollback` goes back to a version that served, never to one that a failed deploy published and CloudFormation
    kept (old versions are retained). Best effort: a stack without the alias, or a moto without aliases, records
    nothing and says so."""
    key = f"{PREFIX}/served/{stack}.json"
    try:
        outputs = {o["OutputKey"]: o["OutputValue"]
                   for o in cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])}
        function, alias = outputs["FunctionAliasArn"].rsplit(":", 1)
        version = session.client("lambda").get_alias(FunctionName=function, Name=alias)["FunctionVersion"]
        try:
            served = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except ClientError:
            served = []
        if not served or served[-1]["version"] != version:
            served.append({"version": version, "codeKey": code_key,
                           "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")})
            s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(served, indent=1).encode())
        print(f"served: version {version} of {function}, recorded in s3://{bucket}/{key}")
    except (ClientError, BotoCoreError, KeyError, ResponseParserError) as error:
        print(f"served: not recorded ({error.__class__.__name__}: {error})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--params", required=True, help="deploy/ENV.json")
    parser.add_argument("--zip", required=True, help="dist/onprem-watch.zip")
    parser.add_argument("--templates", required=True, help="synth's directory: template.json and nested ones")
    parser.add_argument("--region")
    parser.add_argument("--role-arn", help="the CloudFormation execution role (the bootstrap stack's)")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="a parameter over the parameters file's (PermissionsBoundaryArn=...)")
    parser.add_argument("--create-bucket", action="store_true", help="make the bucket if missing (tests only)")
    parser.add_argument("--poll", type=float, default=5, help="seconds between status checks")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for the stack")
    args = parser.parse_args()
    try:
        return deploy(args)
    except (DeployError, ClientError, BotoCoreError, ResponseParserError, OSError, ValueError) as error:
        print(f"deploy: FAILED: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
