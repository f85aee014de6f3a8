#!/usr/bin/env bash
# Runs each dialplan_phone_action step against a fresh emulator, first under --check (which
# must send nothing and still report the change) and then for real.
set -eux

# From the source tree, or from the copy ansible-test runs the target in (the collection
# is then the first entry of ANSIBLE_COLLECTIONS_PATH).
emulator_dir=
for candidate in ../../../emulator "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/ipcortex/pbx/tests/emulator"; do
    if [ -d "$candidate/ipcortex_emulator" ]; then
        emulator_dir=$(cd "$candidate" && pwd)
        break
    fi
done
[ -n "$emulator_dir" ] || { echo "the emulator (tests/emulator) was not found" >&2; exit 1; }
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
work=$(mktemp -d)
PYTHONPATH=$emulator_dir "$python" -m ipcortex_emulator --port 0 --seed "$emulator_dir/seeds/default.yml" \
    --url-file "$work/url" > "$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    [ -s "$work/url" ] && break
    sleep 0.1
done
IPCORTEX_URL=$(cat "$work/url")
export IPCORTEX_URL IPCORTEX_API_KEY=sysadmin-key

for step in reboot newpass no_match company_admin; do
    ansible-playbook "steps/$step.yml" --check --diff "$@"
    ansible-playbook "steps/$step.yml" --diff "$@"
done

# A rolling reboot of the acme phones, one inventory host per port row from the
# ipcortex.pbx.dialplan inventory plugin (connection from the environment).
ansible-playbook -i files/pbx.dialplan.yml steps/rolling_reboot.yml --check "$@"
ansible-playbook -i files/pbx.dialplan.yml steps/rolling_reboot.yml "$@"
