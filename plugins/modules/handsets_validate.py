#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The work is done by the action plugin of the same name, on the controller.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: handsets_validate
short_description: Internal task of the validate playbook - check every handset declared in inventory, offline
version_added: 0.2.0
description:
  - The task of the playbook C(ipcortex.pbx.validate), which checks the variables of the role P(ipcortex.pbx.handsets#role); run that
    playbook (C(ansible-playbook ipcortex.pbx.validate -i inventory/)) in a pre-commit hook or a CI job rather than calling this task.
  - It is a module in the action group C(ipcortex.pbx.dialplan) like every module of the collection; the connection options that
    C(module_defaults) for C(group/ipcortex.pbx.dialplan) give it are ignored.
  - Runs on the controller, contacts no PBX and needs no credentials; vaulted variables are not decrypted.
  - Checks every phone declared in inventory with the code the role P(ipcortex.pbx.handsets#role)
    and M(ipcortex.pbx.dialplan_phones) use for their input - identity (C(mac) in any of its notations, C(phoneid), C(port)), values
    (booleans, C(qualify), C(barge), C(zone), empty C(company) or C(phone_type)), phone types against the vendor's list, port rows
    declared twice (per PBX), unknown options and unknown keys of fleet blocks, a fleet block without C(company).
  - "Reads the single-PBX layout (the hosts of the group C(ipcortex_phone_group), default C(phones), with their C(phone_*) host vars -
    one that names no option is a problem here, where the role only warns), the estate layout (every host with C(ipcortex_fleet_*)
    blocks, each host a PBX), and C(ipcortex_phones) when it is set."
  - Every problem is listed in one run, each naming the inventory host, or the PBX host, block and entry index, the option, and what is
    allowed. The task fails if there is any problem and is C(ok) otherwise.
author:
  - IPCortex (@ipcortex)
extends_documentation_fragment:
  - ipcortex.pbx.attributes
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Never changes anything.
  diff_mode:
    support: none
  action_group:
    details: In the group C(dialplan) like every module of the collection; the connection options it may receive are ignored.
notes:
  - Phone types are checked against the vendor's list (API 6.5). A type that only a newer PBX knows is reported; the role and the modules
    ask the PBX itself.
  - Set C(ipcortex_phone_group) or C(ipcortex_phone_var_prefix) as for the role when the inventory uses other names
    (C(-e ipcortex_phone_group=desk_phones)).
seealso:
  - ref: ansible_collections.ipcortex.pbx.docsite.gitops_checks
    description: Offline validation and the plan report in pull requests.
'''

EXAMPLES = r'''
# The playbook ipcortex.pbx.validate is this task on localhost:
#   ansible-playbook ipcortex.pbx.validate -i inventory/
- name: Check the declared handsets
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Check every declared phone, offline
      ipcortex.pbx.handsets_validate:
'''

RETURN = r'''
phones:
  description: How many port rows are declared (and valid).
  returned: always
  type: int
  sample: 42
sources:
  description: Where phones were found - the phone group, each PBX host with fleet blocks, C(ipcortex_phones).
  returned: always
  type: list
  elements: str
  sample: [group phones, PBX host pbx-london]
problems:
  description: Every problem found, one sentence each, naming the host or the PBX, block and entry, and the option.
  returned: always
  type: list
  elements: str
  sample: ["pbx-london ipcortex_fleet_acme.phones[2].mac: '00:04:13:zz:00:01' is not a MAC address; give 12 hex digits, e.g. ..."]
'''
