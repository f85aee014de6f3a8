# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``ipcortex.pbx.export`` over PBX hosts: three emulators, each a PBX host with its own connection, exported into the
estate layout by a real ``ansible-playbook`` run, and the export converged with the handsets role without a write."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import subprocess

import pytest
import yaml

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone_info

from ipcortex_emulator.testing import EmulatorProcess  # pylint: disable=import-error

from pbx_helpers import COLLECTIONS, SYSADMIN_KEY, ansible_env  # pylint: disable=import-error

SEEDS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'emulator', 'seeds')
INSTALLED_PLAYBOOKS = os.path.join(COLLECTIONS, 'ansible_collections', 'ipcortex', 'pbx', 'playbooks')
SECRETS = (SYSADMIN_KEY, 'admin-pass')
# berlin's company whose name is no variable name, and its key (name, underscores, SHA-1's first 8 hex digits).
BERLIN_COMPANY = 'Initech GmbH'
BERLIN_KEY = 'Initech_GmbH_60288646'

BERLIN_SEED = {
    'companies': [{'name': 'default', 'description': 'Default company'}, {'name': BERLIN_COMPANY, 'description': 'Initech'}],
    'users': [{'login': 'admin', 'name': 'Admin', 'password': 'admin-pass', 'api_keys': [SYSADMIN_KEY], 'company': 'default',
               'role': 'system-admin'}],
    'phones': {'active': [
        {'mac': '000413ee0001', 'phone_type': 'snomD315', 'company': BERLIN_COMPANY, 'name': 'Empfang', 'zone': 'Europe/Paris'},
        {'mac': '000413ee0002', 'phone_type': 'snomD315', 'company': BERLIN_COMPANY, 'name': 'Vertrieb', 'zone': 'Europe/Paris',
         'can_hotdesk': True},
        {'mac': '000413ee0003', 'phone_type': 'snomD345', 'company': BERLIN_COMPANY, 'name': 'Lager', 'zone': 'Europe/London'},
    ]},
}


@pytest.fixture(scope='module')
def paris():
    with EmulatorProcess(seed=os.path.join(SEEDS, 'demo.yml')) as process:
        yield process


@pytest.fixture(scope='module')
def berlin(tmp_path_factory):
    seed = tmp_path_factory.mktemp('berlin') / 'seed.yml'
    seed.write_text(yaml.safe_dump(BERLIN_SEED))
    with EmulatorProcess(seed=str(seed)) as process:
        yield process


@pytest.fixture
def estate(pbx, paris, berlin, tmp_path):
    """The source inventory: three PBX hosts, connections as host vars, secrets in each host's host_vars folder."""
    pbxs = {'london': pbx, 'paris': paris, 'berlin': berlin}
    for emulator in (paris, berlin):
        emulator.control.reset()
    source = tmp_path / 'estate-inventory'
    hosts = {
        'london': {'ipcortex_url': pbx.url, 'ipcortex_timeout': 20},
        'paris': {'ipcortex_url': paris.url, 'ipcortex_username': 'admin', 'ipcortex_retries': 2},
        'berlin': {'ipcortex_url': berlin.url, 'ipcortex_validate_certs': False},
    }
    secrets = {'london': {'ipcortex_api_key': SYSADMIN_KEY}, 'paris': {'ipcortex_password': 'admin-pass'},
               'berlin': {'ipcortex_api_key': SYSADMIN_KEY}}
    write_inventory(source, hosts, secrets)
    for emulator in pbxs.values():
        emulator.control.clear_log()
    return pbxs, source, hosts, secrets


def write_inventory(folder, hosts, secrets):
    (folder / 'host_vars').mkdir(parents=True, exist_ok=True)
    (folder / 'hosts.yml').write_text(yaml.safe_dump({'pbxs': {'hosts': hosts}}))
    for name, values in secrets.items():
        (folder / 'host_vars' / name).mkdir(exist_ok=True)
        (folder / 'host_vars' / name / 'secrets.yml').write_text(yaml.safe_dump(values))


def playbook(args, cwd, tmp_path, check=True, **env):
    process = subprocess.run(['ansible-playbook'] + list(args), cwd=str(cwd), env=ansible_env(tmp_path, **env), capture_output=True,
                             text=True, timeout=300, check=False)
    output = process.stdout + process.stderr
    if check:
        assert process.returncode == 0, output
    return process.returncode, output


def export(source, tmp_path, *extra, **kwargs):
    """Runs the export from a working folder of its own, with a relative export_dir."""
    work = tmp_path / 'work'
    work.mkdir(exist_ok=True)
    args = ['ipcortex.pbx.export', '-i', os.path.relpath(str(source), str(work)), '-e', 'export_hosts=pbxs', '-e', 'export_dir=estate']
    return work / 'estate', playbook(args + list(extra), work, tmp_path, **kwargs)


def files_under(folder):
    return sorted(os.path.relpath(os.path.join(root, name), str(folder)) for root, _dirs, names in os.walk(str(folder)) for name in names)


def load(path):
    return yaml.safe_load(path.read_text())


def info_phones(run_module, url, **args):
    return run_module(dialplan_phone_info, dict(url=url, api_key=SYSADMIN_KEY, **args))['phones']


def test_an_estate_is_exported_into_the_layout(estate, run_module, tmp_path):
    pbxs, source, hosts, _secrets = estate
    out, (_rc, output) = export(source, tmp_path)
    assert files_under(out) == [
        'host_vars/berlin/%s.yml' % BERLIN_KEY, 'host_vars/berlin/waiting.yml',
        'host_vars/london/acme.yml', 'host_vars/london/globex.yml', 'host_vars/london/waiting.yml',
        'host_vars/paris/acme.yml', 'host_vars/paris/globex.yml', 'host_vars/paris/waiting.yml',
        'pbxs.yml',
    ]
    # The PBX hosts with their connections, no secret anywhere.
    assert load(out / 'pbxs.yml') == {'pbxs': {'hosts': hosts}}
    for name in files_under(out):
        text = (out / name).read_text()
        assert not any(secret in text for secret in SECRETS), name
    assert not any(secret in output for secret in SECRETS)
    # Where the files went, resolved against the current directory, not the installed playbook's folder.
    assert 'to %s/host_vars/london/' % out in output
    assert not os.path.exists(os.path.join(INSTALLED_PLAYBOOKS, 'estate'))

    for pbx_name, emulator in pbxs.items():
        phones = info_phones(run_module, emulator.url, details=True)
        companies = sorted(set(phone['company'] for phone in phones))
        for company in companies:
            key = BERLIN_KEY if company == BERLIN_COMPANY else company
            blocks = load(out / 'host_vars' / pbx_name / ('%s.yml' % key))
            assert list(blocks) == ['ipcortex_fleet_' + key]
            block = blocks['ipcortex_fleet_' + key]
            assert block['company'] == company
            rows = sorted((phone for phone in phones if phone['company'] == company), key=lambda phone: (phone['mac'], phone['port']))
            assert [(entry['mac'], entry.get('port', 0)) for entry in block['phones']] == [(row['mac'], row['port']) for row in rows]
            for row, entry in zip(rows, block['phones']):
                # Defaults plus the entry give back every setting of the port row, nulls as "".
                merged = dict(block['defaults'], **entry)
                merged.setdefault('port', 0)
                expected = dict((name, '' if value is None else value) for name, value in row.items()
                                if name not in ('phoneid', 'company', 'description', 'created'))
                assert merged == expected, (pbx_name, row['phoneid'])
            for name, value in block['defaults'].items():
                # Each default is a value more than half of the company's port rows hold.
                assert 2 * sum(1 for row in rows if ('' if row[name] is None else row[name]) == value) > len(rows), (pbx_name, company, name)
        waiting = info_phones(run_module, emulator.url, inactive=True)
        assert load(out / 'host_vars' / pbx_name / 'waiting.yml') == {'ipcortex_export_waiting': sorted(
            ({'mac': row['mac'], 'phone_type': row['phone_type']} for row in waiting if row['port'] == 0), key=lambda entry: entry['mac'])}
        # Reads only.
        assert not emulator.control.writes()

    berlin_block = load(out / 'host_vars' / 'berlin' / ('%s.yml' % BERLIN_KEY))['ipcortex_fleet_' + BERLIN_KEY]
    assert berlin_block['defaults']['phone_type'] == 'snomD315' and berlin_block['defaults']['zone'] == 'Europe/Paris'
    assert berlin_block['phones'][2] == {'mac': '000413ee0003', 'name': 'Lager', 'phone_type': 'snomD345', 'zone': 'Europe/London'}
    assert berlin_block['phones'][0] == {'mac': '000413ee0001', 'name': 'Empfang'}


def test_export_companies_limits_each_pbx_and_lists_no_waiting_phones(estate, tmp_path):
    _pbxs, source, _hosts, _secrets = estate
    out, _run = export(source, tmp_path, '-e', '{"export_companies": ["globex"]}')
    assert files_under(out) == ['host_vars/london/globex.yml', 'host_vars/paris/globex.yml', 'pbxs.yml']


def test_limit_exports_some_pbxs(estate, tmp_path):
    pbxs, source, _hosts, _secrets = estate
    out, _run = export(source, tmp_path, '--limit', 'paris')
    assert files_under(out) == ['host_vars/paris/acme.yml', 'host_vars/paris/globex.yml', 'host_vars/paris/waiting.yml', 'pbxs.yml']
    assert list(load(out / 'pbxs.yml')['pbxs']['hosts']) == ['paris']
    assert pbxs['london'].control.log() == []


def test_a_dead_pbx_fails_alone(estate, tmp_path):
    _pbxs, source, hosts, secrets = estate
    hosts['london']['ipcortex_url'] = 'http://127.0.0.1:9'
    hosts['london']['ipcortex_retries'] = 0
    write_inventory(source, hosts, secrets)
    out, (returncode, output) = export(source, tmp_path, check=False)
    assert returncode != 0
    assert 'london' in output and 'PBX unreachable at http://127.0.0.1:9' in output
    assert files_under(out) == [
        'host_vars/berlin/%s.yml' % BERLIN_KEY, 'host_vars/berlin/waiting.yml',
        'host_vars/paris/acme.yml', 'host_vars/paris/globex.yml', 'host_vars/paris/waiting.yml', 'pbxs.yml']
    # The inventory still names every PBX host the run was given.
    assert sorted(load(out / 'pbxs.yml')['pbxs']['hosts']) == ['berlin', 'london', 'paris']


def test_export_dir_is_required(estate, tmp_path):
    _pbxs, source, _hosts, _secrets = estate
    returncode, output = playbook(['ipcortex.pbx.export', '-i', str(source), '-e', 'export_hosts=pbxs'], tmp_path, tmp_path, check=False)
    assert returncode != 0 and 'Give export_dir' in output


def test_a_relative_export_dir_of_one_pbx_is_taken_from_the_current_directory(pbx, tmp_path):
    work = tmp_path / 'elsewhere'
    work.mkdir()
    _rc, output = playbook(['ipcortex.pbx.export', '-e', 'export_dir=inventory'], work, tmp_path, IPCORTEX_URL=pbx.url,
                           IPCORTEX_API_KEY=SYSADMIN_KEY)
    assert files_under(work / 'inventory') == ['acme.yml', 'globex.yml', 'waiting.yml']
    assert 'Exported 6 port rows of 2 companies and 2 waiting phones to %s' % (work / 'inventory') in output
    assert not os.path.exists(os.path.join(INSTALLED_PLAYBOOKS, 'inventory'))


CONVERGE = """---
- name: Converge the estate
  hosts: pbxs
  gather_facts: false
  roles:
    - role: ipcortex.pbx.handsets
"""


@pytest.mark.parametrize('state', ['merged', 'overridden'])
def test_converging_the_exported_estate_sends_no_write(estate, tmp_path, state):
    pbxs, source, hosts, secrets = estate
    out, _run = export(source, tmp_path)
    # The secrets are the user's to give, vaulted in practice, beside the exported blocks.
    for name, values in secrets.items():
        (out / 'host_vars' / name / 'connection.yml').write_text(yaml.safe_dump(values))
    (tmp_path / 'converge.yml').write_text(CONVERGE)
    for check in (['--check', '--diff'], []):
        for emulator in pbxs.values():
            emulator.control.clear_log()
        _rc, output = playbook(['-i', str(out), str(tmp_path / 'converge.yml'), '-e', 'ipcortex_phones_state=%s' % state] + check,
                               tmp_path, tmp_path)
        recap = re.findall(r'^(\w+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=0', output, re.M)
        assert sorted(recap) == [('berlin', '0'), ('london', '0'), ('paris', '0')], output
        for name, emulator in pbxs.items():
            log = emulator.control.log()
            assert log, name
            assert emulator.control.writes() == [], name
