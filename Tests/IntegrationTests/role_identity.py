#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Makes an IAM identity in moto whose policy is a synthesized role's own statements, and prints its key as JSON.

    role_identity.py TEMPLATE ROLE [CONDITION=true|false ...]

TEMPLATE is a template.json that `onprem-watch synth` wrote, ROLE the logical id of a role in it (FunctionRole,
CasesRole). The tests run the function and the worker with this key, so a call the code makes and the role does not
allow fails a test, as it would in AWS (issue 25: the worker's own role lacked support:DescribeCases).

moto_server (with INITIAL_NO_AUTH_ACTION_COUNT) checks each call's IAM action against the caller's policies, but
checks resources only as "*" and evaluates no conditions. So each statement keeps its actions exactly, its
Resource becomes "*" and its Condition is dropped: what is tested here is the list of actions; the resources and
conditions are checked as values by StackTemplatesTests. `Fn::If` picks the branch that CONDITION names (default
false); `AWS::NoValue` drops a statement. moto names an action by the request's signing name, which for CloudWatch is
`monitoring` where IAM says `cloudwatch`: such an action is given under both names (SIGNING_NAMES).
"""
import json
import os
import sys
import uuid

import boto3


# IAM's service prefix -> the SigV4 signing name moto puts in front of the action instead.
SIGNING_NAMES = {"cloudwatch": "monitoring"}


def as_moto_sees(actions):
    actions = [actions] if isinstance(actions, str) else list(actions)
    extra = []
    for action in actions:
        prefix, _, name = action.partition(":")
        if prefix in SIGNING_NAMES:
            extra.append(f"{SIGNING_NAMES[prefix]}:{name}")
    return actions + extra


def resolve(value, conditions):
    """The statement list with Fn::If decided and AWS::NoValue dropped."""
    if isinstance(value, dict):
        if set(value) == {"Fn::If"}:
            name, yes, no = value["Fn::If"]
            return resolve(yes if conditions.get(name, False) else no, conditions)
        if value == {"Ref": "AWS::NoValue"}:
            return None
        return {key: resolve(item, conditions) for key, item in value.items()}
    if isinstance(value, list):
        return [item for item in (resolve(item, conditions) for item in value) if item is not None]
    return value


def policy_of(template, role, conditions):
    statements = []
    for policy in template["Resources"][role]["Properties"]["Policies"]:
        for statement in resolve(policy["PolicyDocument"]["Statement"], conditions):
            statements.append({"Effect": statement["Effect"], "Action": as_moto_sees(statement["Action"]),
                               "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def main():
    template_path, role = sys.argv[1:3]
    conditions = {}
    for argument in sys.argv[3:]:
        name, _, value = argument.partition("=")
        conditions[name] = value == "true"
    with open(template_path) as f:
        template = json.load(f)
    document = policy_of(template, role, conditions)
    iam = boto3.client("iam", endpoint_url=os.environ["ONPREM_TEST_MOTO"], region_name="us-east-1",
                       aws_access_key_id=os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"],
                       aws_secret_access_key=os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
    user = f"role-{role}-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName=role, PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    print(json.dumps({"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"], "user": user,
                      "policy": document}))


if __name__ == "__main__":
    main()
