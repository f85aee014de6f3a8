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
printf '\n_ROLE_README = %s\n' "'$root/roles/handsets/README.md'" >> "$dest/conf.py"
cat >> "$dest/conf.py" <<'PY'

# Offline: only the local inventory written by docs/build.sh, nothing fetched.
intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '../ansible_devel.inv'),
}

html_title = title

# The index antsibull-docs writes titles the collection "Ipcortex.Pbx" and gives the sidebar one
# flat list. Name it as it is spelled, caption each section of docs/docsite/extra-docs.yml in the
# sidebar, and list the plugin pages under "Reference". A change in antsibull-docs' index that
# these rewrites no longer match fails the build instead of going unnoticed.
import re as _re

_REFERENCE = 'Reference'
# Modules only so that module_defaults for the action group reach them: the tasks of the handsets role
# and of the playbook ipcortex.pbx.validate. The index lists them under the role, not among the modules to call.
_ROLE_TASKS = ('handsets_fleet', 'handsets_validate')
_ROLE_TASKS_NOTE = ('The tasks of the role and of the playbook ``ipcortex.pbx.validate``. They are modules so that ``module_defaults`` '
                    'for ``group/ipcortex.pbx.dialplan`` reach the role; use the role and the playbook rather than these tasks.')


def _rewrite_index(app, docname, source):
    if docname != 'index':
        return
    text = source[0]
    heading = _re.compile(r'^Ipcortex\.Pbx\n=+\n', _re.M)
    if not heading.search(text):
        raise RuntimeError('docs/build.sh: the collection title of the index was not found')
    text = heading.sub('ipcortex.pbx\n============\n', text, count=1)
    role_tasks = []

    def take_role_task(match):
        role_tasks.append('  ' + match.group(0))
        return ''
    text = _re.sub(r'^\* :ansplugin:`(?:%s) module <[^>]+>` -- .*\n' % '|'.join(_ROLE_TASKS), take_role_task, text, flags=_re.M)
    role = _re.compile(r'^\* :ansplugin:`handsets role <ipcortex\.pbx\.handsets#role>` -- .*\n', _re.M)
    if len(role_tasks) != len(_ROLE_TASKS) or not role.search(text):
        raise RuntimeError('docs/build.sh: the handsets role or its tasks were not found in the index')
    text = role.sub(lambda match: '%s\n  %s\n\n%s' % (match.group(0), _ROLE_TASKS_NOTE, ''.join(role_tasks)), text, count=1)
    plugin_pages = []

    def take_hidden(match):
        plugin_pages.extend(match.group(1).split())
        return ''
    text = _re.sub(r'^\.\. toctree::\n    :maxdepth: 1\n    :hidden:\n\n((?:    \S+\n)+)', take_hidden, text, flags=_re.M)
    if not plugin_pages:
        raise RuntimeError('docs/build.sh: the plugin pages of the index were not found')
    # In the sidebar too, the role's tasks come after the role.
    task_pages = ['%s_module' % task for task in _ROLE_TASKS]
    plugin_pages = [page for page in plugin_pages if page not in task_pages] + task_pages

    def caption(match):
        title = match.group(1)
        entries = match.group(2)
        if title == _REFERENCE:
            entries = ''.join('    %s\n' % page for page in plugin_pages) + entries
            captions.append(title)
        # The caption heads the section in the page and in the sidebar alike.
        return '.. toctree::\n    :maxdepth: 1\n    :caption: %s\n\n%s' % (title, entries)
    captions = []
    text, sections = _re.subn(r'^(\S[^\n]*)\n-+\n\n\.\. toctree::\n    :maxdepth: 1\n\n((?:    \S+\n)+)', caption, text, flags=_re.M)
    if not captions or sections < 2:
        raise RuntimeError('docs/build.sh: the sections of docs/docsite/extra-docs.yml were not found in the index')
    source[0] = text


# The role's page in the guides is its README, turned from Markdown into reStructuredText here
# (headings, paragraphs, lists, tables, fenced code, inline code, links: what the README uses).
_ROLE_PAGE = 'docsite/handsets_role_guide'


def _inline(text):
    text = _re.sub(r'\[([^\]]+)\]\(([^)]+)\)', r'`\1 <\2>`__', text)
    return _re.sub(r'(?<![`<])`([^`]+)`(?![`_])', r'``\1``', text)


def _table(rows):
    cells = [[cell.strip() for cell in row.strip().strip('|').split('|')] for row in rows if not _re.match(r'^\|[-:| ]+\|$', row.strip())]
    out = ['.. list-table::', '   :header-rows: 1', '']
    for row in cells:
        out += [('   * - ' if index == 0 else '     - ') + _inline(cell) for index, cell in enumerate(row)]
    return out + ['']


def _markdown_to_rst(markdown):
    out, paragraph, table, lines = [], [], [], markdown.split('\n')
    underline = {'##': '-', '###': '~'}

    def flush():
        if paragraph:
            out.extend(_inline('\n'.join(paragraph)).split('\n'))
            del paragraph[:]
        if table:
            out.extend(_table(table))
            del table[:]
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        fence = _re.match(r'^(\s*)```(\w*)\s*$', line)
        if fence:
            flush()
            indent = fence.group(1)
            out += ['%s.. code-block:: %s' % (indent, fence.group(2) or 'text'), '']
            while index < len(lines) and not _re.match(r'^\s*```\s*$', lines[index]):
                code = lines[index][len(indent):] if lines[index].startswith(indent) else lines[index].lstrip()
                out.append((indent + '   ' + code) if code.strip() else '')
                index += 1
            index += 1
            out.append('')
            continue
        heading = _re.match(r'^(#+) (.*)$', line)
        if heading:
            flush()
            if heading.group(1) in underline:
                title = _inline(heading.group(2))
                out += [title, underline[heading.group(1)] * len(title), '']
            continue
        if line.startswith('|'):
            if paragraph:
                flush()
            table.append(line)
            continue
        if not line.strip():
            flush()
            out.append('')
            continue
        if table:
            flush()
        paragraph.append(line)
    flush()
    return '\n'.join(out)


def _role_page(app, docname, source):
    if docname != _ROLE_PAGE:
        return
    label, title = source[0].split('\n')[0], source[0].split('\n')[2]
    with open(_ROLE_README) as stream:
        readme = stream.read()
    source[0] = '%s\n\n%s\n%s\n\n%s\n\n%s\n' % (
        label, title, '=' * len(title),
        "This page is the role's README, ``roles/handsets/README.md``. The reference of its variables, generated "
        "from its argument specs, is :ansplugin:`ipcortex.pbx.handsets#role`.", _markdown_to_rst(readme))


def setup(app):
    app.connect('source-read', _rewrite_index)
    app.connect('source-read', _role_page)
PY

"$dest/build.sh"
echo "Docs site: $dest/build/html/index.html"
