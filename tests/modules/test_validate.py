# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The playbook ipcortex.pbx.validate, run for real: every rule in both layouts, the exact messages,
all in one run, and not one request to the PBX the inventory points at."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shlex
import shutil
import subprocess

import pytest
import yaml

from ipcortex_emulator.testing import EmulatorProcess  # pylint: disable=import-error
from pbx_helpers import REPO, SYSADMIN_KEY, ansible_env  # pylint: disable=import-error

from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import ZONES

MAC_HELP = 'give 12 hex digits, e.g. 00:04:13:aa:bb:01, 00-04-13-AA-BB-01, 0004.13aa.bb01 or 000413aabb01'
ZONE_HELP = 'is not a time zone the PBX knows; use "" (none) or one of %s' % ', '.join(ZONES)
TYPE_HELP = "List the PBX's types with ipcortex.pbx.dialplan_phone_info and phone_types: true"
BARGE_HELP = 'is not allowed; give 0, 1, 2 or 3, or a list of the flags can_barge, can_be_barged'


def mac(number):
    return '00:04:13:f0:00:%02d' % number


# Single-PBX layout: one host per case, (name, host vars, the same corrected, the problems expected).
# Every host gets phone_company and phone_phone_type from group_vars/phones.yml.
HOSTS = [
    ('mac-form', {'phone_mac': '00:04:13:zz:00:01'}, {'phone_mac': '00-04-13-F0-00-01'},
     ["host bad-mac-form: phone_mac: '00:04:13:zz:00:01' is not a MAC address; " + MAC_HELP]),
    ('no-identity', {'phone_name': 'Lobby'}, {'phone_name': 'Lobby', 'phone_mac': '0004.13f0.0002'},
     ['host bad-no-identity: phone_mac: one of mac or phoneid is required']),
    ('phoneid', {'phone_phoneid': '000413f0000'}, {'phone_phoneid': '000413f000030'},
     ["host bad-phoneid: phone_phoneid: '000413f0000' is not a phoneid; give the 12 hex digits of the MAC followed by the port, "
      "e.g. 000413aabb010"]),
    ('port', {'phone_mac': mac(4), 'phone_port': -1}, {'phone_mac': mac(4), 'phone_port': 0},
     ['host bad-port: phone_port: -1 is not a port number; give 0 or a positive whole number']),
    ('identity', {'phone_mac': mac(5), 'phone_phoneid': '000413f000061'}, {'phone_mac': mac(5), 'phone_phoneid': '000413f000050'},
     ['host bad-identity: phone_phoneid: 000413f000061 names 000413f00006 port 1, but phone_mac and phone_port name 000413f00005 port 0; '
      'give one identity (or both naming the same port row)']),
    ('zone', {'phone_mac': mac(6), 'phone_zone': 'Mars/Base'}, {'phone_mac': mac(6), 'phone_zone': 'Europe/Paris'},
     ["host bad-zone: phone_zone: 'Mars/Base' " + ZONE_HELP]),
    ('barge', {'phone_mac': mac(7), 'phone_barge': 7}, {'phone_mac': mac(7), 'phone_barge': 3},
     ['host bad-barge: phone_barge: 7 ' + BARGE_HELP]),
    ('barge-flag', {'phone_mac': mac(8), 'phone_barge': ['can_barge', 'fly']}, {'phone_mac': mac(8), 'phone_barge': ['can_barge']},
     ['host bad-barge-flag: phone_barge: unknown flag fly; give 0, 1, 2 or 3, or a list of the flags can_barge, can_be_barged']),
    ('bool', {'phone_mac': mac(9), 'phone_can_hotdesk': 'maybe'}, {'phone_mac': mac(9), 'phone_can_hotdesk': 'yes'},
     ["host bad-bool: phone_can_hotdesk: 'maybe' is not a boolean; use true or false"]),
    ('qualify', {'phone_mac': mac(10), 'phone_qualify': 'often'}, {'phone_mac': mac(10), 'phone_qualify': ''},
     ["host bad-qualify: phone_qualify: 'often' is not allowed; give true, false or an empty string"]),
    ('phone-type', {'phone_mac': mac(11), 'phone_phone_type': 'spa999'}, {'phone_mac': mac(11), 'phone_phone_type': 'spa112'},
     ["host bad-phone-type: phone_phone_type: 'spa999' is not a phone type the PBX knows; did you mean spa901 or spa921 or spa922? "
      + TYPE_HELP]),
    ('company', {'phone_mac': mac(12), 'phone_company': ''}, {'phone_mac': mac(12), 'phone_company': 'globex'},
     ['host bad-company: phone_company: must not be empty']),
    ('unknown-var', {'phone_mac': mac(13), 'phone_nmae': 'Door'}, {'phone_mac': mac(13), 'phone_name': 'Door'},
     ['host bad-unknown-var: phone_nmae is not a phone option and is ignored; did you mean phone_name?']),
    ('duplicate', {'phone_mac': '000413F00013'}, {'phone_mac': mac(14)},
     ['host bad-duplicate declares 000413f00013 port 0, which host bad-unknown-var declares already; declare each port row once']),
    # Every bad setting of one host, not only the first.
    ('two-settings', {'phone_mac': mac(15), 'phone_zone': 'Moon', 'phone_barge': 'all'}, {'phone_mac': mac(15)},
     ["host bad-two-settings: phone_barge: 'all' " + BARGE_HELP, "host bad-two-settings: phone_zone: 'Moon' " + ZONE_HELP]),
]

# Estate layout: entries of one block of pbx-a (index = position), then whole blocks.
ENTRIES = [
    ({'mac': 'zz', 'name': 'Lobby'}, {'mac': mac(1), 'name': 'Lobby'}, ["pbx-a ipcortex_fleet_acme.phones[0].mac: 'zz' is not a MAC address; " + MAC_HELP]),
    ({'name': 'Lobby 2'}, {'mac': mac(2), 'name': 'Lobby 2'}, ['pbx-a ipcortex_fleet_acme.phones[1].mac: one of mac or phoneid is required']),
    ({'mac': mac(3), 'port': 'first'}, {'mac': mac(3), 'port': 0},
     ["pbx-a ipcortex_fleet_acme.phones[2].port: 'first' is not a port number; give 0 or a positive whole number"]),
    ({'mac': mac(4), 'zone': 'Mars/Base'}, {'mac': mac(4), 'zone': 'Europe/London'}, ["pbx-a ipcortex_fleet_acme.phones[3].zone: 'Mars/Base' " + ZONE_HELP]),
    ({'mac': mac(5), 'barge': 4}, {'mac': mac(5), 'barge': 0}, ['pbx-a ipcortex_fleet_acme.phones[4].barge: 4 ' + BARGE_HELP]),
    ({'mac': mac(6), 'nat_mode': 'sometimes'}, {'mac': mac(6), 'nat_mode': False},
     ["pbx-a ipcortex_fleet_acme.phones[5].nat_mode: 'sometimes' is not a boolean; use true or false"]),
    ({'mac': mac(7), 'qualify': 'often'}, {'mac': mac(7), 'qualify': True},
     ["pbx-a ipcortex_fleet_acme.phones[6].qualify: 'often' is not allowed; give true, false or an empty string"]),
    ({'mac': mac(8), 'phone_type': 'snomD999'}, {'mac': mac(8), 'phone_type': 'snomD375'},
     ["pbx-a ipcortex_fleet_acme.phones[7].phone_type: 'snomD999' is not a phone type the PBX knows; did you mean snomm9 or snom190 or "
      "snomD375? " + TYPE_HELP]),
    ({'mac': mac(9), 'nmae': 'Door'}, {'mac': mac(9), 'name': 'Door'},
     ['pbx-a ipcortex_fleet_acme.phones[8]: unknown option nmae (did you mean name?); an entry has the options of dialplan_phones '
      'without company (the block sets it)']),
    ({'mac': mac(10), 'company': 'globex'}, {'mac': mac(10)},
     ['pbx-a ipcortex_fleet_acme.phones[9]: unknown option company; an entry has the options of dialplan_phones without company '
      '(the block sets it)']),
    ({'mac': mac(11), 'ip_addr': '192.0.2.7/24', 'phoneid': '000413f000121'}, {'mac': mac(11), 'ip_addr': '192.0.2.7/24'},
     ['pbx-a ipcortex_fleet_acme.phones[10].phoneid: 000413f000121 names 000413f00012 port 1, but ipcortex_fleet_acme.phones[10].mac '
      'and ipcortex_fleet_acme.phones[10].port name 000413f00011 port 0; give one identity (or both naming the same port row)']),
    ({'mac': mac(20)}, {'mac': mac(20)}, []),
]
BLOCKS = [
    # A block without company.
    ('ipcortex_fleet_nocompany', {'phones': [{'mac': mac(30)}]}, {'company': 'initech', 'phones': [{'mac': mac(30)}]},
     ['pbx-a ipcortex_fleet_nocompany.company: required, the company every phone of the block belongs to']),
    # An unknown key, and an entry declaring a port row another block of the PBX declares.
    ('ipcortex_fleet_extra', {'company': 'globex', 'colour': 'red', 'phones': [{'mac': mac(20), 'phone_type': 'yealinkT54'}]},
     {'company': 'globex', 'phones': [{'mac': mac(21), 'phone_type': 'yealinkT54'}]},
     ['pbx-a ipcortex_fleet_extra: unknown key colour; a fleet block has only company, defaults, phones',
      'pbx-a ipcortex_fleet_extra.phones[0] declares 000413f00020 port 0, which pbx-a ipcortex_fleet_acme.phones[11] declares already; '
      'declare each port row once']),
    # A bad default, reported once for the block rather than once per phone.
    ('ipcortex_fleet_defaults', {'company': 'hooli', 'defaults': {'phone_type': 'snomD345', 'zone': 'Mars/Base'},
                                 'phones': [{'mac': mac(40)}, {'mac': mac(41)}]},
     {'company': 'hooli', 'defaults': {'phone_type': 'snomD345', 'zone': 'US/Eastern'}, 'phones': [{'mac': mac(40)}, {'mac': mac(41)}]},
     ["pbx-a ipcortex_fleet_defaults.defaults.zone: 'Mars/Base' " + ZONE_HELP]),
    ('ipcortex_fleet_nophones', {'company': 'umbrella'}, {'company': 'umbrella', 'phones': []},
     ['pbx-a ipcortex_fleet_nophones.phones: required, a list of phones (use [] for a company that has no phones on pbx-a)']),
]


@pytest.fixture(scope='module')
def pbx():
    process = EmulatorProcess(seed=os.path.join(REPO, 'tests', 'emulator', 'seeds', 'default.yml')).start()
    try:
        yield process
    finally:
        process.stop()


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('---\n' + yaml.safe_dump(data, sort_keys=False))


def single_pbx_inventory(root, corrected):
    hosts = dict(('bad-' + name, None) for name, _bad, _good, _expected in HOSTS)
    write(root / 'hosts.yml', {'phones': {'hosts': hosts}})
    write(root / 'group_vars' / 'phones.yml', {'phone_company': 'acme', 'phone_phone_type': 'snomD345'})
    for name, bad, good, _expected in HOSTS:
        write(root / 'host_vars' / ('bad-' + name + '.yml'), good if corrected else bad)
    return root


def acme_block(phones):
    return {'company': 'acme', 'defaults': {'phone_type': 'snomD345'}, 'phones': phones}


def estate_inventory(root, pbx, corrected):
    """pbx-a holds every case; pbx-b declares pbx-a's port rows again, which is no duplicate (another PBX)."""
    write(root / 'hosts.yml', {'pbxs': {'hosts': {'pbx-a': None, 'pbx-b': None}}})
    for host in ('pbx-a', 'pbx-b'):
        write(root / 'host_vars' / host / 'connection.yml', {'ipcortex_url': pbx.url, 'ipcortex_api_key': SYSADMIN_KEY})
    phones = [good if corrected else bad for bad, good, _expected in ENTRIES]
    write(root / 'host_vars' / 'pbx-a' / 'acme.yml', {'ipcortex_fleet_acme': acme_block(phones)})
    for name, bad, good, _expected in BLOCKS:
        write(root / 'host_vars' / 'pbx-a' / (name + '.yml'), {name: good if corrected else bad})
    write(root / 'host_vars' / 'pbx-b' / 'acme.yml', {'ipcortex_fleet_acme': acme_block([{'mac': mac(20)}, {'mac': mac(30)}])})
    return root


def validate(inventory, tmp_path, pbx, **env):
    """Runs the playbook; returns (return code, the task's result, output)."""
    pbx.control.clear_log()
    run = subprocess.run(['ansible-playbook', 'ipcortex.pbx.validate', '-i', str(inventory), '-v'], capture_output=True, text=True,
                         timeout=300, check=False, env=ansible_env(tmp_path, ANSIBLE_CALLBACK_RESULT_FORMAT='json', **env))
    lines = re.findall(r'(?m)^(?:ok|fatal): \[localhost\]: (?:FAILED! )?=> (\{.*\})$|^ok: \[localhost\] => (\{.*\})$', run.stdout)
    assert len(lines) == 1, run.stdout + run.stderr
    result = json.loads(''.join(lines[0]))
    # Not one request reached the PBX the inventory points at.
    assert pbx.control.log() == []
    return run.returncode, result, run.stdout + run.stderr


def test_single_pbx_layout_every_problem_in_one_run(pbx, tmp_path):
    inventory = single_pbx_inventory(tmp_path / 'inventory', corrected=False)
    code, result, output = validate(inventory, tmp_path, pbx, IPCORTEX_URL=pbx.url, IPCORTEX_API_KEY=SYSADMIN_KEY)
    expected = [problem for _name, _bad, _good, problems in HOSTS for problem in problems]
    assert code == 2, output
    assert sorted(result['problems']) == sorted(expected)
    assert result['msg'] == '%d problems in the declared phones (each in problems)' % len(expected)


def test_single_pbx_layout_corrected_passes(pbx, tmp_path):
    inventory = single_pbx_inventory(tmp_path / 'inventory', corrected=True)
    code, result, output = validate(inventory, tmp_path, pbx, IPCORTEX_URL=pbx.url, IPCORTEX_API_KEY=SYSADMIN_KEY)
    assert code == 0, output
    assert result['problems'] == [] and result['phones'] == len(HOSTS) and not result.get('failed') and not result['changed']


def test_estate_layout_every_problem_in_one_run(pbx, tmp_path):
    inventory = estate_inventory(tmp_path / 'inventory', pbx, corrected=False)
    code, result, output = validate(inventory, tmp_path, pbx)
    expected = [problem for _bad, _good, problems in ENTRIES for problem in problems]
    expected += [problem for _name, _bad, _good, problems in BLOCKS for problem in problems]
    assert code == 2, output
    assert sorted(result['problems']) == sorted(expected)
    assert result['sources'] == ['PBX host pbx-a', 'PBX host pbx-b']


def test_estate_layout_corrected_passes(pbx, tmp_path):
    inventory = estate_inventory(tmp_path / 'inventory', pbx, corrected=True)
    code, result, output = validate(inventory, tmp_path, pbx)
    assert code == 0, output
    assert result['problems'] == [] and result['phones'] == len(ENTRIES) + 1 + 1 + 2 + 2


def test_both_layouts_in_one_inventory_and_the_default_output(pbx, tmp_path):
    """The human output names each problem; no credentials anywhere (the estate's are vaulted and never opened)."""
    single = single_pbx_inventory(tmp_path / 'single', corrected=False)
    estate = estate_inventory(tmp_path / 'estate', pbx, corrected=False)
    pbx.control.clear_log()
    run = subprocess.run(['ansible-playbook', 'ipcortex.pbx.validate', '-i', str(single), '-i', str(estate)], capture_output=True,
                         text=True, timeout=300, check=False, env=ansible_env(tmp_path, ANSIBLE_CALLBACK_RESULT_FORMAT='yaml'))
    assert run.returncode == 2
    assert 'host bad-mac-form: phone_mac' in run.stdout and 'pbx-a ipcortex_fleet_nocompany.company: required' in run.stdout
    assert pbx.control.log() == []


def example_hooks():
    with open(os.path.join(REPO, 'examples', '.pre-commit-config.yaml')) as handle:
        return [hook for repo in yaml.safe_load(handle)['repos'] for hook in repo['hooks']]


@pytest.mark.parametrize('hook', example_hooks(), ids=lambda hook: hook['id'])
def test_the_examples_pre_commit_hooks_validate_the_examples_offline(hook, tmp_path):
    """Each hook of examples/.pre-commit-config.yaml, run as pre-commit runs it, passes on the sample inventories,
    with no credential in the environment and no vault password."""
    assert hook['language'] == 'system' and hook['pass_filenames'] is False
    run = subprocess.run(shlex.split(hook['entry']), cwd=os.path.join(REPO, 'examples'), capture_output=True, text=True, timeout=300,
                         check=False, env=ansible_env(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert 'ok=1' in run.stdout and 'failed=0' in run.stdout


def test_an_example_hook_fails_on_a_broken_copy(tmp_path):
    hook = example_hooks()[1]
    copy = tmp_path / 'examples'
    shutil.copytree(os.path.join(REPO, 'examples'), str(copy))
    block = copy / 'estate' / 'inventory' / 'host_vars' / 'pbx-london' / 'acme.yml'
    block.write_text(block.read_text().replace('"00:04:13:e1:00:02"', '"00:04:13:e1:00:0g"'))
    run = subprocess.run(shlex.split(hook['entry']), cwd=str(copy), capture_output=True, text=True, timeout=300, check=False,
                         env=ansible_env(tmp_path))
    assert run.returncode == 2
    # The YAML result format: one problem per item (long lines folded).
    assert "- 'pbx-london ipcortex_fleet_acme.phones[1].mac: ''00:04:13:e1:00:0g'' is not a MAC" in run.stdout


def test_an_inventory_without_phones_fails_saying_so(pbx, tmp_path):
    write(tmp_path / 'inventory' / 'hosts.yml', {'pbxs': {'hosts': {'pbx-a': {'ipcortex_url': pbx.url}}}})
    code, result, output = validate(tmp_path / 'inventory', tmp_path, pbx)
    assert code == 2, output
    assert result['msg'].startswith("no phones declared: the inventory has no group 'phones' (ipcortex_phone_group) and no host with "
                                    "ipcortex_fleet_* blocks")
