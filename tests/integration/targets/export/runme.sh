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

# An estate of one PBX host: exported from another folder with the host's own connection vars
# (a relative export_dir lands there), converged by a play over the PBX hosts with no write.
mkdir -p "$work/pbx-hosts/host_vars/pbx-demo"
printf -- '---\npbxs:\n  hosts:\n    pbx-demo:\n      ipcortex_url: "%s"\n' "$IPCORTEX_URL" > "$work/pbx-hosts/hosts.yml"
printf -- '---\nipcortex_api_key: sysadmin-key\n' > "$work/pbx-hosts/host_vars/pbx-demo/connection.yml"
(cd "$work" && env -u IPCORTEX_URL -u IPCORTEX_API_KEY \
    ansible-playbook ipcortex.pbx.export -i pbx-hosts -e export_hosts=pbxs -e export_dir=estate "$@")
cp "$work/pbx-hosts/host_vars/pbx-demo/connection.yml" "$work/estate/host_vars/pbx-demo/"
ansible-playbook -i "$work/estate" converge_estate.yml --check --diff "$@"
ansible-playbook -i "$work/estate" converge_estate.yml "$@"
