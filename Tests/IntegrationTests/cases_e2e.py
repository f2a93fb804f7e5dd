#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Drives the support-case worker (`_HANDLER=cases`) through SNS, SQS, DynamoDB and AWS Support, and prints what
happened as JSON.

    cases_e2e.py BINARY WORKDIR

The chain is the one in AWS, with local parts:

    the test publishes CloudWatch's alarm notification to moto's SNS topic
      -> moto delivers it to the subscribed SQS queue (SNS's envelope, no raw delivery)
      -> this script stands in for Lambda's event source mapping (moto's needs Docker): it receives from the
         queue, builds the SQS event as Lambda does, invokes the function through cargo-lambda, deletes what
         succeeded and leaves the reported failures for redelivery
      -> our binary on cargo-lambda's Runtime API, running the `cases` handler
      -> moto's DynamoDB (the table made from the synthesized template's own properties) and AWS Support.

The workers sign with the key of an IAM identity whose policy is the synthesized CasesRole's own statements
(role_identity.py), so a call the code makes and the role lacks fails here as in AWS; moto checks each call's
action against it. Between the worker and moto's Support sits a stand-in
for what moto cannot do: throttling, 5xx, a CreateCase that never answers (to kill the worker between recording
the episode and raising its case), and AddCommunicationToCase, which moto does not implement; everything else it
forwards untouched. The webhook sink posts to an HTTPS server here, with the test CA.
"""
import json
import jsonschema
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import Children, emulator_project, free_port  # noqa: E402
from role_identity import policy_of  # noqa: E402

binary, workdir = sys.argv[1:3]
os.makedirs(workdir, exist_ok=True)
REGION = "eu-west-1"
ACCOUNT = "123456789012"
MOTO = os.environ["ONPREM_TEST_MOTO"]
KEY, SECRET = os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"], os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"]
SESSION = dict(endpoint_url=MOTO, region_name=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET)
RUN = uuid.uuid4().hex[:8]
RECORD_MS = 3000
LEASE_MS = 4000  # the claims' lease: cargo-lambda's deadline is always ten minutes away


children = Children(workdir)
start = children.start
wait_for_port = children.wait_for_port


# The catalog: an alarm with its own severity and runbook, a customer with copies, and one with a limit of one
# case an hour.
catalog = {
    "cases": {"severity": "normal", "runbook": "Catalog runbook."},
    "customers": [
        {"opname": "E2E Plant", "ip": "127.0.0.1", "database": "ops", "version": "1",
         "cases": {"ccEmails": ["plant-ops@example.com"]}},
        {"opname": "Storm Plant", "ip": "127.0.0.1", "database": "ops", "version": "1",
         "cases": {"maxCasesPerHour": 1}},
    ],
    "queries": [{"name": "sessions", "versions": ["1"], "query": "select 1 as active_sessions",
                 "alarms": [{"metric": "active_sessions", "severity": "high", "runbook": "Look at pg_stat_activity."},
                            {"metric": "waiting_locks"}]}],
}
catalog_path = os.path.join(workdir, "catalog.json")
with open(catalog_path, "w") as f:
    json.dump(catalog, f)
stack_dir = os.path.join(workdir, "stack")
subprocess.run([binary, "synth", "--catalog", catalog_path, "--out", stack_dir], capture_output=True, check=True)
with open(os.path.join(stack_dir, "template.json")) as f:
    template = json.load(f)["Resources"]

# The table, the topic, the queues: the table from the template's own properties.
dynamodb = boto3.client("dynamodb", **SESSION)
table = f"cases-{RUN}"
props = template["CasesTable"]["Properties"]
dynamodb.create_table(TableName=table, BillingMode=props["BillingMode"],
                      AttributeDefinitions=props["AttributeDefinitions"], KeySchema=props["KeySchema"])
dynamodb.update_time_to_live(TableName=table, TimeToLiveSpecification=props["TimeToLiveSpecification"])
sns = boto3.client("sns", **SESSION)
sqs = boto3.client("sqs", **SESSION)
topic = sns.create_topic(Name=f"alarms-{RUN}")["TopicArn"]
dlq = sqs.create_queue(QueueName=f"cases-dlq-{RUN}")["QueueUrl"]
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
redrive = dict(template["CasesQueue"]["Properties"]["RedrivePolicy"], deadLetterTargetArn=dlq_arn, maxReceiveCount=2)
queue = sqs.create_queue(QueueName=f"cases-{RUN}", Attributes={"RedrivePolicy": json.dumps(redrive)})["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
support = boto3.client("support", endpoint_url=MOTO, region_name="us-east-1", aws_access_key_id=KEY,
                       aws_secret_access_key=SECRET)

# The workers' identity: the synthesized CasesRole's statements, nothing more.
iam = boto3.client("iam", **SESSION)
role_user = f"cases-role-{RUN}"
iam.create_user(UserName=role_user)
iam.put_user_policy(UserName=role_user, PolicyName="CasesRole", PolicyDocument=json.dumps(
    policy_of({"Resources": template}, "CasesRole", {})))
role_key = iam.create_access_key(UserName=role_user)["AccessKey"]


# The Support stand-in in front of moto.
class Faults:
    lock = threading.Condition()
    throttle = set()   # subjects' markers whose CreateCase answers ThrottlingException
    fail = set()       # ... answers 500
    delay_s = 0.0      # every CreateCase waits this long before it goes on
    stall = False      # CreateCase goes on to moto, which raises the case, but its answer is held until the worker
                       # is gone: the worker dies between raising the case and recording it
    stalled = 0
    communications = []  # (caseId, body) of AddCommunicationToCase
    resolved = []
    created = 0


class SupportStandIn(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "").split(".")[-1]
        request = json.loads(body or b"{}")
        if target == "CreateCase":
            subject = request.get("subject", "")
            if any(marker in subject for marker in Faults.throttle):
                return self.answer(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
            if any(marker in subject for marker in Faults.fail):
                return self.answer(500, {"__type": "InternalServerError", "message": "stand-in"})
            time.sleep(Faults.delay_s)
        if target == "AddCommunicationToCase":
            Faults.communications.append((request.get("caseId"), request.get("communicationBody", "")))
            return self.answer(200, {"result": True})
        headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
        forward = urllib.request.Request(MOTO + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(forward, timeout=30) as response:
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, answer = error.code, error.read()
        if target == "CreateCase" and status == 200:
            Faults.created += 1
            if Faults.stall:
                with Faults.lock:
                    Faults.stalled += 1
                    Faults.lock.notify_all()
                time.sleep(30)  # the worker is killed meanwhile and never hears of its case
                self.close_connection = True
                return
        if target == "ResolveCase" and status == 200:
            Faults.resolved.append(request.get("caseId"))
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def answer(self, status, document):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(ThreadingHTTPServer):
    daemon_threads = True


support_port = free_port()
threading.Thread(target=Server(("127.0.0.1", support_port), SupportStandIn).serve_forever, daemon=True).start()

# The webhook: HTTPS with the test CA's localhost certificate.
webhook_posts = []
webhook_schema_errors = []
webhook_validator = jsonschema.Draft202012Validator(
    json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../docs/webhook.schema.json"))))
webhook_paths = []
webhook_injected = []


class Webhook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        document = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        # Each document as docs/webhook.schema.json says it (issue 30: a ticketing tool needs the fields).
        webhook_schema_errors.extend(
            f"{document.get('action')}: {error.message}" for error in webhook_validator.iter_errors(document))
        document["idempotencyHeader"] = self.headers.get("Idempotency-Key")
        webhook_paths.append(self.path)
        if self.headers.get("X-Injected") is not None:
            webhook_injected.append(self.path)
        webhook_posts.append(document)
        answer = json.dumps({"caseId": f"WH-{len(webhook_posts)}"} if document["action"] == "create" else {})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer.encode())


pg_dir = os.path.join(os.environ["ONPREM_SERVICES_DIR"], "pg")
webhook_port = free_port()
webhook_server = Server(("127.0.0.1", webhook_port), Webhook)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(os.path.join(pg_dir, "server.crt"), os.path.join(pg_dir, "server.key"))
webhook_server.socket = context.wrap_socket(webhook_server.socket, server_side=True)
threading.Thread(target=webhook_server.serve_forever, daemon=True).start()

# Two emulators, each with its own worker, so that two workers can take one episode at once.
emulator_dir = emulator_project(os.path.join(workdir, "emulator"))
emulators = {}
for name in ("a", "b"):
    port = free_port()
    process = start(f"emulator-{name}", ["cargo-lambda", "lambda", "watch", "--only-lambda-apis", "-P", str(port)],
                    cwd=emulator_dir)
    emulators[name] = {"port": port, "process": process}
for name, emulator in emulators.items():
    wait_for_port(emulator["port"], emulator["process"], f"emulator {name}")

WORKER_ENV = {
    **os.environ, "_HANDLER": "cases", "ONPREM_CATALOG": catalog_path, "ONPREM_CASES_TABLE": table,
    "ONPREM_CASES_RECORD_MS": str(RECORD_MS), "ONPREM_CASES_LEASE_MS": str(LEASE_MS), "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": role_key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": role_key["SecretAccessKey"],
    "AWS_ENDPOINT_URL_DYNAMODB": MOTO,
    "AWS_ENDPOINT_URL_SUPPORT": f"http://127.0.0.1:{support_port}", "ONPREM_CASE_SINK": "support",
}


def start_worker(name, **extra):
    emulator = emulators[name]
    env = dict(WORKER_ENV, AWS_LAMBDA_RUNTIME_API=f"http://127.0.0.1:{emulator['port']}/.rt", **extra)
    emulator["worker"] = start(f"worker-{name}", [binary], env=env)


def invoke(name, event, timeout=60):
    request = urllib.request.Request(
        f"http://127.0.0.1:{emulators[name]['port']}/2015-03-31/functions/_/invocations",
        data=json.dumps(event).encode(), headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def notification(name, state, at, metric="active_sessions", customer="E2E Plant", old="OK", threshold=80.0):
    """CloudWatch's alarm notification, field for field."""
    return {
        "AlarmName": name, "AlarmDescription": f"{metric} of {customer}", "AWSAccountId": ACCOUNT,
        "AlarmConfigurationUpdatedTimestamp": "2026-12-01T18:00:00.000+0000", "NewStateValue": state,
        "NewStateReason": f"Threshold Crossed: 1 out of the last 1 datapoints [92.0 (01/12/26 19:00:00)] was "
                          f"greater than the threshold ({threshold}) (minimum 1 datapoint for OK -> ALARM transition).",
        "StateChangeTime": at, "Region": "EU (Ireland)",
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}", "OldStateValue": old, "OKActions": [topic],
        "AlarmActions": [topic], "InsufficientDataActions": [],
        "Trigger": {"MetricName": metric, "Namespace": "OnPremWatch", "StatisticType": "Statistic",
                    "Statistic": "MAXIMUM", "Unit": None,
                    "Dimensions": [{"value": customer, "name": "Customer"}, {"value": "sessions", "name": "Query"}],
                    "Period": 60, "EvaluationPeriods": 1, "DatapointsToAlarm": 1,
                    "ComparisonOperator": "GreaterThanThreshold", "Threshold": threshold,
                    "TreatMissingData": "missing", "EvaluateLowSampleCountPercentile": ""},
    }


def publish(message):
    text = message if isinstance(message, str) else json.dumps(message)
    subject = f'{message["NewStateValue"]}: "{message["AlarmName"]}" in EU (Ireland)' if isinstance(message, dict) \
        else "not an alarm"
    sns.publish(TopicArn=topic, Message=text, Subject=subject[:99])


def event_of(messages):
    """The SQS event Lambda's event source mapping builds from received messages."""
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
        "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": REGION} for m in messages]}


def receive(wait=1):
    return sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=wait, VisibilityTimeout=2,
                               AttributeNames=["All"]).get("Messages", [])


def pump(name="a", rounds=1):
    """Receive, invoke, delete what succeeded; returns each round's (records, failed ids)."""
    log = []
    for _ in range(rounds):
        messages = receive()
        if not messages:
            log.append((0, []))
            continue
        status, answer = invoke(name, event_of(messages))
        assert status == 200, (status, answer)
        failed = [item["itemIdentifier"] for item in answer["batchItemFailures"]]
        for m in messages:
            if m["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
        log.append((len(messages), failed))
    return log


def cases():
    listed = support.describe_cases(includeResolvedCases=True, includeCommunications=True)["cases"]
    return [{"caseId": c["caseId"], "subject": c["subject"], "ccEmailAddresses": c.get("ccEmailAddresses"),
             "body": ((c.get("recentCommunications") or {}).get("communications") or [{}])[0].get("body", "")}
            for c in listed]


def subjects():
    return sorted(c["subject"] for c in cases())


def cases_of(alarm):
    """Cases raised for `alarm`: its name opens the body."""
    return sum(c["body"].startswith(f"Alarm: {alarm}\n") for c in cases())


report = {}
try:
    start_worker("a")
    start_worker("b")

    # One alarm, then the same message delivered again.
    first = notification(f"e2e-{RUN} sessions", "ALARM", "2026-12-01T19:01:00.000+0000")
    publish(first)
    report["one"] = {"pump": pump(), "cases": cases()}
    publish(first)
    report["duplicate"] = {"pump": pump(), "subjects": subjects()}

    # Two workers on one episode at once: each gets its own delivery while CreateCase is slow.
    Faults.delay_s = 0.5
    twin = json.dumps(notification(f"e2e-{RUN} twin", "ALARM", "2026-12-01T19:02:00.000+0000"))
    answers = {}

    def twin_invoke(name):
        envelope = {"Type": "Notification", "MessageId": str(uuid.uuid4()), "TopicArn": topic, "Message": twin}
        event = {"Records": [{"messageId": f"twin-{name}", "body": json.dumps(envelope),
                              "attributes": {"ApproximateReceiveCount": "1"}, "eventSource": "aws:sqs"}]}
        answers[name] = invoke(name, event)

    threads = [threading.Thread(target=twin_invoke, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    Faults.delay_s = 0.0
    report["concurrent"] = {"answers": answers, "cases": cases_of(f"e2e-{RUN} twin")}

    # OK, then ALARM again: the first case gets the recovery and is resolved; the new episode gets its own case.
    publish(notification(first["AlarmName"], "OK", "2026-12-01T19:10:00.000+0000", old="ALARM"))
    pump()
    publish(notification(first["AlarmName"], "ALARM", "2026-12-01T19:20:00.000+0000"))
    pump()
    first_case = report["one"]["cases"][0]["caseId"] if report["one"]["cases"] else None
    report["reopen"] = {
        "cases": cases_of(first["AlarmName"]),
        "recoveryNotes": [body for case, body in Faults.communications if case == first_case],
        "resolved": first_case in Faults.resolved,
    }

    # Reordered (the interleaving model/cases.pml found, issue 27): an ALARM, the next ALARM, then the late OK
    # between them. After an OK the earlier case is resolved and the new episode gets its own; back through
    # INSUFFICIENT_DATA the open case becomes the new episode's (a conditional UpdateItem), and the late OK leaves
    # it open: no case resolved while the alarm is in ALARM.
    for label, old in (("after-ok", "OK"), ("after-insufficient", "INSUFFICIENT_DATA")):
        name = f"e2e-{RUN} reordered {label}"
        publish(notification(name, "ALARM", "2026-12-01T19:21:00.000+0000"))
        pump()
        publish(notification(name, "ALARM", "2026-12-01T19:25:00.000+0000", old=old))
        pump()
        publish(notification(name, "OK", "2026-12-01T19:23:00.000+0000", old="ALARM"))
        pump()
        ids = [c["caseId"] for c in cases() if c["body"].startswith(f"Alarm: {name}\n")]
        report[f"reordered {label}"] = {"resolved": [case in Faults.resolved for case in ids]}

    # SIGKILL after Support raised the case and before the worker recorded it: the next delivery takes the lapsed
    # claim over, finds the case by its reference and raises no second one.
    Faults.stall = True
    killed = notification(f"e2e-{RUN} killed", "ALARM", "2026-12-01T19:30:00.000+0000", metric="waiting_locks")
    publish(killed)
    messages = receive()
    def doomed():
        try:
            invoke("a", event_of(messages), timeout=10)
        except OSError:
            pass  # the runtime is killed: cargo-lambda never answers

    hung = threading.Thread(target=doomed, daemon=True)
    hung.start()
    with Faults.lock:
        Faults.lock.wait_for(lambda: Faults.stalled > 0, 20)
    emulators["a"]["worker"].send_signal(signal.SIGKILL)
    emulators["a"]["worker"].wait()
    Faults.stall = False
    claimed = dynamodb.scan(TableName=table)["Items"]
    time.sleep(LEASE_MS / 1000 + 1)  # the claim's lease and the message's visibility both run out
    after_kill = pump("b")
    report["killed"] = {
        "stalled": Faults.stalled, "claimedBeforeRedelivery": any(
            "killed" in item["pk"]["S"] and item.get("status", {}).get("S") == "claimed" for item in claimed),
        "pump": after_kill, "cases": cases_of(killed["AlarmName"])}

    # A poison message: reported as failed on every delivery, in the dead-letter queue after maxReceiveCount.
    publish("this is not an alarm")
    poison_rounds = []
    for _ in range(4):
        poison_rounds += pump("b")
        time.sleep(2.2)
    in_dlq = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    report["poison"] = {"rounds": poison_rounds, "deadLettered": [m["Body"] for m in in_dlq]}

    # Support throttled for one alarm, failing for another, fine for a third, in one batch: only the first two
    # come back, and they succeed once Support recovers.
    Faults.throttle.add("throttle-me")
    Faults.fail.add("fail-me")
    for label in ("throttle-me", "fail-me", "fine"):
        publish(notification(f"e2e-{RUN} {label}", "ALARM", "2026-12-01T19:40:00.000+0000",
                             customer=f"Other {label}"))
    time.sleep(0.5)
    batch = pump("b")
    labels = ("throttle-me", "fail-me", "fine")
    during = [cases_of(f"e2e-{RUN} {label}") for label in labels]
    Faults.throttle.clear()
    Faults.fail.clear()
    time.sleep(LEASE_MS / 1000 + 1)  # their claims stay until the lease lapses: a failed CreateCase may have raised
    recovered = pump("b", rounds=2)
    report["throttled"] = {"batch": [(count, len(failed)) for count, failed in batch], "recovered": recovered,
                           "casesDuring": during, "casesAfter": [cases_of(f"e2e-{RUN} {label}") for label in labels]}

    # Storm control: a customer limited to one case an hour; its second alarm becomes a note on its first case.
    publish(notification(f"e2e-{RUN} storm 1", "ALARM", "2026-12-01T19:50:00.000+0000", customer="Storm Plant"))
    pump("b")
    publish(notification(f"e2e-{RUN} storm 2", "ALARM", "2026-12-01T19:51:00.000+0000", customer="Storm Plant",
                         metric="waiting_locks"))
    pump("b")
    storm_cases = [c for c in cases() if "Storm Plant" in c["subject"]]
    report["storm"] = {
        "cases": len(storm_cases),
        "notes": [body for case, body in Faults.communications
                  if storm_cases and case == storm_cases[0]["caseId"]]}

    # The hostile batch (issue 25): malformed records and alarm fields of every kind, then 10,000 records in one
    # event. Each is its own typed failure, the worker stays up, and a good alarm afterwards raises its case.
    def record(body, number):
        return {"messageId": f"hostile-{number}", "body": body, "attributes": {"ApproximateReceiveCount": "1"},
                "eventSource": "aws:sqs"}

    good_time = "2026-12-01T20:10:00.000+0000"
    hostile_fields = [
        {"AlarmName": 5, "StateChangeTime": good_time},
        {"AlarmName": "x" * 1_000_000, "StateChangeTime": good_time},
        {"AlarmName": "x", "StateChangeTime": "9999-12-31T23:59:59.999+0000"},
        {"AlarmName": "x", "StateChangeTime": "yesterday-ish ' OR 1=1 --"},
        {"AlarmName": "x", "StateChangeTime": good_time, "NewStateValue": "ALARM\r\nX-Injected: 1"},
        {"AlarmName": "x", "StateChangeTime": good_time, "AlarmArn": "arn:" + "a" * 5000},
        {"AlarmName": "x", "StateChangeTime": good_time, "AWSAccountId": "1" * 100},
    ]
    bodies = ["", "not json", "[]", "null", '{"Type":"Notification","Message":"plain"}', "{" * 10_000] + \
        [json.dumps(fields) for fields in hostile_fields]
    status, answer = invoke("b", {"Records": [record(body, n) for n, body in enumerate(bodies)]})
    hostile = {"status": status, "failed": len(answer.get("batchItemFailures", [])), "records": len(bodies)}
    many = [record(json.dumps({"AlarmName": f"many {n}", "StateChangeTime": "not a time"}), n)
            for n in range(10_000)]
    status, answer = invoke("b", {"Records": many}, timeout=120)
    hostile.update(manyStatus=status, manyFailed=len(answer.get("batchItemFailures", [])))
    # Control characters in the fields of a good alarm: it raises its case; the log lines stay lines.
    odd = notification(f"e2e-{RUN} odd \x1b[2J\nname", "ALARM", "2026-12-01T20:11:00.000+0000")
    publish(odd)
    hostile["oddPump"] = pump("b")
    hostile["oddCases"] = sum("odd" in c["body"] for c in cases())
    hostile["workerAlive"] = emulators["b"]["worker"].poll() is None
    # Made-up customers share one storm bucket: 12 alarms naming 12 strangers raise at most what is left of it.
    for n in range(12):
        publish(notification(f"e2e-{RUN} stranger {n}", "ALARM", "2026-12-01T20:12:00.000+0000",
                             customer=f"Invented {RUN} {n}"))
    pump("b", rounds=3)
    hostile["strangerCases"] = sum(f"Invented {RUN}" in c["subject"] for c in cases())
    hostile["otherCases"] = sum(c["subject"].startswith("Other ") for c in cases())
    with open(os.path.join(workdir, "worker-b.log"), "rb") as f:
        worker_log = f.read()
    hostile["logHasEscape"] = b"\x1b" in worker_log
    hostile["longestLogLine"] = max(len(line) for line in worker_log.split(b"\n"))
    report["hostile"] = hostile

    # The webhook sink, over HTTPS with the test CA.
    emulators["b"]["worker"].send_signal(signal.SIGKILL)
    emulators["b"]["worker"].wait()
    start_worker("b", ONPREM_CASE_SINK="webhook", ONPREM_CASE_WEBHOOK_URL=f"https://localhost:{webhook_port}/cases",
                 ONPREM_CASE_WEBHOOK_CA=os.path.join(pg_dir, "ca.crt"))
    hooked = notification(f"e2e-{RUN} webhook", "ALARM", "2026-12-01T20:00:00.000+0000")
    publish(hooked)
    pump("b")
    publish(notification(hooked["AlarmName"], "OK", "2026-12-01T20:05:00.000+0000", old="ALARM"))
    pump("b")
    # Header injection: CRLF in the ARN and the time made headers, and a second request, before issue 25.
    injected = notification(f"e2e-{RUN} inject", "ALARM", "2026-12-01T20:06:00.000+0000")
    injected["AlarmArn"] += "\r\nX-Injected: 1\r\n\r\nPOST /smuggled HTTP/1.1\r\nHost: x"
    publish(injected)
    pump("b")
    report["webhook"] = {"posts": webhook_posts, "paths": webhook_paths, "injectedHeaders": webhook_injected,
                         "schemaErrors": webhook_schema_errors}
    report["allCases"] = subjects()
finally:
    children.kill_all()

print(json.dumps(report, indent=1))
