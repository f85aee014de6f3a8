#!/usr/bin/env bash
# Adopting an existing PBX: export it as an inventory, converge the export with the handsets
# role (no change, no write), then change one host var and see exactly that setting sent.
set -eux

emulator_dir=$(cd ../../../emulator && pwd)
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
work=$(mktemp -d)
PYTHONPATH=$emulator_dir "$python" -m ipcortex_emulator --port 0 --seed "$emulator_dir/seeds/demo.yml" \
    --url-file "$work/url" > "$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    [ -s "$work/url" ] && break
    sleep 0.1
done
IPCORTEX_URL=$(cat "$work/url")
export IPCORTEX_URL IPCORTEX_API_KEY=sysadmin-key

ansible-playbook ipcortex.pbx.export -e "export_dir=$work/inventory" "$@"
ansible-playbook check_export.yml -e "export_dir=$work/inventory" "$@"

for check in --check ""; do
    ansible-playbook -i "$work/inventory" converge.yml -e '{"expected_writes": []}' $check "$@"
done

sed -i 's/phone_name: "Acme sales 1"/phone_name: "Acme sales one"/' "$work/inventory/acme.yml"
ansible-playbook -i "$work/inventory" converge.yml --check --diff -e '{"expected_writes": []}' "$@"
ansible-playbook -i "$work/inventory" converge.yml --diff \
    -e '{"expected_writes": [{"verb": "update", "scope": {"mac": "000413d00002", "port": 0}, "keys": ["name"]}]}' "$@"
