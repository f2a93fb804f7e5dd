# SPDX-License-Identifier: Apache-2.0
"""Reads a metric's statistics back from moto's CloudWatch, signed with the test key; prints JSON."""
import datetime
import json
import os
import sys

import boto3

namespace, name, customer = sys.argv[1:4]
cloudwatch = boto3.client(
    "cloudwatch", endpoint_url=os.environ["ONPREM_TEST_MOTO"], region_name="eu-west-1",
    aws_access_key_id=os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
now = datetime.datetime.now(datetime.timezone.utc)
answer = cloudwatch.get_metric_statistics(
    Namespace=namespace, MetricName=name, Dimensions=[{"Name": "Customer", "Value": customer}],
    StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5), Period=3600,
    Statistics=["SampleCount", "Sum", "Maximum"])
points = answer["Datapoints"]
print(json.dumps({
    "sampleCount": sum(p["SampleCount"] for p in points), "sum": sum(p["Sum"] for p in points),
    "maximum": max((p["Maximum"] for p in points), default=None)}))
