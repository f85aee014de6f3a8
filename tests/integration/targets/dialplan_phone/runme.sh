#!/usr/bin/env bash
# Runs each step of the dialplan_phone life cycle against a fresh emulator, first under
# --check (which must write nothing and predict the change) and then for real.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh default.yml

for step in create unchanged update static_ip reassign delete delete_again; do
    ansible-playbook "steps/$step.yml" --check --diff "$@"
    ansible-playbook "steps/$step.yml" --diff "$@"
done
