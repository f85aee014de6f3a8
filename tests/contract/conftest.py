# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Contract tests of the emulator: every call, rule, permission and fault, over real HTTP."""

import sys

import pytest

from contract_helpers import EMULATOR, Api

if EMULATOR not in sys.path:
    sys.path.insert(0, EMULATOR)

pytest_plugins = ["ipcortex_emulator.pytest_plugin"]


@pytest.fixture
def api(pbx):
    """A client of the reset emulator's REST API."""
    return Api(pbx.url)
