# OnPremWatch. The two commands a new user needs: `make demo` and `make test`.
# Every target installs what it needs first (scripts/install-deps.sh: apt and pip, only what is missing).

SHELL := /bin/bash
SWIFT ?= swift
EVENT ?= events/demo-query.json
# The Lambda build: its own scratch path, because it links libpq and libcurl statically (scripts/build-lambda-deps.sh)
# where the debug build and the tests use Debian's shared ones.
LAMBDA_SCRATCH := .build-lambda
# Not a PIE (no 47,000 relocations to apply at start, as Go builds for Lambda), one section per function, and lld
# placing the functions that run (bench/hot-symbols.txt, from `make hot-symbols`) together: bench/README.md.
HOT_SYMBOLS := bench/hot-symbols.txt
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -Osize -Xswiftc -Xclang-linker -Xswiftc -no-pie \
	-Xswiftc -Xfrontend -Xswiftc -function-sections -Xswiftc -use-ld=lld \
	-Xlinker --symbol-ordering-file=$(CURDIR)/$(HOT_SYMBOLS) -Xlinker --no-warn-symbol-ordering \
	--scratch-path $(LAMBDA_SCRATCH)
STAGE := $(LAMBDA_SCRATCH)/stage
ZIP := dist/onprem-watch.zip

.PHONY: help deps deploy-deps lint-pipeline check-model check unit integration build release stage package synth plan deploy rollback test lint demo replay bench gameday hot-symbols fuzz clean

help:
	@echo "make demo     build, start a local PostgreSQL and emulators, run the real job on sample events"
	@echo "make test     install what is needed, start the services, run the whole test suite (as CI does)"
	@echo "make check    format, licence headers and the documented contracts: seconds, no services"
	@echo "make unit     every test that needs no service (no PostgreSQL, emulator or moto)"
	@echo "make integration   the tests against PostgreSQL, the Runtime API emulator and moto, started for them"
	@echo "make build    the debug build"
	@echo "make release  the Lambda build (.build-lambda), libpq and libcurl linked statically"
	@echo "make stage    .build-lambda/stage: what Lambda sees in /var/task, unzipped"
	@echo "make lint     swift format lint --strict and the licence headers"
	@echo "make lint-pipeline   the workflows (check-jsonschema, zizmor, pins) and the bootstrap template (cfn-lint, checkov)"
	@echo "make check-model   the case worker's exactly-once protocol, model-checked with spin"
	@echo "make replay EVENT=events/NAME.json   run one event locally through the handler"
	@echo "make package  dist/onprem-watch.zip for provided.al2023, checked (glibc, bundled libraries, size)"
	@echo "make synth    dist/stack: the CloudFormation stack for CATALOG (default catalog.json), linted, with its cost"
	@echo "make plan BASE=old-catalog.json   what changing the catalog from BASE to CATALOG does (Markdown)"
	@echo "make deploy STACK=name BUCKET=bucket ENV=production   package, synth, upload by sha256, change set, deploy"
	@echo "make rollback STACK=name BUCKET=bucket   point the metrics function's live alias back at the version that served before"
	@echo "make hot-symbols  regenerate bench/hot-symbols.txt, the Lambda build's function order (after larger changes)"
	@echo "make bench    benchmarks against the Python peers (not part of make test)"
	@echo "make gameday  faults on the link, PostgreSQL failures and a failover under load; writes bench/gameday.md"
	@echo "make fuzz     every libFuzzer target for FUZZ_SECONDS each (default 180), with executions, coverage, findings"
	@echo "make clean    remove the builds and dist/"

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	@# SwiftPM does not know the link depends on the symbol order: relink when it changed.
	@find $(LAMBDA_SCRATCH)/*/release -maxdepth 1 -name onprem-watch ! -newer $(HOT_SYMBOLS) -delete 2>/dev/null || true
	@# The function and the batching benchmark only: the importer (onprem-watch-import, YAML and TOML in C and C++)
	@# is a tool for people and never enters the zip.
	PKG_CONFIG_PATH="$$(scripts/build-lambda-deps.sh)" $(SWIFT) build $(RELEASE_FLAGS) --product onprem-watch
	PKG_CONFIG_PATH="$$(scripts/build-lambda-deps.sh)" $(SWIFT) build $(RELEASE_FLAGS) --product batching-bench

# What Lambda sees in /var/task, unzipped: bootstrap, the stripped binary, the catalog, lib/ if anything needs it.
stage: release
	python3 scripts/package.py --binary "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/onprem-watch" \
		--stage $(STAGE)

# The deployment zip, reproducible and checked: it fails when a rule of docs/deployment.md is broken.
package: release
	python3 scripts/package.py --binary "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/onprem-watch" \
		--stage $(STAGE) --zip $(ZIP)

# The monitoring stack for the catalog (docs/monitoring-stack.md), written by the release binary so that
# `make package synth` builds once, then checked with cfn-lint and statelint, and its state machines drawn.
CATALOG ?= catalog.json
STACK_DIR := dist/stack
synth: release
	rm -rf $(STACK_DIR)
	"$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/onprem-watch" synth --catalog $(CATALOG) --out $(STACK_DIR) $(SYNTH_FLAGS)
	python3 scripts/lint-stack.py $(STACK_DIR)
	python3 scripts/draw-state-machine.py $(STACK_DIR) $(STACK_DIR)/pictures --limit 20

# What changing the catalog from BASE (the base branch's) to CATALOG does, as Markdown for a pull request
# (PLAN_FLAGS="--json" for tools, "--exit-code" to exit 2 when something changes).
plan: deps
	@# The build's own lines go to stderr: stdout is the plan alone, for a comment or a JSON tool.
	@$(SWIFT) build >&2
	@"$$($(SWIFT) build --show-bin-path)/onprem-watch" plan --base $(BASE) --catalog $(CATALOG) $(PLAN_FLAGS)

# The pipeline's one entry point (docs/pipeline.md): the zip and the stack built once, uploaded by content, one
# change set printed, executed and waited for. STACK= the stack's name, BUCKET= the artifact bucket, ENV= the
# parameters file deploy/ENV.json. With ZIP= and SKIP_BUILD=1 it deploys bytes built earlier (promotion).
STACK ?= onprem-watch
ENV ?= production
deploy: $(if $(SKIP_BUILD),deploy-deps,package synth)
	@test -n "$(BUCKET)" || { echo "make deploy: BUCKET= names the artifact bucket (the bootstrap stack's)"; exit 2; }
	@# CHECK_SERVERS=1, where the runner reaches the sites: the zip's own binary checks the zip's catalog against
	@# every customer's server first (onprem-watch check, docs/catalog.md), and a problem stops the deploy.
	@if [ -n "$(CHECK_SERVERS)" ]; then d=$$(mktemp -d) && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' $(ZIP) $$d \
		&& chmod +x $$d/onprem-watch && LD_LIBRARY_PATH=$$d/lib $$d/onprem-watch check --catalog $$d/catalog.json $(CHECK_FLAGS); fi
	python3 scripts/deploy.py --stack $(STACK) --bucket $(BUCKET) --params deploy/$(ENV).json --zip $(ZIP) \
		--templates $(STACK_DIR) $(if $(CFN_ROLE_ARN),--role-arn $(CFN_ROLE_ARN)) \
		$(if $(PERMISSIONS_BOUNDARY_ARN),--set PermissionsBoundaryArn=$(PERMISSIONS_BOUNDARY_ARN)) $(DEPLOY_FLAGS)

# Points the metrics function's live alias at the version before (or ROLLBACK_FLAGS="--to N"); no deploy needed.
rollback: deploy-deps
	python3 scripts/rollback.py --stack $(STACK) $(if $(BUCKET),--bucket $(BUCKET)) $(ROLLBACK_FLAGS)

# What deploying built bytes and rolling back need on a bare runner: boto3, nothing of the build.
deploy-deps:
	@python3 -c 'import boto3' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check boto3

# The package test runs the zip in a clean Debian root (scripts/make-rootfs.sh; made afresh under CI=true).
test: deps check lint-pipeline check-model package
	$(SWIFT) build --build-tests
	ONPREM_TEST_ZIP=$(CURDIR)/$(ZIP) ONPREM_TEST_ROOTFS="$$(scripts/make-rootfs.sh)" \
		scripts/with-services.sh $(SWIFT) test
	@# The game day's short variant: every fault, a few invocations each, on the packaged binary.
	scripts/with-services.sh python3 scripts/gameday.py --short --binary $(STAGE)/onprem-watch
	scripts/lint-scale.sh "$$($(SWIFT) build --show-bin-path)/onprem-watch" 2000
	@# The packaged function against /next answers around every 16 KiB multiple up to 6 MB (it hung at each).
	python3 scripts/size-sweep.py --stage $(STAGE) --handler echo --rounds 1
	python3 scripts/size-sweep.py --stage $(STAGE) --handler metrics --rounds 1
	@# A short fuzz run of every target: the long one is make fuzz.
	FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) scripts/fuzz.sh

# The pipeline's own files (docs/pipeline.md): the workflows (check-jsonschema, zizmor offline, pinned actions; and
# actionlint where it is installed), the bootstrap template (cfn-lint, checkov offline).
lint-pipeline: deps
	python3 scripts/lint-workflows.py
	python3 scripts/lint-workflows.py examples/catalog-repo/.github/workflows
	@# The catalog repository's zip: a released zip with another catalog, reproducibly (docs/catalog-repository.md).
	python3 Tests/IntegrationTests/catalog_repo_test.py
	@# scripts/silence.py against moto: an emergency silence with its trace and its end.
	python3 Tests/IntegrationTests/silence_test.py
	cfn-lint -- deploy/bootstrap.json
	BC_SKIP_MAPPING=TRUE .build-tools/checkov/bin/checkov --framework cloudformation --skip-download --compact \
		--quiet -f deploy/bootstrap.json
	@# CloudFormation takes a template file of at most 51,200 bytes without an S3 bucket, which bootstrap makes.
	@test "$$(wc -c < deploy/bootstrap.json)" -le 51200 || { echo "deploy/bootstrap.json is over 51,200 bytes"; exit 1; }
	@echo "lint-pipeline: deploy/bootstrap.json passed cfn-lint and checkov, and is under 51,200 bytes"

# The case worker's exactly-once protocol, model-checked with spin (model/cases.pml, docs/cases.md); a second.
check-model: deps
	scripts/check-model.sh

# The developer's loop, from seconds to the whole: check (no build of the tests' services), unit, integration, test.
check:
	$(SWIFT) format lint --strict -r Sources Tests Fuzz/Sources Package.swift Fuzz/Package.swift
	@scripts/license-headers.py
	$(SWIFT) build --build-tests
	@# The ``symbol`` links of the doc comments, resolved against the compiler's symbol graphs.
	$(SWIFT) package dump-symbol-graph --minimum-access-level internal > /dev/null
	scripts/check-doc-links.py
	@# catalog.schema.json against the model's keys, enums and ranges, and good and bad catalogs.
	@out=$$(python3 scripts/check-catalog-schema.py) || { echo "$$out"; exit 1; }; echo "check-catalog-schema: $$(echo "$$out" | tail -1)"
	$(SWIFT) test --skip-build --filter DocumentedContractsTests

unit: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip IntegrationTests

integration: deps
	$(SWIFT) build --build-tests
	scripts/with-services.sh $(SWIFT) test --skip-build --filter IntegrationTests

# libFuzzer targets (Fuzz/): FUZZ_SECONDS each, default 180; findings land in Fuzz/Crashes (docs/testing.md).
FUZZ_SECONDS ?= 180
TEST_FUZZ_SECONDS ?= 20
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# The code as .swift-format says (swift-format ships with the toolchain); `swift format -i -r Sources Tests` fixes it.
lint:
	$(SWIFT) format lint --strict -r Sources Tests Fuzz/Sources Package.swift Fuzz/Package.swift
	@scripts/license-headers.py

# The demo catalog (catalog.json) expects its PostgreSQL on port 54329.
demo: stage
	ONPREM_PG_PORT=54329 scripts/with-services.sh scripts/demo.sh $(STAGE)

# Replays one event through the handler, against the local PostgreSQL with the demo databases.
replay: build
	ONPREM_PG_PORT=54329 scripts/with-services.sh scripts/replay.sh $$($(SWIFT) build --show-bin-path)/onprem-watch $(EVENT)

# BENCH_FLAGS: for example "--cold 3 --warm 300 --job-warm 100 --soak 200 --skip-callgrind" for a quick look.
bench: package
	ONPREM_PG_PORT=54329 scripts/with-services.sh python3 bench/bench.py --stage $(STAGE) --zip $(ZIP) $(BENCH_FLAGS)

# The game day (bench/gameday.md, docs/failures.md): several runtimes under load while the link to PostgreSQL and
# CloudWatch stalls, resets and blackholes, and PostgreSQL restarts, fills up and fails over.
gameday: stage
	scripts/with-services.sh python3 scripts/gameday.py --binary $(STAGE)/onprem-watch --out bench/gameday.md

# Profiles the release binary (callgrind: start-up, the runtime loop, the real job) and rewrites the function order
# the Lambda build links with. Run it after larger changes, then make package.
hot-symbols: stage
	ONPREM_PG_PORT=54329 scripts/with-services.sh python3 bench/hot_symbols.py \
		"$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/onprem-watch" $(STAGE) $(HOT_SYMBOLS)

clean:
	rm -rf .build $(LAMBDA_SCRATCH) dist
