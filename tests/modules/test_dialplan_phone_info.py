# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""dialplan_phone_info over real HTTP against the emulator: each selector, request counts, round trips, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import threading

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxClient
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import SETTINGS
from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phone_info, dialplan_phones

from pbx_helpers import SYSADMIN_KEY, api, verbs  # pylint: disable=import-error

ATA = '000e08aa0003'
ACME = ['000413aa00010', '000413aa00020', '000e08aa00030', '000e08aa00031']
GLOBEX = ['0004f2bb00020', '001565bb00010']
WAITING = ['000e08cc00020', '000e08cc00021', '001565cc00010']
FULL_KEYS = set(('mac', 'port', 'phoneid') + SETTINGS)
LISTING_KEYS = {'mac', 'port', 'phoneid', 'company', 'phone_type', 'description', 'created'}
READ_ONLY = ('phoneid', 'description', 'created')


@pytest.fixture
def info(pbx, call_module):
    pbx.control.clear_log()
    return functools.partial(call_module, dialplan_phone_info)


def ids(result):
    return sorted(phone['phoneid'] for phone in result['phones'])


def settable(phone):
    return dict((key, value) for key, value in phone.items() if key not in READ_ONLY)


# --- by device ------------------------------------------------------------------------------

def test_by_mac_every_port_with_every_setting_in_one_request(pbx, info):
    result = info(mac='00:0e:08:AA:00:03')
    assert result['changed'] is False and result['phone_types'] == []
    assert [phone['phoneid'] for phone in result['phones']] == [ATA + '0', ATA + '1']
    assert all(set(phone) == FULL_KEYS for phone in result['phones'])
    assert [phone['name'] for phone in result['phones']] == ['Fax', 'Door entry']
    assert result['phones'][1]['can_forward'] is False and result['phones'][1]['port'] == 1
    assert verbs(pbx) == ['read'] and pbx.control.log()[0]['scope'] == {'mac': ATA}


@pytest.mark.parametrize('selector', [{'mac': ATA, 'port': 1}, {'phoneid': ATA + '1'}, {'phoneid': ATA + '1', 'port': 1}])
def test_one_port_row_by_mac_and_port_or_by_phoneid(pbx, info, selector):
    result = info(**selector)
    assert ids(result) == [ATA + '1'] and result['phones'][0]['name'] == 'Door entry'
    assert verbs(pbx) == ['read'] and pbx.control.log()[0]['scope'] == {'mac': ATA, 'port': 1}


def test_an_unknown_device_is_an_empty_list(pbx, info):
    result = info(mac='000413ffffff')
    result.pop('invocation', None)  # ansible-core 2.21 adds it only when the controller asks for it
    assert result == {'changed': False, 'phones': [], 'phone_types': []}


def test_normalised_like_the_options(pbx, info):
    lab = info(mac='0004f2bb0002')['phones'][0]
    assert (lab['ip_addr'], lab['ip_dns2'], lab['call_group'], lab['qualify']) == ('192.0.2.50/24', None, None, '')
    sales = info(mac='000413aa0002')['phones'][0]
    assert sales['barge'] == 3 and sales['can_hotdesk'] is True


# --- listings -------------------------------------------------------------------------------

def test_by_one_company_one_request(pbx, info):
    result = info(company='acme')
    assert ids(result) == ACME
    assert all(set(phone) == LISTING_KEYS for phone in result['phones'])
    assert {phone['company'] for phone in result['phones']} == {'acme'}
    ata = [phone for phone in result['phones'] if phone['phoneid'] == ATA + '1'][0]
    assert (ata['mac'], ata['port'], ata['phone_type'], ata['created']) == (ATA, 1, 'spa112', 1700000200)
    assert 'spa112' in ata['description']
    assert verbs(pbx) == ['active'] and pbx.control.log()[0]['scope'] == {'company': 'acme'}


def test_by_a_list_of_companies(pbx, info):
    result = info(company=['acme', 'globex'])
    assert ids(result) == sorted(ACME + GLOBEX)
    assert verbs(pbx) == ['active'] and pbx.control.log()[0]['scope'] == {'company': ['acme', 'globex']}


def test_with_details_one_read_per_device(pbx, info):
    result = info(company='acme', details=True)
    assert ids(result) == ACME
    assert all(set(phone) == FULL_KEYS | {'description', 'created'} for phone in result['phones'])
    names = dict((phone['phoneid'], phone['name']) for phone in result['phones'])
    assert names[ATA + '1'] == 'Door entry' and names['000413aa00020'] == 'Sales desk'
    assert verbs(pbx) == ['active', 'read', 'read', 'read']


def test_no_selector_lists_every_active_phone_in_one_request(pbx, info):
    result = info()
    assert ids(result) == sorted(ACME + GLOBEX) and verbs(pbx) == ['active']
    assert pbx.control.log()[0]['scope'] is None or pbx.control.log()[0]['scope'] == {}


def test_no_selector_with_details(pbx, info):
    result = info(details=True)
    assert ids(result) == sorted(ACME + GLOBEX)
    assert verbs(pbx) == ['active'] + ['read'] * 5


def test_details_reads_devices_in_parallel(pbx, info, monkeypatch):
    # Two reads must be in flight together to pass the barrier; sequential reads break it.
    barrier = threading.Barrier(2, timeout=20)
    original = PbxClient.read_phone

    def meet_then_read(self, mac, port=None, ports=None):
        barrier.wait()
        return original(self, mac, port, ports)
    monkeypatch.setattr(PbxClient, 'read_phone', meet_then_read)
    result = info(company='globex', details=True, concurrency=2)
    assert ids(result) == GLOBEX and not barrier.broken


def test_a_device_deleted_between_listing_and_reading_is_left_out(pbx, info, monkeypatch):
    original = PbxClient.call

    def delete_after_listing(self, verb, *args, **kwargs):
        reply = original(self, verb, *args, **kwargs)
        if verb == 'active':
            api(pbx.url, 'delete', scope={'mac': ATA})
        return reply
    monkeypatch.setattr(PbxClient, 'call', delete_after_listing)
    result = info(company='acme', details=True)
    assert ids(result) == ['000413aa00010', '000413aa00020']


def test_inactive_lists_the_waiting_phones(pbx, info):
    result = info(inactive=True)
    assert ids(result) == WAITING and verbs(pbx) == ['inactive']
    assert all(set(phone) == LISTING_KEYS - {'company'} for phone in result['phones'])
    assert result['phones'][0]['phone_type'] in ('spa2102', 'yealinkT42')


def test_phone_types_alone_reads_only_the_types(pbx, info):
    result = info(phone_types=True)
    assert result['phones'] == [] and verbs(pbx) == ['readtypes']
    types = dict((row['phone_type'], row) for row in result['phone_types'])
    assert types['spa112']['ports'] == 2 and types['snom320']['ports'] == 1 and types['snom320']['description']
    assert len(types) > 300


def test_phone_types_with_a_selector(pbx, info):
    result = info(company='globex', phone_types=True)
    assert ids(result) == GLOBEX and result['phone_types']
    assert verbs(pbx) == ['active', 'readtypes']


def test_check_mode_gives_the_same_and_writes_nothing(pbx, info):
    real = info(company='acme', details=True)
    checked = info(company='acme', details=True, check_mode=True)
    assert checked['phones'] == real['phones'] and checked['changed'] is False
    assert pbx.control.writes() == []


# --- the output is input -------------------------------------------------------------------

@pytest.mark.parametrize('pid', ACME + GLOBEX)
def test_a_phone_read_by_mac_fed_back_to_dialplan_phone_is_unchanged(pbx, info, run_module, pid):
    phone = info(phoneid=pid)['phones'][0]
    pbx.control.clear_log()
    result = run_module(dialplan_phone, dict(settable(phone), url=pbx.url, api_key=SYSADMIN_KEY))
    assert result['changed'] is False and result['action'] == 'unchanged'
    assert verbs(pbx) == ['read']


@pytest.mark.parametrize('selector', [{'company': 'globex', 'details': True}, {'details': True}, {'company': 'acme'}, {}])
def test_phones_0_of_a_listing_fed_back_to_dialplan_phone_is_unchanged(pbx, info, run_module, selector):
    phone = info(**selector)['phones'][0]
    pbx.control.clear_log()
    result = run_module(dialplan_phone, dict(settable(phone), url=pbx.url, api_key=SYSADMIN_KEY))
    assert result['changed'] is False and pbx.control.writes() == []


@pytest.mark.smoke
def test_every_phone_fed_back_to_dialplan_phones_is_unchanged(pbx, info, run_module):
    phones = [settable(phone) for phone in info(details=True)['phones']]
    pbx.control.clear_log()
    result = run_module(dialplan_phones, dict(phones=phones, url=pbx.url, api_key=SYSADMIN_KEY))
    assert result['changed'] is False and result['summary']['unchanged'] == 6
    assert pbx.control.writes() == []


def test_a_waiting_phone_fed_back_with_a_company_is_promoted(pbx, info, run_module):
    phone = [phone for phone in info(inactive=True)['phones'] if phone['phone_type'] == 'yealinkT42'][0]
    result = run_module(dialplan_phone, dict(settable(phone), company='acme', url=pbx.url, api_key=SYSADMIN_KEY))
    assert result['action'] == 'promoted'


# --- permissions, authentication, failures -------------------------------------------------

def test_company_admin_sees_its_own_companies(pbx, info):
    assert ids(info(api_key='acme-admin-key')) == ACME
    assert ids(info(api_key='acme-admin-key', details=True)) == ACME
    assert ids(info(api_key='acme-admin-key', company='acme')) == ACME


@pytest.mark.parametrize('selector', [{'company': 'globex'}, {'mac': '001565bb0001'}, {'inactive': True}])
def test_company_admin_is_refused_other_phones(pbx, info, selector):
    result = info(api_key='acme-admin-key', **selector)
    assert result['failed'] and 'Permission denied' in result['msg'] and result['changed'] is False


def test_session_auth_logs_in_once_for_every_read(pbx, info):
    result = info(username='admin', password='admin-pass', company='acme', details=True)
    assert ids(result) == ACME
    paths = [entry['path'].strip('/').split('/', 1)[1] for entry in pbx.control.log()]
    assert paths[0] == 'auth' and paths[-1] == 'auth/logout' and paths.count('auth') == 1
    assert paths[1:-1] == ['dialplan/active'] + ['dialplan/read'] * 3


@pytest.mark.parametrize('args, fragment', [
    ({'mac': '00:0e:08:aa:00'}, 'mac: '),
    ({'phoneid': ATA}, 'is not a phoneid'),
    ({'phoneid': ATA + '1', 'port': 0}, 'contradicts phoneid'),
    ({'mac': ATA, 'port': -1}, 'port: -1 is not a port number'),
    ({'port': 1}, 'port: give it with mac'),
    ({'mac': ATA, 'company': 'acme'}, 'mutually exclusive'),
    ({'inactive': True, 'details': True}, 'mutually exclusive'),
    ({'concurrency': 0}, 'concurrency must be 1 or more'),
    ({'api_key': 'k', 'username': 'admin', 'password': 'admin-pass'}, 'not both'),
])
def test_bad_input_fails_before_any_request(pbx, info, args, fragment):
    result = info(**args)
    assert result['failed'] and fragment in result['msg']
    assert pbx.control.log() == []


def test_wrong_credentials_fail_clearly(pbx, info):
    result = info(api_key='wrong-key')
    assert result['failed'] and 'check api_key, or username and password' in result['msg']
    assert 'wrong-key' not in str(result)


def test_a_transient_failure_of_a_detail_read_is_retried(pbx, info, run_module):
    pbx.control.set_faults(queue=[{'kind': 'status', 'status': 503, 'verb': 'read'}])
    result = info(company='acme', details=True)
    assert ids(result) == ACME and len(run_module.sleeps) == 1


def test_a_refused_detail_read_fails_the_task_with_the_message(pbx, info):
    pbx.control.set_faults(fail=[{'verb': 'read', 'mac': ATA, 'message': 'Database is locked'}])
    result = info(company='acme', details=True)
    assert result['failed'] and 'dialplan/read for phone %s' % ATA in result['msg'] and 'Database is locked' in result['msg']


def test_an_unreachable_pbx_names_the_url(run_module):
    result = run_module(dialplan_phone_info, dict(url='http://127.0.0.1:9', api_key='k', retries=0))
    assert result['failed'] and 'PBX unreachable at http://127.0.0.1:9/rest/dialplan/active/' in result['msg']


def test_credentials_from_the_environment(pbx, run_module, monkeypatch):
    monkeypatch.setenv('IPCORTEX_URL', pbx.url)
    monkeypatch.setenv('IPCORTEX_API_KEY', SYSADMIN_KEY)
    assert ids(run_module(dialplan_phone_info, dict(company='globex'))) == GLOBEX
