# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A device whose ports belong to two companies: each company's admin reads and manages its own port.

The PBX refuses a Company-Admin a read by MAC alone when another company holds a port of the device, and
allows a read by MAC and port of its own. Devices that are not shared cost a System-Admin or a Company-Admin
no extra request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phone_info, dialplan_phones

from pbx_helpers import api, verbs  # pylint: disable=import-error
from test_inventory_dialplan import Inventory, hostvars  # pylint: disable=import-error

ATA = '000e08aa0003'    # seeded: spa112, ports 0 and 1 in acme; port 1 moves to globex below
DESK = '000413aa0001'   # seeded: acme, one port
ACME_ADMIN = 'acme-admin-key'


@pytest.fixture
def shared(pbx):
    """Port 1 of the ATA now belongs to globex; the log starts empty."""
    api(pbx.url, 'assign', scope={'mac': ATA, 'port': 1, 'company': 'acme'}, values={'company': 'globex'})
    pbx.control.clear_log()
    return ATA


def scopes(pbx, verb='read'):
    return [entry['scope'] for entry in pbx.control.log() if entry['verb'] == verb]


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_company_admin_converges_its_port_of_a_shared_device(pbx, call_module, shared, check_mode):
    result = call_module(dialplan_phone, check_mode=check_mode, api_key=ACME_ADMIN, mac=shared, port=0, name='Own line', can_hotdesk=True)
    assert result['changed'] is True and result['action'] == 'updated', result.get('msg')
    assert result['phone']['name'] == 'Own line' and [row['port'] for row in result['ports']] == [0]
    if check_mode:
        assert verbs(pbx) == ['read', 'active', 'read'] and pbx.control.writes() == []
        return
    # The refused read by MAC, the listing that names the admin's ports, then port by port for the rest of the run.
    assert verbs(pbx) == ['read', 'active', 'read', 'update', 'read']
    assert scopes(pbx) == [{'mac': shared}, {'mac': shared, 'port': 0}, {'mac': shared, 'port': 0}]
    rows = api(pbx.url, 'read', scope={'mac': shared})['values']
    assert [(row['name'], row['company']) for row in rows] == [('Own line', 'acme'), ('Door entry', 'globex')]
    pbx.control.clear_log()
    again = call_module(dialplan_phone, api_key=ACME_ADMIN, mac=shared, port=0, name='Own line', can_hotdesk=True)
    assert again['changed'] is False and pbx.control.writes() == []


def test_the_port_of_the_other_company_stays_refused(pbx, call_module, shared):
    result = call_module(dialplan_phone, api_key=ACME_ADMIN, mac=shared, port=1, name='Taken over')
    assert result['failed'] and result['changed'] is False
    assert result['msg'] == ('dialplan/read for phone %s port 1 failed: Permission denied '
                             '(these credentials may not act on this phone or company)' % shared)
    assert pbx.control.writes() == []


def test_a_company_admin_converges_its_port_in_a_fleet(pbx, call_module, shared):
    phones = [{'mac': shared, 'port': 0, 'name': 'Own line'}, {'mac': DESK, 'name': 'Reception'}]
    result = call_module(dialplan_phones, api_key=ACME_ADMIN, phones=phones)
    assert result['summary']['updated'] == 1 and result['summary']['unchanged'] == 1 and not result.get('failed'), result.get('msg')
    # The fleet's own listing names the admin's ports of the shared device: no second listing.
    assert verbs(pbx).count('active') == 1


def test_info_by_mac_returns_the_admins_ports(pbx, call_module, shared):
    result = call_module(dialplan_phone_info, api_key=ACME_ADMIN, mac=shared)
    assert [(row['phoneid'], row['company'], row['name']) for row in result['phones']] == [(shared + '0', 'acme', 'Fax')]
    assert result['changed'] is False


def test_info_details_reads_a_shared_device_by_its_listed_ports_without_listing_again(pbx, call_module, shared):
    result = call_module(dialplan_phone_info, api_key=ACME_ADMIN, details=True)
    rows = dict((row['phoneid'], row) for row in result['phones'])
    assert sorted(rows) == ['000413aa00010', '000413aa00020', shared + '0']
    assert rows[shared + '0']['name'] == 'Fax' and rows[shared + '0']['zone'] == ''
    assert verbs(pbx) == ['active', 'read', 'read', 'read', 'read']
    assert {'mac': shared, 'port': 0} in scopes(pbx)


def test_the_inventory_of_a_company_admin_holds_its_port_of_a_shared_device(pbx, tmp_path, shared):
    inventory = Inventory(pbx, tmp_path)
    listing = inventory.run(api_key=ACME_ADMIN)
    hosts = hostvars(listing)
    assert sorted(hosts) == ['000413aa00010', '000413aa00020', shared + '0']
    assert hosts[shared + '0']['phone_name'] == 'Fax'


def test_a_device_wholly_in_another_company_stays_refused(pbx, call_module):
    result = call_module(dialplan_phone, api_key=ACME_ADMIN, mac='001565bb0001', name='Taken over')
    assert result['failed'] and result['changed'] is False
    assert result['msg'] == ('dialplan/read for phone 001565bb0001 failed: Permission denied '
                             '(these credentials may not act on this phone or company)')
    assert pbx.control.writes() == []


@pytest.mark.parametrize('key', ['sysadmin-key', ACME_ADMIN])
def test_a_device_that_is_not_shared_costs_one_read(pbx, call_module, key):
    pbx.control.clear_log()
    result = call_module(dialplan_phone, api_key=key, mac=ATA, port=1, name='Door entry')
    assert result['changed'] is False and verbs(pbx) == ['read']
    info = call_module(dialplan_phone_info, api_key=key, mac=ATA)
    assert len(info['phones']) == 2 and verbs(pbx) == ['read', 'read']


def test_a_system_admin_reads_a_shared_device_in_one_request(pbx, call_module, shared):
    result = call_module(dialplan_phone, mac=shared, port=1, name='Door entry')
    assert result['changed'] is False and verbs(pbx) == ['read'] and len(result['ports']) == 2


@pytest.mark.parametrize('action', ['reboot', 'newpass'])
@pytest.mark.parametrize('check_mode', [False, True])
def test_an_action_on_a_shared_device_is_refused_in_check_mode_as_in_a_real_run(pbx, call_module, shared, action, check_mode):
    # Both act on the whole device, another company's port included.
    from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone_action
    result = call_module(dialplan_phone_action, check_mode=check_mode, api_key=ACME_ADMIN, mac=shared, action=action)
    verb = 'read' if check_mode else action
    assert result['failed'] and result['changed'] is False
    assert result['msg'] == ('dialplan/%s for phone %s failed: Permission denied (these credentials may not act on this phone or company)'
                             % (verb, shared))
    assert verbs(pbx) == [verb]
