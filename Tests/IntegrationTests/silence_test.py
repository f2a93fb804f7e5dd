#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""scripts/silence.py against moto (in-process): a customer's alarms silenced with a trace, the schedule that ends
the silence by itself, --list and --end. moto has no DisableAlarmActions or EnableAlarmActions: those two calls go
to a recorder, the one stand-in here; everything else is moto's.

    python3 Tests/IntegrationTests/silence_test.py
"""
import datetime
import json
import os
import pathlib
import sys
import unittest

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ.pop("AWS_ENDPOINT_URL", None)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
import silence  # noqa: E402

TEMPLATE = {
    "Parameters": {"Name": {"Type": "String"}},
    "Resources": {
        "SchedulerRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "scheduler.amazonaws.com"}}]}}},
    },
}


class Session:
    """boto3's session, with CloudWatch's two calls moto lacks recorded instead."""

    def __init__(self):
        self.session = boto3.session.Session(region_name="us-east-1")
        self.calls = []

    def client(self, service):
        client = self.session.client(service)
        if service == "cloudwatch":
            client.disable_alarm_actions = lambda AlarmNames: self.calls.append(("disable", list(AlarmNames)))
            client.enable_alarm_actions = lambda AlarmNames: self.calls.append(("enable", list(AlarmNames)))
        return client


@mock_aws
class SilenceTests(unittest.TestCase):
    def setUp(self):
        self.session = Session()
        cloudformation = self.session.client("cloudformation")
        cloudformation.create_stack(StackName="watch-prod", TemplateBody=json.dumps(TEMPLATE),
                                    Parameters=[{"ParameterKey": "Name", "ParameterValue": "watch"}],
                                    Capabilities=["CAPABILITY_IAM"])
        # The stack's schedule group (moto's CloudFormation does not create one).
        self.session.client("scheduler").create_schedule_group(Name="watch")
        cloudwatch = self.session.client("cloudwatch")
        for alarm in ["watch | Site 1 | q m", "watch | Site 1 | collection", "watch | Site 12 | q m",
                      "other | Site 1 | q m"]:
            cloudwatch.put_metric_alarm(AlarmName=alarm, MetricName="m", Namespace="N", Statistic="Maximum", Period=60,
                                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")

    def test_silence_leaves_a_trace_and_ends_by_itself(self):
        now = datetime.datetime(2026, 12, 5, 13, 0, tzinfo=datetime.timezone.utc)
        result = silence.silence(self.session, "watch-prod", "Site 1", 90, "failover test, ticket 4711", now=now)
        # Only this customer's alarms of this stack: not Site 12's, not another deployment's.
        self.assertEqual(sorted(result["alarms"]), ["watch | Site 1 | collection", "watch | Site 1 | q m"])
        self.assertEqual(self.session.calls, [("disable", result["alarms"])])
        scheduler = self.session.client("scheduler")
        [name] = result["schedules"]
        schedule = scheduler.get_schedule(Name=name, GroupName="watch")
        self.assertEqual(schedule["ScheduleExpression"], "at(2026-12-05T14:30:00)")
        self.assertEqual(schedule["Target"]["Arn"], silence.ENABLE)
        self.assertEqual(json.loads(schedule["Target"]["Input"]), {"AlarmNames": result["alarms"]})
        self.assertTrue(schedule["Target"]["RoleArn"].startswith("arn:aws:iam::"))
        self.assertEqual(schedule.get("ActionAfterCompletion"), "DELETE")
        self.assertIn("until 2026-12-05T14:30:00+00:00: failover test, ticket 4711", schedule["Description"])
        self.assertIn("silenced by arn:aws", schedule["Description"])
        listed = silence.running(self.session, "watch-prod")
        self.assertEqual([entry["schedule"] for entry in listed], [name])
        # Speaking again now: actions on, the schedule gone.
        ended = silence.speak(self.session, "watch-prod", "Site 1")
        self.assertEqual(ended["ended"], [name])
        self.assertEqual(self.session.calls[-1], ("enable", result["alarms"]))
        self.assertEqual(silence.running(self.session, "watch-prod"), [])

    def test_long_names_and_a_second_silence(self):
        # The longest Name the stack allows (32) still makes names within Scheduler's 64 characters.
        long_name = "n" * 32
        self.session.client("scheduler").create_schedule_group(Name=long_name)
        cloudformation = self.session.client("cloudformation")
        cloudformation.create_stack(StackName="long", TemplateBody=json.dumps(TEMPLATE),
                                    Parameters=[{"ParameterKey": "Name", "ParameterValue": long_name}],
                                    Capabilities=["CAPABILITY_IAM"])
        self.session.client("cloudwatch").put_metric_alarm(
            AlarmName=f"{long_name} | Site 1 | q m", MetricName="m", Namespace="N", Statistic="Maximum", Period=60,
            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
        now = datetime.datetime(2026, 12, 5, 13, 0, tzinfo=datetime.timezone.utc)
        first = silence.silence(self.session, "long", "Site 1", 30, "first", now=now)
        self.assertTrue(all(len(name) <= 64 for name in first["schedules"]))
        # A second silence replaces the first: the first's end must not speak in the middle of it.
        second = silence.silence(self.session, "long", "Site 1", 120, "second", now=now + datetime.timedelta(minutes=5))
        self.assertEqual([entry["schedule"] for entry in silence.running(self.session, "long")], second["schedules"])

    def test_no_schedule_no_silence(self):
        scheduler = self.session.client

        def failing(service):
            client = scheduler(service)
            if service == "scheduler":
                def refuse(**_):
                    raise RuntimeError("AccessDenied: iam:PassRole")
                client.create_schedule = refuse
            return client
        self.session.client = failing
        with self.assertRaises(RuntimeError):
            silence.silence(self.session, "watch-prod", "Site 1", 30, "x")
        self.assertEqual(self.session.calls, [], "nothing disabled when the end cannot be scheduled")

    def test_refusals(self):
        for minutes, reason in ((0, "x"), (24 * 60 + 1, "x"), (30, " ")):
            with self.assertRaises(SystemExit):
                silence.silence(self.session, "watch-prod", "Site 1", minutes, reason)
        with self.assertRaises(SystemExit):
            silence.silence(self.session, "watch-prod", "Nobody", 30, "x")
        self.assertEqual(self.session.calls, [])


if __name__ == "__main__":
    unittest.main()
