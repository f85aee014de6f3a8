# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The handsets role's task: partial views, stats keys and messages in the user's terms."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.action.handsets_fleet import in_user_terms, partial_view, stats_key
from ansible_collections.ipcortex.pbx.plugins.module_utils._declared import from_blocks, from_hosts

TEMPLATE = 'Converge the handsets'
HOSTS = ['acme-door', 'acme-fax', 'acme-sales-1']


def awx(prefix='awx', workflow=TEMPLATE, template=TEMPLATE, **extra):
    variables = {prefix + '_job_id': 101, prefix + '_job_template_name': template}
    if workflow is not None:
        variables.update({prefix + '_workflow_job_id': 40, prefix + '_workflow_job_name': workflow})
    variables.update(extra)
    return variables


@pytest.mark.parametrize('variables, partial', [
    ({}, False),                                            # not AWX
    (awx(workflow=None), False),                            # a plain job
    (awx(workflow='Nightly estate run'), False),            # a job template inside a user's workflow
    (awx(), True),                                          # a slice: the workflow AWX made of the job template
    (awx('tower'), True),                                   # older AWX/Tower names
    (awx(ipcortex_phones_expected_hosts=3), False),         # the declared count matches: exact, whatever else
    (awx(ipcortex_phones_expected_hosts='3'), False),
    (dict(ipcortex_phones_expected_hosts=4), True),         # fewer hosts than declared, AWX or not
])
def test_partial_views(variables, partial):
    reason = partial_view(variables, 'phones', HOSTS)
    assert (reason is not None) is partial
    if partial:
        assert 'phones' in reason


def test_stats_keys_do_not_collide_across_slices():
    assert stats_key({}, 'pbx-london', None) == 'pbx-london'
    assert stats_key(awx(), 'pbx-london', 'https://x') == 'pbx-london'
    assert stats_key({}, None, 'https://user:secret@pbx.example.com:8443') == 'pbx.example.com'
    assert stats_key(awx(workflow=None), None, 'https://pbx.example.com') == 'pbx.example.com'
    assert stats_key(awx(), None, 'https://pbx.example.com') == 'pbx.example.com (job 101)'


def test_module_messages_are_put_in_the_users_terms():
    hosts = from_hosts([('acme-fax', {'phone_mac': '000e08d00004'}), ('acme-door', {'phone_mac': '000e08d00004', 'phone_port': 1})])
    assert in_user_terms('nothing was changed: phones[1].phone_type: no such type', hosts) == \
        'nothing was changed: phone_phone_type of host acme-door: no such type'
    assert in_user_terms('max_deletions: would delete 3, more than max_deletions 2; raise max_deletions or add them to '
                         'phones or protected', hosts) == (
        'ipcortex_phones_max_deletions: would delete 3, more than ipcortex_phones_max_deletions 2; raise ipcortex_phones_max_deletions '
        'or add them to phones or ipcortex_phones_protected')
    blocks = from_blocks('pbx-london', {'ipcortex_fleet_acme': {'company': 'acme', 'phones': [{'mac': '000413d00001'}]}})
    assert in_user_terms('phones[0].zone: bad; phones[7]: kept', blocks) == \
        'pbx-london ipcortex_fleet_acme.phones[0].zone: bad; phones[7]: kept'
