# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""dialplan_phone_action over real HTTP against the emulator: each selector, check mode, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone_action

from pbx_helpers import SYSADMIN_KEY, verbs, warnings_of  # pylint: disable=import-error

DESK = '000413aa0001'      # seeded: acme, one port
ATA = '000e08aa0003'       # seeded: acme, spa112 with ports 0 and 1
GLOBEX = '001565bb0001'    # seeded: globex
WAITING = '001565cc0001'   # seeded: waiting to be provisioned
COUNTER = {'reboot': 'reboots', 'newpass': 'newpass_count'}


@pytest.fixture
def act(pbx, call_module):
    pbx.control.clear_log()
    return functools.partial(call_module, dialplan_phone_action)


def counters(pbx, mac):
    device = [device for device in pbx.control.state()['devices'] if device['mac'] == mac][0]
    return {'reboot': device['reboots'], 'newpass': device['newpass_count']}


@pytest.mark.parametrize('selector', [
    {'mac': DESK},
    {'mac': '00:04:13:AA:00:01'},
    {'mac': '00-04-13-aa-00-01'},
    {'mac': '0004.13aa.0001'},
    {'phoneid': DESK + '0'},
])
def test_reboot_by_each_selector_costs_one_request(pbx, act, selector):
    result = act(action='reboot', **selector)
    assert result['changed'] is True
    assert (result['numrows'], result['company'], result['mac'], result['action']) == (1, 'acme', DESK, 'reboot')
    assert verbs(pbx) == ['reboot']
    assert pbx.control.log()[0]['scope'] == {'mac': DESK}
    assert counters(pbx, DESK) == {'reboot': 1, 'newpass': 0}


def test_newpass_of_a_two_port_device_reports_the_company_per_port(pbx, act):
    result = act(phoneid=ATA + '1', action='newpass')
    assert result['changed'] is True
    assert result['numrows'] == 2 and result['company'] == {'0': 'acme', '1': 'acme'}
    assert verbs(pbx) == ['newpass']
    assert counters(pbx, ATA) == {'reboot': 0, 'newpass': 1}


def test_acting_again_acts_again(pbx, act):
    assert act(mac=DESK, action='reboot')['changed'] is True
    assert act(mac=DESK, action='reboot')['changed'] is True
    assert counters(pbx, DESK)['reboot'] == 2


@pytest.mark.parametrize('action', ['reboot', 'newpass'])
@pytest.mark.parametrize('mac', [DESK, ATA])
def test_check_mode_reads_once_sends_nothing_and_predicts_the_reply(pbx, act, action, mac):
    predicted = act(check_mode=True, mac=mac, action=action)
    assert predicted['changed'] is True
    assert verbs(pbx) == ['read'] and pbx.control.writes() == []
    assert counters(pbx, mac) == {'reboot': 0, 'newpass': 0}
    real = act(mac=mac, action=action)
    assert (predicted['numrows'], predicted['company']) == (real['numrows'], real['company'])
    assert counters(pbx, mac)[action] == 1


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('selector', [{'mac': '000413ffffff'}, {'phoneid': '000413ffffff0'}, {'mac': WAITING}])
def test_no_phone_matches_fails_in_both_modes(pbx, act, selector, check_mode):
    result = act(check_mode=check_mode, action='reboot', **selector)
    assert result['failed'] and result['changed'] is False
    assert 'no phone matches mac %s' % (selector.get('mac') or selector['phoneid'][:12]) in result['msg']
    assert len(pbx.control.log()) == 1


@pytest.mark.parametrize('check_mode', [False, True])
def test_company_admin_acts_on_its_own_companies_only(pbx, act, check_mode):
    own = act(check_mode=check_mode, mac=DESK, action='newpass', api_key='acme-admin-key')
    assert own['changed'] is True and own['numrows'] == 1
    other = act(check_mode=check_mode, mac=GLOBEX, action='newpass', api_key='acme-admin-key')
    assert other['failed'] and 'Permission denied' in other['msg'] and other['changed'] is False
    assert counters(pbx, GLOBEX) == {'reboot': 0, 'newpass': 0}
    assert counters(pbx, DESK)['newpass'] == (0 if check_mode else 1)


def test_a_plain_user_may_not_act(pbx, act):
    result = act(mac=DESK, action='reboot', api_key='bob-key')
    assert result['failed'] and 'Permission denied' in result['msg']
    assert counters(pbx, DESK)['reboot'] == 0


@pytest.mark.smoke
def test_session_auth_logs_in_acts_and_logs_out(pbx, act):
    result = act(mac=DESK, action='reboot', username='acme-admin', password='acme-pass')
    assert result['changed'] is True
    assert [entry['path'].strip('/').split('/', 1)[1] for entry in pbx.control.log()] == ['auth', 'dialplan/reboot', 'auth/logout']


@pytest.mark.parametrize('args, fragment', [
    ({'mac': '00:04:13:aa:00', 'action': 'reboot'}, 'mac: '),
    ({'phoneid': '000413aa0001', 'action': 'reboot'}, 'is not a phoneid'),
    ({'mac': DESK, 'phoneid': DESK + '0', 'action': 'reboot'}, 'mutually exclusive'),
    ({'action': 'reboot'}, 'one of the following is required: mac, phoneid'),
    ({'mac': DESK}, 'missing required arguments: action'),
    ({'mac': DESK, 'action': 'shutdown'}, 'value of action must be one of: reboot, newpass'),
    ({'mac': DESK, 'action': 'reboot', 'api_key': None}, 'one of api_key or username and password is required'),
])
def test_bad_input_fails_before_any_request(pbx, act, args, fragment):
    result = act(**args)
    assert result['failed'] and fragment in result['msg']
    assert pbx.control.log() == []


@pytest.mark.parametrize('status', [503, 429])
def test_a_refused_request_is_retried(pbx, act, run_module, status):
    pbx.control.set_faults(queue=[{'kind': 'status', 'status': status, 'verb': 'reboot'}])
    result = act(mac=DESK, action='reboot')
    assert result['changed'] is True and len(run_module.sleeps) == 1
    assert counters(pbx, DESK)['reboot'] == 1


def test_a_request_cut_off_after_acting_is_never_sent_again(pbx, act):
    pbx.control.set_faults(queue=[{'kind': 'drop_after', 'verb': 'reboot'}])
    result = act(mac=DESK, action='reboot')
    assert not result.get('failed') and result['changed'] is True
    warning = warnings_of(result)[0]
    assert 'PBX unreachable' in warning and 'whether the PBX acted on dialplan/reboot is unknown' in warning
    assert verbs(pbx) == ['reboot'] and counters(pbx, DESK)['reboot'] == 1


def test_a_server_refusal_names_the_call_the_phone_and_the_message(pbx, act):
    pbx.control.set_faults(fail=[{'verb': 'newpass', 'mac': DESK, 'message': 'Provisioning server busy'}])
    result = act(mac=DESK, action='newpass')
    assert result['failed'] and result['changed'] is False
    assert 'dialplan/newpass for phone %s' % DESK in result['msg'] and 'Provisioning server busy' in result['msg']
    assert result['server_message'] == 'Provisioning server busy'


def test_an_unreachable_pbx_names_the_url(run_module):
    result = run_module(dialplan_phone_action, dict(url='http://127.0.0.1:9', api_key='k', mac=DESK, action='reboot', retries=0))
    assert result['failed'] and 'PBX unreachable at http://127.0.0.1:9/rest/dialplan/reboot/' in result['msg']


def test_credentials_from_the_environment(pbx, run_module, monkeypatch):
    monkeypatch.setenv('IPCORTEX_URL', pbx.url)
    monkeypatch.setenv('IPCORTEX_API_KEY', SYSADMIN_KEY)
    assert run_module(dialplan_phone_action, dict(mac=DESK, action='reboot'))['changed'] is True


@pytest.mark.parametrize('auth', [{'api_key': SYSADMIN_KEY}, {'api_key': 'wrong-key'}, {'username': 'admin', 'password': 'admin-pass'}])
def test_no_secret_in_any_output(pbx, act, run_module, auth):
    act(mac=DESK, action='reboot', **auth)
    act(mac='000413ffffff', action='newpass', **auth)
    for secret in (SYSADMIN_KEY, 'wrong-key', 'admin-pass'):
        assert secret not in run_module.last_output
