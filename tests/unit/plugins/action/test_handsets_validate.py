# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The offline validation over an inventory's groups and host vars, without Ansible running."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.action.handsets_validate import validate_inventory

GOOD = {'phone_mac': '00:04:13:d0:00:01', 'phone_company': 'acme', 'phone_phone_type': 'snomD345'}


def inventory(phone_hosts=None, pbx_hosts=None, group='phones'):
    hostvars = {}
    groups = {'all': [], 'ungrouped': []}
    for host, variables in (phone_hosts or {}).items():
        hostvars[host] = dict(variables, ansible_connection='local')
        groups.setdefault(group, []).append(host)
        groups['all'].append(host)
    for host, variables in (pbx_hosts or {}).items():
        hostvars[host] = dict(variables, ipcortex_url='https://%s.example.net' % host)
        groups.setdefault('pbxs', []).append(host)
        groups['all'].append(host)
    return groups, hostvars


def test_a_valid_inventory_of_both_layouts_has_no_problem():
    groups, hostvars = inventory({'acme-reception': GOOD}, {'pbx-london': {'ipcortex_fleet_acme': {
        'company': 'acme', 'defaults': {'phone_type': 'snomD345'}, 'phones': [{'mac': '00:04:13:d0:00:01'}, {'phoneid': '000e08d000041'}]}}})
    assert validate_inventory(groups, hostvars) == ([], 3, ['group phones', 'PBX host pbx-london'])


def test_every_bad_setting_of_one_entry_is_reported():
    groups, hostvars = inventory({'acme-fax': dict(GOOD, phone_zone='Mars/Base', phone_barge=7, phone_phone_type='spa999')})
    problems, count, _sources = validate_inventory(groups, hostvars)
    assert [problem.split(':')[1].strip() for problem in problems] == ['phone_barge', 'phone_zone', 'phone_phone_type']
    assert count == 0


def test_phone_types_are_checked_against_the_vendors_list_unlike_the_role():
    groups, hostvars = inventory(pbx_hosts={'pbx-a': {'ipcortex_fleet_acme': {'company': 'acme', 'phones': [
        {'mac': '000413d00001', 'phone_type': 'snomD999'}]}}})
    problems = validate_inventory(groups, hostvars)[0]
    assert len(problems) == 1
    assert problems[0].startswith("pbx-a ipcortex_fleet_acme.phones[0].phone_type: 'snomD999' is not a phone type the PBX knows; did you mean ")


def test_unknown_prefixed_host_vars_are_problems_here():
    groups, hostvars = inventory({'acme-reception': dict(GOOD, phone_nmae='Reception', phone_description='informational')})
    assert validate_inventory(groups, hostvars)[0] == [
        'host acme-reception: phone_nmae is not a phone option and is ignored; did you mean phone_name?']


def test_duplicates_are_per_pbx():
    block = {'company': 'acme', 'defaults': {'phone_type': 'snomD345'}, 'phones': [{'mac': '00:04:13:d0:00:01'}]}
    groups, hostvars = inventory(pbx_hosts={'pbx-a': {'ipcortex_fleet_acme': block, 'ipcortex_fleet_more': dict(block, company='globex')},
                                            'pbx-b': {'ipcortex_fleet_acme': block}})
    assert validate_inventory(groups, hostvars)[0] == [
        'pbx-a ipcortex_fleet_more.phones[0] declares 000413d00001 port 0, which pbx-a ipcortex_fleet_acme.phones[0] declares already; '
        'declare each port row once']


@pytest.mark.parametrize('group, prefix, variables', [
    ('desk_phones', 'phone_', GOOD),
    ('phones', 'ph_', {'ph_mac': '000413d00001', 'ph_company': 'acme', 'ph_phone_type': 'snomD345'}),
])
def test_the_role_variables_name_the_group_and_prefix(group, prefix, variables):
    groups, hostvars = inventory({'h': variables}, group=group)
    assert validate_inventory(groups, hostvars, group=group, prefix=prefix) == ([], 1, ['group %s' % group])


def test_the_list_variable_is_checked_too():
    groups, hostvars = inventory()
    problems, count, sources = validate_inventory(groups, hostvars, phones=[{'mac': 'zz'}, {'mac': '000413d00001'}])
    assert sources == ['ipcortex_phones'] and count == 1
    assert problems == ["ipcortex_phones[0].mac: 'zz' is not a MAC address; give 12 hex digits, "
                        "e.g. 00:04:13:aa:bb:01, 00-04-13-AA-BB-01, 0004.13aa.bb01 or 000413aabb01"]


def test_an_inventory_without_phones_has_no_source():
    groups, hostvars = inventory(pbx_hosts={'pbx-a': {}})
    assert validate_inventory(groups, hostvars) == ([], 0, [])
