#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reads back from the local CloudWatch emulator what the demo published, and prints it."""
import datetime
import os

import boto3

cloudwatch = boto3.client(
    "cloudwatch", endpoint_url=os.environ["ONPREM_TEST_MOTO"], region_name="eu-west-1",
    aws_access_key_id=os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
now = datetime.datetime.now(datetime.timezone.utc)
# The emulator lists a series once per put: keep one of each.
unique = {(m["MetricName"], str(sorted((d["Name"], d["Value"]) for d in m["Dimensions"]))): m
          for m in cloudwatch.list_metrics(Namespace="OnPremWatch")["Metrics"]}
metrics = list(unique.values())
print(f"== read back from the CloudWatch emulator: {len(metrics)} series in namespace OnPremWatch")
for metric in sorted(metrics, key=lambda m: (m["MetricName"], str(m["Dimensions"]))):
    stats = cloudwatch.get_metric_statistics(
        Namespace="OnPremWatch", MetricName=metric["MetricName"], Dimensions=metric["Dimensions"],
        StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5), Period=3600,
        Statistics=["Average", "SampleCount"])["Datapoints"]
    dims = ", ".join(f"{d['Name']}={d['Value']}" for d in metric["Dimensions"])
    for point in stats:
        print(f"  {metric['MetricName']:<22} avg {point['Average']:>10.3f} n={point['SampleCount']:<3.0f} [{dims}]")
