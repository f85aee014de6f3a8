# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The modules' text options are ``raw`` so that a list or mapping is refused naming the option.

A single value must still reach the module exactly as Ansible's ``str`` type would make it:
the spec as declared plus ``single_values`` agrees with the spec as if those options were ``str``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import given, settings  # noqa: E402  pylint: disable=wrong-import-position
from hypothesis import strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import (  # noqa: E402  pylint: disable=wrong-import-position
    TEXT_OPTIONS,
    phone_argument_spec,
    shape_problems,
    single_values,
)
from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phones  # noqa: E402  pylint: disable=wrong-import-position

NAME_LISTS = dialplan_phones.NAME_LISTS
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 15, 10 ** 15), st.floats(allow_nan=False), st.text(max_size=12))


def as_str(spec):
    """The spec as it would be with the text options (and the name lists' elements) typed ``str``."""
    declared = {}
    for option, entry in spec.items():
        entry = dict(entry)
        if option in TEXT_OPTIONS or (option in NAME_LISTS and entry.get('elements') == 'raw'):
            entry['elements' if option in NAME_LISTS else 'type'] = 'str'
        if 'options' in entry:
            entry['options'] = as_str(entry['options'])
        declared[option] = entry
    return declared


def validated(spec, params):
    result = ArgumentSpecValidator(spec).validate(params)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def test_every_text_option_is_raw_and_only_those():
    assert sorted(option for option, entry in phone_argument_spec().items() if entry['type'] == 'raw') == sorted(TEXT_OPTIONS + ('qualify', 'barge'))


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(TEXT_OPTIONS), SCALARS))
def test_single_values_give_what_the_str_type_gave(values):
    spec = dialplan_phone.argument_spec()
    params = dict(values, url='https://pbx.example.com', api_key='k')
    as_declared = validated(spec, params)
    assert shape_problems(as_declared) == []
    assert single_values(as_declared) == validated(as_str(spec), params)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(TEXT_OPTIONS), SCALARS), max_size=3),
       st.dictionaries(st.sampled_from(NAME_LISTS), st.lists(SCALARS, max_size=3)))
def test_fleet_options_give_what_the_str_type_gave(phones, lists):
    spec = dialplan_phones.argument_spec()
    params = dict(lists, phones=phones, url='https://pbx.example.com', api_key='k')
    as_declared = validated(spec, params)
    assert dialplan_phones.shape_problems_of(as_declared) == []
    dialplan_phones.single_values_of(as_declared)
    assert as_declared == validated(as_str(spec), params)


@pytest.mark.parametrize('module', [dialplan_phone, dialplan_phones])
def test_a_number_given_as_the_mac_is_refused_as_its_text(pbx, call_module, module):
    result = call_module(module, mac=0) if module is dialplan_phone else call_module(module, phones=[{'mac': 0}])
    assert result['failed'] and "mac: '0' is not a MAC address" in result['msg'], result['msg']
    assert pbx.control.writes() == []
