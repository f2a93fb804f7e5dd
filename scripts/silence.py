#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An emergency silence: one customer's alarms send nothing for a while, leave a trace, and speak again by
themselves (docs/monitoring-stack.md#maintenance). For planned work, put a window in the catalog instead: a
silence's end, or --end, turns the customer's alarm actions on even inside a catalog window.

    silence.py --stack NAME --customer OPNAME --minutes 90 --reason "failover test, ticket 4711"
    silence.py --stack NAME --customer OPNAME --end        speak again now
    silence.py --stack NAME --list                         the silences running, who set them, until when, why

It disables the actions of the customer's alarms (CloudWatch's DisableAlarmActions: they still change state and
show on the dashboard; they only send nothing, so no case is raised) and creates, in the stack's schedule group, a
one-time schedule that enables them again at the end (EventBridge Scheduler, with the stack's scheduler role; the
schedule deletes itself once it ran). The schedule is the trace: its description says who silenced the customer,
until when and why; CloudTrail has both calls. A silence lasts at most 24 hours. Honours AWS_ENDPOINT_URL as the
AWS CLI does (boto3 reads it).
"""
import argparse
import datetime
import hashlib
import json
import sys

import boto3

MAX_MINUTES = 24 * 60
ENABLE = "arn:aws:scheduler:::aws-sdk:cloudwatch:enableAlarmActions"


def stack_name_parameter(cloudformation, stack):
    """The stack's Name parameter: its alarms are `Name | customer | ...`."""
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    for parameter in described.get("Parameters", []):
        if parameter["ParameterKey"] == "Name":
            return parameter["ParameterValue"]
    return stack


def scheduler_role(cloudformation, iam, stack):
    role = cloudformation.describe_stack_resource(StackName=stack, LogicalResourceId="SchedulerRole")
    return iam.get_role(RoleName=role["StackResourceDetail"]["PhysicalResourceId"])["Role"]["Arn"]


def alarms_of(cloudwatch, name, customer):
    prefix = f"{name} | {customer} | "
    names = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmNamePrefix=prefix):
        names += [alarm["AlarmName"] for alarm in page["MetricAlarms"]]
    return names


def chunks(items, size=100):
    return [items[i:i + size] for i in range(0, len(items), size)]


def schedule_prefix(name, customer):
    """`Name--s-<10 hex of the customer>-`, one prefix per customer: with the stamp and the part's number, at most
    64 characters (Scheduler's limit) for a Name of up to 32 (the stack's Name parameter allows 32)."""
    return f"{name}--s-{hashlib.sha256(customer.encode()).hexdigest()[:10]}-"


def schedules_of(scheduler, name, prefix):
    found = []
    for page in scheduler.get_paginator("list_schedules").paginate(GroupName=name, NamePrefix=prefix):
        found += page["Schedules"]
    return found


def silence(session, stack, customer, minutes, reason, now=None):
    if not reason.strip():
        raise SystemExit("silence.py: --reason is required: the silence is a trace for whoever wonders later")
    if not 1 <= minutes <= MAX_MINUTES:
        raise SystemExit(f"silence.py: --minutes is 1 to {MAX_MINUTES}: a silence ends by itself within a day")
    cloudformation, cloudwatch = session.client("cloudformation"), session.client("cloudwatch")
    scheduler, sts, iam = session.client("scheduler"), session.client("sts"), session.client("iam")
    name = stack_name_parameter(cloudformation, stack)
    names = alarms_of(cloudwatch, name, customer)
    if not names:
        raise SystemExit(f"silence.py: stack {stack} has no alarms of customer {customer!r}")
    role = scheduler_role(cloudformation, iam, stack)
    who = sts.get_caller_identity()["Arn"]
    now = now or datetime.datetime.now(datetime.timezone.utc)
    until = (now + datetime.timedelta(minutes=minutes)).replace(microsecond=0)
    stamp = now.strftime("%y%m%d%H%M%S")
    # A new silence replaces the customer's running one, whose end would otherwise speak in the middle of it.
    earlier = schedules_of(scheduler, name, schedule_prefix(name, customer))
    created = []
    for index, part in enumerate(chunks(names)):
        schedule = f"{schedule_prefix(name, customer)}{stamp}-{index + 1}"
        # The schedule that ends the silence first: if it cannot be made, nothing is silenced.
        scheduler.create_schedule(
            Name=schedule, GroupName=name,
            Description=f"silenced by {who} until {until.isoformat()}: {reason}"[:512],
            ScheduleExpression=f"at({until.strftime('%Y-%m-%dT%H:%M:%S')})", ScheduleExpressionTimezone="UTC",
            FlexibleTimeWindow={"Mode": "OFF"}, ActionAfterCompletion="DELETE", State="ENABLED",
            Target={"Arn": ENABLE, "RoleArn": role, "Input": json.dumps({"AlarmNames": part}),
                    "RetryPolicy": {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 10}})
        created.append(schedule)
    try:
        for part in chunks(names):
            cloudwatch.disable_alarm_actions(AlarmNames=part)
    except Exception:
        # Half silenced is worse than not at all: speak again, and leave no schedule behind.
        for part in chunks(names):
            cloudwatch.enable_alarm_actions(AlarmNames=part)
        for schedule in created:
            scheduler.delete_schedule(Name=schedule, GroupName=name)
        raise
    for schedule in earlier:
        scheduler.delete_schedule(Name=schedule["Name"], GroupName=name)
    print(f"silenced {len(names)} alarms of {customer} until {until.isoformat()} ({', '.join(created)})")
    return {"alarms": names, "schedules": created, "until": until.isoformat()}


def speak(session, stack, customer):
    """Ends a customer's silence now: its alarm actions on, its silence schedules deleted."""
    cloudformation, cloudwatch = session.client("cloudformation"), session.client("cloudwatch")
    scheduler = session.client("scheduler")
    name = stack_name_parameter(cloudformation, stack)
    names = alarms_of(cloudwatch, name, customer)
    for part in chunks(names):
        cloudwatch.enable_alarm_actions(AlarmNames=part)
    ended = []
    for schedule in schedules_of(scheduler, name, schedule_prefix(name, customer)):
        scheduler.delete_schedule(Name=schedule["Name"], GroupName=name)
        ended.append(schedule["Name"])
    print(f"{customer}: {len(names)} alarms speak again; ended {', '.join(ended) or 'no silence'}")
    return {"alarms": names, "ended": ended}


def running(session, stack):
    cloudformation, scheduler = session.client("cloudformation"), session.client("scheduler")
    name = stack_name_parameter(cloudformation, stack)
    found = []
    for schedule in schedules_of(scheduler, name, f"{name}--s-"):
        described = scheduler.get_schedule(Name=schedule["Name"], GroupName=name)
        found.append({"schedule": schedule["Name"], "description": described.get("Description", "")})
        print(f"{schedule['Name']}: {described.get('Description', '')}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--customer")
    parser.add_argument("--minutes", type=int)
    parser.add_argument("--reason", default="")
    parser.add_argument("--end", action="store_true")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    session = boto3.session.Session()
    if args.list:
        running(session, args.stack)
    elif args.customer and args.end:
        speak(session, args.stack, args.customer)
    elif args.customer and args.minutes:
        silence(session, args.stack, args.customer, args.minutes, args.reason)
    else:
        parser.error("give --list, or --customer with --minutes and --reason, or --customer with --end")


if __name__ == "__main__":
    sys.exit(main())
