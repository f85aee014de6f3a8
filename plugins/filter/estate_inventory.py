# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: estate_inventory
short_description: The inventory file of an estate's PBX hosts, without secrets
version_added: 0.2.0
description:
  - Turns a list of PBX host names into the inventory file of the estate layout, C(<group>.yml), holding the group O(group) with each
    PBX host and those of its connection host vars that are set and not secret - C(ipcortex_url), C(ipcortex_username),
    C(ipcortex_validate_certs), C(ipcortex_ca_path), C(ipcortex_timeout), C(ipcortex_retries).
  - C(ipcortex_api_key) and C(ipcortex_password) are never written; give them to each PBX host, vaulted, in its C(host_vars) folder.
author:
  - IPCortex (@ipcortex)
positional: hostvars, group
options:
  _input:
    description: The names of the PBX hosts.
    type: list
    elements: str
    required: true
  hostvars:
    description: The variables of the hosts, usually Ansible's C(hostvars).
    type: dict
    required: true
  group:
    description: The group of the PBX hosts, also the file's name without C(.yml).
    type: str
    default: pbxs
seealso:
  - plugin: ipcortex.pbx.estate_fleet_files
    plugin_type: filter
    description: The fleet block files of each PBX host.
'''

EXAMPLES = r'''
- name: Write the inventory file of the PBX hosts
  ansible.builtin.copy:
    content: "{{ (ansible_play_hosts_all | ipcortex.pbx.estate_inventory(hostvars)).content }}"
    dest: "{{ export_path }}/pbxs.yml"
    mode: "0644"
  run_once: true
  delegate_to: localhost
'''

RETURN = r'''
_value:
  description: The file, with its path relative to the inventory folder and its YAML text.
  type: dict
  sample:
    path: pbxs.yml
    content: "---\npbxs:\n  hosts:\n    london:\n      ipcortex_url: \"https://pbx-london.example.com\"\n"
'''

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.ipcortex.pbx.plugins.module_utils._estate_export import PUBLIC_CONNECTION_VARS, ExportError, inventory_file


def _plain(value):
    # Ansible hands over its own str subclasses; the YAML text wants plain values.
    if isinstance(value, str):
        return to_native(value)
    return value


def estate_inventory(hosts, hostvars, group='pbxs'):
    if not isinstance(hosts, list):
        raise AnsibleFilterError('estate_inventory: the input must be a list of host names')
    pbxs = {}
    for host in hosts:
        host = to_native(host)
        try:
            host_vars = hostvars[host]
        except KeyError:
            raise AnsibleFilterError('estate_inventory: no variables for the host %s' % host)
        pbxs[host] = dict((name, _plain(host_vars[name])) for name in PUBLIC_CONNECTION_VARS if name in host_vars)
    try:
        return inventory_file(pbxs, to_native(group))
    except ExportError as exc:
        raise AnsibleFilterError('estate_inventory: %s' % to_native(exc))


class FilterModule(object):

    def filters(self):
        return {'estate_inventory': estate_inventory}
