# stackc's everyday commands. A fresh Debian machine with the Swift toolchain needs only
# `make out` (compile the default manifest into out/) and `make test`.
#
# SWIFT picks the toolchain; SWIFT_FLAGS goes to every swift command (for example
# `--scratch-path .build-ci`); SWIFT_TEST_FLAGS to `swift test` only.

SWIFT ?= swift
SWIFT_FLAGS ?=
SWIFT_TEST_FLAGS ?= --no-parallel
MANIFEST ?= manifests/campus.yml
MANIFESTS := $(wildcard manifests/*.yml)

RELEASE_RUN = $(SWIFT) run -c release $(SWIFT_FLAGS)

.PHONY: all setup build out out-all test lint bench check swarm

all: build

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build -c release $(SWIFT_FLAGS)

out: setup
	$(RELEASE_RUN) stackc build $(MANIFEST)

out-all: setup
	$(SWIFT) build -c release $(SWIFT_FLAGS) --product stackc
	@set -e; for m in $(MANIFESTS); do \
	  echo "stackc build $$m"; $(RELEASE_RUN) --skip-build stackc build "$$m"; \
	done

# Nothing may print after swift test: CI reads its closing summary.
test: setup
	$(SWIFT) test $(SWIFT_FLAGS) $(SWIFT_TEST_FLAGS)

lint: setup
	$(SWIFT) run $(SWIFT_FLAGS) stackc lint $(MANIFESTS)

bench: setup
	$(SWIFT) build -c release $(SWIFT_FLAGS) --product stackc
	$(RELEASE_RUN) stackc-bench

check: setup
	$(SWIFT) build -c release $(SWIFT_FLAGS) --product stackc
	@set -e; for m in $(MANIFESTS); do \
	  echo "stackc check $$m"; $(RELEASE_RUN) --skip-build stackc check "$$m"; \
	done

# Deploys the stack of every manifest in MANIFESTS on a private single-node swarm and reports
# per service (needs root; see Tests/Acceptance/swarm-harness.sh). `make test` does this too,
# for manifests/ and the test stacks; this target is for any manifest:
# make swarm MANIFESTS=path/to/other.yml
swarm: setup
	$(SWIFT) build -c release $(SWIFT_FLAGS) --product stackc
	@set -e; dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	for m in $(MANIFESTS); do $(RELEASE_RUN) --skip-build stackc build "$$m" -o "$$dir" >/dev/null; done; \
	bash Tests/Acceptance/swarm-harness.sh "$$dir"/*/
