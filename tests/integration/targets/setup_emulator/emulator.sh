# shellcheck shell=bash
# Sourced by a target's runme.sh: starts the PBX emulator on 127.0.0.1 with the seed named in
# $1 (a file in tests/emulator/seeds), exports IPCORTEX_URL and IPCORTEX_API_KEY for the
# modules, and stops the emulator when the script exits. Sets $emulator_work, a scratch folder.

# From the source tree, or from the copy ansible-test runs the target in (the collection is
# then the first entry of ANSIBLE_COLLECTIONS_PATH).
emulator_dir=
for candidate in ../../../emulator "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/ipcortex/pbx/tests/emulator"; do
    if [ -d "$candidate/ipcortex_emulator" ]; then
        emulator_dir=$(cd "$candidate" && pwd)
        break
    fi
done
[ -n "$emulator_dir" ] || { echo "the emulator (tests/emulator) was not found" >&2; exit 1; }

emulator_work=$(mktemp -d)
PYTHONPATH=$emulator_dir "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -m ipcortex_emulator --port 0 \
    --seed "$emulator_dir/seeds/${1:-default.yml}" --url-file "$emulator_work/url" > "$emulator_work/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -rf "$emulator_work"' EXIT
for _ in $(seq 100); do
    [ -s "$emulator_work/url" ] && break
    sleep 0.1
done
[ -s "$emulator_work/url" ] || { echo "the emulator did not start:" >&2; cat "$emulator_work/emulator.log" >&2; exit 1; }
IPCORTEX_URL=$(cat "$emulator_work/url")
export IPCORTEX_URL IPCORTEX_API_KEY=sysadmin-key
