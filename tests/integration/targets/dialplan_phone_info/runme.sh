#!/usr/bin/env bash
# Runs each dialplan_phone_info step against a fresh emulator, first under --check and then
# for real: the module only reads, so both runs must give the same and write nothing.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh default.yml

for step in by_device round_trip company every_phone inactive phone_types company_admin; do
    ansible-playbook "steps/$step.yml" --check --diff "$@"
    ansible-playbook "steps/$step.yml" --diff "$@"
done
