# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""meta/runtime.yml: the action group holds every module, once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

from pbx_helpers import REPO  # pylint: disable=import-error


def test_the_action_group_lists_every_module_exactly_once():
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        group = yaml.safe_load(handle)['action_groups']['dialplan']
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(REPO, 'plugins', 'modules')) if name.endswith('.py') and name != '__init__.py')
    assert sorted(group) == modules and len(group) == len(set(group))
