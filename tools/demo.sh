#!/usr/bin/env bash
# Converge the sample fleet in examples/ against the PBX emulator with --diff, then again to
# show that a second run changes nothing; then rename one phone on the PBX behind Ansible's back
# and show that --check --diff reports exactly that drift, without writing.
# The emulator starts from its demo seed every time and is stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# make demo's small environment (ansible-core and requests), or the one DEMO_VENV names.
DEMO_VENV=${DEMO_VENV:-$root/.venv-demo}
export DEMO_VENV PATH=$DEMO_VENV/bin:$PATH
python=$DEMO_VENV/bin/python

for required in plugins/modules/dialplan_phones.py roles/handsets examples/site.yml examples/inventory \
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

# A direct API call, as someone at the PBX's console would make it.
pbx() {
    "$python" - "$IPCORTEX_URL" "$@" <<'PY'
import json
import sys
import urllib.request

url, action = sys.argv[1], sys.argv[2]
if action == "rename":
    body = {"type": "phone", "scope": {"mac": sys.argv[3], "port": 0}, "values": {"name": sys.argv[4]},
            "auth": {"type": "auth", "key": "sysadmin-key"}}
    request = urllib.request.Request(url + "/rest/dialplan/update/", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    reply = json.load(urllib.request.urlopen(request, timeout=10))
    if reply.get("result") != "success" or reply.get("numrows") != 1:
        sys.exit("the rename failed: %s" % reply)
elif action == "writes":
    log = json.load(urllib.request.urlopen(url + "/_emulator/log", timeout=10))["entries"]
    print(sum(1 for entry in log if entry["verb"] in ("create", "update", "delete", "assign", "promote", "demote", "reboot", "newpass")))
PY
}

echo
echo "=== Drift: someone renames acme-sales-1 on the PBX directly ==="
pbx rename 000413d00002 "Temp desk (do not use)"
echo "Renamed phone 000413d00002 port 0 to 'Temp desk (do not use)' through the API."
writes_before=$(pbx writes)

echo
echo "=== Drift report: --check --diff shows exactly that change and writes nothing ==="
ansible-playbook -i examples/inventory examples/site.yml --check --diff | tee build/demo-drift.log
writes_after=$(pbx writes)
if ! grep -Eq 'changed=1 ' build/demo-drift.log \
        || [ "$(grep -c '^--- before: ' build/demo-drift.log)" != 1 ] \
        || ! grep -Eq '^--- before: 000413d000020( |$)' build/demo-drift.log \
        || ! grep -q '^-    "name": "Temp desk (do not use)",' build/demo-drift.log \
        || ! grep -q '^+    "name": "Acme sales 1",' build/demo-drift.log; then
    echo "make demo: the drift report did not show exactly the rename of 000413d00002." >&2
    exit 1
fi
if [ "$writes_before" != "$writes_after" ]; then
    echo "make demo: check mode wrote to the PBX ($writes_before writes before, $writes_after after)." >&2
    exit 1
fi
echo
echo "Single-PBX demo complete: the second run reported no changes, and --check --diff reported"
echo "exactly the phone renamed behind Ansible's back, without writing to the PBX."

echo
"$root/tools/demo_estate.sh"
