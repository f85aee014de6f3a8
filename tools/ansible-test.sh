#!/usr/bin/env bash
# Run ansible-test on a real ansible_collections/ipcortex/pbx copy of the working tree.
# ansible-test resolves the collection from the physical working directory (a symlinked
# tree fails), so the files git knows about (tracked or untracked, not ignored) are copied
# into a temporary ansible_collections tree. Results are copied back to tests/output/.
# ANSIBLE_TEST_VENV names the virtual environment whose ansible-test runs (default .venv);
# without --python in the arguments, that environment's Python version is passed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$(cd "${ANSIBLE_TEST_VENV:-$root/.venv}" && pwd)
ansible_test=$venv/bin/ansible-test
# The environment's pythonX.Y comes first: ansible-test looks the requested version up on PATH.
export PATH=$venv/bin:$PATH

python_version=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
args=("$@")
case " $* " in
    *" --python "* | *" --python="*) ;;
    *) args+=(--python "$python_version") ;;
esac

# ansible-test bootstraps pip in its virtual environments with get-pip.py, downloaded from
# a host that may be unreachable; it uses a cached copy first. This stand-in gets pip from
# ensurepip (in a subprocess, so pip keeps its certificate configuration) and then installs
# the pip version requested from the package index. The versions are the ones this
# ansible-test asks for on each Python it supports (each ansible-core pins its own).
# Seeded only where missing.
pip_versions=$("$venv/bin/python" - <<'PY'
import types

from ansible_test._internal.constants import SUPPORTED_PYTHON_VERSIONS
from ansible_test._internal.python_requirements import get_venv_packages

print(' '.join(sorted(set(get_venv_packages(types.SimpleNamespace(version=version))['pip']
                          for version in SUPPORTED_PYTHON_VERSIONS))))
PY
) || { echo "tools/ansible-test.sh: cannot tell which pip versions $ansible_test bootstraps" >&2; exit 1; }
for pip_version in $pip_versions; do
    get_pip=$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py
    [ -e "$get_pip" ] && continue
    mkdir -p "$(dirname "$get_pip")"
    stand_in=$(mktemp "$get_pip.XXXXXX")
    cat > "$stand_in" <<'PY'
"""Offline stand-in for get-pip.py: ensurepip, then pip install the requested packages."""
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--upgrade'] + args)
PY
    mv "$stand_in" "$get_pip"
done

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
(cd "$tree" && "$ansible_test" "${args[@]}") || status=$?

if [ -d "$tree/tests/output" ]; then
    mkdir -p "$root/tests/output"
    tar -C "$tree/tests/output" --exclude=./.tmp -cf - . | tar -C "$root/tests/output" -xf -
fi
exit "$status"
