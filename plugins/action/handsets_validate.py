# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Offline validation of every phone the inventory declares, in both layouts: no PBX, no credentials.

The variables are gathered as the handsets role's task gathers them and checked by the same code
(``module_utils._declared`` and ``_phone``), with phone types against the vendor's list.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ipcortex.pbx.plugins.module_utils._declared import from_blocks, from_hosts, from_list
from ansible_collections.ipcortex.pbx.plugins.plugin_utils._declared_vars import DeclaredPhonesAction, fleet_blocks, phone_hosts


def validate_inventory(groups, hostvars, group='phones', prefix='phone_', phones=None):
    """Every problem of the declared phones, and how many phones are declared: (problems, count, layouts).

    ``groups``/``hostvars`` are the inventory's (Ansible's magic variables). Single-PBX layout: the hosts
    of ``group``; estate layout: every host with fleet blocks, each PBX checked on its own (duplicates
    are per PBX); ``phones``: the list ``ipcortex_phones`` when set. Host vars with the prefix that name
    no option are problems here (the role only warns): a typo would leave a setting unmanaged.
    """
    problems = []
    count = 0
    layouts = []
    if phones is not None:
        fleet = from_list(phones, check_phone_types=True)
        problems += fleet.problems
        count += len(fleet.phones)
        layouts.append('ipcortex_phones')
    if group in groups:
        fleet = from_hosts(phone_hosts(hostvars, groups[group], prefix), prefix, check_phone_types=True)
        problems += fleet.problems + fleet.warnings
        count += len(fleet.phones)
        layouts.append('group %s' % group)
    for host in sorted(groups.get('all', ())):
        blocks = fleet_blocks(hostvars[host])
        if not blocks:
            continue
        fleet = from_blocks(host, blocks, check_phone_types=True)
        problems += fleet.problems + fleet.warnings
        count += len(fleet.phones)
        layouts.append('PBX host %s' % host)
    return problems, count, layouts


class ActionModule(DeclaredPhonesAction):
    """See plugins/modules/handsets_validate.py."""

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp

        refused = self._unsupported_options(result, 'this task takes no option and reads the inventory and the role\'s '
                                            'ipcortex_phone_group, ipcortex_phone_var_prefix and ipcortex_phones')
        if refused:
            return refused
        group = self._var(task_vars, 'ipcortex_phone_group', 'phones')
        prefix = self._var(task_vars, 'ipcortex_phone_var_prefix', 'phone_')
        phones = self._var(task_vars, 'ipcortex_phones') if 'ipcortex_phones' in task_vars else None
        problems, count, layouts = validate_inventory(task_vars.get('groups') or {}, task_vars['hostvars'], group, prefix, phones)
        result.update(changed=False, phones=count, sources=layouts, problems=problems)
        if not layouts:
            return dict(result, failed=True, msg=(
                "no phones declared: the inventory has no group '%s' (ipcortex_phone_group) and no host with ipcortex_fleet_* blocks; "
                "is -i pointing at the inventory?" % group))
        if problems:
            return dict(result, failed=True, msg='%d problem%s in the declared phones (each in problems)'
                        % (len(problems), '' if len(problems) == 1 else 's'))
        result['msg'] = '%d phones declared (%s), no problem' % (count, ', '.join(layouts))
        return result
