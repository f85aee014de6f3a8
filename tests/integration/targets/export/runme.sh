#!/usr/bin/env bash
# Adopting an existing PBX: export it as an inventory, converge the export with the handsets
# role (no change, no write), then change one host var and see exactly that setting sent.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh demo.yml
# Set by emulator.sh, which shellcheck does not follow here.
# shellcheck disable=SC2154
work=$emulator_work

ansible-playbook ipcortex.pbx.export -e "export_dir=$work/inventory" "$@"
ansible-playbook check_export.yml -e "export_dir=$work/inventory" "$@"

ansible-playbook -i "$work/inventory" converge.yml -e '{"expected_writes": []}' --check "$@"
ansible-playbook -i "$work/inventory" converge.yml -e '{"expected_writes": []}' "$@"

sed -i 's/phone_name: "Acme sales 1"/phone_name: "Acme sales one"/' "$work/inventory/acme.yml"
ansible-playbook -i "$work/inventory" converge.yml --check --diff -e '{"expected_writes": []}' "$@"
ansible-playbook -i "$work/inventory" converge.yml --diff \
    -e '{"expected_writes": [{"verb": "update", "scope": {"mac": "000413d00002", "port": 0}, "keys": ["name"]}]}' "$@"
