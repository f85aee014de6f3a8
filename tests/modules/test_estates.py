# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The estate layout for real: examples/estate/ (three PBX hosts, vaulted per-PBX keys, fleet blocks)
converged by ansible-playbook against three emulator processes, one per PBX."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil
import subprocess

import pytest
import yaml

from ipcortex_emulator.testing import EmulatorProcess  # pylint: disable=import-error
from pbx_helpers import REPO, ansible_env  # pylint: disable=import-error

PBXS = ('london', 'newyork', 'paris')
KEYS = dict((pbx, '%s-demo-key' % pbx) for pbx in PBXS)
EXAMPLE = os.path.join(REPO, 'examples', 'estate')
WRITE_VERBS = ('create', 'update', 'delete', 'assign', 'promote', 'demote')


@pytest.fixture(scope='module')
def emulators():
    started = {}
    try:
        for pbx in PBXS:
            started[pbx] = EmulatorProcess(seed=os.path.join(REPO, 'tests', 'emulator', 'seeds', 'estate-%s.yml' % pbx)).start()
        yield started
    finally:
        for process in started.values():
            process.stop()


@pytest.fixture
def estate(emulators, tmp_path):
    """A copy of examples/estate whose PBX hosts point at the emulators, reset to their seeds."""
    for process in emulators.values():
        process.control.reset()
    copy = tmp_path / 'estate'
    shutil.copytree(EXAMPLE, str(copy))
    for pbx, process in emulators.items():
        connection = copy / 'inventory' / 'host_vars' / ('pbx-' + pbx) / 'connection.yml'
        connection.write_text(re.sub(r'(?m)^ipcortex_url: .*$', 'ipcortex_url: ' + process.url, connection.read_text()))
    return Estate(copy, emulators, tmp_path)


class Estate(object):
    def __init__(self, path, emulators, tmp_path):
        self.path = path
        self.emulators = emulators
        self.tmp_path = tmp_path

    def host_file(self, pbx, name, data):
        (self.path / 'inventory' / 'host_vars' / ('pbx-' + pbx) / name).write_text(yaml.safe_dump(data))

    def run(self, *args):
        command = ['ansible-playbook', '-i', str(self.path / 'inventory'), str(self.path / 'site.yml'),
                   '--vault-id', 'demo@%s' % (self.path / 'demo-vault-password')] + list(args)
        for process in self.emulators.values():
            process.control.clear_log()
        return subprocess.run(command, env=ansible_env(self.tmp_path), capture_output=True, text=True, timeout=300, check=False)

    def writes(self, pbx):
        return [(entry['verb'], entry.get('scope', {}).get('mac') or (entry.get('values') or {}).get('mac'))
                for entry in self.emulators[pbx].control.log() if entry['verb'] in WRITE_VERBS]

    def requests(self, pbx):
        return [entry for entry in self.emulators[pbx].control.log() if entry['path'].startswith('/rest/')]

    def phones(self, pbx):
        """{(mac, port): row} of the PBX's active phones, read with its own key."""
        import requests
        url = self.emulators[pbx].url + '/rest/dialplan/'
        auth = {'type': 'auth', 'key': KEYS[pbx]}
        listed = requests.post(url + 'active/', json={'type': 'phone', 'auth': auth}, timeout=10).json()['values']
        rows = {}
        for mac in sorted(set(row['phoneid'][:12] for row in listed)):
            for row in requests.post(url + 'read/', json={'type': 'phone', 'scope': {'mac': mac}, 'auth': auth}, timeout=10).json()['values']:
                rows[(row['mac'], int(row['port']))] = row
        for process in self.emulators.values():
            process.control.clear_log()
        return rows


def recap(output):
    """{host: {ok: n, changed: n, failed: n, ...}} from the play recap."""
    hosts = {}
    for host, counts in re.findall(r'(?m)^(\S+)\s+:\s+(ok=.*)$', output):
        hosts[host] = dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', counts))
    return hosts


def test_each_pbx_converges_with_its_own_vaulted_key_then_nothing_changes(estate):
    run = estate.run('--check', '--diff')
    assert run.returncode == 0, run.stdout + run.stderr
    assert all(estate.writes(pbx) == [] for pbx in PBXS)

    run = estate.run('--diff')
    assert run.returncode == 0, run.stdout + run.stderr
    assert set(recap(run.stdout)) == {'pbx-london', 'pbx-newyork', 'pbx-paris'}
    for pbx in PBXS:
        # Every request to a PBX carried that PBX's key, and only that one (decrypted from the vault).
        assert set((entry['principal'], entry['auth']) for entry in estate.requests(pbx)) == {('admin', 'key')}
        assert KEYS[pbx] not in run.stdout + run.stderr
    assert sorted(estate.writes('london')) == sorted([('update', '000413e10001'), ('promote', '000413e10002'), ('update', '000413e10002'),
                                                      ('create', None), ('update', '000413e10003'), ('delete', '000413e10009')])

    london, paris, newyork = estate.phones('london'), estate.phones('paris'), estate.phones('newyork')
    # Block defaults merged into each entry; an entry's own value wins.
    assert london[('000413e10001', 0)]['name'] == 'Acme London reception' and london[('000413e10001', 0)]['can_hotdesk'] in (False, 0)
    assert london[('000413e10002', 0)]['zone'] == 'Europe/London' and london[('000413e10002', 0)]['can_hotdesk'] in (True, 1)
    assert london[('000413e10003', 0)]['phone_type'] == 'snomD315'
    # overridden per PBX: london's undeclared acme phone is gone, paris' hooli (phones: []) too; globex stays.
    assert ('000413e10009', 0) not in london and ('001565e10005', 0) in london
    assert sorted(paris) == [('000413e20001', 0), ('000e08e20004', 0), ('000e08e20004', 1)]
    assert paris[('000e08e20004', 1)]['name'] == 'Porte'
    assert sorted(newyork) == [('001565e30001', 0), ('001565e30002', 0)] and newyork[('001565e30001', 0)]['zone'] == 'US/Eastern'
    # Diff headers name the PBX, the company and the phone.
    assert '--- before: 000413e100010 (pbx-london / acme / Acme London reception)' in run.stdout
    assert '--- before: 000413e100090 (pbx-london, not declared)' in run.stdout

    run = estate.run()
    assert run.returncode == 0, run.stdout + run.stderr
    assert all(counts['changed'] == 0 for counts in recap(run.stdout).values())
    assert all(estate.writes(pbx) == [] for pbx in PBXS)


def test_limit_converges_only_the_pbxs_it_names(estate):
    run = estate.run('--limit', 'pbx-paris')
    assert run.returncode == 0, run.stdout + run.stderr
    assert set(recap(run.stdout)) == {'pbx-paris'}
    assert estate.requests('london') == [] and estate.requests('newyork') == []
    assert estate.writes('paris')


def test_a_dead_pbx_fails_alone(estate):
    connection = estate.path / 'inventory' / 'host_vars' / 'pbx-newyork' / 'connection.yml'
    connection.write_text(re.sub(r'(?m)^ipcortex_url: .*$', 'ipcortex_url: http://127.0.0.1:9', connection.read_text())
                          + 'ipcortex_retries: 0\n')
    run = estate.run()
    assert run.returncode != 0
    counts = recap(run.stdout)
    assert counts['pbx-newyork']['failed'] == 1
    assert counts['pbx-london']['failed'] == 0 and counts['pbx-paris']['failed'] == 0
    assert estate.writes('london') and estate.writes('paris')
    assert len(re.findall(r'fatal: \[pbx-newyork', run.stdout)) == 1


def test_a_port_row_in_two_blocks_fails_that_pbx_before_any_write(estate):
    # Another file of pbx-london declares acme's reception phone again, for globex.
    estate.host_file('london', 'globex-extra.yml', {'ipcortex_fleet_globex_extra': {
        'company': 'globex-annex', 'phones': [{'mac': '00-04-13-E1-00-01', 'phone_type': 'snomD345'}]}})
    estate.host_file('paris', 'nocompany.yml', {'ipcortex_fleet_lost': {'phones': []}})
    run = estate.run()
    counts = recap(run.stdout)
    assert counts['pbx-london']['failed'] == 1 and counts['pbx-paris']['failed'] == 1 and counts['pbx-newyork']['failed'] == 0
    assert estate.writes('london') == [] and estate.writes('paris') == [] and estate.requests('london') == []
    assert ('pbx-london ipcortex_fleet_globex_extra.phones[0] declares 000413e10001 port 0, which '
            'pbx-london ipcortex_fleet_acme.phones[0] declares already') in run.stdout
    assert 'pbx-paris ipcortex_fleet_lost.company: required' in run.stdout
    # Each error is printed once in the task's result.
    fatal = [line for line in run.stdout.splitlines() if line.startswith('fatal: [pbx-paris')]
    assert len(fatal) == 1 and fatal[0].count('ipcortex_fleet_lost.company: required') == 1


def test_guardrails_are_per_pbx(estate):
    estate.host_file('paris', 'guardrails.yml', {'ipcortex_phones_max_deletions': 0})
    run = estate.run()
    counts = recap(run.stdout)
    assert counts['pbx-paris']['failed'] == 1 and counts['pbx-london']['failed'] == 0
    assert estate.writes('paris') == []
    assert 'more than ipcortex_phones_max_deletions 0; raise ipcortex_phones_max_deletions' in run.stdout
    assert ('delete', '000413e10009') in estate.writes('london')


def test_a_pbx_host_without_fleet_blocks_fails_alone(estate):
    (estate.path / 'inventory' / 'host_vars' / 'pbx-newyork' / 'acme.yml').unlink()
    run = estate.run()
    counts = recap(run.stdout)
    assert counts['pbx-newyork']['failed'] == 1 and counts['pbx-london']['failed'] == 0 and counts['pbx-paris']['failed'] == 0
    assert 'No phones to converge for pbx-newyork: a PBX host declares its phones in fleet blocks' in run.stdout
    assert estate.requests('newyork') == [] and estate.writes('london')
