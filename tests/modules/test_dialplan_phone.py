# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""dialplan_phone over real HTTP against the emulator: behaviour, request counts, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone

from pbx_helpers import SYSADMIN_KEY, api, verbs  # pylint: disable=import-error

MAC = '000413cc0001'
IP_KEYS = ['ip_addr', 'ip_dns1', 'ip_dns2', 'ip_domain', 'ip_gateway']


@pytest.fixture
def converge(pbx, call_module):
    return functools.partial(call_module, dialplan_phone)


def writes(pbx):
    return pbx.control.writes()


def read_row(pbx, mac=MAC, port=0):
    return api(pbx.url, 'read', scope={'mac': mac, 'port': port})['values'][0]


# --- idempotence and request counts -------------------------------------------------------

def test_no_op_run_costs_exactly_one_request(pbx, phone, converge):
    phone()
    result = converge(mac=MAC, name='Reception', company='acme', phone_type='snom320')
    assert result['changed'] is False and result['action'] == 'unchanged'
    assert verbs(pbx) == ['read']
    assert result['phone']['name'] == 'Reception' and result['phone']['phoneid'] == MAC + '0'
    assert result['diff']['before'] == result['diff']['after']


def test_one_setting_costs_read_update_read_back(pbx, phone, converge):
    phone()
    result = converge(mac='00:04:13:CC:00:01', zone='Europe/London')
    assert result['changed'] is True and result['action'] == 'updated'
    assert verbs(pbx) == ['read', 'update', 'read']
    assert [entry['keys'] for entry in writes(pbx)] == [['zone']]
    assert result['diff'] == {'before': {'state': 'present', 'zone': ''}, 'after': {'state': 'present', 'zone': 'Europe/London'}}
    assert result['phone']['zone'] == 'Europe/London'
    pbx.control.clear_log()
    again = converge(mac=MAC, zone='Europe/London')
    assert again['changed'] is False and verbs(pbx) == ['read']


@pytest.mark.parametrize('settings', [
    {'name': 'Front desk'},
    {'can_hotdesk': True, 'can_forward': False, 'nat_mode': True},
    {'qualify': True},
    {'qualify': ''},
    {'qualify': 'no'},
    {'call_group': '12'},
    {'access': 'internal', 'nat_ipaddr': 'static', 'ntp': 'pool.ntp.org', 'codec_list': 'g722,alaw'},
    {'barge': 3},
    {'barge': ['can_be_barged']},
    {'zone': 'US/Eastern'},
    {'ip_addr': '192.0.2.10/24', 'ip_gateway': '192.0.2.1', 'ip_dns1': '192.0.2.53', 'ip_dns2': '192.0.2.54', 'ip_domain': 'example.com'},
])
def test_every_setting_converges_and_then_stays_unchanged(pbx, phone, converge, settings):
    phone()
    first = converge(mac=MAC, **settings)
    assert first['changed'] is (settings != {'qualify': ''})
    pbx.control.clear_log()
    second = converge(mac=MAC, **settings)
    assert second['changed'] is False
    assert writes(pbx) == []


@pytest.mark.smoke
def test_check_mode_sends_no_write_and_predicts_the_real_run(pbx, phone, converge):
    phone()
    args = dict(mac=MAC, name='Front desk', zone='Europe/Paris', barge=1)
    predicted = converge(check_mode=True, **args)
    assert writes(pbx) == []
    real = converge(**args)
    assert (predicted['changed'], predicted['action'], predicted['diff']) == (real['changed'], real['action'], real['diff'])
    assert predicted['phone'] == real['phone']


# --- create, static IP, reassign, delete --------------------------------------------------

@pytest.mark.smoke
def test_create_then_settings_then_unchanged(pbx, converge):
    pbx.control.clear_log()
    args = dict(mac=MAC, company='acme', phone_type='yealinkT46', name='New', zone='Europe/London', can_hotdesk=True)
    predicted = converge(check_mode=True, **args)
    assert writes(pbx) == [] and predicted['action'] == 'created'
    pbx.control.clear_log()
    created = converge(**args)
    assert created['action'] == 'created' and created['changed'] is True
    assert verbs(pbx) == ['read', 'inactive', 'create', 'read', 'update', 'read']
    assert sorted(writes(pbx)[1]['keys']) == ['can_hotdesk', 'zone']
    assert created['diff'] == predicted['diff']
    assert created['diff']['before'] == {'state': 'absent'}
    assert created['phone']['zone'] == 'Europe/London'
    pbx.control.clear_log()
    assert converge(**args)['changed'] is False and verbs(pbx) == ['read']


def test_create_needs_company_and_type(pbx, converge):
    result = converge(mac=MAC, name='x')
    assert result['failed'] and 'company and phone_type are required' in result['msg']
    assert writes(pbx) == []


def test_static_ip_sends_all_five_fields_and_clearing_sends_nulls(pbx, phone, converge):
    phone()
    converge(mac=MAC, ip_addr='192.0.2.10/24', ip_gateway='192.0.2.1')
    assert sorted(writes(pbx)[0]['keys']) == IP_KEYS
    row = read_row(pbx)
    assert (row['ip_addr'], row['ip_gateway'], row['ip_dns1']) == ('192.0.2.10/24', '192.0.2.1', None)
    pbx.control.clear_log()
    result = converge(mac=MAC, ip_gateway='192.0.2.254')
    assert sorted(writes(pbx)[0]['keys']) == IP_KEYS
    assert result['phone']['ip_addr'] == '192.0.2.10/24' and result['phone']['ip_gateway'] == '192.0.2.254'
    pbx.control.clear_log()
    converge(mac=MAC, ip_addr='', ip_gateway='')
    assert read_row(pbx)['ip_addr'] is None


def test_company_change_without_reassign_fails_before_any_write(pbx, phone, converge):
    phone()
    result = converge(mac=MAC, company='globex', name='Moved')
    assert result['failed'] and 'reassign: true' in result['msg']
    assert writes(pbx) == []


def test_reassign_moves_the_phone_then_converges_the_rest(pbx, phone, converge):
    phone()
    result = converge(mac=MAC, company='globex', reassign=True, name='Moved')
    assert result['changed'] is True
    assert [(entry['verb'], entry['keys']) for entry in writes(pbx)] == [('assign', ['company']), ('update', ['name'])]
    assert verbs(pbx) == ['read', 'assign', 'update', 'read']
    assert (read_row(pbx)['company'], read_row(pbx)['name']) == ('globex', 'Moved')
    assert result['diff']['before']['company'] == 'acme' and result['diff']['after']['company'] == 'globex'


def test_delete_then_delete_again_is_unchanged(pbx, phone, converge):
    phone()
    predicted = converge(mac=MAC, state='absent', check_mode=True)
    assert predicted['changed'] is True and writes(pbx) == []
    result = converge(mac=MAC, state='absent')
    assert result['action'] == 'deleted' and result['diff'] == predicted['diff']
    assert result['diff']['before']['name'] == 'Reception' and result['diff']['after'] == {'state': 'absent'}
    assert result['phone'] == {} and result['ports'] == []
    pbx.control.clear_log()
    again = converge(mac=MAC, state='absent')
    assert again['changed'] is False and writes(pbx) == []


# --- ports and phone types ----------------------------------------------------------------

def test_port_rows_by_port_and_by_phoneid(pbx, phone, converge):
    phone(phone_type='spa112')
    result = converge(phoneid=MAC + '1', name='Fax')
    assert [entry['scope'] for entry in writes(pbx)] == [{'mac': MAC, 'port': 1}]
    assert [port['port'] for port in result['ports']] == [0, 1]
    assert read_row(pbx, port=1)['name'] == 'Fax' and read_row(pbx, port=0)['name'] == 'Reception'
    pbx.control.clear_log()
    assert converge(mac=MAC, port=1, name='Fax')['changed'] is False


def test_a_port_the_device_lacks_fails_before_any_write(pbx, phone, converge):
    phone()
    result = converge(mac=MAC, port=3, name='x')
    assert result['failed'] and 'has no port 3' in result['msg'] and 'its ports are 0' in result['msg']
    assert writes(pbx) == []


def test_phone_type_change_that_adds_ports_reads_the_new_rows_and_warns(pbx, phone, converge):
    phone()
    result = converge(mac=MAC, phone_type='spa112')
    assert result['changed'] is True
    assert [port['port'] for port in result['ports']] == [0, 1]
    assert any('defaults' in str(warning) for warning in result.get('warnings', []))


# --- validation before any write ----------------------------------------------------------

@pytest.mark.parametrize('args, fragment', [
    ({'mac': '00:04:13:cc:00'}, 'mac: '),
    ({'mac': MAC, 'phoneid': MAC + '0'}, 'mutually exclusive'),
    ({'name': 'x'}, 'one of the following is required: mac, phoneid'),
    ({'mac': MAC, 'zone': 'Mars/Olympus'}, 'zone'),
    ({'mac': MAC, 'barge': 4}, 'barge: 4 is not allowed; give 0, 1, 2 or 3'),
    ({'mac': MAC, 'barge': -1}, 'barge: -1 is not allowed'),
    ({'mac': MAC, 'qualify': 'often'}, 'qualify'),
    ({'mac': MAC, 'can_hotdesk': 'perhaps'}, 'can_hotdesk'),
    ({'mac': MAC, 'phone_type': 'snom9999'}, "phone_type: 'snom9999' is not a phone type the PBX knows"),
])
def test_bad_input_fails_before_any_write(pbx, phone, converge, args, fragment):
    phone()
    result = converge(**args)
    assert result['failed'] and fragment in result['msg']
    assert writes(pbx) == []


def test_unknown_phone_type_is_checked_against_readtypes(pbx, phone, converge):
    phone()
    converge(mac=MAC, phone_type='snom9999')
    assert verbs(pbx) == ['readtypes']


@pytest.mark.parametrize('auth, fragment', [
    ({}, 'one of api_key or username and password is required'),
    ({'api_key': SYSADMIN_KEY, 'username': 'admin', 'password': 'admin-pass'}, 'not both'),
    ({'username': 'admin'}, 'username and password must be given together'),
])
def test_exactly_one_auth_method(pbx, run_module, auth, fragment):
    result = run_module(dialplan_phone, dict(auth, url=pbx.url, mac=MAC, name='x'))
    assert result['failed'] and fragment in result['msg']
    assert pbx.control.log() == []


# --- authentication and permissions -------------------------------------------------------

def test_session_auth_logs_in_once_and_out_at_the_end(pbx, phone, converge):
    phone()
    result = converge(mac=MAC, username='admin', password='admin-pass', name='Via session')
    assert result['changed'] is True
    log = pbx.control.log()
    assert [entry['path'].strip('/').split('/', 1)[1] for entry in log] == ['auth', 'dialplan/read', 'dialplan/update', 'dialplan/read', 'auth/logout']
    assert {entry['auth'] for entry in log[1:4]} == {'session'}


def test_an_expired_session_is_renewed_once(pbx, phone, converge, monkeypatch):
    phone()
    from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxClient
    original = PbxClient.call

    def expire_before_writes(self, verb, *args, **kwargs):
        if verb == 'update':
            pbx.control.expire_sessions()
        return original(self, verb, *args, **kwargs)
    monkeypatch.setattr(PbxClient, 'call', expire_before_writes)
    result = converge(mac=MAC, username='admin', password='admin-pass', name='Renewed')
    assert result['changed'] is True and read_row(pbx)['name'] == 'Renewed'
    paths = [entry['path'].strip('/').split('/', 1)[1] for entry in pbx.control.log()]
    assert paths.count('auth') == 2 and paths.count('dialplan/update') == 2


@pytest.mark.parametrize('auth', [{'api_key': 'wrong-key'}, {'username': 'admin', 'password': 'wrong'}])
def test_wrong_credentials_fail_clearly_and_are_not_retried(pbx, phone, converge, auth):
    phone()
    result = converge(mac=MAC, name='x', **auth)
    assert result['failed'] and 'check api_key, or username and password' in result['msg']
    assert len(pbx.control.log()) == 1


def test_company_admin_manages_its_own_companies_only(pbx, phone, converge):
    phone(mac=MAC, company='acme')
    phone(mac='000413cc0002', company='globex')
    own = converge(mac=MAC, api_key='acme-admin-key', name='Mine')
    assert own['changed'] is True
    other = converge(mac='000413cc0002', api_key='acme-admin-key', name='Theirs')
    assert other['failed'] and 'permission' in other['msg'].lower()
    create = converge(mac='000413cc0003', api_key='acme-admin-key', company='acme', phone_type='snom320')
    assert create['failed'] and 'dialplan/create' in create['msg']
    assert [entry['verb'] for entry in writes(pbx) if entry['result'] == 'success'] == ['update']


# --- transient faults ---------------------------------------------------------------------

@pytest.mark.parametrize('fault', [
    {'kind': 'status', 'status': 503},
    {'kind': 'status', 'status': 502},
    {'kind': 'status', 'status': 504},
    {'kind': 'status', 'status': 429},
    {'kind': 'drop'},
])
def test_transient_failures_of_a_read_are_retried(pbx, phone, converge, run_module, fault):
    phone()
    pbx.control.set_faults(queue=[dict(fault, verb='read')])
    result = converge(mac=MAC, name='After retry')
    assert result['changed'] is True and read_row(pbx)['name'] == 'After retry'
    assert len(run_module.sleeps) == 1


def test_retry_after_is_honoured(pbx, phone, converge, run_module):
    phone()
    pbx.control.set_faults(queue=[{'kind': 'status', 'status': 429, 'verb': 'update'}], retry_after=2)
    converge(mac=MAC, name='Later')
    assert run_module.sleeps and run_module.sleeps[0] >= 2


def test_retries_give_up_with_the_last_error(pbx, phone, converge):
    phone()
    pbx.control.set_faults(queue=[{'kind': 'status', 'status': 503, 'verb': 'read'}] * 3)
    result = converge(mac=MAC, name='x', retries=2)
    assert result['failed'] and '(HTTP 503)' in result['msg']
    assert writes(pbx) == []


def test_a_500_is_not_retried(pbx, phone, converge):
    phone()
    pbx.control.set_faults(queue=[{'kind': 'status', 'status': 500, 'verb': 'read'}])
    result = converge(mac=MAC, name='x')
    assert result['failed'] and '(HTTP 500)' in result['msg']


def test_a_write_cut_off_after_it_was_applied_is_not_sent_again(pbx, phone, converge):
    phone()
    pbx.control.set_faults(queue=[{'kind': 'drop_after', 'verb': 'update'}])
    result = converge(mac=MAC, name='Once')
    assert verbs(pbx) == ['read', 'update', 'read']
    assert result['changed'] is True and read_row(pbx)['name'] == 'Once'


def test_a_create_that_timed_out_is_not_created_twice(pbx, converge):
    pbx.control.clear_log()
    pbx.control.set_faults(queue=[{'kind': 'stall', 'seconds': 2, 'verb': 'create'}])
    result = converge(mac=MAC, company='acme', phone_type='snom320', name='Slow', timeout=1)
    assert result['changed'] is True and result['action'] == 'created'
    assert verbs(pbx).count('create') == 1


def test_a_write_dropped_before_it_was_applied_is_decided_again(pbx, phone, converge):
    phone()
    pbx.control.set_faults(queue=[{'kind': 'drop', 'verb': 'update'}])
    result = converge(mac=MAC, name='Second try')
    assert verbs(pbx) == ['read', 'update', 'read', 'update', 'read']
    assert result['changed'] is True and read_row(pbx)['name'] == 'Second try'


# --- server refusals and unreachable servers ----------------------------------------------

def test_a_server_refusal_names_the_call_the_phone_and_the_message(pbx, phone, converge):
    phone()
    pbx.control.set_faults(fail=[{'verb': 'update', 'mac': MAC, 'message': 'Database is locked'}])
    result = converge(mac=MAC, name='x')
    assert result['failed']
    assert 'dialplan/update' in result['msg'] and MAC in result['msg'] and 'Database is locked' in result['msg']
    assert 'Traceback' not in result['msg']


def test_an_unreachable_pbx_names_the_url(run_module):
    result = run_module(dialplan_phone, dict(url='http://127.0.0.1:9', api_key='k', mac=MAC, name='x', retries=0))
    assert result['failed'] and 'PBX unreachable at http://127.0.0.1:9/rest/dialplan/read/' in result['msg']


def test_credentials_from_the_environment(pbx, phone, run_module, monkeypatch):
    phone()
    monkeypatch.setenv('IPCORTEX_URL', pbx.url)
    monkeypatch.setenv('IPCORTEX_API_KEY', SYSADMIN_KEY)
    assert run_module(dialplan_phone, dict(mac=MAC, name='From env'))['changed'] is True


@pytest.mark.parametrize('args', [
    {'name': 'x'},
    {'name': 'x', 'api_key': 'wrong-key'},
    {'phone_type': 'snom9999'},
])
def test_no_secret_in_any_output(pbx, phone, converge, run_module, args):
    phone()
    converge(mac=MAC, **args)
    assert SYSADMIN_KEY not in run_module.last_output and 'wrong-key' not in run_module.last_output
    converge(mac=MAC, username='admin', password='admin-pass', **args)
    assert 'admin-pass' not in run_module.last_output


# --- phones waiting to be provisioned -----------------------------------------------------

WAITING = '001565cc0001'  # waits in the default seed as a yealinkT42


def test_a_waiting_phone_is_promoted_not_created(pbx, converge):
    args = dict(mac=WAITING, company='globex', name='Adopted')
    predicted = converge(check_mode=True, **args)
    assert predicted['action'] == 'promoted' and writes(pbx) == []
    pbx.control.clear_log()
    result = converge(**args)
    assert result['action'] == 'promoted' and result['changed'] is True
    assert verbs(pbx) == ['read', 'inactive', 'promote', 'read', 'update', 'read']
    assert [(entry['verb'], entry['keys']) for entry in writes(pbx)] == [('promote', ['company']), ('update', ['name'])]
    assert result['diff'] == predicted['diff']
    assert result['diff']['before'] == {'state': 'waiting', 'phone_type': 'yealinkT42'}
    assert read_row(pbx, WAITING)['company'] == 'globex'
    pbx.control.clear_log()
    assert converge(**args)['changed'] is False and verbs(pbx) == ['read']


def test_a_promoted_phone_gets_the_declared_type(pbx, converge):
    result = converge(mac=WAITING, company='globex', phone_type='yealinkT46')
    assert [(entry['verb'], entry['keys']) for entry in writes(pbx)] == [('promote', ['company']), ('update', ['phone_type'])]
    assert result['phone']['phone_type'] == 'yealinkT46'


def test_a_waiting_phone_needs_a_company(pbx, converge):
    result = converge(mac=WAITING, name='x')
    assert result['failed'] and 'company is required to promote' in result['msg']
    assert writes(pbx) == []


def test_absent_demotes_a_waiting_phone(pbx, converge):
    predicted = converge(mac=WAITING, state='absent', check_mode=True)
    assert predicted['action'] == 'demoted' and writes(pbx) == []
    result = converge(mac=WAITING, state='absent')
    assert result['action'] == 'demoted' and result['diff'] == predicted['diff']
    assert [entry['verb'] for entry in writes(pbx)] == ['demote']
    assert WAITING not in [row['phoneid'][:12] for row in api(pbx.url, 'inactive')['values']]
    pbx.control.clear_log()
    again = converge(mac=WAITING, state='absent')
    assert again['changed'] is False and verbs(pbx) == ['read', 'inactive']
