#!/usr/bin/env bash
# Runs each dialplan_phone_action step against a fresh emulator, first under --check (which
# must send nothing and still report the change) and then for real.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh default.yml

for step in reboot newpass no_match company_admin; do
    ansible-playbook "steps/$step.yml" --check --diff "$@"
    ansible-playbook "steps/$step.yml" --diff "$@"
done

# A rolling reboot of the acme phones, one inventory host per port row from the
# ipcortex.pbx.dialplan inventory plugin (connection from the environment).
ansible-playbook -i files/pbx.dialplan.yml steps/rolling_reboot.yml --check "$@"
ansible-playbook -i files/pbx.dialplan.yml steps/rolling_reboot.yml "$@"
