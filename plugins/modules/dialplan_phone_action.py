#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dialplan_phone_action
short_description: Reboot an IPCortex PBX handset or give it new SIP passwords
version_added: 0.1.0
description:
  - Asks the PBX to reboot a handset (API call C(reboot)) or to give every port of it a new random SIP password (API call C(newpass)).
  - This is an action, not a state. Every run that acts sends the request and reports C(changed=true).
  - A MAC or phoneid that matches no active phone fails the task with C(no phone matches ...).
  - The PBX only I(requests) the action from the device; a reboot or a new password may take a moment to reach the phone.
    The new password is never returned (the PBX provisions the phone with it).
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
    details:
      - Sends no C(reboot) or C(newpass). The module reads the phone once instead, so that check mode fails on a phone that matches nothing
        (or that the credentials may not act on) exactly as a real run would, and otherwise reports C(changed=true).
      - In check mode RV(numrows) and RV(company) are predicted from that read.
  diff_mode:
    support: none
    details: An action has no before and after state to show.
  idempotent:
    description: Running the task again with the same options acts again.
    support: none
    details: Every run that finds the phone acts again and reports a change; guard the task (for example with C(when)) to act once.
options:
  mac:
    description:
      - MAC address of the device, in any common notation (V(00:04:13:aa:bb:01), V(00-04-13-AA-BB-01), V(0004.13aa.bb01) or V(000413aabb01)).
      - Exactly one of O(mac) or O(phoneid) is required.
    type: str
  phoneid:
    description:
      - The phone's id, the 12 hex digits of the MAC followed by the port number, for example V(000413aabb010). Used when O(mac) is not given.
      - Both actions act on the whole device, so the port in the phoneid does not narrow them.
    type: str
  action:
    description:
      - V(reboot) asks the device to reboot (API call C(reboot)).
      - V(newpass) gives every port of the device a new random SIP password (API call C(newpass)); the phone picks it up on its next provisioning.
    type: str
    required: true
    choices: [reboot, newpass]
notes:
  - System-Admins may act on any phone; Company-Admins only on phones of the companies they administer. Other phones fail with the PBX's
    C(Permission denied).
  - A real run costs one request (with an API key); a check-mode run costs one read.
  - The request is sent again only when the PBX cannot have acted on it (HTTP 429 or 503, or a connection that was never made).
    When its outcome is unknown (HTTP 502 or 504 from a gateway, a timeout, or a connection cut after sending), it is never sent again, so a
    phone is never rebooted twice by one task, and no read can show whether it happened; the task then reports C(changed=true) with a warning
    that the outcome is unknown.
seealso:
  - module: ipcortex.pbx.dialplan_phone
    description: Manage the settings of a handset.
  - module: ipcortex.pbx.dialplan_phone_info
    description: List handsets, for example to act on every phone of a company.
  - plugin: ipcortex.pbx.dialplan
    plugin_type: inventory
    description: One inventory host per handset, to act on groups of phones with C(serial) and C(throttle).
  - name: IPCortex handset management API
    description: The vendor's reference for the reboot and newpass calls.
    link: https://developers.ipcortex.co.uk/
'''

EXAMPLES = r'''
# The first example gives the connection as options; the others take it from module_defaults for
# group/ipcortex.pbx.dialplan or from the IPCORTEX_URL and IPCORTEX_API_KEY environment variables.
- name: Reboot the reception phone
  ipcortex.pbx.dialplan_phone_action:
    url: https://pbx.example.com
    api_key: "{{ vault_pbx_api_key }}"
    mac: "00:04:13:aa:bb:01"
    action: reboot

# A rolling reboot of a group of phones from the ipcortex.pbx.dialplan inventory plugin:
# five phones per batch, at most two requests at a time, and a pause for each batch to come back.
- name: Rolling reboot of the acme phones
  hosts: company_acme
  gather_facts: false
  serial: 5
  vars:
    reboot_pause: 60  # seconds for a batch of phones to come back
  module_defaults:
    group/ipcortex.pbx.dialplan:
      url: "{{ lookup('ansible.builtin.env', 'IPCORTEX_URL') }}"
      api_key: "{{ lookup('ansible.builtin.env', 'IPCORTEX_API_KEY') }}"
  tasks:
    - name: Reboot the phone (once per device, not once per port)
      ipcortex.pbx.dialplan_phone_action:
        mac: "{{ phone_mac }}"
        action: reboot
      delegate_to: localhost
      throttle: 2
      when: phone_port == 0

    - name: Give the batch time to come back before the next one
      ansible.builtin.pause:
        seconds: "{{ reboot_pause }}"
      run_once: true

- name: Rotate the SIP passwords of every phone of a company
  hosts: localhost
  gather_facts: false
  tasks:
    - name: List the company's phones
      ipcortex.pbx.dialplan_phone_info:
        company: acme
      register: acme

    - name: New SIP passwords for each device
      ipcortex.pbx.dialplan_phone_action:
        mac: "{{ item }}"
        action: newpass
      loop: "{{ acme.phones | map(attribute='mac') | unique }}"
'''

RETURN = r'''
mac:
  description: The device acted on, as 12 lower-case hex digits.
  returned: always
  type: str
  sample: 000413aabb01
action:
  description: The action requested, as in O(action).
  returned: always
  type: str
  sample: reboot
numrows:
  description:
    - The number of port rows the PBX matched, as it answered (in check mode, the number of port rows the read found).
  returned: when the PBX answered (not when the outcome is unknown)
  type: int
  sample: 1
company:
  description:
    - The company of the matched device, as the PBX answered.
    - For V(reboot) the vendor documents a company name; for V(newpass) a mapping of port number to company.
  returned: when the PBX answered (not when the outcome is unknown)
  type: raw
  sample: acme
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxError, client_for_module, connection_argument_spec
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import InvalidInput, identity, normalize_row

ACTIONS = ('reboot', 'newpass')


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        mac=dict(type='str'),
        phoneid=dict(type='str'),
        action=dict(type='str', required=True, choices=list(ACTIONS)),
    )
    return spec


def predicted_reply(action, rows):
    """What the PBX would answer, from the device's rows (check mode sends nothing)."""
    if action == 'reboot':
        return {'numrows': len(rows), 'company': rows[0].get('company')}
    return {'numrows': len(rows), 'company': dict((str(row['port']), row.get('company')) for row in rows)}


def act(client, mac, action, check_mode):
    """Returns the reply (real or predicted); numrows 0 means no phone matched."""
    if check_mode:
        # By MAC alone, as the action goes: refused exactly when the action would be (a device
        # with a port in a company these credentials do not administer).
        rows = sorted((normalize_row(row) for row in client.call('read', {'mac': mac}).get('values') or []), key=lambda row: row['port'])
        return predicted_reply(action, rows) if rows else {'numrows': 0}
    return client.call(action, {'mac': mac})


def matched_rows(reply):
    """numrows as a number; None when the PBX left it out (it acted, as far as we can tell)."""
    try:
        return int(reply.get('numrows'))
    except (TypeError, ValueError):
        return None


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[('mac', 'phoneid')],
        required_one_of=[('mac', 'phoneid')],
        supports_check_mode=True,
    )
    params = module.params
    action = params['action']
    with client_for_module(module) as client:
        try:
            mac = identity(dict(mac=params['mac'], phoneid=params['phoneid']))[0]
        except InvalidInput as exc:
            module.fail_json(msg=str(exc), changed=False)
        try:
            reply = act(client, mac, action, module.check_mode)
        except PbxError as exc:
            if not exc.outcome_unknown:
                module.fail_json(msg=str(exc), changed=False, mac=mac, action=action, call=exc.call, server_message=exc.server_message)
            # Sent once and never again: no read can show whether it happened.
            module.warn('%s. The %s was not sent again, so that the phone does not get it twice; check the phone' % (exc, action))
            module.exit_json(changed=True, mac=mac, action=action)

    numrows = matched_rows(reply)
    if numrows == 0:
        module.fail_json(msg='no phone matches mac %s: dialplan/%s found no active phone to act on' % (mac, action),
                         changed=False, mac=mac, action=action, numrows=0)
    module.exit_json(changed=True, mac=mac, action=action, numrows=reply.get('numrows'), company=reply.get('company'))


if __name__ == '__main__':
    main()
