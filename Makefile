# Development entry points for the ipcortex.pbx collection.
#   make demo   converge the sample fleet in examples/ against the bundled PBX emulator
#   make test   every check CI runs (stops at the first failure)
# Each target installs what it needs into .venv on first use.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# Re-installs the toolchain whenever requirements-dev.txt changes.
VENV_STAMP := $(VENV)/.requirements-dev.stamp

NAMESPACE := $(shell sed -n 's/^namespace: *//p' galaxy.yml)
NAME := $(shell sed -n 's/^name: *//p' galaxy.yml)
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
DIST := build/dist
TARBALL := $(DIST)/$(NAMESPACE)-$(NAME)-$(VERSION).tar.gz

# ansible-playbook, ansible-lint, antsibull-docs, pytest and molecule find the collection
# through a symlinked tree; ansible-test needs a real copy (tools/ansible-test.sh makes it).
COLLECTIONS_PATH := $(CURDIR)/build/collections
COLLECTION_LINK := build/collections/ansible_collections/$(NAMESPACE)/$(NAME)
TOOL_ENV := PATH="$(BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS_PATH)"
ANSIBLE_TEST := PATH="$(BIN):$$PATH" tools/ansible-test.sh
ANSIBLE_TEST_PYTHON := 3.11
PYTEST_SUITES := tests/contract tests/modules

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help test demo venv shellcheck collection-link sanity units integration pytest lint \
	docs-lint changelog-lint build importer molecule clean docs ee

help:
	@echo "make demo    converge the sample fleet against the PBX emulator (twice: nothing changes the second time)"
	@echo "make test    run every check: sanity, units, integration, lint, docs-lint, changelog-lint,"
	@echo "             build, importer, docs, ee, molecule, pytest"
	@echo "One check alone: make sanity | units | integration | pytest | lint | docs-lint |"
	@echo "                 changelog-lint | build | importer | molecule.  make clean removes outputs."
	@echo "make docs    build the docs site into build/docsite/build/html (antsibull-docs + Sphinx)"
	@echo "make ee      write the AWX execution environment's build context into build/ee (ansible-builder)"

# Sequential on purpose: the first failing check stops the run, and the pytest suites come
# last so the run ends with pytest's summary line.
test:
	@$(MAKE) --no-print-directory sanity
	@$(MAKE) --no-print-directory units
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory docs-lint
	@$(MAKE) --no-print-directory changelog-lint
	@$(MAKE) --no-print-directory importer
	@$(MAKE) --no-print-directory docs
	@$(MAKE) --no-print-directory ee
	@$(MAKE) --no-print-directory molecule
	@$(MAKE) --no-print-directory pytest

demo: venv collection-link
	$(TOOL_ENV) tools/demo.sh

$(VENV_STAMP): requirements-dev.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	$(VENV)/bin/python -m pip check
	@touch $@

venv: $(VENV_STAMP)

# The sanity suite's shellcheck test is skipped silently when shellcheck is missing.
shellcheck:
	@command -v shellcheck >/dev/null || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq shellcheck >/dev/null; }
	@command -v shellcheck >/dev/null

collection-link:
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

sanity: venv shellcheck
	$(ANSIBLE_TEST) sanity --local --python $(ANSIBLE_TEST_PYTHON)

units: venv
	$(ANSIBLE_TEST) units --venv --python $(ANSIBLE_TEST_PYTHON) --requirements

integration: venv
	$(ANSIBLE_TEST) integration --local --python $(ANSIBLE_TEST_PYTHON)

pytest: venv collection-link
	$(TOOL_ENV) $(BIN)/pytest -n 2 $(PYTEST_SUITES)

lint: venv collection-link
	$(TOOL_ENV) $(BIN)/ansible-lint --offline --profile production

docs-lint: venv collection-link
	$(TOOL_ENV) $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

build: venv
	@mkdir -p $(DIST)
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST) .

# galaxy-importer exits 0 even when it logs errors: fail on any ERROR or WARNING line as well.
importer: build
	cd $(DIST) && $(TOOL_ENV) $(BIN)/python -m galaxy_importer.main $(notdir $(TARBALL)) \
		| tee importer.log
	@! grep -q '^ERROR' $(DIST)/importer.log
	@! grep -q '^WARNING' $(DIST)/importer.log

# The docs site (plugin pages and the guides in docs/docsite/rst/), offline; any warning fails.
docs: venv collection-link
	$(TOOL_ENV) docs/build.sh $(CURDIR)/build/docsite

# The execution environment's build context (building the image needs podman or docker).
ee: build
	rm -rf build/ee
	$(BIN)/ansible-builder create -f execution-environment.yml --context build/ee --output-filename Containerfile
	test -s build/ee/Containerfile
	test -s build/ee/_build/collections/$(notdir $(TARBALL))
	grep -q '^requests' build/ee/_build/requirements.txt
	grep -q 'collections/$(notdir $(TARBALL))' build/ee/_build/requirements.yml

molecule: venv collection-link
	$(TOOL_ENV) $(BIN)/molecule test --all

clean:
	rm -rf build tests/output .pytest_cache .ansible
