#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The demo's last act: a KPI that crossed its threshold, and the support case it raised.

    demo-case.py STAGE_DIR

Reads the alarms `synth` generates for the demo catalog, finds one whose KPI, as the demo just published it to the
CloudWatch emulator, is past its threshold, and publishes the notification CloudWatch would send to an SNS topic
(moto does not evaluate alarms). The topic delivers to an SQS queue; this script hands the queue's message to the
staged function with `_HANDLER=cases` through the Runtime API emulator, as Lambda's event source mapping would,
and reads the case back from the AWS Support emulator. Run through scripts/with-services.sh, after demo.sh.
"""
import datetime
import glob
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

import boto3

stage = sys.argv[1]
REGION, ACCOUNT = "eu-west-1", "123456789012"
session = dict(endpoint_url=os.environ["ONPREM_TEST_MOTO"], region_name=REGION,
               aws_access_key_id=os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"],
               aws_secret_access_key=os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
work = tempfile.mkdtemp(prefix="demo-case-")
subprocess.run([os.path.join(stage, "onprem-watch"), "synth", "--catalog", os.path.join(stage, "catalog.json"),
                "--out", work], capture_output=True, check=True)
with open(os.path.join(work, "template.json")) as f:
    parent = json.load(f)["Resources"]
alarms = []
for path in sorted(glob.glob(os.path.join(work, "customers-*.json"))):
    with open(path) as f:
        alarms += [r["Properties"] for r in json.load(f)["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]

cloudwatch = boto3.client("cloudwatch", **session)
now = datetime.datetime.now(datetime.timezone.utc)
crossing = None
for alarm in alarms:
    dimensions = alarm["Dimensions"]
    points = cloudwatch.get_metric_statistics(
        Namespace="OnPremWatch", MetricName=alarm["MetricName"], Dimensions=dimensions,
        StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5), Period=3600,
        Statistics=[alarm["Statistic"]])["Datapoints"]
    if not points:
        continue
    value = points[0][alarm["Statistic"]]
    above = {"GreaterThanThreshold": value > alarm["Threshold"],
             "GreaterThanOrEqualToThreshold": value >= alarm["Threshold"],
             "LessThanThreshold": value < alarm["Threshold"],
             "LessThanOrEqualToThreshold": value <= alarm["Threshold"]}[alarm["ComparisonOperator"]]
    if above:
        crossing = (alarm, value)
        break
if crossing is None:
    raise SystemExit("demo-case: no KPI of the demo is past its threshold")
alarm, value = crossing
name = "onprem-watch" + alarm["AlarmName"]["Fn::Join"][1][1]
print(f"== {alarm['MetricName']} = {value:g} is past its threshold ({alarm['ComparisonOperator']} "
      f"{alarm['Threshold']:g}) for " + ", ".join(f"{d['Name']}={d['Value']}" for d in alarm["Dimensions"]))

# The worker's half, from the template: the table as synth declares it, the topic and the queue.
dynamodb, sns, sqs = (boto3.client(service, **session) for service in ("dynamodb", "sns", "sqs"))
table = f"demo-cases-{os.getpid()}"
props = parent["CasesTable"]["Properties"]
dynamodb.create_table(TableName=table, BillingMode=props["BillingMode"],
                      AttributeDefinitions=props["AttributeDefinitions"], KeySchema=props["KeySchema"])
topic = sns.create_topic(Name="demo-alarms")["TopicArn"]
queue = sqs.create_queue(QueueName=f"demo-cases-{os.getpid()}")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)

stamp = now.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
message = {
    "AlarmName": name, "AlarmDescription": alarm["AlarmDescription"], "AWSAccountId": ACCOUNT,
    "NewStateValue": "ALARM", "OldStateValue": "OK", "StateChangeTime": stamp, "Region": "EU (Ireland)",
    "NewStateReason": f"Threshold Crossed: 1 datapoint [{value:g} ({now:%d/%m/%y %H:%M:%S})] was past the "
                      f"threshold ({alarm['Threshold']:g}).",
    "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}", "AlarmActions": [topic], "OKActions": [topic],
    "InsufficientDataActions": [],
    "Trigger": {"MetricName": alarm["MetricName"], "Namespace": "OnPremWatch", "StatisticType": "Statistic",
                "Statistic": alarm["Statistic"].upper(), "Unit": None,
                "Dimensions": [{"name": d["Name"], "value": d["Value"]} for d in alarm["Dimensions"]],
                "Period": alarm["Period"], "EvaluationPeriods": alarm["EvaluationPeriods"],
                "ComparisonOperator": alarm["ComparisonOperator"], "Threshold": alarm["Threshold"],
                "TreatMissingData": alarm["TreatMissingData"]},
}
sns.publish(TopicArn=topic, Message=json.dumps(message), Subject=f'ALARM: "{name}" in EU (Ireland)'[:99])
messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=2,
                               AttributeNames=["All"])["Messages"]
event = {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                      "attributes": m["Attributes"], "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                      "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": REGION}
                     for m in messages]}

emulator = os.environ["ONPREM_TEST_EMULATOR"]
worker = subprocess.Popen([os.path.join(stage, "bootstrap"), "--limit", "1"], env={
    **os.environ, "LAMBDA_TASK_ROOT": stage, "AWS_LAMBDA_RUNTIME_API": f"{emulator}/.rt", "_HANDLER": "cases",
    "ONPREM_CASES_TABLE": table, "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": session["aws_access_key_id"],
    "AWS_SECRET_ACCESS_KEY": session["aws_secret_access_key"], "AWS_ENDPOINT_URL": session["endpoint_url"]})
request = urllib.request.Request(f"{emulator}/2015-03-31/functions/_/invocations", data=json.dumps(event).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
with urllib.request.urlopen(request, timeout=60) as response:
    answer = json.loads(response.read())
worker.wait(timeout=30)
print(f"== the case worker (_HANDLER=cases) answered the SQS batch of {len(messages)}: {json.dumps(answer)}")
support = boto3.client("support", **dict(session, region_name="us-east-1"))
for case in support.describe_cases(includeCommunications=True)["cases"]:
    if name not in json.dumps(case):
        continue
    print(f"== the case, read back from the AWS Support emulator: {case['caseId']}")
    print(f"  subject: {case['subject']}")
    for line in case["recentCommunications"]["communications"][0]["body"].splitlines():
        print(f"  | {line}")
    break
else:
    raise SystemExit("demo-case: no case was raised")
