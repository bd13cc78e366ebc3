# btls: every target installs what it needs, so a fresh clone only needs Node 20 (and Go for `make e2e`).
SHELL := /bin/bash
NPM ?= npm
BTLS := ./bin/btls

.PHONY: all install build run test unit lint generate verify bench e2e clean

all: build

# npm ci only when the lock file changed since the last install
node_modules/.installed: package-lock.json
	$(NPM) ci --no-audit --no-fund
	touch $@

install: node_modules/.installed

build: install
	$(NPM) run build

run: build
	$(BTLS) serve --host 127.0.0.1 --port 8443

lint: install
	$(NPM) run lint

unit: build
	$(NPM) test

test: lint unit verify

# rules/crd, crd/ and test/fixtures/conformance come from the Go module sigs.k8s.io/gateway-api (needs go);
# rules/README.md comes from the rule files
generate: install
	@if command -v go >/dev/null 2>&1; then node scripts/generate-crd-rules.mjs; else echo "go not found: rules/crd left as committed"; fi
	node scripts/generate-rules-doc.mjs

# fails when generated files are out of date with their sources
verify: generate
	@git diff --exit-code -- rules/ crd/ test/fixtures/conformance/ || { echo "generated files are stale: run 'make generate' and commit"; exit 1; }

bench: build
	node bench/run.js

e2e: build
	bash test/e2e/run.sh

clean:
	rm -rf dist coverage
