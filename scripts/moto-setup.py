#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Creates the IAM user, access key and allow-all policy that moto_server's signature checking needs.

moto_server started with INITIAL_NO_AUTH_ACTION_COUNT=4 accepts these four calls unsigned; every call after
them must be signed with the key printed here, or it gets 403. Prints shell exports.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="onprem-watch")
key = iam.create_access_key(UserName="onprem-watch")["AccessKey"]
policy = iam.create_policy(PolicyName="allow-all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
iam.attach_user_policy(UserName="onprem-watch", PolicyArn=policy["Policy"]["Arn"])
print(f"export ONPREM_TEST_AWS_ACCESS_KEY_ID={key['AccessKeyId']}")
print(f"export ONPREM_TEST_AWS_SECRET_ACCESS_KEY={key['SecretAccessKey']}")
