# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The time zones the docs name are the ones validation allows (ZONES), in the same order.

``zone`` has no ``choices``: the modules' own message lists ZONES when a zone is refused, and
validate-modules requires documented choices to match the argument spec. The docs are literal
YAML, so this test keeps them and ZONES one list.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
import yaml

from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import ZONES, phone_argument_spec
from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phones


@pytest.mark.parametrize('module, path', [
    (dialplan_phone, ('options', 'zone')),
    (dialplan_phones, ('options', 'phones', 'suboptions', 'zone')),
])
def test_the_docs_name_exactly_the_zones_validation_allows(module, path):
    option = yaml.safe_load(module.DOCUMENTATION)
    for key in path:
        option = option[key]
    named = re.findall(r'V\(([^)]*)\)', ' '.join(option['description']))
    assert named[0] == '""', 'the description starts with the empty zone, which clears it'
    assert named[1:] == list(ZONES)


def test_zone_has_no_choices_in_the_argument_spec():
    # Ansible's choices message would replace check_zone's (which names the option and lists ZONES).
    assert 'choices' not in phone_argument_spec()['zone']
