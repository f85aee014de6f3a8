#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The work is done by the action plugin of the same name, on the controller.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: handsets_fleet
short_description: Internal task of the handsets role - converge the fleet declared in inventory
version_added: 0.2.0
description:
  - The task of the role P(ipcortex.pbx.handsets#role), not a module to call from playbooks; use the role, which documents the
    variables this task reads and runs it with the right C(run_once) and C(delegate_to) for each layout.
  - It is a module, in the action group C(ipcortex.pbx.dialplan), so that C(module_defaults) for C(group/ipcortex.pbx.dialplan) reach
    the role.
  - Runs on the controller. Builds the declared phones from the role's variables - the list C(ipcortex_phones), the hosts of the group
    C(ipcortex_phone_group) with their C(phone_*) host vars (single-PBX layout), or the C(ipcortex_fleet_*) blocks of the PBX host it runs
    for (estate layout) - checks every entry with the rules of M(ipcortex.pbx.dialplan_phone), then converges them with
    M(ipcortex.pbx.dialplan_phones).
  - Problems are reported all at once in the task's message, before any request, naming the inventory host or the PBX, block and entry,
    and the variable the user set. Host vars with the phone prefix that name no option are warned about.
  - With C(ipcortex_phones_state=overridden) in the single-PBX layout, it refuses to run when the phone group may hold only part of the
    declared phones (a job slice of AWX, or a count other than C(ipcortex_phones_expected_hosts)).
  - With C(ipcortex_report_dir) set, writes the plan report of the run (see the role); the module then runs in diff mode, and the diffs are
    only returned when diff mode was asked for.
  - Publishes the run's summary with the job's stats (as C(ansible.builtin.set_stats) does, aggregated, not per host), keyed by the PBX
    host's name, or in the single-PBX layout by the PBX's host name (and the AWX job in a sliced job).
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
    details: As M(ipcortex.pbx.dialplan_phones) - reads, reports every change a real run would make, sends no write.
  diff_mode:
    support: full
    details: One diff per changed phone, headed by its phoneid and where it is declared (PBX, company and name, or inventory host).
notes:
  - The connection options are usually not given to the task itself but come from C(module_defaults) for C(group/ipcortex.pbx.dialplan);
    the role's C(ipcortex_url), C(ipcortex_api_key) and other connection variables, when set, take precedence.
seealso:
  - module: ipcortex.pbx.dialplan_phones
'''

EXAMPLES = r'''
# Use the role; it runs this task with the right run_once and delegate_to for each layout.
- name: Converge the PBXs of the estate
  hosts: pbxs
  gather_facts: false
  roles:
    - role: ipcortex.pbx.handsets
'''

RETURN = r'''
results:
  description:
    - The results of M(ipcortex.pbx.dialplan_phones), one per phone, each declared phone with C(label) (PBX, company and name, or the
      inventory host) and C(declared_by) (C(host), or C(pbx), C(block), C(index); C(company) and C(name)).
  returned: when the module ran
  type: list
  elements: dict
  sample: [{mac: 000413d00001, port: 0, phoneid: 000413d000010, action: unchanged, changed: false, msg: '',
            label: pbx-london / acme / Reception,
            declared_by: {pbx: pbx-london, block: ipcortex_fleet_acme, index: 0, company: acme, name: Reception}}]
summary:
  description: How many phones took each action, and the total.
  returned: when the module ran
  type: dict
  sample: {created: 0, promoted: 0, updated: 1, deleted: 0, demoted: 0, unchanged: 41, failed: 0, total: 42}
report:
  description:
    - The plan report's files (absolute paths) and its Markdown as a list of lines (C(lines)), which the role shows.
  returned: when C(ipcortex_report_dir) is set
  type: dict
  version_added: 0.2.0
  sample: {directory: /srv/pbx/plan, json: /srv/pbx/plan/pbxs/pbx-london.json, markdown: /srv/pbx/plan/pbxs/pbx-london.md,
           index_json: /srv/pbx/plan/index.json, index_markdown: /srv/pbx/plan/index.md, lines: ['## PBX pbx-london: no change']}
fail_on_changes_msg:
  description:
    - With C(ipcortex_fail_on_changes), when a phone changed or would change - the message the role fails with after showing the report.
  returned: when C(ipcortex_fail_on_changes) is true and a phone changed or would change
  type: str
  version_added: 0.2.0
  sample: 'ipcortex_fail_on_changes: 1 phone of pbx-london would change (1 updated); the report is /srv/pbx/plan/pbxs/pbx-london.md'
'''
