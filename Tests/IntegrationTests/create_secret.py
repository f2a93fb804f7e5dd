# SPDX-License-Identifier: Apache-2.0
"""Creates a secret in moto's Secrets Manager, signed with the test key."""
import os
import sys

import boto3

name, value = sys.argv[1:3]
client = boto3.client(
    "secretsmanager", endpoint_url=os.environ["ONPREM_TEST_MOTO"], region_name="eu-west-1",
    aws_access_key_id=os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
print(client.create_secret(Name=name, SecretString=value)["ARN"])
