#!/usr/bin/env bash
# Converge the sample fleet in examples/ against the PBX emulator with --diff, then again to
# show that a second run changes nothing. The emulator starts from its demo seed every time.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=$root/.venv/bin/python

for required in plugins/modules/dialplan_phone.py examples/site.yml examples/inventory \
        tests/emulator/seeds/demo.yml; do
    if [ ! -e "$required" ]; then
        echo "make demo: $required does not exist yet; the demo needs it." >&2
        exit 1
    fi
done

mkdir -p build
rm -f build/demo.url build/demo.sqlite
PYTHONPATH=tests/emulator "$python" -m ipcortex_emulator --port 0 \
    --seed tests/emulator/seeds/demo.yml --db build/demo.sqlite --url-file build/demo.url \
    > build/demo-emulator.log 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true' EXIT

# The URL file appears once the emulator accepts requests.
for _ in $(seq 200); do
    [ -s build/demo.url ] && break
    if ! kill -0 "$emulator" 2>/dev/null; then
        echo "make demo: the emulator did not start:" >&2
        cat build/demo-emulator.log >&2
        exit 1
    fi
    sleep 0.1
done
if [ ! -s build/demo.url ]; then
    echo "make demo: the emulator did not report its URL within 20 seconds." >&2
    exit 1
fi

IPCORTEX_URL=$(cat build/demo.url)
export IPCORTEX_URL IPCORTEX_API_KEY=sysadmin-key
echo "PBX emulator listening on $IPCORTEX_URL"

echo
echo "=== First run: converge the sample fleet ==="
ansible-playbook -i examples/inventory examples/site.yml --diff

echo
echo "=== Second run: the fleet is converged, nothing changes ==="
ansible-playbook -i examples/inventory examples/site.yml --diff | tee build/demo-second-run.log
if grep -Eq 'changed=[1-9]' build/demo-second-run.log; then
    echo "make demo: the second run changed something; the fleet should have been converged." >&2
    exit 1
fi
echo
echo "Demo complete: the second run reported no changes."
