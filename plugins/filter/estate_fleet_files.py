# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: estate_fleet_files
short_description: A PBX's phones as the fleet block files of the estate layout
version_added: 0.2.0
description:
  - Turns the active phones of one PBX, as M(ipcortex.pbx.dialplan_phone_info) returns them with O(ipcortex.pbx.dialplan_phone_info#module:details=true),
    into the files of that PBX host in the estate layout, ready to be written under an inventory folder.
  - One file C(host_vars/<pbx>/<company>.yml) per company, holding the fleet block C(ipcortex_fleet_<company>) with the keys C(company),
    C(defaults) and C(phones).
  - C(defaults) holds, per setting, the value that more than half of the company's port rows share (3 of 5, 2 of 3, 1 of 1; not 2 of 4).
    A setting without such a value has no default. Each phone lists C(mac), C(port) when not 0, and only the settings that differ from the
    defaults. Phones are sorted by MAC and port. Nulls are written as the empty string (the modules' "clear").
  - A company name made of letters, digits and underscores names its block and file as it is. Any other name, and the reserved name
    C(waiting), gets its other characters replaced by underscores and the first 8 hex digits of the name's SHA-1 appended
    (C(Acme Ltd) becomes C(ipcortex_fleet_Acme_Ltd_) followed by those digits), so that every company gets its own valid variable name.
  - With O(waiting), also C(host_vars/<pbx>/waiting.yml), listing the waiting devices in the variable C(ipcortex_export_waiting)
    (C(mac) and C(phone_type) each), which the C(ipcortex.pbx.handsets) role does not converge.
author:
  - IPCortex (@ipcortex)
positional: pbx, waiting
options:
  _input:
    description: The active phones (port rows) of the PBX, with their settings.
    type: list
    elements: dict
    required: true
  pbx:
    description: The PBX host's inventory name, the folder under C(host_vars).
    type: str
    required: true
  waiting:
    description: The phones waiting to be provisioned (M(ipcortex.pbx.dialplan_phone_info) with O(ipcortex.pbx.dialplan_phone_info#module:inactive=true)).
      Omitted or null writes no C(waiting.yml).
    type: list
    elements: dict
seealso:
  - plugin: ipcortex.pbx.estate_inventory
    plugin_type: filter
    description: The inventory file listing the PBX hosts.
'''

EXAMPLES = r'''
- name: Write the fleet blocks of a PBX host
  ansible.builtin.copy:
    content: "{{ item.content }}"
    dest: "{{ export_path }}/{{ item.path }}"
    mode: "0644"
  loop: "{{ export_active.phones | ipcortex.pbx.estate_fleet_files(inventory_hostname, export_waiting.phones) }}"
  loop_control:
    label: "{{ item.path }}"
  delegate_to: localhost
'''

RETURN = r'''
_value:
  description: The files, each with its path relative to the inventory folder and its YAML text.
  type: list
  elements: dict
  sample:
    - path: host_vars/london/acme.yml
      content: "---\nipcortex_fleet_acme:\n  company: \"acme\"\n  defaults:\n    phone_type: \"snomD345\"\n  phones:\n    - mac: \"000413d00001\"\n"
'''

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.ipcortex.pbx.plugins.module_utils._estate_export import ExportError, fleet_files


def estate_fleet_files(phones, pbx, waiting=None):
    if not isinstance(phones, list) or not all(isinstance(phone, dict) for phone in phones):
        raise AnsibleFilterError('estate_fleet_files: the input must be a list of phones (dicts), as dialplan_phone_info returns them')
    try:
        return fleet_files(to_native(pbx), phones, waiting)
    except ExportError as exc:
        raise AnsibleFilterError('estate_fleet_files: %s' % to_native(exc))


class FilterModule(object):

    def filters(self):
        return {'estate_fleet_files': estate_fleet_files}
