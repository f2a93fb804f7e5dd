#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Deploys the stack `onprem-watch synth` writes with scripts/deploy.py into moto; prints what it found as JSON.

    deploy_e2e.py BINARY WORKDIR [--zip ZIP] [--catalog catalog.json]

ZIP defaults to $ONPREM_TEST_ZIP (dist/onprem-watch.zip under `make test`), else a small zip made here. Checked:
  1. synth, then a first deploy: the stack and its nested stacks CREATE_COMPLETE; both functions' CodeSha256 is
     base64(sha256(zip)); the templates CloudFormation holds are synth's; every state machine exists under synth's
     name with the states role, and its nested stack got the function's ARN for DefinitionSubstitutions;
  2. the same deploy again: exit 0, "No changes", no upload, no stack touched;
  3. a catalog change (a customer added, a threshold changed): `plan` names exactly those (and exits 2), the
     stack updated, the zip not re-uploaded, the
     templates CloudFormation holds are the new ones, the new customer's state machines exist;
  4. a broken catalog stops at synth, and a missing bucket stops deploy.py, neither touching the stack.

moto runs in this process (ThreadedMotoServer on a free port), with signature checking on exactly as
with-services.sh starts it (INITIAL_NO_AUTH_ACTION_COUNT=4, then scripts/moto-setup.py): the functions are read from
moto's backend here (see below). Nothing of moto is changed.

What else moto does, and so what is checked in the templates rather than in moto:
  - nested stacks: it reads TemplateURL's bucket and key out of the URL and fetches them from its own S3 in
    process (moto/cloudformation/utils.py get_stack_from_s3_url). https://s3.REGION.amazonaws.com/BUCKET/KEY
    (what deploy.py writes), https://s3.amazonaws.com/BUCKET/KEY, https://BUCKET.s3[.REGION].amazonaws.com/KEY
    and http://localhost:PORT/BUCKET/KEY work; http://127.0.0.1:PORT/BUCKET/KEY (what `aws cloudformation
    package` writes with AWS_ENDPOINT_URL=http://127.0.0.1:PORT) is read as bucket "127": NoSuchBucket.
    MOTO_S3_CUSTOM_ENDPOINTS plays no part (it only routes HTTP requests to S3).
  - types without a model are skipped with a warning: the report's "skipped_by_moto" lists them (alarms,
    schedules, the SNS subscription, the queue policy).
  - AWS::StepFunctions::StateMachine: it reads only DefinitionString and StateMachineName, so Definition,
    DefinitionSubstitutions, StateMachineType and LoggingConfiguration are dropped (definition "", STANDARD).
    The definition is checked as CloudFormation would build it: synth's Definition with the nested stack's
    FunctionArn parameter, which must be the deployed function's ARN.
  - Lambda's VpcConfig is not checked against EC2: deploy/local.json's made-up subnet and security group ids do.
  - under signature checking, moto 5.2.1 refuses every Lambda request without a body (GetFunction, ListFunctions:
    SignatureDoesNotMatch, as it hashes the request's headers as the payload), so the functions are read from
    moto's backend in this process. Nothing deploy.py sends is affected: S3 and CloudFormation check fine.
  - a change set runs inside ExecuteChangeSet, so the stack is complete when the call returns; a failure there
    is not rolled back.
"""
import argparse
import base64
import hashlib
import json
import logging
import os
import pathlib
import subprocess
import sys
import time
import warnings
import zipfile

os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "4"  # read when moto is imported: signature checking as in make test

import boto3  # noqa: E402
from moto.awslambda.models import lambda_backends  # noqa: E402
from moto.cloudformation.parsing import get_model_map  # noqa: E402
from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
REGION, STACK, BUCKET = "us-east-1", "onprem-watch-e2e", "onprem-watch-e2e-artifacts"
PARAMS = ROOT / "deploy" / "local.json"


def run(command, env=None):
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    return {"exit": done.returncode, "seconds": round(time.monotonic() - started, 2),
            "stdout": done.stdout, "stderr": done.stderr}


def templates(directory):
    """synth's templates by file name."""
    return {path.name: json.loads(path.read_text()) for path in pathlib.Path(directory).glob("*.json")}


def resource_diff(old, new):
    """Resources added, removed and changed between two synth outputs, as FILE:LOGICAL_ID."""
    diff = {"added": [], "removed": [], "changed": []}
    for name in sorted(set(old) | set(new)):
        before, after = (t.get(name, {}).get("Resources", {}) for t in (old, new))
        diff["added"] += [f"{name}:{key}" for key in sorted(set(after) - set(before))]
        diff["removed"] += [f"{name}:{key}" for key in sorted(set(before) - set(after))]
        diff["changed"] += [f"{name}:{key}" for key in sorted(set(before) & set(after)) if before[key] != after[key]]
    return diff


class Moto:
    def __init__(self):
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        logging.getLogger("moto").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", message="Tried to parse")
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        self.endpoint = "http://127.0.0.1:%d" % self.server.get_host_and_port()[1]
        setup = subprocess.run([sys.executable, str(ROOT / "scripts/moto-setup.py"), self.endpoint],
                               check=True, capture_output=True, text=True).stdout
        keys = dict(line.removeprefix("export ").split("=", 1) for line in setup.splitlines())
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith("AWS_") and key != "INITIAL_NO_AUTH_ACTION_COUNT"}
        self.env.update(AWS_ENDPOINT_URL=self.endpoint, AWS_DEFAULT_REGION=REGION,
                        AWS_ACCESS_KEY_ID=keys["ONPREM_TEST_AWS_ACCESS_KEY_ID"],
                        AWS_SECRET_ACCESS_KEY=keys["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
        session = boto3.Session(aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"], region_name=REGION,
                                aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"])
        self.cfn, self.s3, self.sfn = (session.client(name, endpoint_url=self.endpoint)
                                       for name in ("cloudformation", "s3", "stepfunctions"))

    @staticmethod
    def function(name):
        """A function's configuration, from moto's backend: under signature checking moto 5.2.1 refuses every Lambda
        request without a body (SignatureDoesNotMatch: it hashes the request's headers as the payload)."""
        return lambda_backends["123456789012"][REGION].get_function(name).get_configuration()

    def snapshot(self):
        """What a no-op deploy must leave alone: the bucket's objects, every stack's status and events."""
        objects = self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        stacks = self.cfn.describe_stacks()["Stacks"]
        return {"objects": {o["Key"]: [o["ETag"], o["LastModified"].isoformat()] for o in objects},
                "stacks": {s["StackName"]: [s["StackStatus"], str(s.get("LastUpdatedTime")),
                                            len(self.cfn.describe_stack_events(StackName=s["StackId"])["StackEvents"])]
                           for s in stacks}}

    def resources(self, stack):
        return {r["LogicalResourceId"]: r for r in self.cfn.list_stack_resources(StackName=stack)
                ["StackResourceSummaries"] if r["LogicalResourceId"]}

    def parameters(self, stack):
        return {p["ParameterKey"]: p["ParameterValue"] for p in
                self.cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Parameters", [])}


def check_stack(moto, synth_dir, zip_sha, expect_status):
    """The deployed stack against synth's output; returns (checks, facts)."""
    synth = templates(synth_dir)
    parent = synth["template.json"]
    checks, facts = {}, {}
    status = moto.cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"]
    resources = moto.resources(STACK)
    nested = {key: resources[key]["PhysicalResourceId"] for key, value in parent["Resources"].items()
              if value["Type"] == "AWS::CloudFormation::Stack"}
    nested_status = {key: moto.cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
                     for key, name in nested.items()}
    facts["status"], facts["nested_status"] = status, nested_status
    checks["stack_status"] = status == expect_status
    checks["nested_stacks_complete"] = bool(nested) and all(s.endswith("_COMPLETE") and "ROLLBACK" not in s
                                                            for s in nested_status.values())

    functions = {key: moto.function(resources[key]["PhysicalResourceId"]) for key in ("Function", "CasesFunction")}
    facts["code_sha256"] = {key: f["CodeSha256"] for key, f in functions.items()}
    checks["functions_code_sha256_is_zip"] = all(f["CodeSha256"] == zip_sha for f in functions.values())

    # The templates CloudFormation holds: synth's, but for the TemplateURLs deploy.py rewrote.
    deployed_parent = json.loads(json.dumps(moto.cfn.get_template(StackName=STACK)["TemplateBody"]))
    files = {key: parent["Resources"][key]["Properties"]["TemplateURL"] for key in nested}
    facts["template_urls"] = {}
    for key, file in files.items():
        facts["template_urls"][key] = deployed_parent["Resources"][key]["Properties"]["TemplateURL"]
        deployed_parent["Resources"][key]["Properties"]["TemplateURL"] = file
    same = [deployed_parent == parent] + [
        json.loads(json.dumps(moto.cfn.get_template(StackName=nested[key])["TemplateBody"])) == synth[file]
        for key, file in files.items()]
    checks["deployed_templates_are_synths"] = all(same)

    function_arn = functions["Function"]["FunctionArn"]
    role_suffix = ":role/" + resources["StatesRole"]["PhysicalResourceId"]  # moto's physical id of a role: its name
    machines, problems, stored_definitions = 0, [], 0
    for key, name in nested.items():
        template = synth[parent["Resources"][key]["Properties"]["TemplateURL"]]
        parameters, deployed = moto.parameters(name), moto.resources(name)
        # The function's ARN, or one qualified by a version or alias.
        if "FunctionArn" in parameters and not (parameters["FunctionArn"] + ":").startswith(function_arn + ":"):
            problems.append(f"{key}: FunctionArn parameter {parameters['FunctionArn']}")
        for logical, resource in template["Resources"].items():
            if resource["Type"] != "AWS::StepFunctions::StateMachine":
                continue
            machines += 1
            props = resource["Properties"]
            machine = moto.sfn.describe_state_machine(stateMachineArn=deployed[logical]["PhysicalResourceId"])
            expected_name = props["StateMachineName"]["Fn::Sub"].replace("${Name}", parameters["Name"])
            definition = json.dumps(props["Definition"])
            for variable, value in props.get("DefinitionSubstitutions", {}).items():
                definition = definition.replace("${%s}" % variable, parameters[value["Ref"]])
            if machine["name"] != expected_name or not machine["roleArn"].endswith(role_suffix):
                problems.append(f"{logical}: {machine['name']} {machine['roleArn']}")
            if machine["definition"]:  # moto keeps DefinitionString only; a newer one may keep Definition
                stored_definitions += 1
                if json.loads(machine["definition"]) != json.loads(definition):
                    problems.append(f"{logical}: definition differs")
            if function_arn not in definition:
                problems.append(f"{logical}: the definition does not name {function_arn}")
    listed = sum(len(page["stateMachines"]) for page in moto.sfn.get_paginator("list_state_machines").paginate())
    facts.update(state_machines=machines, state_machines_in_moto=listed, definitions_stored_by_moto=stored_definitions,
                 state_machine_problems=problems)
    checks["state_machines_as_synth_wrote"] = machines > 0 and machines == listed and not problems
    return checks, facts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("workdir")
    parser.add_argument("--zip", default=os.environ.get("ONPREM_TEST_ZIP"))
    parser.add_argument("--catalog", default=str(ROOT / "catalog.json"))
    args = parser.parse_args()
    work = pathlib.Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    zip_path = args.zip
    if not zip_path:
        zip_path = str(work / "onprem-watch.zip")
        with zipfile.ZipFile(zip_path, "w") as archive:
            archive.writestr(zipfile.ZipInfo("bootstrap", (1980, 1, 1, 0, 0, 0)), "#!/bin/sh\nexec ./onprem-watch\n")
    zip_bytes = pathlib.Path(zip_path).read_bytes()
    zip_sha = base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()

    moto = Moto()
    report = {"moto": moto.endpoint, "zip": zip_path, "zip_bytes": len(zip_bytes), "checks": {}, "timings": {}}
    checks, timings = report["checks"], report["timings"]

    def synth(catalog, out):
        return run([args.binary, "synth", "--catalog", str(catalog), "--out", str(out)])

    def deploy(directory, *extra):
        return run([sys.executable, str(ROOT / "scripts/deploy.py"), "--stack", STACK, "--bucket", BUCKET,
                    "--params", str(PARAMS), "--zip", zip_path, "--templates", str(directory), "--region", REGION,
                    "--poll", "0.2", *extra], env=moto.env)

    # 1. First deploy; without --create-bucket it stops at the missing bucket, before any upload or stack.
    first_synth = synth(args.catalog, work / "stack-1")
    missing = deploy(work / "stack-1")
    checks["missing_bucket_fails"] = (missing["exit"] == 1 and "does not exist" in missing["stderr"]
                                      and not moto.cfn.describe_stacks()["Stacks"])
    first = deploy(work / "stack-1", "--create-bucket")
    timings.update(synth_seconds=first_synth["seconds"], first_deploy_seconds=first["seconds"],
                   commit_to_deployed_seconds=round(first_synth["seconds"] + first["seconds"], 2))
    report["first_deploy"] = {"exit": first["exit"], "stdout": first["stdout"].splitlines()[-3:],
                              "stderr": first["stderr"][-2000:]}
    checks["first_deploy_exit_0"] = first_synth["exit"] == 0 and first["exit"] == 0
    if first["exit"] != 0:
        return finish(report)
    created, report["after_create"] = check_stack(moto, work / "stack-1", zip_sha, "CREATE_COMPLETE")
    checks.update({f"create_{key}": value for key, value in created.items()})

    model = get_model_map()
    counts = {}
    for template in templates(work / "stack-1").values():
        for resource in template.get("Resources", {}).values():
            counts[resource["Type"]] = counts.get(resource["Type"], 0) + 1
    report["skipped_by_moto"] = {kind: n for kind, n in sorted(counts.items()) if kind not in model}

    # 2. The same deploy again changes nothing.
    before = moto.snapshot()
    again = deploy(work / "stack-1")
    timings["noop_deploy_seconds"] = again["seconds"]
    checks["noop_exit_0_no_changes"] = again["exit"] == 0 and "No changes" in again["stdout"]
    checks["noop_uploads_nothing"] = "uploaded" not in again["stdout"]
    checks["noop_leaves_bucket_and_stacks"] = moto.snapshot() == before

    # 3. A customer added, a threshold changed.
    catalog = json.loads(pathlib.Path(args.catalog).read_text())
    added = dict(catalog["customers"][-1], opname="E2E Added Customer")
    catalog["customers"].append(added)
    first_customer = catalog["customers"][0]
    if first_customer.get("thresholds"):
        metric = sorted(first_customer["thresholds"])[0]
        first_customer["thresholds"][metric] += 5
        report["threshold_changed"] = f"{first_customer['opname']}: {metric} -> {first_customer['thresholds'][metric]}"
    else:
        first_customer["threshold"] = first_customer.get("threshold", 0) + 5
        report["threshold_changed"] = f"{first_customer['opname']}: threshold -> {first_customer['threshold']}"
    (work / "catalog-2.json").write_text(json.dumps(catalog, indent=2))
    # What `plan` says of the change: exactly the customer added and the one threshold changed.
    planned = run([args.binary, "plan", "--base", str(args.catalog), "--catalog", str(work / "catalog-2.json"),
                   "--json", "--exit-code"])
    plan = json.loads(planned["stdout"]) if planned["stdout"].strip().startswith("{") else {}
    changed_alarms = [a for a in plan.get("alarms", []) if a["before"] and a["after"]]
    report["plan"] = {"exit": planned["exit"], "customers": plan.get("customers"),
                      "changedAlarms": [f'{a["customer"]} / {a["metric"]}' for a in changed_alarms]}
    checks["plan_names_the_change"] = (
        planned["exit"] == 2 and plan.get("customers") == {"added": [added["opname"]], "removed": []}
        and len(changed_alarms) >= 1 and all(a["customer"] == first_customer["opname"] for a in changed_alarms)
        and all(a["after"]["threshold"] != a["before"]["threshold"] for a in changed_alarms)
        and all(a["customer"] in (added["opname"], first_customer["opname"]) for a in plan.get("alarms", [])))
    second_synth = synth(work / "catalog-2.json", work / "stack-2")
    report["catalog_change_resources"] = resource_diff(templates(work / "stack-1"), templates(work / "stack-2"))
    update = deploy(work / "stack-2")
    timings["update_deploy_seconds"] = update["seconds"]
    report["update_deploy"] = {"exit": update["exit"], "stdout": update["stdout"].splitlines(),
                               "stderr": update["stderr"][-2000:]}
    checks["update_exit_0"] = second_synth["exit"] == 0 and update["exit"] == 0
    checks["update_reuses_zip"] = "zip: uploaded" not in update["stdout"] and "zip: s3://" in update["stdout"]
    if update["exit"] == 0:
        updated, report["after_update"] = check_stack(moto, work / "stack-2", zip_sha, "UPDATE_COMPLETE")
        checks.update({f"update_{key}": value for key, value in updated.items()})

    # 4. A broken catalog stops at synth: the pipeline never reaches deploy.py, the stack stays as it was.
    before = moto.snapshot()
    broken = dict(catalog, customers=catalog["customers"] + [{"opname": "Broken", "threshold": "high"}])
    (work / "catalog-broken.json").write_text(json.dumps(broken))
    broken_synth = synth(work / "catalog-broken.json", work / "stack-broken")
    report["broken_catalog"] = (broken_synth["stdout"] + broken_synth["stderr"]).strip().splitlines()[0]
    checks["broken_catalog_stops_at_synth"] = (broken_synth["exit"] != 0 and "Broken" in report["broken_catalog"]
                                               and moto.snapshot() == before)
    # 5. make rollback goes back to the last version that served, never to one a failed deploy published (moto
    #    models no alias, so this is the choice itself, as values).
    sys.path.insert(0, str(ROOT / "scripts"))
    from rollback import previous  # noqa: E402
    checks["rollback_skips_versions_that_never_served"] = (
        previous(["$LATEST", "1", "2", "3", "4"], "4", served=["1", "2", "4"]) == "2"
        and previous(["$LATEST", "1", "2", "3"], "3") == "2" and previous(["$LATEST", "1"], "1") is None)
    return finish(report)


def finish(report):
    report["ok"] = all(report["checks"].values())
    print(json.dumps(report, indent=2, default=str))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
