# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults: a fleet converges, and nothing is written twice, while the network and the PBX misbehave.

The emulator injects the faults; its request log says what reached the PBX. Back-off sleeps are
recorded by the run_module fixture instead of slept; stalls are real (just past a 1 s timeout).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
from collections import Counter

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phones

from pbx_helpers import SYSADMIN_KEY, api  # pylint: disable=import-error

IP_KEYS = ('ip_addr', 'ip_dns1', 'ip_dns2', 'ip_gateway', 'ip_domain')
TRANSIENT = dict(kinds=['status', 'status', 'drop', 'drop_after', 'stall'], statuses=[502, 503, 504, 429], retry_after=1, stall_seconds=1.3)


def declared_fleet(count, first=0):
    phones = []
    for number in range(first, first + count):
        phone = {'mac': '0004130f%04x' % number, 'company': 'acme', 'phone_type': 'snom320', 'name': 'Desk %d' % number,
                 'zone': 'Europe/London', 'can_hotdesk': number % 2 == 0}
        if number % 3 == 0:
            phone.update(ip_addr='10.0.%d.%d/24' % (number // 250, number % 250 + 1), ip_gateway='10.0.0.254', ip_dns1='10.0.0.53',
                         ip_dns2='', ip_domain='example.com')
        phones.append(phone)
    return phones


def held_rows(pbx):
    """Port 0 of every active device, from the emulator's own state."""
    rows = {}
    for device in pbx.control.state()['devices']:
        if device['state'] == 'active':
            rows[device['mac']] = dict(device['ports'][0])
    return rows


def assert_held_as_declared(pbx, phones):
    rows = held_rows(pbx)
    for phone in phones:
        row = rows[phone['mac']]
        for key, value in phone.items():
            if key == 'mac':
                continue
            assert row[key] == (None if value == '' else value), (phone['mac'], key, row[key], value)


def assert_nothing_done_twice(log, created):
    """As many creates landed as phones were new (the log holds no MAC of a create: its values are not logged),
    and every update that touched ip_* carried all five."""
    assert sum(1 for entry in log if entry['verb'] == 'create' and entry['result'] == 'success') == created
    for entry in log:
        if entry['verb'] == 'update' and set(entry['keys']) & set(IP_KEYS):
            assert set(IP_KEYS) <= set(entry['keys']), entry


@pytest.fixture
def fleet(pbx, run_module):
    def run(phones, **args):
        args = dict(dict(url=pbx.url, api_key=SYSADMIN_KEY, phones=phones), **args)
        return run_module(dialplan_phones, args, diff=False)
    return run


def test_500_phones_converge_under_10_percent_transient_faults(pbx, fleet, run_module):
    phones = declared_fleet(500)
    pbx.control.clear_log()
    pbx.control.set_faults(rate=0.1, seed=11, **TRANSIENT)
    result = fleet(phones, timeout=1, retries=6, concurrency=16)
    # Requests still stalled when the client gave up land afterwards: let them, then look at the log.
    time.sleep(TRANSIENT['stall_seconds'])
    log = pbx.control.log()
    faults = Counter(entry['fault'] for entry in log if entry['fault'])
    assert result['summary']['failed'] == 0, result.get('msg')
    assert result['summary']['created'] == 500
    assert sum(faults.values()) > 50 and set(faults) == {'status', 'drop', 'drop_after', 'stall'}
    # 429 and 503 carry Retry-After: 1, which the back-off honours.
    assert run_module.sleeps and max(run_module.sleeps) >= 1
    pbx.control.clear_faults()
    assert_held_as_declared(pbx, phones)
    assert_nothing_done_twice(log, 500)
    assert len([device for device in pbx.control.state()['devices'] if device['mac'].startswith('0004130f')]) == 500
    pbx.control.clear_log()
    again = fleet(phones)
    assert again['changed'] is False and pbx.control.writes() == []


def test_permanent_failures_are_reported_per_phone_and_the_rest_converge(pbx, fleet):
    phones = declared_fleet(40)
    broken = [phones[5]['mac'], phones[17]['mac'], phones[30]['mac']]
    pbx.control.set_faults(fail=[{'verb': 'create', 'mac': mac, 'message': 'Licence limit reached'} for mac in broken] +
                           [{'verb': 'read', 'mac': phones[9]['mac'], 'message': 'Database is locked'}],
                           queue=[{'kind': 'status', 'status': 500, 'verb': 'update', 'mac': phones[12]['mac']}])
    result = fleet(phones, retries=2)
    failed = dict((entry['mac'], entry['msg']) for entry in result['results'] if entry['action'] == 'failed')
    assert result['failed'] and sorted(failed) == sorted(broken + [phones[9]['mac']])
    for mac in broken:
        assert 'dialplan/create for phone %s failed: Licence limit reached' % mac in failed[mac]
    assert 'Database is locked' in failed[phones[9]['mac']]
    assert result['msg'].startswith('4 of 40 phones failed')
    # The update answered 500 has an unknown outcome: read back, sent again, converged.
    assert result['summary']['created'] == 36
    pbx.control.clear_faults()
    assert_held_as_declared(pbx, [phone for phone in phones if phone['mac'] not in failed])
    pbx.control.clear_log()
    healed = fleet(phones)
    assert healed['summary']['created'] == 3 and healed['summary']['updated'] == 1 and healed['summary']['unchanged'] == 36
    assert_held_as_declared(pbx, phones)


def test_a_create_that_timed_out_and_landed_late_is_not_created_twice(pbx, run_module):
    mac = '0004130e0001'
    pbx.control.clear_log()
    # The first create stalls past the timeout and lands after the client read the phone as absent;
    # the resent create arrives after it and is refused as a duplicate: the client reads again.
    pbx.control.set_faults(queue=[{'kind': 'stall', 'verb': 'create', 'mac': mac, 'seconds': 1.4},
                                  {'kind': 'stall', 'verb': 'create', 'mac': mac, 'seconds': 0.8}])
    result = run_module(dialplan_phone, dict(url=pbx.url, api_key=SYSADMIN_KEY, timeout=1, mac=mac, company='acme',
                                             phone_type='snom320', name='Late', zone='US/Eastern'))
    assert result['changed'] is True and result['action'] == 'created', result.get('msg')
    creates = [(entry['result'], entry['fault']) for entry in pbx.control.log() if entry['verb'] == 'create']
    assert sorted(creates) == [('fail', 'stall'), ('success', 'stall')]
    row = api(pbx.url, 'read', scope={'mac': mac})['values'][0]
    assert (row['name'], row['zone']) == ('Late', 'US/Eastern')


@pytest.mark.parametrize('fault, retried', [
    ({'kind': 'status', 'status': 503, 'retry_after': 2}, True),
    ({'kind': 'status', 'status': 429, 'retry_after': 3}, True),
    ({'kind': 'status', 'status': 502}, False),  # a gateway may have passed the update on
    ({'kind': 'status', 'status': 504}, False),
    ({'kind': 'status_after', 'status': 504}, False),
    ({'kind': 'drop'}, False),  # the client cannot tell a drop before acting from one after
    ({'kind': 'drop_after'}, False),
    ({'kind': 'stall', 'seconds': 1.3}, False),
    ({'kind': 'status', 'status': 500}, False),
])
def test_an_update_is_resent_only_when_the_pbx_did_not_act_or_after_reading_back(pbx, phone, run_module, fault, retried):
    mac = phone()
    pbx.control.set_faults(queue=[dict(fault, verb='update', mac=mac)])
    result = run_module(dialplan_phone, dict(url=pbx.url, api_key=SYSADMIN_KEY, timeout=1, mac=mac, name='Renamed'))
    assert result['changed'] is True and result['phone']['name'] == 'Renamed', result.get('msg')
    if fault['kind'] == 'stall':
        time.sleep(fault['seconds'])  # the stalled update lands now, not in the next test's log
    verbs = [entry['verb'] for entry in pbx.control.log()]
    if retried:
        # Refused before acting: the same request again, after the back-off (Retry-After when given).
        assert verbs == ['read', 'update', 'update', 'read']
        assert run_module.sleeps[0] >= fault.get('retry_after', 0)
    else:
        # The outcome is unknown: read back, and send again only what the PBX does not hold. (The log is
        # in order of completion: a stalled update is logged after the read that followed its timeout.)
        assert verbs.count('read') >= 2 and verbs.count('update') <= 2
        assert run_module.sleeps == []


def test_retries_are_bounded_and_the_last_error_is_reported(pbx, phone, run_module):
    mac = phone()
    pbx.control.set_faults(queue=[{'kind': 'status', 'status': 503, 'retry_after': 0}] * 10)
    result = run_module(dialplan_phone, dict(url=pbx.url, api_key=SYSADMIN_KEY, retries=2, mac=mac, name='Renamed'))
    assert result['failed'] and 'dialplan/read for phone %s failed (HTTP 503)' % mac in result['msg']
    assert len(pbx.control.log()) == 3 and len(run_module.sleeps) == 2
    assert pbx.control.writes() == []
