# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # What every module of the collection shares; list this fragment before
    # ansible.builtin.action_common_attributes so that these values are the ones kept.
    DOCUMENTATION = r'''
attributes:
  platform:
    support: full
    platforms: IPCortex PBX (REST API 6.3.10 or later)
  action_group:
    support: full
    membership:
      - ipcortex.pbx.dialplan
'''
