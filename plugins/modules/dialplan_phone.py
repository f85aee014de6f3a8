#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dialplan_phone
short_description: Manage one handset (desk phone) of an IPCortex PBX declaratively
version_added: 0.1.0
description:
  - Creates, updates and deletes one handset through the PBX's C(dialplan) REST API, and manages the settings of one of its port rows.
  - Only the options you give are managed; an option left out keeps whatever the PBX holds.
  - The module reads the phone once, compares both sides after normalising them, and sends one C(update) holding only the settings that differ.
    When any C(ip_*) setting differs all five are sent, as the API requires. A run that changes nothing sends no write.
  - A phone that is not active but waits to be provisioned (auto-provisioned handsets) is promoted into O(company) rather than created.
  - After writing, the module reads the phone back and fails if the PBX does not hold what was written.
  - Values of the wrong shape (a list or mapping for an option that takes one value) fail the task before any request, naming the option.
    The options that take one text value are of type C(raw) so that the module sees such a value as given (a C(str) option would receive
    its text); a number or boolean given to them is used as its text.
  - When the task fails after a write was applied, it reports C(changed=true).
author:
  - IPCortex (@ipcortex)
extends_documentation_fragment:
  - ipcortex.pbx.connection
  - ipcortex.pbx.attributes
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads the phone and reports the change and diff a real run would make, and sends no write.
  diff_mode:
    support: full
    details: Shows the managed settings before and after; a create shows every setting it sets, a delete what is removed.
options:
  mac:
    description:
      - MAC address of the device, in any common notation (V(00:04:13:aa:bb:01), V(00-04-13-AA-BB-01), V(0004.13aa.bb01) or V(000413aabb01)).
      - Normalised to 12 lower-case hex digits.
      - Exactly one of O(mac) or O(phoneid) is required.
    type: raw
  phoneid:
    description:
      - The phone's id, the 12 hex digits of the MAC followed by the port number, for example V(000413aabb010).
      - Used only when O(mac) is not given; it also selects the port.
    type: raw
  port:
    description:
      - The port row whose settings are managed. Most phones have one port, V(0); ATAs and DECT bases have one row per port.
      - Defaults to V(0), or to the port in O(phoneid).
      - The task fails before any write if the device has no such port, or will not have it once O(phone_type) is changed (or the phone
        created) as given. The port counts of types come from the PBX's C(readtypes) where it states them.
      - A port that a change of O(phone_type) brings into being is planned as well; the type is changed first, then the new row is set.
      - A phone created for a port other than V(0) is created without O(name), so that its other port rows do not get it; the name is
        then set on this port alone.
    type: int
  state:
    description:
      - V(present) creates the phone if needed and converges the given settings.
      - V(absent) deletes the whole device (every port row), or removes it from the list of phones waiting to be provisioned.
    type: str
    choices: [present, absent]
    default: present
  reassign:
    description:
      - Allow moving the port row to another company when O(company) differs from the PBX's, through the API's C(assign) call (System-Admin only).
      - When V(false), a differing O(company) fails the task, because C(update) cannot change a phone's company.
    type: bool
    default: false
  name:
    description: Name of the port row (API field C(name)).
    type: raw
  company:
    description:
      - Company the port row belongs to (API field C(company)). Required to create or promote a phone.
      - On an existing phone it is changed only with O(reassign=true).
    type: raw
  phone_type:
    description:
      - Model of the device (API field C(phone_type)), for example V(snom320), V(yealinkT46) or V(spa112). Required to create a phone.
      - Checked against the vendor's list; a type missing there is checked against the PBX's own list (C(readtypes)) before failing.
      - Changing it may change the number of port rows; the PBX gives new rows default settings and the module warns about it (check
        mode predicts the warning when C(readtypes) states the port counts).
    type: raw
  zone:
    description:
      - Time zone of the phone (API field C(zone)), or V("") for none.
      - One of the time zones the PBX knows, V(Atlantic/Cape_Verde), V(Atlantic/Bermuda), V(Europe/London), V(Europe/Paris),
        V(Europe/Helsinki), V(Africa/Nairobi), V(Europe/Nicosia), V(Asia/Hong_Kong), V(US/Alaska), V(US/Pacific), V(US/Mountain),
        V(US/Central) or V(US/Eastern).
    type: raw
  can_hotdesk:
    description: Whether users may hot-desk on this phone (API field C(can_hotdesk)).
    type: bool
  can_forward:
    description: Whether calls may be forwarded from this phone (API field C(can_forward)).
    type: bool
  qualify:
    description:
      - Whether the PBX checks that the phone is reachable (API field C(qualify)). V(true), V(false), or V("") for the PBX's default.
    type: raw
  call_group:
    description:
      - Call group ID (API field C(call_group)). V("") clears it (sent as null).
    type: raw
  access:
    description: Access level (API field C(access)). The PBX's value set is not documented by the vendor; the value is passed as given.
    type: raw
  nat_mode:
    description: Whether the phone is behind NAT (API field C(nat_mode)).
    type: bool
  nat_ipaddr:
    description: NAT IP address type (API field C(nat_ipaddr)), passed as given.
    type: raw
  ntp:
    description: NTP server type (API field C(ntp)), passed as given.
    type: raw
  codec_list:
    description: Preferred codecs (API field C(codec_list)), passed as given.
    type: raw
  barge:
    description:
      - Barge mode (API field C(barge)), a bitfield. V(1) the phone can barge into calls, V(2) it can be barged into, V(3) both, V(0) neither.
      - Also accepts a list of the flags V(can_barge) and V(can_be_barged). Diffs show it the way it is given, as the number or the flags.
    type: raw
  ip_addr:
    description:
      - Fixed IP address and mask, for example V(192.0.2.10/24) (API field C(ip_addr)). V("") clears it, for DHCP.
      - When any C(ip_*) setting changes, the module sends all five, taking those you did not give from the PBX.
    type: raw
  ip_dns1:
    description: Fixed first DNS server (API field C(ip_dns1)). V("") clears it.
    type: raw
  ip_dns2:
    description: Fixed second DNS server (API field C(ip_dns2)). V("") clears it.
    type: raw
  ip_gateway:
    description: Fixed gateway (API field C(ip_gateway)). V("") clears it.
    type: raw
  ip_domain:
    description: Fixed DNS search domain (API field C(ip_domain)). V("") clears it.
    type: raw
notes:
  - Creating, deleting and reassigning phones needs a System-Admin; a Company-Admin may read and update the phones of the companies it administers.
  - A run that changes nothing costs one HTTP request with an API key; a change of settings costs a read, one update and the read that verifies it.
seealso:
  - name: IPCortex handset management API
    description: The vendor's reference for the create, read, update and delete calls.
    link: https://developers.ipcortex.co.uk/
'''

EXAMPLES = r'''
# The first example gives the connection as options; the others take it from module_defaults for
# group/ipcortex.pbx.dialplan or from the IPCORTEX_URL and IPCORTEX_API_KEY environment variables.
- name: Converge the reception phone
  ipcortex.pbx.dialplan_phone:
    url: https://pbx.example.com
    api_key: "{{ vault_pbx_api_key }}"
    mac: "00:04:13:aa:bb:01"
    company: acme
    phone_type: snom320
    name: Reception
    zone: Europe/London

- name: Change one setting; nothing else is touched
  ipcortex.pbx.dialplan_phone:
    url: https://pbx.example.com
    api_key: "{{ vault_pbx_api_key }}"
    mac: 000413aabb01
    can_hotdesk: true

- name: Give a phone a static address (all five ip_* fields are sent together)
  ipcortex.pbx.dialplan_phone:
    url: https://pbx.example.com
    api_key: "{{ vault_pbx_api_key }}"
    mac: 000413aabb01
    ip_addr: 192.0.2.10/24
    ip_gateway: 192.0.2.1
    ip_dns1: 192.0.2.53
    ip_dns2: ""
    ip_domain: example.com

- name: Manage the second line of an ATA
  ipcortex.pbx.dialplan_phone:
    url: https://pbx.example.com
    api_key: "{{ vault_pbx_api_key }}"
    phoneid: 000e08aabb011
    name: Fax
    barge: [can_be_barged]

- name: Move a phone to another company (System-Admin)
  ipcortex.pbx.dialplan_phone:
    url: https://pbx.example.com
    api_key: "{{ vault_pbx_api_key }}"
    mac: 000413aabb01
    company: globex
    reassign: true

- name: Remove a phone
  ipcortex.pbx.dialplan_phone:
    url: https://pbx.example.com
    api_key: "{{ vault_pbx_api_key }}"
    mac: 000413aabb01
    state: absent

- name: Connection once for every task, credentials from the environment
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/ipcortex.pbx.dialplan:
      url: "{{ lookup('ansible.builtin.env', 'IPCORTEX_URL') }}"
      api_key: "{{ lookup('ansible.builtin.env', 'IPCORTEX_API_KEY') }}"
  tasks:
    - name: Sales phones
      ipcortex.pbx.dialplan_phone:
        mac: "{{ item.mac }}"
        company: acme
        phone_type: yealinkT46
        name: "{{ item.name }}"
      loop:
        - {mac: "00:04:13:aa:bb:11", name: Sales 1}
        - {mac: "00:04:13:aa:bb:12", name: Sales 2}
'''

RETURN = r'''
phone:
  description:
    - The managed port row after the task (in check mode, as it would be), with the same keys as the module's options, plus C(phoneid).
    - Empty when the phone is absent.
  returned: always
  type: dict
  sample:
    mac: 000413aabb01
    port: 0
    phoneid: 000413aabb010
    name: Reception
    company: acme
    phone_type: snom320
    zone: Europe/London
    can_hotdesk: false
    can_forward: true
    qualify: ""
    call_group: null
    access: full
    nat_mode: false
    nat_ipaddr: none
    ntp: default
    codec_list: default
    barge: 0
    ip_addr: null
    ip_dns1: null
    ip_dns2: null
    ip_gateway: null
    ip_domain: null
ports:
  description: Every port row of the device after the task, each like RV(phone).
  returned: always
  type: list
  elements: dict
  sample:
    - {mac: 000413aabb01, port: 0, phoneid: 000413aabb010, name: Reception, company: acme, phone_type: snom320}
action:
  description: What the task did (or in check mode would do).
  returned: always
  type: str
  choices: [created, promoted, updated, deleted, demoted, unchanged]
  sample: updated
diff:
  description: The managed settings before and after, with C(state) (V(absent), V(waiting) to be provisioned, or V(present)).
  returned: when diff mode is on
  type: dict
  sample:
    before: {state: present, name: Reception}
    after: {state: present, name: Front desk}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxError, client_for_module, connection_argument_spec
from ansible_collections.ipcortex.pbx.plugins.module_utils._converge import ConvergeError, TypeCatalog, converge, desired_from_params
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import InvalidInput, NotPlannable, phone_argument_spec, shape_problems, single_values


def argument_spec():
    spec = connection_argument_spec()
    spec.update(phone_argument_spec())
    spec.update(state=dict(type='str', choices=['present', 'absent'], default='present'))
    return spec


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[('mac', 'phoneid')],
        required_one_of=[('mac', 'phoneid')],
        supports_check_mode=True,
    )
    problems = shape_problems(module.params)
    if problems:
        module.fail_json(msg='; '.join(problems))
    module.params.update(single_values(module.params))
    with client_for_module(module) as client:
        try:
            catalog = TypeCatalog(client)
            desired = desired_from_params(client, module.params, catalog=catalog)
            outcome = converge(client, desired, check_mode=module.check_mode, catalog=catalog)
        except (InvalidInput, NotPlannable) as exc:
            module.fail_json(msg=str(exc), changed=client.may_have_written)
        except ConvergeError as exc:
            module.fail_json(msg=str(exc), changed=client.may_have_written, ports=exc.outcome.ports if exc.outcome else [])
        except PbxError as exc:
            module.fail_json(msg=str(exc), changed=client.may_have_written, call=exc.call, server_message=exc.server_message)

    for warning in outcome.warnings:
        module.warn(warning)
    result = dict(changed=outcome.changed, action=outcome.action, phone=outcome.phone, ports=outcome.ports)
    if module._diff:
        result['diff'] = outcome.diff
    module.exit_json(**result)


if __name__ == '__main__':
    main()
