#!/usr/bin/env bash
# Converge the estate in examples/estate/ (three PBXs, vaulted per-PBX API keys) against three
# PBX emulators, then again to show that nothing changes; then show that --limit runs one PBX only.
# The inventory is copied into build/demo-estate with each PBX's URL pointing at its emulator.
# Called by tools/demo.sh; runs alone as well (after make collection-link).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# make demo's small environment (tools/demo.sh exports DEMO_VENV), or the one DEMO_VENV names.
DEMO_VENV=${DEMO_VENV:-$root/.venv-demo}
python=$DEMO_VENV/bin/python
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$root/build/collections}
PATH=$DEMO_VENV/bin:$PATH

pbxs=(london newyork paris)
work=build/demo-estate
rm -rf "$work"
mkdir -p "$work"
cp -r examples/estate/. "$work/"

emulators=()
stop_emulators() {
    for pid in "${emulators[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${emulators[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_emulators EXIT

for pbx in "${pbxs[@]}"; do
    PYTHONPATH=tests/emulator "$python" -m ipcortex_emulator --port 0 \
        --seed "tests/emulator/seeds/estate-$pbx.yml" --url-file "$work/$pbx.url" \
        > "$work/$pbx-emulator.log" 2>&1 &
    emulators+=("$!")
done
for pbx in "${pbxs[@]}"; do
    for _ in $(seq 200); do
        [ -s "$work/$pbx.url" ] && break
        sleep 0.1
    done
    if [ ! -s "$work/$pbx.url" ]; then
        echo "make demo: the emulator of pbx-$pbx did not start:" >&2
        cat "$work/$pbx-emulator.log" >&2
        exit 1
    fi
    url=$(cat "$work/$pbx.url")
    sed -i "s|^ipcortex_url: .*|ipcortex_url: $url|" "$work/inventory/host_vars/pbx-$pbx/connection.yml"
    echo "pbx-$pbx: emulator listening on $url"
done

run() {
    ansible-playbook -i "$work/inventory" "$work/site.yml" --vault-id "demo@$work/demo-vault-password" "$@"
}

echo
echo "=== Estate, first run: converge the three PBXs side by side ==="
run --diff

echo
echo "=== Estate, second run: every PBX is converged, nothing changes ==="
run | tee "$work/second-run.log"
if grep -Eq 'changed=[1-9]|failed=[1-9]' "$work/second-run.log"; then
    echo "make demo: the second estate run changed something." >&2
    exit 1
fi

echo
echo "=== Estate, --limit pbx-paris --check: one PBX, nothing written ==="
run --limit pbx-paris --check | tee "$work/limit.log"
if [ "$(grep -c '^pbx-' "$work/limit.log")" != 1 ] || ! grep -q '^pbx-paris ' "$work/limit.log"; then
    echo "make demo: --limit pbx-paris did not run pbx-paris alone." >&2
    exit 1
fi
echo
echo "Estate demo complete: three PBXs converged side by side with their own vaulted keys; the"
echo "second run changed nothing."
