# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Module tests: the modules run in-process and talk real HTTP to the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

import pytest

from pbx_helpers import COLLECTIONS, REPO, SYSADMIN_KEY, api  # pylint: disable=import-error

LINK = os.path.join(COLLECTIONS, 'ansible_collections', 'ipcortex', 'pbx')

if not os.path.exists(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(REPO, LINK)
for path in (COLLECTIONS, os.path.join(REPO, 'tests', 'emulator')):
    if path not in sys.path:
        sys.path.insert(0, path)

pytest_plugins = ['ipcortex_emulator.pytest_plugin']


def pytest_configure(config):
    config.addinivalue_line('markers', 'smoke: a representative few, also run under the oldest and newest ansible-core (make matrix)')


def _module_args(args):
    """Hands args to the next AnsibleModule: ansible-core 2.19+ has a helper, older ones read basic._ANSIBLE_ARGS."""
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:
        from unittest import mock
        from ansible.module_utils import basic
        return mock.patch.object(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode())
    return patch_module_args(args)


class ModuleRun(object):
    """Runs a module's main() with the given args and returns what it printed, parsed."""

    def __init__(self, capsys, monkeypatch):
        self.capsys = capsys
        self.sleeps = []
        from ansible_collections.ipcortex.pbx.plugins.module_utils import _client
        # Back-off is real but recorded, and short, so fault tests stay quick.
        monkeypatch.setattr(_client, '_sleep', self.sleeps.append)

    def __call__(self, module, args, check_mode=False, diff=True):
        from ansible.module_utils.common import warnings
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        # Warnings are process-global in a module; each run here starts with none.
        warnings._global_warnings.clear()
        self.capsys.readouterr()
        with _module_args(args):
            with pytest.raises(SystemExit):
                module.main()
        out = self.capsys.readouterr().out
        self.last_output = out
        return json.loads(out)


@pytest.fixture
def run_module(capsys, monkeypatch):
    for name in list(os.environ):
        if name.startswith('IPCORTEX_'):
            monkeypatch.delenv(name)
    return ModuleRun(capsys, monkeypatch)


@pytest.fixture
def phone(pbx):
    """A phone the tests converge: created fresh on the reset emulator, then the log cleared."""
    def make(mac='000413cc0001', company='acme', phone_type='snom320', name='Reception', **settings):
        api(pbx.url, 'create', values={'mac': mac, 'company': company, 'phone_type': phone_type, 'name': name})
        if settings:
            api(pbx.url, 'update', scope={'mac': mac, 'port': 0}, values=settings)
        pbx.control.clear_log()
        return mac
    return make


@pytest.fixture
def call_module(pbx, run_module):
    """Runs a module against the reset emulator, with the System-Admin's key unless a username is given."""
    def run(module, check_mode=False, diff=True, **args):
        args.setdefault('url', pbx.url)
        if 'username' not in args:
            args.setdefault('api_key', SYSADMIN_KEY)
        return run_module(module, args, check_mode=check_mode, diff=diff)
    return run
