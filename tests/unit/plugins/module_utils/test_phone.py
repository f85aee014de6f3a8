# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Table-driven tests of the handset model and planner: no server involved."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import (
    IP_FIELDS,
    Call,
    InvalidInput,
    NotPlannable,
    check_phone_type,
    desired_phone,
    identity,
    normalize_mac,
    normalize_row,
    normalize_setting,
    plan_phone,
    predict_rows,
    row_for_port,
    unconverged_keys,
)

MAC = '000413aabb01'


def server_row(port=0, **changes):
    """A port row as the PBX returns it."""
    row = {
        'mac': MAC, 'port': port, 'name': 'Reception', 'company': 'acme', 'phone_type': 'snom320', 'zone': '',
        'can_hotdesk': False, 'can_forward': True, 'qualify': '', 'call_group': None, 'access': 'full',
        'nat_mode': False, 'nat_ipaddr': 'none', 'ntp': 'default', 'codec_list': 'default', 'barge': 0,
        'ip_addr': None, 'ip_dns1': None, 'ip_dns2': None, 'ip_gateway': None, 'ip_domain': None,
    }
    row.update(changes)
    return row


def rows(*raw_rows):
    return [normalize_row(row) for row in (raw_rows or (server_row(),))]


def desired(**params):
    params.setdefault('mac', MAC)
    return desired_phone(params)


# --- MACs, phoneids, ports -----------------------------------------------------------------

@pytest.mark.parametrize('notation', [
    '000413aabb01', '000413AABB01', '00:04:13:aa:bb:01', '00:04:13:AA:BB:01', '00-04-13-aa-bb-01',
    '00-04-13-AA-BB-01', '0004.13aa.bb01', '0004.13AA.BB01', ' 00:04:13:aa:bb:01 ',
])
def test_every_common_mac_notation_normalises_to_12_lower_hex(notation):
    assert normalize_mac(notation) == MAC


@pytest.mark.parametrize('bad', [
    '', '000413aabb0', '000413aabb011', '000413aabbzz', '00:04:13:aa:bb', '00:04:13-aa:bb:01', '00.04.13.aa.bb.01',
    '0004:13aa:bb01', '00:04:13:aa:bb:01:02', 'not-a-mac', '0x000413aabb01',
])
def test_bad_macs_name_the_option_and_the_allowed_forms(bad):
    with pytest.raises(InvalidInput) as err:
        normalize_mac(bad)
    assert err.value.option == 'mac'
    assert '00:04:13:aa:bb:01' in str(err.value) and '000413aabb01' in str(err.value)


@pytest.mark.parametrize('params, expected', [
    ({'mac': MAC}, (MAC, 0)),
    ({'mac': MAC, 'port': 1}, (MAC, 1)),
    ({'mac': MAC, 'port': '2'}, (MAC, 2)),
    ({'phoneid': MAC + '0'}, (MAC, 0)),
    ({'phoneid': MAC.upper() + '1'}, (MAC, 1)),
    ({'phoneid': MAC + '12'}, (MAC, 12)),
    ({'phoneid': MAC + '1', 'port': 1}, (MAC, 1)),
])
def test_identity_from_mac_port_or_phoneid(params, expected):
    assert identity(params) == expected


@pytest.mark.parametrize('params, option, fragment', [
    ({'mac': MAC, 'phoneid': MAC + '0'}, 'mac', 'not both'),
    ({}, 'mac', 'one of mac or phoneid is required'),
    ({'phoneid': MAC}, 'phoneid', 'followed by the port'),
    ({'phoneid': 'zz0413aabb010'}, 'phoneid', 'not a phoneid'),
    ({'phoneid': MAC + '1', 'port': 0}, 'port', 'contradicts phoneid'),
    ({'mac': MAC, 'port': -1}, 'port', 'not a port number'),
    ({'mac': MAC, 'port': 'one'}, 'port', 'not a port number'),
    ({'mac': MAC, 'port': True}, 'port', 'not a port number'),
])
def test_identity_errors(params, option, fragment):
    with pytest.raises(InvalidInput) as err:
        identity(params)
    assert err.value.option == option
    assert fragment in str(err.value)


def test_messages_carry_the_fleet_entry_prefix():
    with pytest.raises(InvalidInput) as err:
        desired_phone({'mac': 'bad'}, prefix='phones[3].')
    assert err.value.option == 'phones[3].mac'
    assert str(err.value).startswith('phones[3].mac: ')


# --- settings on both sides ----------------------------------------------------------------

@pytest.mark.parametrize('key, raw, expected', [
    ('can_hotdesk', True, True), ('can_hotdesk', 1, True), ('can_hotdesk', '1', True), ('can_hotdesk', 'yes', True),
    ('can_hotdesk', 'true', True), ('can_hotdesk', 'True', True), ('can_forward', 0, False), ('can_forward', '0', False),
    ('can_forward', 'no', False), ('nat_mode', 'false', False), ('nat_mode', None, None),
    ('qualify', True, True), ('qualify', 'yes', True), ('qualify', 0, False), ('qualify', '', ''), ('qualify', None, ''),
    ('barge', 0, 0), ('barge', 3, 3), ('barge', '2', 2), ('barge', None, 0), ('barge', ['can_barge'], 1),
    ('barge', ['can_be_barged'], 2), ('barge', ['can_barge', 'can_be_barged'], 3), ('barge', [], 0),
    ('barge', ['can_barge', 'can_barge'], 1),
    ('call_group', '', None), ('call_group', None, None), ('call_group', 7, '7'), ('call_group', '7', '7'),
    ('ip_addr', '', None), ('ip_addr', None, None), ('ip_addr', ' ', None), ('ip_addr', '10.0.0.2/24', '10.0.0.2/24'),
    ('ip_domain', 'example.com', 'example.com'),
    ('zone', None, ''), ('zone', '', ''), ('zone', 'Europe/London', 'Europe/London'),
    ('name', None, ''), ('name', 'Front desk', 'Front desk'), ('access', None, ''),
])
def test_normalize_setting(key, raw, expected):
    assert normalize_setting(key, raw) == expected


@pytest.mark.parametrize('key, raw, fragment', [
    ('can_hotdesk', 'maybe', 'not a boolean'),
    ('can_forward', 2, 'not a boolean'),
    ('qualify', 'sometimes', 'true, false or an empty string'),
    ('barge', 4, '0, 1, 2 or 3'),
    ('barge', -1, '0, 1, 2 or 3'),
    ('barge', 'all', '0, 1, 2 or 3'),
    ('barge', True, '0, 1, 2 or 3'),
    ('barge', ['can_fly'], 'can_barge, can_be_barged'),
])
def test_bad_settings_name_the_option_and_what_is_allowed(key, raw, fragment):
    with pytest.raises(InvalidInput) as err:
        desired(**{key: raw})
    assert err.value.option == key
    assert fragment in str(err.value)


def test_zone_must_be_listed_or_empty():
    assert desired(zone='').settings['zone'] == ''
    with pytest.raises(InvalidInput) as err:
        desired(zone='Mars/Olympus')
    assert err.value.option == 'zone' and 'Europe/London' in str(err.value)


def test_phone_type_checked_against_the_vendor_list_or_the_server_list():
    assert desired(phone_type='snom320').settings['phone_type'] == 'snom320'
    with pytest.raises(InvalidInput) as err:
        desired(phone_type='snom9999')
    assert err.value.option == 'phone_type' and 'did you mean snomm9 or snom190?' in str(err.value)
    assert desired_phone({'mac': MAC, 'phone_type': 'snom9999'}, known_phone_types={'snom9999'}).settings['phone_type'] == 'snom9999'
    with pytest.raises(InvalidInput):
        check_phone_type('snom320', known_phone_types={'snom9999'})


@pytest.mark.parametrize('key', ['company', 'phone_type'])
def test_company_and_type_cannot_be_empty(key):
    with pytest.raises(InvalidInput) as err:
        desired(**{key: ''})
    assert err.value.option == key


def test_state_must_be_present_or_absent():
    with pytest.raises(InvalidInput) as err:
        desired(state='gone')
    assert err.value.option == 'state'


def test_options_not_given_are_not_managed():
    assert desired(name='x', can_hotdesk=None).settings == {'name': 'x'}


def test_server_rows_are_normalised_on_every_field():
    row = normalize_row(server_row(mac='00:04:13:AA:BB:01', port='1', can_hotdesk=1, can_forward='0', qualify=None,
                                   barge='3', call_group='', ip_addr='', zone=None, name=None))
    assert row['mac'] == MAC and row['port'] == 1
    assert (row['can_hotdesk'], row['can_forward'], row['qualify'], row['barge']) == (True, False, '', 3)
    assert (row['call_group'], row['ip_addr'], row['zone'], row['name']) == (None, None, '', '')


# --- planning ------------------------------------------------------------------------------

def test_a_phone_as_declared_plans_nothing():
    plan = plan_phone(desired(name='Reception', company='acme', phone_type='snom320', barge=0, ip_addr=''), rows())
    assert plan.calls == [] and plan.action == 'unchanged' and not plan.changed
    assert plan.before == plan.after


@pytest.mark.parametrize('server_value, declared', [
    ({'can_hotdesk': 0}, {'can_hotdesk': 'no'}),
    ({'can_hotdesk': '1'}, {'can_hotdesk': True}),
    ({'qualify': None}, {'qualify': ''}),
    ({'qualify': 1}, {'qualify': 'yes'}),
    ({'barge': '3'}, {'barge': ['can_be_barged', 'can_barge']}),
    ({'call_group': ''}, {'call_group': ''}),
    ({'call_group': 5}, {'call_group': '5'}),
    ({'ip_addr': ''}, {'ip_addr': ''}),
    ({'zone': None}, {'zone': ''}),
    ({'mac': '00:04:13:AA:BB:01'}, {'name': 'Reception'}),
])
def test_representation_differences_are_not_changes(server_value, declared):
    plan = plan_phone(desired(**declared), rows(server_row(**server_value)))
    assert plan.calls == []


def test_update_holds_only_the_differing_keys():
    plan = plan_phone(desired(name='Front desk', company='acme', zone='Europe/London', can_forward=True), rows())
    assert plan.calls == [Call('update', {'mac': MAC, 'port': 0}, {'name': 'Front desk', 'zone': 'Europe/London'})]
    assert plan.action == 'updated'
    assert plan.before == {'state': 'present', 'name': 'Reception', 'company': 'acme', 'zone': '', 'can_forward': True}
    assert plan.after == {'state': 'present', 'name': 'Front desk', 'company': 'acme', 'zone': 'Europe/London', 'can_forward': True}


@pytest.mark.parametrize('declared, current, sent', [
    ({'ip_addr': '10.0.0.2/24'}, {}, {'ip_addr': '10.0.0.2/24', 'ip_dns1': None, 'ip_dns2': None, 'ip_gateway': None, 'ip_domain': None}),
    ({'ip_gateway': '10.0.0.1'}, {'ip_addr': '10.0.0.2/24', 'ip_dns1': '10.0.0.53'},
     {'ip_addr': '10.0.0.2/24', 'ip_dns1': '10.0.0.53', 'ip_dns2': None, 'ip_gateway': '10.0.0.1', 'ip_domain': None}),
    ({'ip_addr': '', 'ip_dns1': '', 'ip_dns2': '', 'ip_gateway': '', 'ip_domain': ''},
     {'ip_addr': '10.0.0.2/24', 'ip_dns1': '10.0.0.53', 'ip_dns2': '10.0.0.54', 'ip_gateway': '10.0.0.1', 'ip_domain': 'x.example'},
     {'ip_addr': None, 'ip_dns1': None, 'ip_dns2': None, 'ip_gateway': None, 'ip_domain': None}),
    ({'ip_domain': 'y.example', 'name': 'N'}, {'ip_addr': '10.0.0.2/24'},
     {'name': 'N', 'ip_addr': '10.0.0.2/24', 'ip_dns1': None, 'ip_dns2': None, 'ip_gateway': None, 'ip_domain': 'y.example'}),
])
def test_any_differing_ip_field_sends_all_five(declared, current, sent):
    plan = plan_phone(desired(**declared), rows(server_row(**current)))
    assert plan.calls == [Call('update', {'mac': MAC, 'port': 0}, sent)]
    assert sorted(k for k in sent if k.startswith('ip_')) == sorted(IP_FIELDS)


def test_ip_fields_that_already_match_are_not_sent():
    plan = plan_phone(desired(ip_addr='10.0.0.2/24', name='N'), rows(server_row(ip_addr='10.0.0.2/24')))
    assert plan.calls == [Call('update', {'mac': MAC, 'port': 0}, {'name': 'N'})]


def test_ports_are_selected_and_only_that_row_is_compared():
    ata = rows(server_row(0, phone_type='spa112', name='Line 1'), server_row(1, phone_type='spa112', name='Line 2'))
    assert plan_phone(desired(port=1, name='Line 2'), ata).calls == []
    plan = plan_phone(desired(port=1, name='Fax'), ata)
    assert plan.calls == [Call('update', {'mac': MAC, 'port': 1}, {'name': 'Fax'})]
    assert plan.before['name'] == 'Line 2'


def test_a_port_the_device_lacks_fails_naming_its_ports():
    with pytest.raises(InvalidInput) as err:
        plan_phone(desired(port=2, name='x'), rows(server_row(0), server_row(1)))
    assert err.value.option == 'port' and 'its ports are 0, 1' in str(err.value)


def test_company_change_needs_reassign():
    with pytest.raises(NotPlannable) as err:
        plan_phone(desired(company='globex'), rows())
    assert 'reassign: true' in str(err.value) and "'acme'" in str(err.value)


def test_reassign_moves_the_port_then_updates_the_rest():
    plan = plan_phone(desired(company='globex', reassign=True, name='Moved'), rows())
    assert plan.calls == [
        Call('assign', {'mac': MAC, 'port': 0, 'company': 'acme'}, {'company': 'globex'}),
        Call('update', {'mac': MAC, 'port': 0}, {'name': 'Moved'}),
    ]
    assert plan.next_step() == plan.calls
    assert plan.after['company'] == 'globex'


def test_reassign_to_the_same_company_is_no_change():
    assert plan_phone(desired(company='acme', reassign=True), rows()).calls == []


def test_company_is_never_sent_in_update():
    plan = plan_phone(desired(company='globex', reassign=True, name='x'), rows())
    assert all('company' not in (call.values or {}) for call in plan.calls if call.verb == 'update')


def test_phone_type_change_is_an_update_after_which_rows_are_read_again():
    plan = plan_phone(desired(phone_type='spa112', name='x'), rows())
    assert plan.calls == [Call('update', {'mac': MAC, 'port': 0}, {'phone_type': 'spa112', 'name': 'x'})]
    assert plan.calls[0].rereads


def test_create_sends_identity_name_company_type_then_the_rest():
    plan = plan_phone(desired(name='New', company='acme', phone_type='snom320', zone='Europe/Paris', port=0), [], [])
    assert plan.action == 'created'
    assert plan.calls == [
        Call('create', {}, {'mac': MAC, 'name': 'New', 'company': 'acme', 'phone_type': 'snom320'}),
        Call('update', {'mac': MAC, 'port': 0}, {'zone': 'Europe/Paris'}),
    ]
    assert plan.next_step() == plan.calls[:1]
    assert plan.before == {'state': 'absent'}
    assert plan.after == {'state': 'present', 'name': 'New', 'company': 'acme', 'phone_type': 'snom320', 'zone': 'Europe/Paris'}


def test_create_without_other_settings_is_one_call():
    plan = plan_phone(desired(company='acme', phone_type='snom320'), [], None)
    assert plan.calls == [Call('create', {}, {'mac': MAC, 'company': 'acme', 'phone_type': 'snom320'})]


@pytest.mark.parametrize('declared, missing', [
    ({'name': 'x'}, 'company and phone_type are required'),
    ({'company': 'acme'}, 'phone_type is required'),
    ({'phone_type': 'snom320'}, 'company is required'),
])
def test_create_needs_company_and_type(declared, missing):
    with pytest.raises(NotPlannable) as err:
        plan_phone(desired(**declared), [], [])
    assert missing in str(err.value)


def test_a_waiting_phone_is_promoted_then_converged():
    waiting = [{'phoneid': MAC + '0', 'phone_type': 'yealinkT46', 'type': 'Yealink T46', 'created': 1}]
    plan = plan_phone(desired(company='acme', phone_type='yealinkT48', name='Desk'), [], waiting)
    assert plan.action == 'promoted'
    assert plan.calls == [
        Call('promote', {'mac': MAC}, {'company': 'acme'}),
        Call('update', {'mac': MAC, 'port': 0}, {'phone_type': 'yealinkT48', 'name': 'Desk'}),
    ]
    assert plan.before == {'state': 'waiting', 'phone_type': 'yealinkT46'}


def test_promote_keeps_the_reported_type_when_it_matches():
    waiting = [{'phoneid': MAC + '0', 'phone_type': 'yealinkT46'}]
    plan = plan_phone(desired(company='acme', phone_type='yealinkT46'), [], waiting)
    assert plan.calls == [Call('promote', {'mac': MAC}, {'company': 'acme'})]


def test_promote_needs_a_company():
    with pytest.raises(NotPlannable) as err:
        plan_phone(desired(name='x'), [], [{'phoneid': MAC + '0', 'phone_type': 'yealinkT46'}])
    assert 'company is required to promote' in str(err.value)


@pytest.mark.parametrize('current, waiting, action, calls', [
    ('active', None, 'deleted', [Call('delete', {'mac': MAC})]),
    ('none', [{'phoneid': MAC + '0', 'phone_type': 'spa112'}], 'demoted', [Call('demote', {'mac': MAC})]),
    ('none', [], 'unchanged', []),
    ('none', None, 'unchanged', []),
])
def test_absent(current, waiting, action, calls):
    plan = plan_phone(desired(state='absent'), rows() if current == 'active' else [], waiting)
    assert (plan.action, plan.calls) == (action, calls)
    assert plan.after == {'state': 'absent'}


def test_delete_diff_shows_what_is_removed():
    plan = plan_phone(desired(state='absent'), rows(server_row(0), server_row(1)))
    assert plan.before['state'] == 'present' and plan.before['name'] == 'Reception' and plan.before['ports'] == [0, 1]
    assert 'ip_addr' in plan.before


def test_predicted_row_and_unconverged_keys():
    want = desired(name='New', zone='Europe/Paris')
    current = rows()[0]
    expected = row_for_port(predict_rows(want, [current], None, plan_phone(want, [current])), 0)
    assert expected['name'] == 'New' and expected['company'] == 'acme'
    assert unconverged_keys(want, current) == ['name', 'zone']
    assert unconverged_keys(want, expected) == []
    assert unconverged_keys(want, None) == ['name', 'zone']
