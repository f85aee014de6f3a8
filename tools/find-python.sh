#!/usr/bin/env bash
# Print the path of a working Python interpreter of the first version given that has one:
#   tools/find-python.sh 3.13 3.12
# Looks on PATH (pythonX.Y), then in pyenv's versions folder ($(pyenv root)/versions/X.Y.*,
# newest patch release first). An interpreter counts only if it runs, is that version and
# can make virtual environments: a pyenv shim for a version that is not selected is on PATH
# but fails, and some distributions ship Python without venv/ensurepip.
# Exits 1, printing nothing, when none of the versions has one.
set -uo pipefail

works() {
    "$1" -c "import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != tuple(map(int, '$2'.split('.'))))" \
        >/dev/null 2>&1
}

pyenv_root=
if command -v pyenv >/dev/null 2>&1; then
    pyenv_root=$(pyenv root 2>/dev/null)
fi
pyenv_root=${pyenv_root:-${PYENV_ROOT:-$HOME/.pyenv}}

for version in "$@"; do
    candidates=()
    while IFS= read -r path; do
        candidates+=("$path")
    done < <(type -ap "python$version")
    while IFS= read -r folder; do
        candidates+=("$folder/bin/python$version")
    done < <(find "$pyenv_root/versions" -mindepth 1 -maxdepth 1 -name "$version.*" 2>/dev/null | sort -rV)
    for candidate in "${candidates[@]}"; do
        if works "$candidate" "$version"; then
            echo "$candidate"
            exit 0
        fi
    done
done
exit 1
