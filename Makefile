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

# Release builds link the Swift runtime and Foundation statically: loading them as shared
# libraries took longer than linting a small manifest (about 25 ms against 12 ms a process).
# (`swift run` does not take that flag, so the targets build, then run from the bin folder.)
RELEASE = -c release --static-swift-stdlib $(SWIFT_FLAGS)
BIN = $(shell $(SWIFT) build $(RELEASE) --show-bin-path)

.PHONY: all setup build install out out-all twins reference test lint bench bench-instructions check swarm swarm-nodes format format-check

all: build

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build $(RELEASE)

# stackc, and the StackDescription library that `stackc build stack.swift` compiles against,
# under PREFIX (stackc finds the library relative to its own binary; see docs/swift.md), with
# its bash, zsh and fish completions and its man page, generated from the installed stackc's
# argument parser (the man page by swift-argument-parser's generate-manual).
PREFIX ?= /usr/local

install: setup
	$(SWIFT) build $(RELEASE) --product stackc
	$(SWIFT) build $(RELEASE) --product StackDescription
	$(SWIFT) build $(RELEASE) --product generate-manual
	bash scripts/install.sh "$(BIN)" "$(DESTDIR)$(PREFIX)"

out: setup
	$(SWIFT) build $(RELEASE) --product stackc
	"$(BIN)/stackc" build $(MANIFEST)

out-all: setup
	$(SWIFT) build $(RELEASE) --product stackc
	@set -e; for m in $(MANIFESTS); do \
	  echo "stackc build $$m"; "$(BIN)/stackc" build "$$m"; \
	done

# The Swift twin of every manifest (manifests/X.swift, what `stackc convert` prints for X.yml).
twins: setup
	$(SWIFT) build $(RELEASE) --product stackc
	@set -e; for m in $(MANIFESTS); do \
	  echo "stackc convert $$m -o $${m%.yml}.swift"; "$(BIN)/stackc" convert "$$m" -o "$${m%.yml}.swift"; \
	done

# The language reference and the editor schema, rendered from the compiler's model of the
# manifest language (Sources/StackCompiler/Language); tests fail when the committed files differ.
reference: setup
	$(SWIFT) build $(RELEASE) --product stackc
	"$(BIN)/stackc" schema > schema/stackc-manifest.schema.json.new
	mv schema/stackc-manifest.schema.json.new schema/stackc-manifest.schema.json
	"$(BIN)/stackc" schema --reference > docs/reference.md.new
	mv docs/reference.md.new docs/reference.md

# Nothing may print after swift test: CI reads its closing summary. generate-manual (from
# swift-argument-parser) is for the test of scripts/install.sh's man page. A short fuzzing run
# with a fixed seed comes first (fuzz-ci), so that a regression it finds stops the run.
test: setup fuzz-ci
	$(SWIFT) build $(SWIFT_FLAGS) --product generate-manual
	$(SWIFT) test $(SWIFT_FLAGS) $(SWIFT_TEST_FLAGS)

# The front end under libFuzzer (docs/fuzzing.md): stackc-fuzz built with the fuzzer and
# AddressSanitizer in a build folder of its own (linked with ld.bfd: gold fails on it), run for
# FUZZ_SECONDS on the corpus in .fuzz/corpus (kept between runs), findings in .fuzz/findings.
FUZZ_SECONDS ?= 3600
FUZZ_SEED ?= 0
FUZZ_BUILD = $(SWIFT) build -c release --scratch-path .build-fuzz --product stackc-fuzz \
	-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=bfd
FUZZ_BIN = .build-fuzz/release/stackc-fuzz

fuzz-build: setup
	$(FUZZ_BUILD)

fuzz: fuzz-build
	bash scripts/fuzz.sh $(FUZZ_BIN) $(FUZZ_SECONDS) $(FUZZ_SEED) .fuzz/corpus .fuzz/findings

# CI's run: 60 s, seed 1, from the seeds alone (a fresh corpus), so the same submission fuzzes
# the same way; a finding fails it (and is left in .fuzz/ci-findings).
fuzz-ci: fuzz-build
	rm -rf .fuzz/ci-corpus
	bash scripts/fuzz.sh $(FUZZ_BIN) 60 1 .fuzz/ci-corpus .fuzz/ci-findings

# The layout of every Swift file, as .swift-format says (swift format ships with the toolchain).
FORMATTED = Sources Tests Benchmarks Package.swift

format:
	$(SWIFT) format --in-place --recursive --parallel $(FORMATTED)

# CI runs this: a file that `make format` would change, or a rule it breaks, fails.
format-check:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMATTED)

lint: setup
	$(SWIFT) run $(SWIFT_FLAGS) stackc lint $(MANIFESTS)

bench: setup
	$(SWIFT) build $(RELEASE) --product stackc
	$(SWIFT) build $(RELEASE) --product StackDescription
	$(SWIFT) build $(RELEASE) --product stackc-bench
	"$(BIN)/stackc-bench"

# Lint against libyaml's bare parse in instructions (callgrind), which load does not change.
bench-instructions: setup
	$(SWIFT) build $(RELEASE) --product stackc-bench
	"$(BIN)/stackc-bench" instructions

check: setup
	$(SWIFT) build $(RELEASE) --product stackc
	@set -e; for m in $(MANIFESTS); do \
	  echo "stackc check $$m"; "$(BIN)/stackc" check "$$m"; \
	done

# Deploys the stack of every manifest in MANIFESTS on a private single-node swarm and reports
# per service (needs root; see Tests/Acceptance/swarm-harness.sh). `make test` does this too,
# for manifests/ and the test stacks; this target is for any manifest:
# make swarm MANIFESTS=path/to/other.yml
swarm: setup
	$(SWIFT) build $(RELEASE) --product stackc
	@set -e; dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	for m in $(MANIFESTS); do "$(BIN)/stackc" build "$$m" -o "$$dir" >/dev/null; done; \
	bash Tests/Acceptance/swarm-harness.sh "$$dir"/*/

# The multi-node run (needs root; see Tests/Acceptance/swarm-nodes.sh): five engines form the
# swarm of Tests/Acceptance/manifests/cluster.yml with its generated form-swarm.sh and deploy it.
swarm-nodes: setup
	$(SWIFT) build $(RELEASE) --product stackc
	@set -e; dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	"$(BIN)/stackc" build Tests/Acceptance/manifests/cluster.yml -o "$$dir" >/dev/null; \
	bash Tests/Acceptance/swarm-nodes.sh --drain db Tests/Acceptance/manifests/cluster.yml "$$dir/cluster"
