# Development entry points for the ipcortex.pbx collection.
#   make demo   converge the sample fleet in examples/ against the bundled PBX emulator
#   make test   every check CI runs (stops at the first failure)
# Each target installs what it needs into .venv on first use (make demo into the smaller
# .venv-demo, the ansible-core matrix into .venv-core<version>).

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
# tools/ansible-test.sh passes --python with the version of the environment it runs from.
ANSIBLE_TEST := tools/ansible-test.sh
PYTEST_SUITES := tests/contract tests/modules

# make demo: only what running the collection needs (the emulator needs nothing more).
DEMO_VENV := .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.requirements.stamp

# The ansible-core matrix, beside the toolchain's own ansible-core: the oldest release the
# collection supports (meta/runtime.yml) and the newest. Each series gets a virtual environment
# from tests/requirements-core-<series>.txt on the first Python of its list that is found
# (tools/find-python.sh). Each runs the units, the integration targets and the module tests
# marked smoke; the newest runs ansible-test sanity as well.
CORE_OLDEST := 2.16
CORE_NEWEST := 2.21
CORE_PYTHONS_2.16 := 3.11 3.12 3.10
CORE_PYTHONS_2.21 := 3.13 3.12
CORE_CHECKS_2.16 := units integration smoke
CORE_CHECKS_2.21 := units integration smoke sanity

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help test demo demo-venv venv shellcheck collection-link sanity units integration pytest lint \
	docs-lint changelog-lint build importer molecule clean docs ee matrix \
	core-check-units core-check-integration core-check-smoke core-check-sanity

help:
	@echo "make demo    converge the sample fleet against the PBX emulator (twice: nothing changes the second time)"
	@echo "make test    run every check: sanity, units, integration, lint, docs-lint, changelog-lint,"
	@echo "             build, importer, docs, ee, molecule, matrix, pytest"
	@echo "One check alone: make sanity | units | integration | pytest | lint | docs-lint |"
	@echo "                 changelog-lint | build | importer | molecule.  make clean removes outputs."
	@echo "make docs    build the docs site into build/docsite/build/html (antsibull-docs + Sphinx)"
	@echo "make ee      write the AWX execution environment's build context into build/ee (ansible-builder)"
	@echo "make matrix  units, integration targets and smoke module tests under ansible-core $(CORE_OLDEST)"
	@echo "             and $(CORE_NEWEST) (sanity too under $(CORE_NEWEST)), side by side; part of make test."
	@echo "             One series: make core-$(CORE_OLDEST) | core-$(CORE_NEWEST). Without its Python it is skipped"
	@echo "             with a note (an error when CI=true)."

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
	@$(MAKE) --no-print-directory matrix
	@$(MAKE) --no-print-directory pytest

demo: demo-venv collection-link
	DEMO_VENV=$(CURDIR)/$(DEMO_VENV) ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS_PATH)" tools/demo.sh

$(DEMO_STAMP): tools/requirements-demo.txt
	@test -x $(DEMO_VENV)/bin/python || $(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --disable-pip-version-check --quiet -r tools/requirements-demo.txt
	@touch $@

demo-venv: $(DEMO_STAMP)

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
	$(ANSIBLE_TEST) sanity --local

units: venv
	$(ANSIBLE_TEST) units --venv --requirements

integration: venv
	$(ANSIBLE_TEST) integration --local

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

# Both series side by side (each is about one core's work); the output of each check is
# printed whole when it ends.
matrix:
	@echo "ansible-core $(CORE_OLDEST) and $(CORE_NEWEST) run side by side; each check's output appears when it ends."
	@$(MAKE) --no-print-directory -j2 --output-sync=target core-$(CORE_OLDEST) core-$(CORE_NEWEST)

# One series: find its Python (or skip loudly), then its environment and its checks in turn.
core-%:
	@if python=$$(tools/find-python.sh $(CORE_PYTHONS_$*)); then \
		$(MAKE) --no-print-directory CORE=$* CORE_PYTHON=$$python $(addprefix core-check-,$(CORE_CHECKS_$*)); \
	elif [ "$${CI:-}" = true ]; then \
		echo "make core-$*: ansible-core $* needs Python $(CORE_PYTHONS_$*); none was found (CI=true: failing)." >&2; \
		exit 1; \
	else \
		echo; \
		echo "##############################################################################"; \
		echo "## SKIPPED: ansible-core $* was NOT tested: no working Python $(CORE_PYTHONS_$*)"; \
		echo "## on PATH or under pyenv's versions folder. Install one to test it (CI fails)."; \
		echo "##############################################################################"; \
		echo; \
	fi

# The checks of one series, called by core-% with CORE and CORE_PYTHON set.
CORE_VENV = .venv-core$(CORE)
CORE_STAMP = $(CORE_VENV)/.requirements.stamp
CORE_ANSIBLE_TEST = ANSIBLE_TEST_VENV=$(CORE_VENV) tools/ansible-test.sh

$(CORE_STAMP): tests/requirements-core-$(CORE).txt
	@test -x $(CORE_VENV)/bin/python || $(CORE_PYTHON) -m venv $(CORE_VENV)
	$(CORE_VENV)/bin/python -m pip install --disable-pip-version-check --quiet -r $<
	$(CORE_VENV)/bin/python -m pip check
	@touch $@

# ansible-test units --local: the series' environment holds pytest-mock and friends already.
core-check-units: $(CORE_STAMP)
	$(CORE_ANSIBLE_TEST) units --local

core-check-integration: $(CORE_STAMP)
	$(CORE_ANSIBLE_TEST) integration --local

# The module tests marked smoke (registered in tests/modules/conftest.py): each module
# in-process, the inventory plugin, the role and playbooks run by ansible-playbook, the built
# tarball installed; against the emulator. Only the files holding one are collected (others
# import tools the series' environment does not have, such as ansible-runner).
SMOKE_FILES = $(shell grep -l '^@pytest.mark.smoke' tests/modules/test_*.py)
core-check-smoke: $(CORE_STAMP) collection-link
	PATH="$(CURDIR)/$(CORE_VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS_PATH)" \
		$(CORE_VENV)/bin/pytest -p no:cacheprovider -m smoke $(SMOKE_FILES)

core-check-sanity: $(CORE_STAMP) shellcheck
	$(CORE_ANSIBLE_TEST) sanity --local

clean:
	rm -rf build tests/output .pytest_cache .ansible
