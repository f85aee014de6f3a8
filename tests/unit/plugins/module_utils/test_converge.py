# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The send/read-back loop, against an in-memory PBX that can misbehave in ways the emulator does not.

Everything the emulator can do is tested over HTTP in tests/modules; this covers a PBX that
answers success but does not keep a value, and the loop's bounds.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxError
from ansible_collections.ipcortex.pbx.plugins.module_utils._converge import ConvergeError, TypeCatalog, converge, desired_from_params
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import InvalidInput, desired_phone

MAC = '000413aabb01'


class MemoryPbx(object):
    """Just enough of the API to drive converge(); records every call."""

    retries = 3

    def __init__(self, rows=None, waiting=None, ignore=(), types=None, fail_once=None):
        self.rows = rows or []
        self.waiting = waiting or []
        self.ignore = ignore
        self.types = types
        self.fail_once = fail_once
        self.calls = []

    def read_phone(self, mac, ports=None, needed_port=None):
        self.calls.append('read')
        return [dict(row) for row in self.rows if row['mac'] == mac]

    def waiting_phones(self):
        self.calls.append('inactive')
        return list(self.waiting)

    def phone_types(self):
        self.calls.append('readtypes')
        if self.types is None:
            raise PbxError('dialplan/readtypes failed: Permission denied')
        return self.types

    def call(self, verb, scope, values=None):
        self.calls.append(verb)
        if self.fail_once == verb:
            self.fail_once = None
            raise PbxError('cut off', outcome_unknown=True)
        if verb == 'create':
            self.rows.append(dict(values, port=0))
        elif verb == 'update':
            for row in self.rows:
                if row['port'] == scope['port']:
                    row.update((key, value) for key, value in values.items() if key not in self.ignore)
        elif verb == 'delete':
            self.rows = []
        return {'result': 'success', 'numrows': 1}


def row(**changes):
    base = {'mac': MAC, 'port': 0, 'name': 'Reception', 'company': 'acme', 'phone_type': 'snom320', 'zone': ''}
    base.update(changes)
    return base


def want(**settings):
    return desired_phone(dict(settings, mac=MAC))


def test_a_value_the_pbx_does_not_keep_fails_the_verification():
    pbx = MemoryPbx([row()], ignore=('zone',))
    with pytest.raises(ConvergeError) as err:
        converge(pbx, want(zone='Europe/London', name='N'))
    assert "did not keep what was written: zone (sent 'Europe/London', PBX holds '')" in str(err.value)
    assert pbx.calls == ['read', 'update', 'read']


def test_an_unknown_outcome_is_read_and_decided_again():
    pbx = MemoryPbx([row()], fail_once='update')
    outcome = converge(pbx, want(name='N'))
    assert outcome.action == 'updated' and pbx.rows[0]['name'] == 'N'
    assert pbx.calls == ['read', 'update', 'read', 'update', 'read']


def test_an_unknown_outcome_is_not_retried_past_the_budget():
    pbx = MemoryPbx([row()], fail_once='update')
    pbx.retries = 0
    with pytest.raises(PbxError):
        converge(pbx, want(name='N'))
    assert pbx.calls == ['read', 'update']


def test_check_mode_reads_only():
    pbx = MemoryPbx([row()])
    outcome = converge(pbx, want(name='N'), check_mode=True)
    assert outcome.changed and pbx.calls == ['read'] and outcome.phone['name'] == 'N'
    assert pbx.rows[0]['name'] == 'Reception'


def test_the_inactive_list_is_asked_only_when_the_phone_is_not_active():
    pbx = MemoryPbx([])
    converge(pbx, want(company='acme', phone_type='snom320'))
    assert pbx.calls == ['read', 'inactive', 'create', 'read']
    pbx.calls = []
    converge(pbx, want(company='acme', phone_type='snom320'))
    assert pbx.calls == ['read']


def test_a_fleet_that_knows_the_waiting_list_passes_it_in():
    pbx = MemoryPbx([])
    converge(pbx, want(company='acme', phone_type='snom320'), waiting=[])
    assert 'inactive' not in pbx.calls


def test_delete_is_verified_by_the_read_after_it():
    pbx = MemoryPbx([row()])
    outcome = converge(pbx, desired_phone({'mac': MAC, 'state': 'absent'}))
    assert outcome.action == 'deleted' and pbx.calls == ['read', 'delete', 'read'] and outcome.phone == {}


@pytest.mark.parametrize('types, allowed', [
    ([{'phone_type': 'newphone', 'description': 'x'}], {'newphone'}),
    (['newphone', 'other'], {'newphone', 'other'}),
    ([{'id': 'newphone'}], {'newphone'}),
    ([], None),
    (None, None),
])
def test_readtypes_shapes(types, allowed):
    assert TypeCatalog(MemoryPbx(types=types)).names == allowed


def test_an_unlisted_type_is_accepted_when_the_server_lists_it():
    pbx = MemoryPbx(types=[{'phone_type': 'newphone'}])
    assert desired_from_params(pbx, {'mac': MAC, 'phone_type': 'newphone'}).settings['phone_type'] == 'newphone'
    with pytest.raises(InvalidInput) as err:
        desired_from_params(pbx, {'mac': MAC, 'phone_type': 'snom999'})
    assert str(err.value) == ("phone_type: 'snom999' is not a phone type the PBX knows. "
                              "List the PBX's types with ipcortex.pbx.dialplan_phone_info and phone_types: true")


def test_without_readtypes_the_vendor_list_decides():
    with pytest.raises(InvalidInput) as err:
        desired_from_params(MemoryPbx(types=None), {'mac': MAC, 'phone_type': 'snom999'})
    assert 'did you mean snom190 or snomm9?' in str(err.value)
