#!/usr/bin/env bash
# Run ansible-test on a real ansible_collections/ipcortex/pbx copy of the working tree.
# ansible-test resolves the collection from the physical working directory (a symlinked
# tree fails), so the files git knows about (tracked or untracked, not ignored) are copied
# into a temporary ansible_collections tree. Results are copied back to tests/output/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ansible_test=$root/.venv/bin/ansible-test

# ansible-test bootstraps pip in its virtual environments with get-pip.py, downloaded from
# a host that may be unreachable; it uses a cached copy first. This stand-in gets pip from
# ensurepip (in a subprocess, so pip keeps its certificate configuration) and then installs
# the pip version requested from the package index. Seeded only where missing.
pip_version=${ANSIBLE_TEST_PIP_VERSION:-24.2}
get_pip=$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py
if [ ! -e "$get_pip" ]; then
    mkdir -p "$(dirname "$get_pip")"
    cat > "$get_pip.tmp" <<'PY'
"""Offline stand-in for get-pip.py: ensurepip, then pip install the requested packages."""
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--upgrade'] + args)
PY
    mv "$get_pip.tmp" "$get_pip"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ipcortex-pbx-ansible-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/ansible_collections/ipcortex/pbx
mkdir -p "$tree"

cd "$root"
git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' path; do
        if [ -e "$path" ] || [ -L "$path" ]; then printf '%s\0' "$path"; fi
    done \
    | tar --null --files-from=- -cf - \
    | tar -xf - -C "$tree"

status=0
(cd "$tree" && "$ansible_test" "$@") || status=$?

if [ -d "$tree/tests/output" ]; then
    mkdir -p "$root/tests/output"
    tar -C "$tree/tests/output" --exclude=./.tmp -cf - . | tar -C "$root/tests/output" -xf -
fi
exit "$status"
