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
CORE_SERIES := $(CORE_OLDEST) $(CORE_NEWEST)
CORE_PYTHONS_2.16 := 3.11 3.12 3.10
CORE_PYTHONS_2.21 := 3.13 3.12
CORE_CHECKS_2.16 := units integration smoke
CORE_CHECKS_2.21 := units integration smoke sanity

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help test demo demo-venv venv shellcheck collection-link sanity units integration pytest lint \
	docs-lint changelog-lint build importer molecule clean docs ee matrix

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
	@echo "             One series: make core-$(CORE_OLDEST) | core-$(CORE_NEWEST); one check: make core-$(CORE_NEWEST)-units"
	@echo "             (-units, -integration, -smoke, -sanity). A series whose Python is missing is skipped"
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

# The matrix's checks run two at a time, the longest first (sanity, then the integration
# targets...), so that both cores stay busy; the output of each check is printed whole when
# it ends. A series whose Python is missing is skipped with a loud note, or fails under CI=true.
CORE_CHECK_ORDER := sanity integration smoke units
core_python = $(shell tools/find-python.sh $(CORE_PYTHONS_$(1)))
define core_missing
if [ "$${CI:-}" = true ]; then \
	echo "make: ansible-core $(1) needs Python $(CORE_PYTHONS_$(1)); none was found (CI=true: failing)." >&2; \
	exit 1; \
fi; \
echo; \
echo "################################################################################"; \
echo "## SKIPPED: ansible-core $(1) was NOT tested: no working Python $(CORE_PYTHONS_$(1))"; \
echo "## on PATH or in pyenv's versions folder. Install one to test it (CI=true fails)."; \
echo "################################################################################"; \
echo;
endef
# $(1): the series to run. Each one's Python is looked up once (or given on the command line,
# e.g. CORE_PYTHON_2.21=/usr/bin/python3.12) and handed to the sub-make.
define core_run
$(foreach s,$(1),$(eval CORE_PYTHON_$(s) := $(or $(CORE_PYTHON_$(s)),$(call core_python,$(s)))))$(strip \
$(eval core_found := $(strip $(foreach s,$(1),$(if $(CORE_PYTHON_$(s)),$(s)))))) \
$(foreach s,$(filter-out $(core_found),$(1)),$(call core_missing,$(s))) \
$(if $(core_found),echo "ansible-core $(core_found): each check's output appears when it ends."; \
$(MAKE) --no-print-directory -j2 --output-sync=target \
	$(foreach s,$(core_found),CORE_PYTHON_$(s)=$(CORE_PYTHON_$(s))) \
	$(foreach c,$(CORE_CHECK_ORDER),$(foreach s,$(core_found),$(if $(filter $(c),$(CORE_CHECKS_$(s))),core-$(s)-$(c)))),true)
endef

matrix:
	@$(call core_run,$(CORE_SERIES))

$(addprefix core-,$(CORE_SERIES)): core-%:
	@$(call core_run,$*)

# The checks of one series: its environment on the Python found (CORE_PYTHON_<series>, set
# by matrix and core-<series>), ansible-test from that environment, pytest from it.
define core_series_rules
.venv-core$(1)/.requirements.stamp: tests/requirements-core-$(1).txt
	@test -x .venv-core$(1)/bin/python || $$(or $$(CORE_PYTHON_$(1)),$$(call core_python,$(1))) -m venv .venv-core$(1)
	.venv-core$(1)/bin/python -m pip install --disable-pip-version-check --quiet -r $$<
	.venv-core$(1)/bin/python -m pip check
	@touch $$@

# ansible-test units --local: the series' environment holds pytest-mock and friends already.
core-$(1)-units: .venv-core$(1)/.requirements.stamp
	ANSIBLE_TEST_VENV=.venv-core$(1) tools/ansible-test.sh units --local

core-$(1)-integration: .venv-core$(1)/.requirements.stamp
	ANSIBLE_TEST_VENV=.venv-core$(1) tools/ansible-test.sh integration --local

core-$(1)-smoke: .venv-core$(1)/.requirements.stamp collection-link
	PATH="$(CURDIR)/.venv-core$(1)/bin:$$$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS_PATH)" \
		.venv-core$(1)/bin/pytest -p no:cacheprovider -m smoke $$(SMOKE_FILES)

# shellcheck from the recipe, not as a prerequisite: make then starts this longest check first.
core-$(1)-sanity: .venv-core$(1)/.requirements.stamp
	@$$(MAKE) --no-print-directory shellcheck
	ANSIBLE_TEST_VENV=.venv-core$(1) tools/ansible-test.sh sanity --local

.PHONY: core-$(1) $(addprefix core-$(1)-,$(CORE_CHECK_ORDER))
endef
$(foreach s,$(CORE_SERIES),$(eval $(call core_series_rules,$(s))))

# The module tests marked smoke (registered in tests/modules/conftest.py): each module
# in-process, the inventory plugin, a playbook run with -vvv, the built tarball installed and
# used; against the emulator. Only the files holding one are collected (others import tools
# the series' environment does not have, such as ansible-runner).
SMOKE_FILES = $(shell grep -l '^@pytest.mark.smoke' tests/modules/test_*.py)

clean:
	rm -rf build tests/output .pytest_cache .ansible
