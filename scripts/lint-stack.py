#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Lints a generated stack (onprem-watch synth): cfn-lint on every template, statelint on every state machine,
checkov (offline) on every template.

    scripts/lint-stack.py dist/stack

cfn-lint's W3002 ("may only work with the package command") is expected: the nested templates are local paths that
`aws cloudformation package` uploads. Every other finding fails. Each state machine definition is written out with
its `${FunctionArn}` substituted, as CloudFormation's DefinitionSubstitutions would, and checked by statelint.

cfn-lint validates about 70 resources a second, so a 2,000-customer stack (26,000 resources) takes minutes: the
templates are split over one cfn-lint process per CPU.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:onprem-watch"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# checkov pins older boto3 and botocore than awscli needs, so install-deps.sh gives it a virtualenv of its own.
CHECKOV = os.environ.get("ONPREM_CHECKOV", os.path.join(ROOT, ".build-tools", "checkov", "bin", "checkov"))


def checkov(directory):
    """checkov on every template, offline (no vendor lookups): every finding fails, unless the resource's
    Metadata.checkov.skip names it with the reason (the synthesizer writes them). Returns whether it passed."""
    if not os.path.exists(CHECKOV):
        print(f"lint-stack: checkov is not installed at {CHECKOV} (scripts/install-deps.sh installs it)")
        return False
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE")
    result = subprocess.run([CHECKOV, "--framework", "cloudformation", "--skip-download", "--compact", "--quiet",
                             "-d", directory], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout + result.stderr)
    return result.returncode == 0


def main(directory, skip_checkov=False):
    templates = sorted(glob.glob(os.path.join(directory, "*.json")))
    if not templates:
        sys.exit(f"lint-stack: no templates in {directory}")
    jobs = max(1, min(len(templates), os.cpu_count() or 1))
    # Largest first, dealt round-robin, so the processes finish together.
    by_size = sorted(templates, key=os.path.getsize, reverse=True)
    linters = [subprocess.Popen(["cfn-lint", "--ignore-checks", "W3002", "--", *by_size[job::jobs]])
               for job in range(jobs)]
    lint_failed = any([linter.wait() != 0 for linter in linters])
    with tempfile.TemporaryDirectory() as scratch:
        definitions = []
        for path in templates:
            for name, resource in json.load(open(path))["Resources"].items():
                if resource["Type"] != "AWS::StepFunctions::StateMachine":
                    continue
                text = json.dumps(resource["Properties"]["Definition"]).replace("${FunctionArn}", FUNCTION_ARN)
                definition = os.path.join(scratch, f"{name}.json")
                with open(definition, "w") as out:
                    out.write(text)
                definitions.append(definition)
        failures = 0
        # statelint takes many files at once; batches keep the command line short.
        for start in range(0, len(definitions), 200):
            failures += subprocess.run(["statelint", *definitions[start:start + 200]]).returncode != 0
    checked = True if skip_checkov else checkov(directory)
    print(f"lint-stack: {len(templates)} templates (cfn-lint {'FAILED' if lint_failed else 'passed'}, "
          f"checkov {'skipped' if skip_checkov else 'passed' if checked else 'FAILED'}), "
          f"{len(definitions)} state machines (statelint {'passed' if failures == 0 else 'FAILED'})")
    sys.exit(1 if lint_failed or failures or not checked else 0)


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--no-checkov"]
    main(arguments[0] if arguments else "dist/stack", skip_checkov="--no-checkov" in sys.argv[1:])
