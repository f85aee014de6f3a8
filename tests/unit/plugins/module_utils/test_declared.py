# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The declared fleet of both layouts: entries, origins and every problem, without a server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils._declared import fleet_block_names, from_blocks, from_hosts, from_list, unknown_host_vars

MAC = '00:04:13:d0:00:01'


def block(company='acme', phones=None, defaults=None, **extra):
    value = dict(extra, company=company, phones=[] if phones is None else phones)
    if defaults is not None:
        value['defaults'] = defaults
    return value


# --- single-PBX layout ---------------------------------------------------------------------

def test_hosts_become_entries_with_their_prefixed_options_only():
    fleet = from_hosts([
        ('acme-reception', {'phone_mac': MAC, 'phone_name': 'Reception', 'phone_company': 'acme', 'ansible_host': 'x', 'phone_zone': None}),
        ('acme-fax', {'phone_phoneid': '000e08d000041', 'phone_company': 'acme'}),
    ])
    assert fleet.problems == [] and fleet.warnings == []
    assert fleet.phones == [{'mac': MAC, 'name': 'Reception', 'company': 'acme'}, {'phoneid': '000e08d000041', 'company': 'acme'}]
    assert [origin.host for origin in fleet.origins] == ['acme-reception', 'acme-fax']
    assert fleet.origin_of('000e08d00004', 1).host == 'acme-fax'
    assert fleet.origins[0].label() == 'acme-reception / acme / Reception'
    assert fleet.origins[0].variable('mac') == 'phone_mac'


def test_problems_name_the_host_and_the_variable_the_user_set():
    fleet = from_hosts([('acme-fax', {'phone_mac': 'zz', 'phone_name': 'Fax'}),
                        ('acme-door', {'phone_mac': MAC, 'phone_barge': 7}),
                        ('acme-lobby', {'phone_name': 'no identity'})], prefix='phone_')
    assert [problem.split(':')[0:2] for problem in fleet.problems] == [
        ['host acme-fax', ' phone_mac'], ['host acme-door', ' phone_barge'], ['host acme-lobby', ' phone_mac']]
    assert fleet.phones == []


@pytest.mark.parametrize('variables, port', [
    ({'phone_mac': MAC, 'phone_phoneid': '000413d000010'}, 0),
    ({'phone_mac': MAC, 'phone_phoneid': '000413d000011', 'phone_port': 1}, 1),
    ({'phone_mac': '000413D00001', 'phone_phoneid': '000413d000012', 'phone_port': '2'}, 2),
])
def test_mac_and_phoneid_that_agree_are_one_identity(variables, port):
    fleet = from_hosts([('h', variables)])
    assert fleet.problems == []
    assert 'phoneid' not in fleet.phones[0] and fleet.phones[0]['port'] == port
    assert fleet.origins[0].row == ('000413d00001', port)


@pytest.mark.parametrize('variables', [
    {'phone_mac': MAC, 'phone_phoneid': '000413d000011'},
    {'phone_mac': MAC, 'phone_phoneid': '000413d000011', 'phone_port': 0},
    {'phone_mac': '00:04:13:d0:00:02', 'phone_phoneid': '000413d000010'},
])
def test_mac_and_phoneid_that_disagree_fail_naming_the_host(variables):
    fleet = from_hosts([('acme-fax', variables)])
    assert fleet.phones == []
    assert len(fleet.problems) == 1 and fleet.problems[0].startswith('host acme-fax: phone_phoneid: ')


def test_the_same_port_row_on_two_hosts_names_both():
    fleet = from_hosts([('a', {'phone_mac': MAC}), ('b', {'phone_mac': '000413d00001', 'phone_port': 0}),
                        ('c', {'phone_phoneid': '000413d000010'})])
    assert fleet.problems == ['host b declares 000413d00001 port 0, which host a declares already; declare each port row once',
                              'host c declares 000413d00001 port 0, which host a declares already; declare each port row once']
    assert len(fleet.phones) == 1


def test_mistyped_host_vars_are_warned_about_with_a_suggestion():
    assert unknown_host_vars('acme-fax', {'phone_nmae': 'x', 'phone_name': 'y', 'phone_description': 'inventory plugin',
                                          'other': 1, 'phone_zzzzzzzz': 1}) == [
        'host acme-fax: phone_nmae is not a phone option and is ignored; did you mean phone_name?',
        'host acme-fax: phone_zzzzzzzz is not a phone option and is ignored']
    fleet = from_hosts([('acme-fax', {'phone_mac': MAC, 'phone_nmae': 'Fax'})])
    assert fleet.problems == [] and len(fleet.warnings) == 1 and fleet.phones == [{'mac': MAC}]


def test_phone_types_are_left_to_the_pbx_unless_asked():
    assert from_hosts([('h', {'phone_mac': MAC, 'phone_phone_type': 'brandNew'})]).problems == []
    problems = from_hosts([('h', {'phone_mac': MAC, 'phone_phone_type': 'brandNew'})], check_phone_types=True).problems
    assert len(problems) == 1 and problems[0].startswith('host h: phone_phone_type: ')


# --- estate layout -------------------------------------------------------------------------

def test_blocks_merge_their_defaults_and_company_into_each_entry():
    variables = {
        'ipcortex_fleet_acme': block(defaults={'phone_type': 'snomD345', 'zone': 'Europe/London'},
                                     phones=[{'mac': MAC, 'name': 'Reception'}, {'mac': '000413d00002', 'zone': '', 'name': 'Door'}]),
        'ipcortex_fleet_globex': block('globex', phones=[]),
        'ipcortex_url': 'https://pbx', 'phone_mac': 'ignored here',
    }
    fleet = from_blocks('pbx-london', variables)
    assert fleet.problems == []
    assert fleet.companies == ['acme', 'globex']
    assert fleet.phones == [
        {'mac': MAC, 'name': 'Reception', 'company': 'acme', 'phone_type': 'snomD345', 'zone': 'Europe/London'},
        {'mac': '000413d00002', 'name': 'Door', 'company': 'acme', 'phone_type': 'snomD345', 'zone': ''},
    ]
    assert fleet.origins[1].label() == 'pbx-london / acme / Door'
    assert fleet.origins[1].where() == 'pbx-london ipcortex_fleet_acme.phones[1]'
    assert fleet.origins[1].variable('zone') == 'ipcortex_fleet_acme.phones[1].zone'


def test_the_same_port_row_in_two_blocks_names_both():
    fleet = from_blocks('pbx-london', {'ipcortex_fleet_acme': block(phones=[{'mac': MAC}]),
                                       'ipcortex_fleet_globex': block('globex', phones=[{'phoneid': '000413d000010'}])})
    assert fleet.problems == ['pbx-london ipcortex_fleet_globex.phones[0] declares 000413d00001 port 0, which '
                              'pbx-london ipcortex_fleet_acme.phones[0] declares already; declare each port row once']


@pytest.mark.parametrize('value, expected', [
    ({'phones': []}, 'pbx ipcortex_fleet_x.company: required'),
    ({'company': '', 'phones': []}, 'pbx ipcortex_fleet_x.company: required'),
    ({'company': 'acme'}, 'pbx ipcortex_fleet_x.phones: required'),
    ({'company': 'acme', 'phones': {}}, 'pbx ipcortex_fleet_x.phones: required'),
    (['not', 'a', 'dict'], 'pbx ipcortex_fleet_x: a fleet block is a dict'),
    ({'company': 'acme', 'phones': [], 'default': {}}, 'pbx ipcortex_fleet_x: unknown key default;'),
    ({'company': 'acme', 'phones': [], 'defaults': {'mac': MAC}}, 'pbx ipcortex_fleet_x.defaults: unknown option mac'),
    ({'company': 'acme', 'phones': [], 'defaults': {'zone': 'Mars'}}, 'pbx ipcortex_fleet_x.defaults.zone: '),
    ({'company': 'acme', 'phones': [{'mac': MAC, 'nmae': 'x'}]}, 'pbx ipcortex_fleet_x.phones[0]: unknown option nmae (did you mean name?)'),
    ({'company': 'acme', 'phones': [{'mac': MAC, 'company': 'acme'}]}, 'pbx ipcortex_fleet_x.phones[0]: unknown option company'),
    ({'company': 'acme', 'phones': ['000413d00001']}, 'pbx ipcortex_fleet_x.phones[0]: a phone is a dict'),
    ({'company': 'acme', 'phones': [{'mac': MAC, 'phoneid': '000413d000011'}]}, 'pbx ipcortex_fleet_x.phones[0].phoneid: '),
    ({'company': 'acme', 'phones': [{'mac': 'bad'}]}, 'pbx ipcortex_fleet_x.phones[0].mac: '),
])
def test_bad_blocks_are_problems_naming_pbx_block_and_entry(value, expected):
    fleet = from_blocks('pbx', {'ipcortex_fleet_x': value})
    assert len(fleet.problems) == 1 and fleet.problems[0].startswith(expected), fleet.problems
    assert fleet.phones == []


def test_a_bad_default_is_reported_once_not_per_phone():
    fleet = from_blocks('pbx', {'ipcortex_fleet_x': block(defaults={'barge': 9}, phones=[{'mac': MAC}, {'mac': '000413d00002'}])})
    assert fleet.problems == ["pbx ipcortex_fleet_x.defaults.barge: 9 is not allowed; give 0, 1, 2 or 3, or a list of the flags can_barge, "
                              "can_be_barged"]


def test_every_problem_of_every_block_is_reported_at_once():
    fleet = from_blocks('pbx', {'ipcortex_fleet_a': block(phones=[{'mac': 'bad'}, {'mac': MAC}]),
                                'ipcortex_fleet_b': {'phones': []},
                                'ipcortex_fleet_c': block('c', phones=[{'mac': MAC, 'port': 'x'}])})
    assert [problem.split(':')[0] for problem in fleet.problems] == [
        'pbx ipcortex_fleet_a.phones[0].mac', 'pbx ipcortex_fleet_b.company', 'pbx ipcortex_fleet_c.phones[0].port']
    assert len(fleet.phones) == 1


def test_two_blocks_of_one_company_are_a_problem():
    fleet = from_blocks('pbx', {'ipcortex_fleet_a': block(phones=[]), 'ipcortex_fleet_b': block(phones=[])})
    assert fleet.problems == ['pbx ipcortex_fleet_b.company: acme is already the company of another block of pbx; give each company one block']


def test_fleet_block_names_are_the_prefixed_variables():
    assert fleet_block_names({'ipcortex_fleet_b': 1, 'ipcortex_fleet_a': 1, 'ipcortex_fleet_': 1, 'ipcortex_url': 1}) == [
        'ipcortex_fleet_a', 'ipcortex_fleet_b']


# --- a list variable -----------------------------------------------------------------------

def test_a_list_variable_is_checked_entry_by_entry():
    fleet = from_list([{'mac': MAC, 'name': 'A', 'zone': None}, {'mac': 'bad'}, 'x', {'mac': MAC}, {'mac': MAC, 'nmae': 1}])
    assert fleet.phones == [{'mac': MAC, 'name': 'A'}]
    assert [problem.split(':')[0] for problem in fleet.problems] == [
        'ipcortex_phones[1].mac', 'ipcortex_phones[2]', 'ipcortex_phones[4]',
        'ipcortex_phones[3] declares 000413d00001 port 0, which ipcortex_phones[0] declares already; declare each port row once']
    assert fleet.origins[0].variable('name') == 'ipcortex_phones[0].name'
    assert from_list({'mac': MAC}).problems == ['ipcortex_phones: a list of phones, not a dict']
