# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input: every wrong option fails with a message naming the option and what it allows, and nothing is written.

The modules run in-process; the role and the inventory plugin cases run through the real CLI in
test_reliability_cli.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phone_action, dialplan_phone_info, dialplan_phones

from pbx_helpers import SYSADMIN_KEY  # pylint: disable=import-error

SEEDED = '000413aa0001'  # acme, snomD345, one port
ATA = '000e08aa0003'  # acme, spa112, two ports
NEW = '0004130d0001'
MAC_HELP = '12 hex digits'
FLEET = [{'mac': '0004130d%04x' % number, 'company': 'acme', 'phone_type': 'snom320'} for number in range(1, 4)]

PHONE = dialplan_phone
PHONES = dialplan_phones
ACTION = dialplan_phone_action
INFO = dialplan_phone_info

# (module, options, fragments the message must hold: the option, and what is allowed)
CASES = [
    # MACs in every notation, each slightly wrong
    (PHONE, {'mac': '00:04:13:aa:bb:0g'}, ['mac:', MAC_HELP]),
    (PHONE, {'mac': '00-04-13-AA-BB'}, ['mac:', MAC_HELP]),
    (PHONE, {'mac': '0004.13aa.bb0'}, ['mac:', MAC_HELP]),
    (PHONE, {'mac': '000413aabb0'}, ['mac:', MAC_HELP]),
    (PHONE, {'mac': '000413aabb0100'}, ['mac:', MAC_HELP]),
    (PHONE, {'mac': '00:04-13:aa:bb:01'}, ['mac:', MAC_HELP]),
    (PHONE, {'mac': '00 04 13 aa bb 01'}, ['mac:', MAC_HELP]),
    (PHONE, {'phoneid': '000413aabb01'}, ['phoneid:', 'followed by the port']),
    (PHONE, {'phoneid': 'reception0'}, ['phoneid:', 'followed by the port']),
    (PHONE, {'mac': SEEDED, 'phoneid': SEEDED + '0'}, ['mutually exclusive', 'mac', 'phoneid']),
    (PHONE, {'name': 'nobody'}, ['one of the following is required', 'mac', 'phoneid']),
    (PHONE, {'phoneid': SEEDED + '1', 'port': 0}, ['port:', 'contradicts phoneid']),
    (PHONE, {'mac': SEEDED, 'port': -1}, ['port:', '0 or a positive whole number']),
    (PHONE, {'mac': SEEDED, 'port': 3}, ['port:', 'has no port 3', 'its ports are 0']),
    (PHONE, {'mac': ATA, 'port': 2}, ['port:', 'its ports are 0, 1']),
    # values
    (PHONE, {'mac': NEW, 'company': 'acme', 'phone_type': 'nokia3310'}, ['phone_type:', 'not a phone type the PBX knows', 'phone_types: true']),
    (PHONE, {'mac': SEEDED, 'zone': 'Mars/Olympus'}, ['zone:', 'use "" (none) or one of Atlantic/Cape_Verde', 'Europe/London']),
    (PHONE, {'mac': SEEDED, 'barge': 4}, ['barge:', '0, 1, 2 or 3', 'can_barge, can_be_barged']),
    (PHONE, {'mac': SEEDED, 'barge': -1}, ['barge:', '0, 1, 2 or 3']),
    (PHONE, {'mac': SEEDED, 'barge': True}, ['barge:', '0, 1, 2 or 3']),
    (PHONE, {'mac': SEEDED, 'barge': ['can_barge', 'can_fly']}, ['barge:', 'unknown flag can_fly', 'can_barge, can_be_barged']),
    (PHONE, {'mac': SEEDED, 'can_hotdesk': 'maybe'}, ['can_hotdesk', 'not a valid boolean', 'Valid booleans include']),
    (PHONE, {'mac': SEEDED, 'nat_mode': 'sometimes'}, ['nat_mode', 'not a valid boolean']),
    (PHONE, {'mac': SEEDED, 'can_forward': 2}, ['can_forward', 'not a valid boolean']),
    (PHONE, {'mac': SEEDED, 'qualify': 'perhaps'}, ['qualify:', 'true, false or an empty string']),
    (PHONE, {'mac': SEEDED, 'company': ''}, ['company:', 'must not be empty']),
    (PHONE, {'mac': SEEDED, 'state': 'gone'}, ['state', 'must be one of', 'present, absent']),
    # rules of the PBX, checked before the first write
    (PHONE, {'mac': NEW, 'phone_type': 'snom320'}, ['company', 'required to create']),
    (PHONE, {'mac': NEW, 'company': 'acme'}, ['phone_type', 'required to create']),
    (PHONE, {'mac': SEEDED, 'company': 'globex'}, ['company', 'reassign: true']),
    # connection options
    (PHONE, {'mac': SEEDED, 'username': 'admin', 'password': 'admin-pass'}, ['api_key or username and password, not both']),
    (PHONE, {'mac': SEEDED, 'api_key': None}, ['one of api_key or username and password is required']),
    (PHONE, {'mac': SEEDED, 'api_key': None, 'username': 'admin'}, ['username and password must be given together']),
    (PHONE, {'mac': SEEDED, 'timeout': 0}, ['timeout', '1 or more']),
    (PHONE, {'mac': SEEDED, 'retries': -1}, ['retries', '0 or more']),
    (PHONE, {'mac': SEEDED, 'colour': 'red'}, ['Unsupported parameters', 'colour']),
    # the fleet
    (PHONES, {'phones': [FLEET[0], dict(FLEET[0], mac='00:04:13:0D:00:01')]}, ['phones[1].mac:', 'already declared in phones[0]']),
    (PHONES, {'phones': [{'mac': 'bad'}, dict(FLEET[1], barge=7), dict(FLEET[2], qualify='often')]},
     ['phones[0].mac:', MAC_HELP, 'phones[1].barge: 7 is not allowed', 'phones[2].qualify:']),
    (PHONES, {'phones': [dict(FLEET[2], zone='Mars')]}, ['phones[0].zone:', 'use "" (none) or one of Atlantic/Cape_Verde', 'Europe/London']),
    (PHONES, {'phones': FLEET, 'state': 'overridden'}, ['state is overridden', 'companies']),
    (PHONES, {'phones': FLEET[:1], 'state': 'overridden', 'companies': ['acme'], 'max_deletions': 1},
     ['max_deletions:', 'would delete 3 phones', 'more than max_deletions 1']),
    (PHONES, {'phones': FLEET, 'protected': ['00:04:13']}, ['protected[0]:', MAC_HELP]),
    (PHONES, {'phones': [{'mac': SEEDED}], 'state': 'deleted', 'protected': [SEEDED]}, ['protected:', 'may not be deleted']),
    (PHONES, {'phones': FLEET, 'concurrency': 0}, ['concurrency', '1 or more']),
    (PHONES, {'phones': FLEET, 'max_deletions': -1}, ['max_deletions', '0 or more']),
    (PHONES, {'phones': [dict(FLEET[0], colour='red')]}, ['colour', 'phones']),
    (PHONES, {'phones': FLEET, 'state': 'replaced'}, ['state', 'merged, overridden, deleted']),
    (PHONES, {'phones': [{'mac': SEEDED, 'company': 'globex'}]}, ['company', 'reassign: true']),
    # actions
    (ACTION, {'mac': SEEDED, 'action': 'explode'}, ['action', 'must be one of', 'reboot, newpass']),
    (ACTION, {'mac': SEEDED}, ['missing required arguments: action']),
    (ACTION, {'mac': '00:04:13', 'action': 'reboot'}, ['mac:', MAC_HELP]),
    (ACTION, {'mac': SEEDED, 'phoneid': SEEDED + '0', 'action': 'newpass'}, ['mutually exclusive', 'mac', 'phoneid']),
    (ACTION, {'phoneid': SEEDED, 'action': 'reboot'}, ['phoneid:', 'followed by the port']),
    # info
    (INFO, {'port': 1}, ['port:', 'give it with mac']),
    (INFO, {'mac': SEEDED, 'company': ['acme']}, ['mutually exclusive', 'mac', 'company']),
    (INFO, {'inactive': True, 'details': True}, ['mutually exclusive', 'inactive', 'details']),
    (INFO, {'phoneid': 'zz'}, ['phoneid:', 'followed by the port']),
    (INFO, {'concurrency': 0}, ['concurrency', '1 or more']),
    (INFO, {'details': 'lots'}, ['details', 'not a valid boolean']),
]


def case_id(case):
    module, options, _fragments = case
    return '%s-%s' % (module.__name__.rsplit('.', 1)[-1], '-'.join('%s=%s' % item for item in sorted(options.items(), key=str))[:60])


@pytest.mark.parametrize('module, options, fragments', CASES, ids=[case_id(case) for case in CASES])
def test_bad_input_fails_clearly_before_any_write(pbx, run_module, module, options, fragments):
    pbx.control.clear_log()
    args = dict(dict(url=pbx.url, api_key=SYSADMIN_KEY), **options)
    args = dict((key, value) for key, value in args.items() if value is not None)
    result = run_module(module, args)
    assert result.get('failed') is True, result
    for fragment in fragments:
        assert fragment in result['msg'], (fragment, result['msg'])
    assert 'Traceback' not in run_module.last_output and SYSADMIN_KEY not in run_module.last_output
    assert result.get('changed') in (None, False)
    assert pbx.control.writes() == []


def test_the_table_is_big_enough():
    assert len(CASES) >= 40
