# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Gathering the declared phones' variables from the inventory, on the controller.

Private to this collection: no stability promise for anything in this file.

Shared by the handsets role's task and the offline validation, so that both read exactly the same
variables before handing them to ``module_utils._declared``. Only the variables that declare phones
are read (and so templated or decrypted): a PBX host's vaulted credentials are never touched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import CONNECTION_OPTIONS
from ansible_collections.ipcortex.pbx.plugins.module_utils._declared import fleet_block_names


def phone_hosts(hostvars, hosts, prefix):
    """``[(host, {variable: value})]`` of the phone hosts, only their variables with the prefix."""
    declared = []
    for host in hosts:
        host_vars = hostvars[host]
        declared.append((host, dict((name, host_vars[name]) for name in host_vars if name.startswith(prefix))))
    return declared


def fleet_blocks(variables, value=None):
    """``{block name: block}`` of a host's fleet blocks; ``value(name)`` reads one (default: ``variables[name]``)."""
    value = value or variables.__getitem__
    return dict((name, value(name)) for name in fleet_block_names(variables))


class DeclaredPhonesAction(ActionBase):
    """Base of the controller-side tasks that read the declared phones (no module is transferred)."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def _var(self, task_vars, name, default=None):
        """A variable of the task, templated; ``default`` when it is not set or is null."""
        if name not in task_vars:
            return default
        value = self._templar.template(task_vars[name])
        return default if value is None else value

    def _unsupported_options(self, result, takes):
        """A failed result when the task was given an option besides the connection options, else None.

        The connection options are accepted so that module_defaults for the group dialplan apply.
        """
        unknown = sorted(set(self._task.args) - set(CONNECTION_OPTIONS))
        if not unknown:
            return None
        return dict(result, failed=True, msg='unsupported option %s; %s' % (', '.join(unknown), takes))
