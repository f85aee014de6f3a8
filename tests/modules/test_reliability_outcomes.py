# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unknown outcomes: a write the PBX may have applied is re-read, never resent blindly; only writes make a task changed.

The emulator's ``status_after`` fault answers like a gateway that gave up (HTTP 504) after the PBX acted; its request
log and state show what reached the PBX.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phone_action, dialplan_phone_info, dialplan_phones

from pbx_helpers import api, verbs, warnings_of  # pylint: disable=import-error

DESK = '000413aa0001'   # seeded: acme, one port
GLOBEX = '001565bb0001'  # seeded: globex
NEW = '0004130e0777'
STALL = 1.3             # past the 1 s timeout the tests give


def device(pbx, mac):
    return [entry for entry in pbx.control.state()['devices'] if entry['mac'] == mac][0]


def entries(pbx, verb):
    return [(entry['status'], entry['result'], entry['fault']) for entry in pbx.control.log() if entry['verb'] == verb]


# --- reboot and newpass: sent once, reported changed with a warning -----------------------------

ACTION_FAULTS = [
    ({'kind': 'status_after', 'status': 504}, 'dialplan/{action} for phone {mac} failed (HTTP 504): 504 Gateway Timeout; '
                                              'whether the PBX acted on it is unknown'),
    ({'kind': 'status_after', 'status': 502}, 'dialplan/{action} for phone {mac} failed (HTTP 502): 502 Bad Gateway; '
                                              'whether the PBX acted on it is unknown'),
    ({'kind': 'status', 'status': 504}, 'dialplan/{action} for phone {mac} failed (HTTP 504): 504 Gateway Timeout; '
                                        'whether the PBX acted on it is unknown'),
    ({'kind': 'drop_after'}, 'PBX unreachable at {url}/rest/dialplan/{action}/: Remote end closed connection without response; '
                             'whether the PBX acted on dialplan/{action} is unknown'),
    ({'kind': 'stall', 'seconds': STALL}, 'PBX at {url}/rest/dialplan/{action}/ did not answer within 1 s (timeout); '
                                          'whether the PBX acted on dialplan/{action} is unknown'),
]


@pytest.mark.parametrize('action, counter', [('reboot', 'reboots'), ('newpass', 'newpass_count')])
@pytest.mark.parametrize('fault, reason', ACTION_FAULTS)
def test_an_action_of_unknown_outcome_is_sent_once_and_reported_changed(pbx, call_module, run_module, action, counter, fault, reason):
    pbx.control.set_faults(queue=[dict(fault, verb=action, mac=DESK)])
    result = call_module(dialplan_phone_action, mac=DESK, action=action, timeout=1, retries=3)
    if fault['kind'] == 'stall':
        time.sleep(STALL)  # the stalled action lands now
    assert not result.get('failed') and result['changed'] is True, result.get('msg')
    assert warnings_of(result) == [reason.format(action=action, mac=DESK, url=pbx.url) +
                                   '. The %s was not sent again, so that the phone does not get it twice; check the phone' % action]
    assert 'numrows' not in result and run_module.sleeps == []
    acted = 0 if fault['kind'] == 'status' else 1  # a plain 504 never reached the PBX, but the client cannot know
    assert verbs(pbx) == [action] and device(pbx, DESK)[counter] == acted


@pytest.mark.parametrize('fault', [{'kind': 'status', 'status': 503, 'retry_after': 0}, {'kind': 'status', 'status': 429, 'retry_after': 0}])
def test_an_action_the_pbx_refused_before_acting_is_sent_again(pbx, call_module, fault):
    pbx.control.set_faults(queue=[dict(fault, verb='reboot')])
    result = call_module(dialplan_phone_action, mac=DESK, action='reboot')
    assert result['changed'] is True and result['numrows'] == 1 and warnings_of(result) == []
    assert verbs(pbx) == ['reboot', 'reboot'] and device(pbx, DESK)['reboots'] == 1


# --- writes a read can verify: re-read and re-planned, never refused as a resend ----------------

@pytest.mark.parametrize('status', [504, 502])
def test_an_assign_answered_by_a_gateway_after_it_moved_the_phone_converges(pbx, call_module, status):
    pbx.control.set_faults(queue=[{'kind': 'status_after', 'status': status, 'verb': 'assign', 'mac': DESK}])
    result = call_module(dialplan_phone, mac=DESK, company='globex', reassign=True)
    assert result['changed'] is True and not result.get('failed'), result.get('msg')
    assert result['phone']['company'] == 'globex'
    assert verbs(pbx) == ['read', 'assign', 'read']
    assert entries(pbx, 'assign') == [(status, 'success', 'status_after')]


def test_an_update_answered_504_after_it_landed_converges_without_resending(pbx, call_module):
    pbx.control.set_faults(queue=[{'kind': 'status_after', 'verb': 'update', 'mac': DESK}])
    result = call_module(dialplan_phone, mac=DESK, name='Front desk')
    assert result['changed'] is True and result['action'] == 'updated' and result['phone']['name'] == 'Front desk'
    assert verbs(pbx) == ['read', 'update', 'read']


def test_a_create_answered_504_after_it_landed_converges_without_resending(pbx, call_module):
    pbx.control.set_faults(queue=[{'kind': 'status_after', 'verb': 'create', 'mac': NEW}])
    result = call_module(dialplan_phone, mac=NEW, company='acme', phone_type='snom320', name='New desk', zone='Europe/Paris')
    assert result['changed'] is True and result['action'] == 'created', result.get('msg')
    assert entries(pbx, 'create') == [(504, 'success', 'status_after')]
    assert [entry['verb'] for entry in pbx.control.writes()] == ['create', 'update']
    assert (result['phone']['name'], result['phone']['zone']) == ('New desk', 'Europe/Paris')


def test_a_fleet_converges_through_gateway_timeouts_after_each_kind_of_write(pbx, call_module):
    api(pbx.url, 'assign', scope={'mac': GLOBEX, 'company': 'globex'}, values={'company': 'acme'})
    pbx.control.clear_log()
    pbx.control.set_faults(queue=[{'kind': 'status_after', 'verb': 'update', 'mac': DESK},
                                  {'kind': 'status_after', 'verb': 'create', 'mac': NEW},
                                  {'kind': 'status_after', 'verb': 'assign', 'mac': GLOBEX}])
    phones = [{'mac': DESK, 'name': 'Front desk'}, {'mac': NEW, 'company': 'acme', 'phone_type': 'snom320', 'name': 'New'},
              {'mac': GLOBEX, 'company': 'globex', 'reassign': True}]
    result = call_module(dialplan_phones, phones=phones)
    assert result['summary'] == dict(created=1, promoted=0, updated=2, deleted=0, demoted=0, unchanged=0, failed=0, total=3), result.get('msg')
    assert sorted(entry['verb'] for entry in pbx.control.writes()) == ['assign', 'create', 'update']
    pbx.control.clear_log()
    again = call_module(dialplan_phones, phones=phones)
    assert again['changed'] is False and pbx.control.writes() == []


# --- a read that failed never makes a task changed ---------------------------------------------

READ_FAILURES = [
    ({'kind': 'stall', 'seconds': STALL}, 'did not answer within 1 s (timeout)'),
    ({'kind': 'drop'}, 'PBX unreachable at'),
    ({'kind': 'status', 'status': 504}, '(HTTP 504): 504 Gateway Timeout'),
]


@pytest.mark.parametrize('fault, fragment', READ_FAILURES)
@pytest.mark.parametrize('module, verb, args', [
    (dialplan_phone, 'read', {'mac': DESK, 'name': 'Renamed'}),
    (dialplan_phones, 'active', {'phones': [{'mac': DESK, 'name': 'Renamed'}]}),
    (dialplan_phones, 'read', {'phones': [{'mac': DESK, 'name': 'Renamed'}], 'state': 'merged'}),
    (dialplan_phone_info, 'active', {}),
    (dialplan_phone_info, 'read', {'mac': DESK}),
    (dialplan_phone_info, 'readtypes', {'phone_types': True}),
])
def test_a_read_that_failed_never_makes_a_task_changed(pbx, call_module, module, verb, args, fault, fragment):
    pbx.control.set_faults(queue=[dict(fault, verb=verb)])
    result = call_module(module, timeout=1, retries=0, **args)
    if fault['kind'] == 'stall':
        time.sleep(STALL)
    assert result['failed'] and result['changed'] is False
    assert fragment in result['msg'] and 'unknown' not in result['msg']
    assert pbx.control.writes() == []


@pytest.mark.parametrize('module, args', [
    (dialplan_phone, {'mac': DESK, 'name': 'x'}),
    (dialplan_phones, {'phones': [{'mac': DESK, 'name': 'x'}]}),
    (dialplan_phone_info, {}),
    (dialplan_phone_action, {'mac': DESK, 'action': 'reboot'}),
])
@pytest.mark.parametrize('url', ['http://127.0.0.1:9', 'pbx.example.com'])
def test_a_url_the_client_could_not_use_never_makes_a_task_changed(run_module, module, args, url):
    result = run_module(module, dict(args, url=url, api_key='k', retries=0))
    assert result['failed'] and result['changed'] is False


def test_a_check_mode_action_whose_read_timed_out_is_not_changed(pbx, call_module):
    pbx.control.set_faults(queue=[{'kind': 'stall', 'seconds': STALL, 'verb': 'read'}])
    result = call_module(dialplan_phone_action, check_mode=True, mac=DESK, action='reboot', timeout=1, retries=0)
    time.sleep(STALL)
    assert result['failed'] and result['changed'] is False and 'timeout' in result['msg']
