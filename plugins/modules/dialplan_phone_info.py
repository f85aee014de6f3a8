#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dialplan_phone_info
short_description: List the handsets of an IPCortex PBX and their settings
version_added: 0.1.0
description:
  - Reads handsets through the PBX's C(dialplan) REST API without changing anything.
  - By device (O(mac) or O(phoneid), optionally one O(port)) it returns the device's port rows with every setting (API call C(read)).
  - By O(company), or with no selector at all, it lists the active phones (API call C(active)); O(details=true) adds each phone's full settings,
    read in parallel over one keep-alive session.
  - O(inactive=true) lists the phones waiting to be provisioned (API call C(inactive)); O(phone_types=true) the phone types the PBX knows
    (API call C(readtypes)).
  - Results are always lists. Each phone has the keys of the options of M(ipcortex.pbx.dialplan_phone), normalised the same way, plus the
    read-only keys C(phoneid), C(description) and C(created). A phone with the read-only keys removed can be given back to
    M(ipcortex.pbx.dialplan_phone) or M(ipcortex.pbx.dialplan_phones) as it is, and converges to no change.
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
    details: The module only reads, in check mode as in a real run.
  diff_mode:
    support: N/A
    details: The module never changes anything.
options:
  mac:
    description:
      - MAC address of one device, in any common notation (V(00:04:13:aa:bb:01), V(00-04-13-AA-BB-01), V(0004.13aa.bb01) or V(000413aabb01)).
      - Returns every port row of the device (or only O(port)), with all settings; an unknown device returns an empty RV(phones).
    type: str
  phoneid:
    description:
      - The id of one port row, the MAC's 12 hex digits followed by the port number, for example V(000413aabb010). Used when O(mac) is not given.
    type: str
  port:
    description:
      - With O(mac), return only this port row. Without it, every port row of the device is returned.
      - With O(phoneid) it must name the same port; it is not allowed without O(mac) or O(phoneid).
    type: int
  company:
    description:
      - List the active phones of this company, or of these companies (API call C(active) with C(scope.company)).
      - Without O(company), O(mac), O(phoneid) or O(inactive), every active phone the credentials may see is listed (a Company-Admin sees the
        phones of the companies it administers).
    type: list
    elements: str
  details:
    description:
      - With a listing of active phones, also read each device's full settings (API call C(read)), O(concurrency) devices at a time.
      - Without it, a listing holds only C(mac), C(port), C(phoneid), C(company), C(phone_type), C(description) and C(created).
      - A device read by O(mac) or O(phoneid) always has its full settings.
    type: bool
    default: false
  inactive:
    description:
      - List the phones waiting to be provisioned instead of the active ones (API call C(inactive), System-Admin only).
      - Their rows have C(mac), C(port), C(phoneid), C(phone_type), C(description) and C(created); they belong to no company yet.
    type: bool
    default: false
  phone_types:
    description:
      - Also return the phone types the PBX knows, in RV(phone_types) (API call C(readtypes)).
      - With O(phone_types=true) and no phone selector (O(mac), O(phoneid), O(company), O(inactive), O(details)), no phone is listed and
        RV(phones) is empty.
    type: bool
    default: false
  concurrency:
    description:
      - How many devices are read at the same time with O(details=true), each over the shared keep-alive session.
    type: int
    default: 8
notes:
  - Requests per run with an API key (a login and a logout more with O(username) and O(password)) - by device one; a listing one;
    a listing with O(details=true) one plus one per device; O(inactive=true) one; O(phone_types=true) one more.
  - System-Admins see every phone; Company-Admins the phones of the companies they administer. Reading another company's phone fails with the
    PBX's C(Permission denied).
  - A Company-Admin sees its own ports of a device whose other ports belong to another company. The PBX refuses it such a device by MAC alone,
    so the device is then read port by port (one request per port, after the refused one); no other device costs an extra request.
seealso:
  - module: ipcortex.pbx.dialplan_phone
    description: Converge one handset; takes the phones this module returns.
  - module: ipcortex.pbx.dialplan_phones
    description: Converge a whole fleet in one task.
  - plugin: ipcortex.pbx.dialplan
    plugin_type: inventory
    description: The same phones as inventory hosts.
  - name: IPCortex handset management API
    description: The vendor's reference for the read call.
    link: https://developers.ipcortex.co.uk/
'''

EXAMPLES = r'''
# The first example gives the connection as options; the others take it from module_defaults for
# group/ipcortex.pbx.dialplan or from the IPCORTEX_URL and IPCORTEX_API_KEY environment variables.
- name: One device, every port with its settings
  ipcortex.pbx.dialplan_phone_info:
    url: https://pbx.example.com
    api_key: "{{ vault_pbx_api_key }}"
    mac: "00:04:13:aa:bb:01"
  register: reception

- name: The second port of an ATA
  ipcortex.pbx.dialplan_phone_info:
    phoneid: 000e08aabb011
  register: fax

- name: Every phone of two companies, with their settings
  ipcortex.pbx.dialplan_phone_info:
    company: [acme, globex]
    details: true
  register: fleet

- name: Save them, without the read-only keys, as a fleet that ipcortex.pbx.dialplan_phones takes as it is
  vars:
    declared: "{{ fleet.phones | map('dict2items') | map('rejectattr', 'key', 'in', ['phoneid', 'description', 'created']) | map('items2dict') }}"
  block:
    - name: Create the folder group_vars/all beside the playbook
      ansible.builtin.file:
        path: "{{ playbook_dir }}/group_vars/all"
        state: directory
        mode: "0755"

    - name: Write the fleet into it, as the variable declared_phones
      ansible.builtin.copy:
        dest: "{{ playbook_dir }}/group_vars/all/phones.yml"
        content: "{{ {'declared_phones': declared} | to_nice_yaml }}"
        mode: "0644"

- name: Every active phone the credentials may see (one request)
  ipcortex.pbx.dialplan_phone_info:
  register: active

- name: Phones waiting to be provisioned
  ipcortex.pbx.dialplan_phone_info:
    inactive: true
  register: waiting

- name: The phone types the PBX knows
  ipcortex.pbx.dialplan_phone_info:
    phone_types: true
  register: types
'''

RETURN = r'''
phones:
  description:
    - The phones, one item per port row, with the keys of the options of M(ipcortex.pbx.dialplan_phone).
    - With full settings (a device read, or O(details=true)) every setting is present; a listing has fewer keys (see O(details)).
    - C(phoneid), C(description) (the PBX's description of the phone type, from a listing) and C(created) (when the phone was added, seconds
      since the epoch, from a listing) are read-only; leave them out when giving a phone to M(ipcortex.pbx.dialplan_phone).
  returned: always
  type: list
  elements: dict
  sample:
    - mac: 000413aabb01
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
      access: default
      nat_mode: false
      nat_ipaddr: default
      ntp: default
      codec_list: default
      barge: 0
      ip_addr: null
      ip_dns1: null
      ip_dns2: null
      ip_gateway: null
      ip_domain: null
      description: Snom snom320
      created: 1700000000
phone_types:
  description:
    - The phone types the PBX knows, with O(phone_types=true); otherwise empty.
    - C(phone_type) is the value for the O(ipcortex.pbx.dialplan_phone#module:phone_type) option; C(description) and C(ports) (the number of
      port rows a device of this type has) are present when the PBX gives them.
  returned: always
  type: list
  elements: dict
  sample:
    - {phone_type: spa112, description: Linksys/Cisco SPA spa112 (2 ports), ports: 2}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxError, client_for_module, connection_argument_spec
from ansible_collections.ipcortex.pbx.plugins.module_utils._listing import list_active, list_waiting, read_device, type_row, with_details
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import InvalidInput, identity


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        mac=dict(type='str'),
        phoneid=dict(type='str'),
        port=dict(type='int'),
        company=dict(type='list', elements='str'),
        details=dict(type='bool', default=False),
        inactive=dict(type='bool', default=False),
        phone_types=dict(type='bool', default=False),
        concurrency=dict(type='int', default=8),
    )
    return spec


def wants_phones(params):
    selectors = ('mac', 'phoneid', 'company', 'inactive', 'details')
    return not params['phone_types'] or any(params[key] for key in selectors)


def read_phones(client, params):
    if params['mac'] or params['phoneid']:
        mac, port = identity(params)
        return read_device(client, mac, port if (params['phoneid'] or params['port'] is not None) else None)
    if params['inactive']:
        return list_waiting(client)
    listed = list_active(client, params['company'])
    return with_details(client, listed, params['concurrency']) if params['details'] else listed


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[('mac', 'phoneid', 'company', 'inactive'), ('inactive', 'details')],
        supports_check_mode=True,
    )
    params = module.params
    if params['port'] is not None and not (params['mac'] or params['phoneid']):
        module.fail_json(msg='port: give it with mac (or phoneid); it selects a port row of that device')
    if params['concurrency'] < 1:
        module.fail_json(msg='concurrency must be 1 or more')

    phones, phone_types = [], []
    with client_for_module(module, pool_size=params['concurrency']) as client:
        try:
            if wants_phones(params):
                phones = read_phones(client, params)
            if params['phone_types']:
                phone_types = [type_row(row) for row in client.phone_types()]
        except InvalidInput as exc:
            module.fail_json(msg=str(exc), changed=False)
        except PbxError as exc:
            module.fail_json(msg=str(exc), changed=False, call=exc.call, server_message=exc.server_message)
    module.exit_json(changed=False, phones=phones, phone_types=phone_types)


if __name__ == '__main__':
    main()
