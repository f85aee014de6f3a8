# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Permissions, sessions and two runs at once, against the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxClient
from ansible_collections.ipcortex.pbx.plugins.module_utils._fleet import Fleet, desired_fleet, summarize
from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phone_action, dialplan_phones

from ipcortex_emulator.testing import EmulatorProcess  # pylint: disable=import-error
from pbx_helpers import SYSADMIN_KEY, api  # pylint: disable=import-error

COMPANY_ADMIN_KEY = 'acme-admin-key'
ACME_PHONE = '000413aa0001'
GLOBEX_PHONE = '0004f2bb0002'


def paths(pbx):
    return [entry['path'].strip('/').split('/', 1)[1] for entry in pbx.control.log()]


# --- permissions ----------------------------------------------------------------------------

@pytest.mark.parametrize('module, args, fragments', [
    (dialplan_phone, {'mac': GLOBEX_PHONE, 'name': 'Taken over'},
     ['dialplan/read for phone %s failed: Permission denied' % GLOBEX_PHONE, 'may not act on this phone or company']),
    (dialplan_phone, {'mac': '0004130e00aa', 'company': 'acme', 'phone_type': 'snom320'}, ['dialplan/create', 'Permission denied']),
    (dialplan_phone, {'mac': ACME_PHONE, 'state': 'absent'}, ['dialplan/delete for phone %s failed: Permission denied' % ACME_PHONE]),
    (dialplan_phone, {'mac': ACME_PHONE, 'company': 'globex', 'reassign': True}, ['dialplan/assign', 'Permission denied']),
    (dialplan_phone_action, {'mac': GLOBEX_PHONE, 'action': 'reboot'}, ['dialplan/reboot', 'Permission denied']),
    (dialplan_phones, {'phones': [{'mac': GLOBEX_PHONE, 'name': 'x'}, {'mac': ACME_PHONE, 'name': 'Reception'}]},
     ['1 of 2 phones failed', 'dialplan/read for phone %s failed: Permission denied' % GLOBEX_PHONE]),
    (dialplan_phones, {'phones': [], 'state': 'overridden', 'companies': ['globex']}, ['dialplan/active', 'Permission denied']),
])
def test_a_company_admin_is_refused_clearly_and_nothing_changes(pbx, run_module, module, args, fragments):
    before = pbx.control.state()
    result = run_module(module, dict(args, url=pbx.url, api_key=COMPANY_ADMIN_KEY))
    assert result['failed']
    for fragment in fragments:
        assert fragment in result['msg'], result['msg']
    assert pbx.control.state() == before
    assert not [entry for entry in pbx.control.writes() if entry['result'] == 'success']


# --- sessions -------------------------------------------------------------------------------

def test_an_expired_session_is_renewed_once_transparently(pbx):
    with PbxClient(url=pbx.url, username='admin', password='admin-pass') as client:
        assert client.read_phone(ACME_PHONE)
        assert pbx.control.expire_sessions() == 1
        assert client.read_phone(ACME_PHONE)
    assert paths(pbx) == ['auth', 'dialplan/read', 'dialplan/read', 'auth', 'dialplan/read', 'auth/logout']
    assert [entry['status'] for entry in pbx.control.log()][2] == 401


def test_a_fleet_renews_an_expired_session_once_for_all_its_threads(pbx, run_module, monkeypatch):
    from ansible_collections.ipcortex.pbx.plugins.module_utils import _fleet
    original = _fleet.Fleet.discover

    def discover_then_expire(self):
        original(self)
        pbx.control.expire_sessions()
    monkeypatch.setattr(_fleet.Fleet, 'discover', discover_then_expire)
    phones = [{'mac': '0004130e%04x' % number, 'company': 'acme', 'phone_type': 'snom320', 'name': 'S%d' % number} for number in range(24)]
    result = run_module(dialplan_phones, dict(url=pbx.url, username='admin', password='admin-pass', phones=phones, concurrency=8))
    assert result['summary']['created'] == 24, result.get('msg')
    assert paths(pbx).count('auth') == 2 and paths(pbx)[-1] == 'auth/logout'


def test_a_session_that_expires_at_once_is_renewed_only_once(run_module):
    with EmulatorProcess(session_ttl=0) as pbx:
        result = run_module(dialplan_phone, dict(url=pbx.url, username='admin', password='admin-pass', mac=ACME_PHONE))
        assert result['failed'] and 'Session expired' in result['msg']
        assert paths(pbx) == ['auth', 'dialplan/read', 'auth', 'dialplan/read', 'auth/logout']
        assert run_module.sleeps == []


@pytest.mark.parametrize('args', [{'username': 'admin', 'password': 'wrong-pass'}, {'api_key': 'wrong-key'}])
def test_wrong_credentials_are_not_retried(pbx, run_module, args):
    result = run_module(dialplan_phone, dict(args, url=pbx.url, mac=ACME_PHONE, name='x', retries=5))
    assert result['failed'] and 'Invalid credentials' in result['msg']
    assert len(pbx.control.log()) == 1 and run_module.sleeps == []


# --- two runs at once -----------------------------------------------------------------------

def test_two_fleet_runs_on_overlapping_phones_both_finish_as_declared(pbx):
    def declared(first, last):
        return [{'mac': '0004130e%04x' % number, 'company': 'acme', 'phone_type': 'snom320', 'name': 'Desk %d' % number,
                 'zone': 'Europe/London', 'barge': number % 4} for number in range(first, last)]
    runs = {'a': declared(0, 120), 'b': declared(60, 180)}
    summaries = {}
    start = threading.Barrier(2)

    def run(name):
        with PbxClient(url=pbx.url, api_key=SYSADMIN_KEY) as client:
            fleet, _protected = desired_fleet(client, runs[name], 'merged')
            start.wait()
            summaries[name] = (summarize(Fleet(client, fleet, concurrency=8).run()), client)
    threads = [threading.Thread(target=run, args=(name,)) for name in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, (summary, _client) in summaries.items():
        assert summary['failed'] == 0 and summary['total'] == 120, (name, summary)
    assert sum(1 for entry in pbx.control.log() if entry['verb'] == 'create' and entry['result'] == 'success') == 180
    held = dict((row['phoneid'][:12], row) for row in api(pbx.url, 'active', scope={'company': 'acme'})['values'])
    for phone in declared(0, 180):
        row = api(pbx.url, 'read', scope={'mac': phone['mac'], 'port': 0})['values'][0]
        assert phone['mac'] in held
        assert (row['name'], row['zone'], row['barge']) == (phone['name'], phone['zone'], phone['barge'])
