# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every example the documentation shows runs as the page says, against the emulator.

Collected: each entry of every module's EXAMPLES, the role's examples (the YAML blocks of its
README and the ``examples`` of its argument specs), and every YAML code block of the
collection's README and of the guides (docs/docsite/rst/*.rst) that is a playbook or a list of
tasks. Blocks that are inventory files,
configuration or seed data are not playbooks and are not collected.

Each example runs with real ``ansible-playbook`` in a play of its own, on an emulator reset to
tests/emulator/seeds/examples.yml (the phones the examples name), with the connection given the
way the pages tell the reader: ``IPCORTEX_URL`` and ``IPCORTEX_API_KEY`` in the environment, and
where an example writes the connection out, the PBX's URL and the vaulted key filled in
(PLACEHOLDERS). A task that uses a variable registered by an earlier task of the same EXAMPLES
runs after that task. ARRANGE lists the examples that need a particular state, inventory or
variable, and the examples that fail on purpose with the message they must fail with.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import contextlib
import glob
import json
import os
import re
import shutil
import subprocess

import pytest
import yaml

from ipcortex_emulator.testing import EmulatorProcess  # pylint: disable=import-error
from pbx_helpers import REPO, SYSADMIN_KEY, ansible_env, api  # pylint: disable=import-error

SEEDS = os.path.join(REPO, 'tests', 'emulator', 'seeds')
EXAMPLES_SEED = os.path.join(SEEDS, 'examples.yml')
# The seed the getting-started guide starts the emulator with; examples/inventory describes it.
DEMO_SEED = os.path.join(SEEDS, 'demo.yml')
EXAMPLES_INVENTORY = os.path.join(REPO, 'examples', 'inventory')
EXAMPLES_SITE = os.path.join(REPO, 'examples', 'site.yml')
ESTATE = os.path.join(REPO, 'examples', 'estate')

# What the reader puts in place of the placeholders an example writes out.
PLACEHOLDERS = {
    'https://pbx.example.com': lambda pbx: pbx.url,
}
# Variables the examples expect the reader to have (a vaulted API key).
READER_VARS = {'vault_pbx_api_key': SYSADMIN_KEY}

# Modules of other collections: an example using one cannot run here (no AWX server, no awx.awx
# collection). Listed by name so that a new such example is a decision, not a silent skip.
EXTERNAL = {
    'docs/docsite/rst/awx.rst: Set up AWX for the PBX': 'needs an AWX server and the awx.awx collection',
    'docs/docsite/rst/awx.rst: Drift check template exists': 'needs an AWX server and the awx.awx collection',
}


def _acme_phones_but_the_old_desks(pbx):
    """``acme_phones`` as the reader's inventory holds them: every acme phone of the PBX but the two
    old desks, which the example then deletes (fewer than its max_deletions: 3)."""
    rows = api(pbx.url, 'active', scope={'company': 'acme'})['values']
    macs = sorted(set(row['phoneid'][:12] for row in rows) - set(['000413aabb21', '000413aabb22']))
    return {'acme_phones': [{'mac': mac, 'company': 'acme'} for mac in macs]}


def _converge_examples(run, cwd):
    run(['-i', EXAMPLES_INVENTORY, EXAMPLES_SITE])


def _export_inventory(run, cwd):
    run(['ipcortex.pbx.export', '-e', 'export_dir=%s' % (cwd / 'inventory')])


def _drift_behind_ansible(pbx):
    api(pbx.url, 'update', scope={'mac': '000413d00002', 'port': 0}, values={'name': 'Renamed at the console'})


def _estate_inventory(reader, stack):
    """examples/estate/inventory, each PBX host's URL pointing at an emulator of its own seeded with
    tests/emulator/seeds/estate-<pbx>.yml (as make demo does), and the estate's demo vault password."""
    inventory = reader.cwd / 'inventory'
    shutil.copytree(os.path.join(ESTATE, 'inventory'), str(inventory))
    for host in sorted(os.listdir(str(inventory / 'host_vars'))):
        seed = os.path.join(SEEDS, 'estate-%s.yml' % host.split('-', 1)[1])
        emulator = stack.enter_context(EmulatorProcess(seed=seed))
        connection = inventory / 'host_vars' / host / 'connection.yml'
        connection.write_text(re.sub(r'^ipcortex_url: .*$', 'ipcortex_url: %s' % emulator.url, connection.read_text(), flags=re.M))
    return ['-i', str(inventory), '--vault-id', 'demo@%s' % os.path.join(ESTATE, 'demo-vault-password')]


# The state, inventory, variables and command-line arguments an example needs, and the examples
# that must fail, with the text of the failure. An entry with several cases runs each of them.
ARRANGE = {
    'plugins/modules/dialplan_phone_action.py: Rolling reboot of the acme phones': [dict(
        why='runs over the hosts of the dialplan inventory plugin; no minute-long pause per batch in a test',
        inventory='dialplan', extra_vars={'reboot_pause': 0})],
    'plugins/modules/dialplan_phones.py: The inventory is the truth for acme; delete what it does not list, at most three phones': [dict(
        why='acme_phones is the reader\'s inventory of acme: here every acme phone but two',
        extra_vars=_acme_phones_but_the_old_desks)],
    'roles/handsets/README.md: Converge the handsets declared in inventory': [dict(
        why='the inventory of examples/ on the PBX it describes', seed=DEMO_SEED, inventory=EXAMPLES_INVENTORY)],
    'roles/handsets/meta/argument_specs.yml: Converge the handsets declared in inventory': [dict(
        why='the inventory of examples/ on the PBX it describes', seed=DEMO_SEED, inventory=EXAMPLES_INVENTORY)],
    "docs/docsite/rst/getting_started.rst: Configure Acme's third sales phone": [dict(
        why='the page starts the emulator with the demo seed and exports its URL and key: nothing to fill in',
        seed=DEMO_SEED, fill_in=False)],
    'docs/docsite/rst/gitops_inventory.rst: Converge the handsets declared in inventory': [
        dict(case='the PBX it describes', why='the page describes the layout of examples/: its inventory on the PBX it describes',
             seed=DEMO_SEED, inventory=EXAMPLES_INVENTORY),
        dict(case='guardrail', why='four acme phones the inventory does not declare, more than max_deletions 2: '
             'the run fails before any write', inventory=EXAMPLES_INVENTORY, fails_with='max_deletions', no_writes=True),
    ],
    'docs/docsite/rst/drift_detection.rst: Report drift between the repository and the PBX': [
        dict(case='in step', why='a PBX converged from the repository: no drift, the check passes',
             seed=DEMO_SEED, inventory=EXAMPLES_INVENTORY, before=_converge_examples, args=['--check', '--diff']),
        dict(case='drifted', why='a phone renamed at the console after the converge: the check fails, naming the drift',
             seed=DEMO_SEED, inventory=EXAMPLES_INVENTORY, before=_converge_examples, pbx_before=_drift_behind_ansible,
             args=['--check', '--diff'], fails_with='ipcortex_fail_on_changes: 1 phone of 127.0.0.1 would change (1 updated)'),
    ],
    'plugins/modules/handsets_fleet.py: Converge the PBXs of the estate': [dict(
        why='runs over the PBX hosts of an estate: examples/estate on three emulators', inventory='estate')],
    'docs/docsite/rst/estates.rst: Converge the handsets of every PBX': [dict(
        why='the page describes the layout of examples/estate: that estate on three emulators', inventory='estate')],
    'plugins/modules/handsets_validate.py: Check the declared handsets': [dict(
        why='checks the inventory it is given: examples/inventory', inventory=EXAMPLES_INVENTORY)],
    'docs/docsite/rst/adopting_a_pbx.rst: Converge the handsets declared in inventory': [dict(
        why='the page exports the PBX into inventory/ first; converging the export changes nothing',
        before=_export_inventory, inventory='inventory', unchanged=True)],
}


# --- collecting the examples ---------------------------------------------------------------

def _module_examples_text(path):
    with open(path) as stream:
        tree = ast.parse(stream.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == 'EXAMPLES' for target in node.targets):
            return node.value.value
    raise AssertionError('%s has no EXAMPLES' % path)


def _is_task(item):
    return isinstance(item, dict) and ('block' in item or any('.' in key for key in item))


def _kind(data):
    """'playbook', 'tasks', or None for a block that is neither (inventory, configuration...)."""
    if isinstance(data, list) and data and all(isinstance(item, dict) and 'hosts' in item for item in data):
        return 'playbook'
    if isinstance(data, list) and data and all(_is_task(item) for item in data):
        return 'tasks'
    return None


def _registered_uses(task, earlier):
    """The earlier tasks whose registered variable this task reads, with what they read in turn."""
    text = json.dumps(task)
    needed = []
    for index, other in enumerate(earlier):
        name = other.get('register')
        if name and re.search(r'\b%s\b' % re.escape(name), text):
            for dependency in _registered_uses(other, earlier[:index]) + [other]:
                if dependency not in needed:
                    needed.append(dependency)
    return needed


def _module_examples():
    for path in sorted(glob.glob(os.path.join(REPO, 'plugins', 'modules', '*.py'))):
        source = os.path.relpath(path, REPO)
        entries = yaml.safe_load(_module_examples_text(path))
        for index, entry in enumerate(entries):
            name = '%s: %s' % (source, entry['name'])
            if 'hosts' in entry:
                yield name, 'playbook', [entry]
            else:
                yield name, 'tasks', _registered_uses(entry, entries[:index]) + [entry]


def _rst_yaml_blocks(path):
    lines = open(path).read().split('\n')
    index = 0
    while index < len(lines):
        match = re.match(r'^(\s*)\.\. code-block::\s*(yaml\S*)\s*$', lines[index])
        index += 1
        if not match:
            continue
        indent = len(match.group(1))
        body = []
        while index < len(lines) and (not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent):
            body.append(lines[index])
            index += 1
        yield _dedent(body)


def _dedent(lines):
    width = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return '\n'.join(line[width:] for line in lines).strip('\n') + '\n'


def _markdown_yaml_blocks(path):
    return re.findall(r'^```ya?ml\n(.*?)^```', open(path).read(), re.M | re.S)


def _documented_blocks():
    sources = [(path, _markdown_yaml_blocks(path)) for path in [os.path.join(REPO, 'README.md'), os.path.join(REPO, 'roles', 'handsets', 'README.md')]]
    for path in sorted(glob.glob(os.path.join(REPO, 'roles', '*', 'meta', 'argument_specs.yml'))):
        with open(path) as stream:
            specs = yaml.safe_load(stream)['argument_specs']
        sources.append((path, [spec['examples'] for spec in specs.values() if spec.get('examples')]))
    for path in sorted(glob.glob(os.path.join(REPO, 'docs', 'docsite', 'rst', '*.rst'))):
        sources.append((path, list(_rst_yaml_blocks(path))))
    for path, blocks in sources:
        source = os.path.relpath(path, REPO)
        for text in blocks:
            data = yaml.safe_load(text)
            kind = _kind(data)
            if kind:
                yield '%s: %s' % (source, data[0].get('name', '(unnamed)')), kind, data


def collect():
    return list(_module_examples()) + list(_documented_blocks())


EXAMPLES = collect()


def _cases():
    for name, kind, data in EXAMPLES:
        if name in EXTERNAL:
            continue
        for case in ARRANGE.get(name, [{}]):
            label = '%s [%s]' % (name, case['case']) if 'case' in case else name
            yield pytest.param(name, kind, data, case, id=label)


# --- running them -----------------------------------------------------------------------------

class Reader(object):
    """Runs ansible-playbook in a working directory of its own, as the reader would."""

    def __init__(self, pbx, tmp_path):
        self.cwd = tmp_path / 'work'
        self.cwd.mkdir()
        self.env = ansible_env(tmp_path, ANSIBLE_HOME=str(tmp_path / 'ansible-home'), ANSIBLE_RETRY_FILES_ENABLED='false',
                               IPCORTEX_URL=pbx.url, IPCORTEX_API_KEY=SYSADMIN_KEY)

    def run(self, args, must_pass=True):
        result = subprocess.run(['ansible-playbook'] + list(args), cwd=str(self.cwd), env=self.env, check=False,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
        if must_pass:
            assert result.returncode == 0, 'ansible-playbook %s failed:\n%s' % (' '.join(args), result.stdout)
        return result


def _fill_in(text, pbx):
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value(pbx))
    return text


def _playbook(kind, data):
    if kind == 'playbook':
        return data
    return [{'name': 'Example', 'hosts': 'localhost', 'gather_facts': False, 'tasks': data}]


def _inventory(reader, inventory, stack):
    if inventory == 'estate':
        return _estate_inventory(reader, stack)
    if inventory == 'dialplan':
        # The inventory plugin's config as its page shows it; the PBX's URL and key from the environment.
        path = reader.cwd / 'pbx.dialplan.yml'
        path.write_text('plugin: ipcortex.pbx.dialplan\n')
        return ['-i', str(path)]
    return ['-i', inventory] if inventory else []


@pytest.mark.parametrize('name, kind, data, case', list(_cases()))
def test_example_runs_as_documented(pbx, tmp_path, name, kind, data, case):
    pbx.control.reset(case.get('seed', EXAMPLES_SEED))
    reader = Reader(pbx, tmp_path)
    if 'before' in case:
        case['before'](reader.run, reader.cwd)
    if 'pbx_before' in case:
        case['pbx_before'](pbx)
    extra_vars = dict(READER_VARS)
    supplied = case.get('extra_vars', {})
    extra_vars.update(supplied(pbx) if callable(supplied) else supplied)
    (reader.cwd / 'reader-vars.json').write_text(json.dumps(extra_vars))
    playbook = yaml.safe_dump(_playbook(kind, data), sort_keys=False)
    (reader.cwd / 'example.yml').write_text(_fill_in(playbook, pbx) if case.get('fill_in', True) else playbook)
    pbx.control.clear_log()

    with contextlib.ExitStack() as stack:
        result = reader.run(_inventory(reader, case.get('inventory'), stack) + ['example.yml', '-e', '@reader-vars.json'] + case.get('args', []),
                            must_pass=False)

    if 'fails_with' in case:
        assert result.returncode != 0, '%s should fail with %r, but ran:\n%s' % (name, case['fails_with'], result.stdout)
        assert case['fails_with'] in result.stdout, result.stdout
    else:
        assert result.returncode == 0, '%s does not run as documented:\n%s' % (name, result.stdout)
        assert 'failed=0' in result.stdout and 'unreachable=0' in result.stdout, result.stdout
    if case.get('no_writes'):
        assert pbx.control.writes() == []
    if case.get('unchanged'):
        assert re.search(r'changed=0\b', result.stdout) and not re.search(r'changed=[1-9]', result.stdout), result.stdout


def test_every_arrangement_names_an_example():
    """A renamed example must take its arrangement with it, not lose it silently (entries of files
    this tree does not hold are not checked)."""
    names = set(name for name, _kind_, _data in EXAMPLES)
    present = [name for name in list(ARRANGE) + list(EXTERNAL) if os.path.exists(os.path.join(REPO, name.split(': ', 1)[0]))]
    assert sorted(set(present) - names) == []


def test_examples_of_other_collections_are_listed():
    """Only examples that need another collection's modules are left to the reader."""
    external = set()
    for name, _kind_, data in EXAMPLES:
        text = json.dumps(data)
        if re.search(r'"(?!ipcortex\.pbx\.|ansible\.builtin\.)[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+"\s*:', text):
            external.add(name)
    assert sorted(external) == sorted(EXTERNAL)


def test_every_source_has_examples():
    sources = set(name.split(': ', 1)[0] for name, _kind_, _data in EXAMPLES)
    for path in glob.glob(os.path.join(REPO, 'plugins', 'modules', '*.py')):
        assert os.path.relpath(path, REPO) in sources
    assert 'roles/handsets/README.md' in sources
    assert 'roles/handsets/meta/argument_specs.yml' in sources
    assert 'README.md' in sources
    assert 'docs/docsite/rst/getting_started.rst' in sources


def test_getting_started_keeps_the_first_phone(pbx, tmp_path):
    """The guide's next step after its first playbook (examples/site.yml, overridden) keeps the
    phone the first playbook created: the example inventory declares it."""
    pbx.control.reset(DEMO_SEED)
    reader = Reader(pbx, tmp_path)
    [first] = [data for name, _kind_, data in EXAMPLES if name.startswith('docs/docsite/rst/getting_started.rst: ')]
    (reader.cwd / 'sales3.yml').write_text(yaml.safe_dump(first, sort_keys=False))
    assert 'changed=1' in reader.run(['--diff', 'sales3.yml']).stdout
    assert 'changed=0' in reader.run(['--diff', 'sales3.yml']).stdout
    mac = first[0]['tasks'][0]['ipcortex.pbx.dialplan_phone']['mac'].replace(':', '')
    for args in (['--check', '--diff'], ['--diff', '-e', 'ipcortex_phones_state=merged'], ['--diff'], ['--diff']):
        reader.run(['-i', EXAMPLES_INVENTORY, EXAMPLES_SITE] + args)
        phoneids = [row['phoneid'] for row in api(pbx.url, 'active', scope={'company': 'acme'})['values']]
        assert mac + '0' in phoneids, args
    assert 'changed=0' in reader.run(['-i', EXAMPLES_INVENTORY, EXAMPLES_SITE, '--diff']).stdout


# --- pages that show a file of the collection -----------------------------------------------

def _yaml_blocks(path):
    return [yaml.safe_load(text) for text in (_rst_yaml_blocks(path) if path.endswith('.rst') else _markdown_yaml_blocks(path))]


def test_credential_type_page_shows_the_shipped_file():
    with open(os.path.join(REPO, 'extensions', 'awx', 'credential_type.yml')) as stream:
        shipped = yaml.safe_load(stream)
    assert shipped in _yaml_blocks(os.path.join(REPO, 'docs', 'docsite', 'rst', 'awx_credential_type.rst'))
