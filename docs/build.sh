#!/usr/bin/env bash
# Build the collection's docs site into DEST (default build/docsite) with antsibull-docs and
# Sphinx, offline and strictly (-W: any warning fails the build). The plugin pages come from
# the plugins' own documentation, the guides from docs/docsite/rst/ (listed in
# docs/docsite/extra-docs.yml). Needs antsibull-docs and sphinx-build on PATH and the
# collection on ANSIBLE_COLLECTIONS_PATH.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-$root/build/docsite}
version=$(sed -n 's/^version: *//p' "$root/galaxy.yml")

rm -rf "$dest"
mkdir -p "$dest"
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error \
    --dest-dir "$dest" --project ipcortex.pbx --copyright 'IPCortex PBX collection contributors' \
    --title "IPCortex PBX Collection $version" ipcortex.pbx >/dev/null

# The generated plugin pages link to a few targets of the Ansible docs (common return values,
# configuration settings, action plugins). A local inventory of just those targets keeps the links working
# without fetching the Ansible docs' inventory over the network.
python3 - "$dest/ansible_devel.inv" <<'PY'
import sys
import zlib

targets = [
    ("common_return_values", "std:label", "reference_appendices/common_return_values.html#common-return-values", "Return Values"),
    ("ansible_configuration_settings", "std:label", "reference_appendices/config.html#ansible-configuration-settings",
     "Ansible Configuration Settings"),
    ("action_plugins", "std:label", "plugins/action.html#action-plugins", "Action plugins"),
]
for name in ("ANSIBLE_CACHE_PLUGIN", "ANSIBLE_CACHE_PLUGIN_CONNECTION", "ANSIBLE_CACHE_PLUGIN_PREFIX", "ANSIBLE_CACHE_PLUGIN_TIMEOUT"):
    targets.append((name, "std:envvar", "reference_appendices/config.html#envvar-" + name, "-"))
body = "".join("%s %s -1 %s %s\n" % target for target in targets)
header = (
    "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
    "# The remainder of this file is compressed using zlib.\n"
)
with open(sys.argv[1], "wb") as inventory:
    inventory.write(header.encode() + zlib.compress(body.encode()))
PY
cat >> "$dest/conf.py" <<'PY'

# Offline: only the local inventory written by docs/build.sh, nothing fetched.
intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '../ansible_devel.inv'),
}
PY

"$dest/build.sh"
echo "Docs site: $dest/build/html/index.html"
