# ubo developer tasks. `make test` is the one test command (README, .ci/run).
SHELL := /bin/bash
GO ?= go
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK ?= $(shell command -v staticcheck 2>/dev/null || echo $$($(GO) env GOPATH)/bin/staticcheck)

.PHONY: all build test lint vet staticcheck install-staticcheck neo4j-start neo4j-stop neo4j-status

all: build

## build: compile every package and the ubo binary (./ubo)
build:
	$(GO) build ./...
	$(GO) build -o ubo ./cmd/ubo

## test: every test; starts and stops a local Neo4j when java and mvn exist (see scripts/test)
test:
	scripts/test

## lint: go vet and staticcheck (installs staticcheck $(STATICCHECK_VERSION) when missing)
lint: vet staticcheck

vet:
	$(GO) vet ./...

staticcheck:
	@test -x "$(STATICCHECK)" || $(MAKE) install-staticcheck
	"$(STATICCHECK)" ./...

install-staticcheck:
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

## neo4j-start / neo4j-stop / neo4j-status: the local Neo4j 5.26 on bolt://127.0.0.1:7687
neo4j-start:
	scripts/neo4j-local start

neo4j-stop:
	scripts/neo4j-local stop

neo4j-status:
	scripts/neo4j-local status
