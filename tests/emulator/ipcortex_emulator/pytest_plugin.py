# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pytest fixtures: ``emulator`` (one process per session, or per xdist worker) and
``pbx`` (the same process, reset to its seed before each test).

Load with ``pytest_plugins = ["ipcortex_emulator.pytest_plugin"]`` in a conftest.py.
"""

import pytest

from ipcortex_emulator.testing import EmulatorProcess


@pytest.fixture(scope="session")
def emulator():
    """A running emulator on a free port: ``.url``, ``.control``."""
    process = EmulatorProcess().start()
    yield process
    process.stop()


@pytest.fixture
def pbx(emulator):
    """The session's emulator with state, sessions, log and faults reset to the seed."""
    emulator.control.reset()
    return emulator
