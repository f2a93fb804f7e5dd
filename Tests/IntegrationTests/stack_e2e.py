#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs state machines that `onprem-watch synth` generated, for real, and prints what happened as JSON.

    stack_e2e.py BINARY WORKDIR

The chain is the one in AWS, with local stand-ins:

    moto_server (Step Functions, execute_state_machine on)
      -> its Lambda task calls http://localhost:$MOTO_PORT/2015-03-31/functions/NAME/invocations
      -> this script's proxy on that port, which forwards to cargo-lambda's /2015-03-31/functions/_/invocations
         and turns the emulator's HTTP 500 for a function error into Lambda's 200 + X-Amz-Function-Error
      -> our binary on cargo-lambda's Runtime API, running the `metrics` handler
      -> the test PostgreSQL (ONPREM_TEST_PG_*) and moto's CloudWatch.

Every other request to the proxy goes on to moto. The alarms are created from the template's own
AWS::CloudWatch::Alarm properties (moto's CloudFormation cannot deploy Scheduler schedules or alarms with
intrinsics), then read back with describe_alarms.
"""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import Children, emulator_project, free_port  # noqa: E402

binary, workdir = sys.argv[1:3]
os.makedirs(workdir, exist_ok=True)
REGION = "us-east-1"
ACCOUNT = "123456789012"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:onprem-watch"
NAMESPACE = "OnPremWatchE2E"
CUSTOMER = "E2E Plant"


children = Children(workdir)
start = children.start
wait_for_port = children.wait_for_port


# The catalog: one query that works, one that times out (transient: retried, then caught), one the server refuses
# (permanent: caught at once), and one every 20 s (a looping execution).
pg_port = int(os.environ["ONPREM_TEST_PG_PORT"])
catalog = {
    "customers": [{
        "opname": CUSTOMER, "ip": "127.0.0.1", "port": pg_port, "database": "ops_v1", "version": "1",
        "user": os.environ.get("ONPREM_TEST_PG_USER", "onprem"), "sslmode": "disable", "threshold": 50,
        "thresholds": {"slow_metric": 7},
    }],
    "queries": [
        {"name": "ok", "versions": ["1"], "cloudwatchDimension": "ok",
         "query": "select row_to_json(row) from (select 42 as e2e_value, 'north' as region) row",
         "units": {"e2e_value": "Count"},
         "alarms": [{"metric": "e2e_value", "dimensions": {"region": "north"}, "periods": 2}]},
        {"name": "slow", "versions": ["1"], "cloudwatchDimension": "slow", "timeoutMs": 200,
         "query": "select 1 as slow_metric, pg_sleep(5)::text as slept",
         "alarms": [{"metric": "slow_metric", "comparison": "LessThanThreshold", "missingData": "breaching"}]},
        {"name": "broken", "versions": ["1"], "cloudwatchDimension": "broken",
         "query": "select count(*) as n from no_such_table"},
        {"name": "ticks", "versions": ["1"], "cloudwatchDimension": "ticks", "interval": 20,
         "query": "select 1 as tick"},
    ],
}
catalog_path = os.path.join(workdir, "catalog.json")
with open(catalog_path, "w") as f:
    json.dump(catalog, f)

stack_dir = os.path.join(workdir, "stack")
synth = subprocess.run([binary, "synth", "--catalog", catalog_path, "--out", stack_dir],
                       capture_output=True, text=True, check=True)

machines, alarms = {}, []
for name in sorted(os.listdir(stack_dir)):
    if not name.startswith("customers-"):
        continue
    with open(os.path.join(stack_dir, name)) as f:
        resources = json.load(f)["Resources"]
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::StepFunctions::StateMachine":
            interval = int(logical_id.rsplit("Collect", 1)[1])
            machines[interval] = resource["Properties"]["Definition"]
        elif resource["Type"] == "AWS::CloudWatch::Alarm":
            alarms.append(resource["Properties"])

# Services: cargo-lambda beside a dummy Cargo project, moto told that Lambda lives on the proxy's port.
emulator_dir = emulator_project(os.path.join(workdir, "emulator"))
emulator_port, moto_port, proxy_port = free_port(), free_port(), free_port()
emulator = start("emulator", ["cargo-lambda", "lambda", "watch", "--only-lambda-apis", "-P", str(emulator_port)],
                 cwd=emulator_dir)
moto = start("moto", ["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)],
             env={**os.environ, "MOTO_PORT": str(proxy_port)})

invocations = []  # (query, HTTP status from the emulator, errorType)


class Proxy(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        is_invoke = self.path.startswith("/2015-03-31/functions/") and self.path.endswith("/invocations")
        target = (f"http://127.0.0.1:{emulator_port}/2015-03-31/functions/_/invocations" if is_invoke
                  else f"http://127.0.0.1:{moto_port}{self.path}")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        request = urllib.request.Request(target, data=body if self.command != "GET" else None,
                                         headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, answer, answer_headers = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            status, answer, answer_headers = error.code, error.read(), dict(error.headers)
        extra = {}
        if is_invoke:
            payload = json.loads(body or b"{}")
            error_type = None
            if status == 500:
                # Real Lambda: 200, the error JSON as the payload, and the header that marks a function error.
                status = 200
                extra["X-Amz-Function-Error"] = "Unhandled"
                try:
                    error_type = json.loads(answer).get("errorType")
                except ValueError:
                    error_type = "unparsable"
            invocations.append({"query": payload.get("query"), "errorType": error_type, "at": time.time()})
            answer_headers = {"Content-Type": "application/json"}
        self.send_response(status)
        for key, value in {**answer_headers, **extra}.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_DELETE = forward


proxy = ThreadingHTTPServer(("127.0.0.1", proxy_port), Proxy)
threading.Thread(target=proxy.serve_forever, daemon=True).start()

try:
    wait_for_port(emulator_port, emulator, "emulator")
    wait_for_port(moto_port, moto, "moto")
    moto_url = f"http://127.0.0.1:{moto_port}"
    urllib.request.urlopen(urllib.request.Request(
        f"{moto_url}/moto-api/config", data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")).read()

    function = start("function", [binary], env={
        **os.environ, "AWS_LAMBDA_RUNTIME_API": f"http://127.0.0.1:{emulator_port}/.rt", "_HANDLER": "metrics",
        "ONPREM_CATALOG": catalog_path, "ONPREM_METRICS_SINK": "cloudwatch", "ONPREM_NAMESPACE": NAMESPACE,
        "ONPREM_HEALTH": "customer", "AWS_ENDPOINT_URL_CLOUDWATCH": moto_url, "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "e2e", "AWS_SECRET_ACCESS_KEY": "e2e",
        "PGPASSWORD": os.environ.get("ONPREM_TEST_PG_PASSWORD", ""),
    })

    session = dict(endpoint_url=moto_url, region_name=REGION, aws_access_key_id="e2e", aws_secret_access_key="e2e")
    sfn = boto3.client("stepfunctions", **session)
    cloudwatch = boto3.client("cloudwatch", **session)

    def run(name, definition):
        text = json.dumps(definition).replace("${FunctionArn}", FUNCTION_ARN)
        arn = sfn.create_state_machine(name=name, definition=text, type="EXPRESS",
                                       roleArn=f"arn:aws:iam::{ACCOUNT}:role/states")["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=arn, name=f"{name}-1", input="{}")["executionArn"]
        started = time.time()
        while True:
            described = sfn.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING" or time.time() - started > 120:
                break
            time.sleep(0.2)
        # moto 5.2 deep-copies state machines on StartExecution and fails (500) once any machine holds a finished
        # execution: delete each machine when its execution is read.
        sfn.delete_state_machine(stateMachineArn=arn)
        return {"status": described["status"], "seconds": round(time.time() - started, 1),
                "output": json.loads(described.get("output") or "null"),
                "error": described.get("error"), "cause": described.get("cause")}

    # The customer's one machine (issue 29): the 20 s loop, and beside it the one-minute queries once. That second
    # branch alone first, whose output is each one-minute query's result.
    once = machines[20]["States"]["Rounds"]["Branches"][1]
    before = len(invocations)
    minute = run("e2e-minute", once)
    minute["invocations"] = [{"query": i["query"], "errorType": i["errorType"]} for i in invocations[before:]]
    # Then the whole machine, with the loop's Wait cut to 1 s: the rounds are what is tested, not the clock.
    looping = json.loads(json.dumps(machines[20]))
    looping["States"]["Rounds"]["Branches"][0]["States"]["Wait"]["Seconds"] = 1
    before = len(invocations)
    loop = run("e2e-loop", looping)
    loop["invocations"] = [i["query"] for i in invocations[before:]]

    # The alarms, exactly as the template declares them (the Name parameter and the topic condition resolved).
    for properties in alarms:
        properties = dict(properties)
        properties["AlarmName"] = "onprem-watch" + properties["AlarmName"]["Fn::Join"][1][1]
        properties["Namespace"] = NAMESPACE
        properties.pop("AlarmActions")
        properties.pop("OKActions")
        properties.pop("InsufficientDataActions")
        cloudwatch.put_metric_alarm(**properties)
    described = cloudwatch.describe_alarms(AlarmNamePrefix="onprem-watch")["MetricAlarms"]

    metrics = cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]
    print(json.dumps({
        "synth": synth.stdout,
        "minute": minute,
        "loop": loop,
        "invocations": [{"query": i["query"], "errorType": i["errorType"]} for i in invocations],
        "alarms": [{"name": a["AlarmName"], "metric": a["MetricName"], "threshold": a["Threshold"],
                    "comparison": a["ComparisonOperator"], "missingData": a.get("TreatMissingData"),
                    "dimensions": {d["Name"]: d["Value"] for d in a["Dimensions"]}} for a in described],
        "metrics": sorted({(m["MetricName"], json.dumps({d["Name"]: d["Value"] for d in m["Dimensions"]},
                                                        sort_keys=True)) for m in metrics}),
    }, indent=1, sort_keys=True))
finally:
    proxy.shutdown()
    children.kill_all()
