# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The estate export's pure logic: shared defaults, block and file names, YAML text. No server involved."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
import yaml

from ansible_collections.ipcortex.pbx.plugins.module_utils._estate_export import (
    ExportError,
    company_key,
    fleet_block,
    fleet_files,
    fleet_var,
    inventory_file,
    shared_defaults,
    waiting_entries,
    yaml_document,
)


def row(mac, port=0, company='acme', **settings):
    phone = {'mac': mac, 'port': port, 'phoneid': '%s%d' % (mac, port), 'company': company, 'name': 'Desk %s' % mac[-2:],
             'phone_type': 'snomD345', 'zone': 'Europe/London', 'can_hotdesk': False, 'call_group': None}
    phone.update(settings)
    return phone


@pytest.mark.parametrize('values, expected', [
    (['a', 'a', 'b'], {'k': 'a'}),              # 2 of 3
    (['a', 'a', 'b', 'b'], {}),                 # 2 of 4 is no majority
    (['a', 'a', 'a', 'b', 'c'], {'k': 'a'}),    # 3 of 5
    (['a', 'a', 'b', 'c', 'd'], {}),            # the most common value, but not more than half
    (['a'], {'k': 'a'}),                        # 1 of 1
    ([None, None, ''], {'k': ''}),              # nulls count as the empty string
    ([True, 1, 1], {'k': 1}),                   # True and 1 are different values
    ([True, 1, '1'], {}),
    ([[1, 2], [1, 2], [2, 1]], {'k': [1, 2]}),  # lists compare as a whole, in order
])
def test_a_default_is_a_value_more_than_half_of_the_rows_share(values, expected):
    assert shared_defaults([{'k': value} for value in values], keys=('k',)) == expected


def test_a_row_without_the_key_counts_against_the_majority():
    assert shared_defaults([{'k': 'a'}, {'k': 'a'}, {}, {}], keys=('k',)) == {}
    assert shared_defaults([{'k': 'a'}, {'k': 'a'}, {}], keys=('k',)) == {'k': 'a'}


def test_no_rows_no_defaults():
    assert shared_defaults([]) == {}


def test_a_block_lists_per_phone_only_what_differs_from_the_defaults():
    phones = [row('000413000003', zone='US/Eastern'), row('000413000001'), row('000413000002', can_hotdesk=True),
              row('000e08000004', port=1, phone_type='spa112', name='Door'), row('000e08000004', phone_type='spa112', name='Fax'),
              row('001565000009', company='globex')]
    block = fleet_block('acme', phones)
    assert block['company'] == 'acme'
    assert block['defaults'] == {'phone_type': 'snomD345', 'zone': 'Europe/London', 'can_hotdesk': False, 'call_group': ''}
    assert block['phones'] == [
        {'mac': '000413000001', 'name': 'Desk 01'},
        {'mac': '000413000002', 'name': 'Desk 02', 'can_hotdesk': True},
        {'mac': '000413000003', 'name': 'Desk 03', 'zone': 'US/Eastern'},
        {'mac': '000e08000004', 'name': 'Fax', 'phone_type': 'spa112'},
        {'mac': '000e08000004', 'port': 1, 'name': 'Door', 'phone_type': 'spa112'},
    ]
    # Keys follow the settings' order, whatever the input's order.
    assert list(block['defaults']) == ['phone_type', 'zone', 'can_hotdesk', 'call_group']


def test_defaults_and_each_phone_give_back_every_setting_of_the_row():
    phones = [row('000413%06d' % index, zone=('US/Eastern' if index % 3 == 0 else 'Europe/London'), barge=index % 2) for index in range(9)]
    block = fleet_block('acme', phones)
    for phone, entry in zip(phones, block['phones']):
        merged = dict(block['defaults'], **entry)
        assert merged == dict((key, '' if value is None else value) for key, value in phone.items() if key not in ('company', 'phoneid', 'port'))


def test_the_order_of_the_input_does_not_change_the_block():
    phones = [row('000413000003', zone='US/Eastern'), row('000413000001'), row('000413000002')]
    assert fleet_block('acme', phones) == fleet_block('acme', list(reversed(phones)))


@pytest.mark.parametrize('company, key', [
    ('acme', 'acme'),
    ('Acme_2', 'Acme_2'),
    ('007', '007'),
])
def test_a_plain_company_name_is_its_own_key(company, key):
    assert company_key(company) == key
    assert fleet_var(company) == 'ipcortex_fleet_' + key


@pytest.mark.parametrize('company', ['acme-uk', 'acme uk', 'Acme Ltd.', u'caf\u00e9', 'waiting', 'a/b', ''])
def test_any_other_company_name_gets_a_valid_variable_name_of_its_own(company):
    key = company_key(company)
    assert re.match(r'^[A-Za-z0-9_]*_[0-9a-f]{8}$', key)
    assert re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', fleet_var(company))
    assert company_key(company) == key


def test_names_that_differ_only_in_replaced_characters_stay_apart():
    keys = set(company_key(name) for name in ('acme-uk', 'acme uk', 'acme.uk', 'acme_uk'))
    assert len(keys) == 4
    assert 'acme_uk' in keys


def test_the_files_of_a_pbx_parse_back_to_the_blocks():
    phones = [row('000413000001'), row('000413000002', company='Globex Corp', name=u'R\u00e9ception "main"'), row('000413000003')]
    waiting = [{'mac': '001565000008', 'port': 1, 'phone_type': 'yealinkW60'}, {'mac': '001565000008', 'port': 0, 'phone_type': 'yealinkW60'},
               {'mac': '000413000007', 'port': 0, 'phone_type': 'snomD375'}]
    files = fleet_files('london', phones, waiting)
    globex = 'Globex_Corp_' + company_key('Globex Corp')[-8:]
    assert [item['path'] for item in files] == ['host_vars/london/%s.yml' % globex, 'host_vars/london/acme.yml', 'host_vars/london/waiting.yml']
    parsed = [yaml.safe_load(item['content']) for item in files]
    assert parsed[0] == {'ipcortex_fleet_' + globex: fleet_block('Globex Corp', phones)}
    assert parsed[1] == {'ipcortex_fleet_acme': fleet_block('acme', phones)}
    assert parsed[2] == {'ipcortex_export_waiting': [{'mac': '000413000007', 'phone_type': 'snomD375'},
                                                     {'mac': '001565000008', 'phone_type': 'yealinkW60'}]}
    assert all(item['content'].startswith('---\n# Exported from PBX london') for item in files)


def test_without_a_waiting_list_no_waiting_file():
    assert [item['path'] for item in fleet_files('london', [row('000413000001')])] == ['host_vars/london/acme.yml']
    assert [item['path'] for item in fleet_files('london', [], [])] == ['host_vars/london/waiting.yml']


def test_a_company_named_waiting_does_not_overwrite_the_waiting_list():
    paths = [item['path'] for item in fleet_files('london', [row('000413000001', company='waiting')], [])]
    assert len(set(paths)) == 2 and 'host_vars/london/waiting.yml' in paths


@pytest.mark.parametrize('pbx', ['', '..', 'a/b'])
def test_a_pbx_name_that_cannot_be_a_folder_is_refused(pbx):
    with pytest.raises(ExportError, match='cannot name a folder'):
        fleet_files(pbx, [row('000413000001')])


def test_a_phone_without_company_is_refused_naming_it():
    with pytest.raises(ExportError, match='000413000001'):
        fleet_files('london', [row('000413000001', company=None)])


def test_waiting_devices_are_listed_once():
    assert waiting_entries([{'mac': 'b', 'port': 0, 'phone_type': 't'}, {'mac': 'a', 'port': 0, 'phone_type': 't'},
                            {'mac': 'b', 'port': 1, 'phone_type': 't'}]) == [{'mac': 'a', 'phone_type': 't'}, {'mac': 'b', 'phone_type': 't'}]


def test_the_inventory_file_keeps_no_secret():
    result = inventory_file({
        'paris': {'ipcortex_url': 'https://paris', 'ipcortex_username': 'admin', 'ipcortex_password': 'pw-s3cr3t', 'ipcortex_retries': 5},
        'london': {'ipcortex_url': 'https://london', 'ipcortex_api_key': 'key-s3cr3t', 'ipcortex_validate_certs': False,
                   'ipcortex_ca_path': None, 'ansible_host': 'x'},
    })
    assert result['path'] == 'pbxs.yml'
    assert 's3cr3t' not in result['content']
    assert yaml.safe_load(result['content']) == {'pbxs': {'hosts': {
        'london': {'ipcortex_url': 'https://london', 'ipcortex_validate_certs': False},
        'paris': {'ipcortex_url': 'https://paris', 'ipcortex_username': 'admin', 'ipcortex_retries': 5},
    }}}
    assert result['content'].index('london:') < result['content'].index('paris:')


def test_the_inventory_group_must_be_a_plain_name():
    assert inventory_file({}, 'estate')['path'] == 'estate.yml'
    with pytest.raises(ExportError, match='group name'):
        inventory_file({}, 'my pbxs')


@pytest.mark.parametrize('data', [
    {'a': {'b': [{'c': 1, 'd': [1, 'x']}, {'e': {}}, [], [[1, 2], {'f': None}]], 'g': []}},
    {'odd key: yes': u'caf\u00e9 "quoted" # not a comment', 'n': '0123', 't': 'true', 'e': ''},
    {'x': [{'nested': {'deep': [{'y': 1}]}, 'z': 2}]},
])
def test_the_yaml_text_reads_back_as_the_data(data):
    assert yaml.safe_load(yaml_document(data, 'a comment\nover two lines')) == data
