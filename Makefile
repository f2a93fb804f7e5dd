# OnPremWatch. The two commands a new user needs: `make demo` and `make test`.
# Every target installs what it needs first (scripts/install-deps.sh: apt and pip, only what is missing).

SHELL := /bin/bash
SWIFT ?= swift
EVENT ?= events/demo-query.json
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -Osize
STAGE := .build/stage

.PHONY: help deps build release stage test demo replay bench clean

help:
	@echo "make demo     build, start a local PostgreSQL and emulators, run the real job on sample events"
	@echo "make test     install what is needed, start the services, run the whole test suite"
	@echo "make replay EVENT=events/NAME.json   run one event locally through the handler"
	@echo "make bench    benchmarks against the Python peers (not part of make test)"

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

# What Lambda sees in /var/task, unzipped: bootstrap, the binary, the catalog.
stage: release
	@rm -rf $(STAGE) && mkdir -p $(STAGE)/lib
	cp bootstrap $(STAGE)/bootstrap
	cp $$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/onprem-watch $(STAGE)/onprem-watch
	@if [ -f catalog.json ]; then cp catalog.json $(STAGE)/catalog.json; fi

test: deps
	$(SWIFT) build --build-tests
	scripts/with-services.sh $(SWIFT) test

# The demo catalog (catalog.json) expects its PostgreSQL on port 54329.
demo: stage
	ONPREM_PG_PORT=54329 scripts/with-services.sh scripts/demo.sh $(STAGE)

# Replays one event through the handler, against the local PostgreSQL with the demo databases.
replay: build
	ONPREM_PG_PORT=54329 scripts/with-services.sh scripts/replay.sh $$($(SWIFT) build --show-bin-path)/onprem-watch $(EVENT)

bench: stage
	ONPREM_PG_PORT=54329 scripts/with-services.sh python3 bench/bench.py --stage $(STAGE)

clean:
	rm -rf .build dist
