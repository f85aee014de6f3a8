# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fleet's input checks and result shaping, and the listing's row shapes: no server involved."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxError
from ansible_collections.ipcortex.pbx.plugins.module_utils._fleet import FleetInputError, PhoneResult, ansible_diffs, desired_fleet, summarize
from ansible_collections.ipcortex.pbx.plugins.module_utils._listing import listed_row, phone_row, type_row
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import DesiredPhone

MAC = '000413aabb01'


class NoServer(object):
    """readtypes is the only call validation may make; here it is refused."""

    def phone_types(self):
        raise PbxError('no server in unit tests')


def test_entries_become_desired_phones_in_order():
    fleet, protected = desired_fleet(NoServer(), [{'mac': MAC, 'name': 'A'}, {'phoneid': MAC + '1', 'name': 'B'}], 'merged',
                                     ['00:04:13:AA:BB:02'])
    assert [(d.mac, d.port, d.state, d.settings) for d in fleet] == [(MAC, 0, 'present', {'name': 'A'}), (MAC, 1, 'present', {'name': 'B'})]
    assert protected == {'000413aabb02'}


def test_every_problem_is_reported_at_once():
    with pytest.raises(FleetInputError) as err:
        desired_fleet(NoServer(), [{'mac': 'bad'}, {'mac': MAC}, {'mac': MAC.upper()}, {'mac': MAC, 'port': 1, 'barge': 9}], 'merged', ['nope'])
    assert [problem.split(':')[0] for problem in err.value.problems] == ['phones[0].mac', 'phones[2].mac', 'phones[3].barge', 'protected[0]']
    assert 'already declared in phones[1]' in err.value.problems[1]


def test_deleted_state_deletes_a_device_once_whatever_ports_are_listed():
    fleet, _protected = desired_fleet(NoServer(), [{'mac': MAC}, {'phoneid': MAC + '1'}, {'mac': MAC, 'port': 0}], 'deleted')
    assert [(d.mac, d.state) for d in fleet] == [(MAC, 'absent')]


def test_summary_counts_every_action():
    results = [PhoneResult(DesiredPhone(MAC, 0), action) for action in ('created', 'unchanged', 'unchanged', 'failed')]
    assert summarize(results) == {'created': 1, 'promoted': 0, 'updated': 0, 'deleted': 0, 'demoted': 0, 'unchanged': 2, 'failed': 1, 'total': 4}


def test_one_headed_diff_per_changed_phone():
    diff = {'before': {'name': 'a'}, 'after': {'name': 'b'}}
    results = [PhoneResult(DesiredPhone(MAC, 1), 'updated', diff), PhoneResult(DesiredPhone(MAC, 0), 'unchanged', {'before': {}, 'after': {}}),
               PhoneResult(DesiredPhone(MAC, 2), 'failed', msg='x')]
    assert ansible_diffs(results) == [dict(diff, before_header=MAC + '1', after_header=MAC + '1')]
    assert results[0].as_dict(with_diff=True)['diff'] == diff and 'diff' not in results[0].as_dict(with_diff=False)


def test_rows_are_shown_with_the_modules_option_keys():
    row = phone_row({'mac': MAC.upper(), 'port': '1', 'name': None, 'can_hotdesk': 1, 'ip_addr': '', 'unknown': 'x'},
                    {'description': 'Snom 320', 'created': 5})
    assert row == {'mac': MAC, 'port': 1, 'phoneid': MAC + '1', 'name': '', 'can_hotdesk': True, 'ip_addr': None,
                   'description': 'Snom 320', 'created': 5}


def test_listing_rows_are_split_from_their_phoneid():
    assert listed_row({'phoneid': MAC + '2', 'company': 'acme', 'phone_type': 'spa8000', 'type': 'Cisco SPA8000', 'created': 7}) == {
        'mac': MAC, 'port': 2, 'phoneid': MAC + '2', 'company': 'acme', 'phone_type': 'spa8000', 'description': 'Cisco SPA8000', 'created': 7}


@pytest.mark.parametrize('row, shown', [
    ('snom320', {'phone_type': 'snom320'}),
    ({'phone_type': 'spa112', 'description': 'ATA', 'ports': 2}, {'phone_type': 'spa112', 'description': 'ATA', 'ports': 2}),
    ({'id': 'snom320'}, {'phone_type': 'snom320', 'description': None}),
    ({'name': 'snom320', 'description': 'x'}, {'phone_type': 'snom320', 'description': 'x'}),
])
def test_readtypes_rows_in_any_of_the_common_shapes(row, shown):
    assert type_row(row) == shown
