# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Helpers of the module tests: direct API calls to arrange state and look at results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import requests

SYSADMIN_KEY = 'sysadmin-key'
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(REPO, 'build', 'collections')
# The virtual environment running the tests holds ansible-playbook, ansible-inventory...
BIN = os.path.dirname(sys.executable)


def ansible_env(tmp_path=None, **extra):
    """The environment of an Ansible command a test runs: this venv's tools, the collection tree,
    nothing inherited from the caller's IPCORTEX_* or ANSIBLE_* settings."""
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(('IPCORTEX_', 'ANSIBLE_')))
    env.update(PATH=BIN + os.pathsep + os.environ.get('PATH', ''), ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='true')
    if tmp_path is not None:
        env['ANSIBLE_LOCAL_TEMP'] = str(tmp_path / 'tmp')
    env.update(extra)
    return env


def api(url, verb, scope=None, values=None, key=SYSADMIN_KEY):
    """One direct API call, to arrange a test's state or look at the result."""
    body = {'type': 'phone', 'auth': {'type': 'auth', 'key': key}}
    if scope is not None:
        body['scope'] = scope
    if values is not None:
        body['values'] = values
    reply = requests.post('%s/rest/dialplan/%s/' % (url, verb), json=body, timeout=10).json()
    assert reply['result'] == 'success', reply
    return reply


def verbs(pbx):
    """The verbs of every request the emulator logged since it was last cleared."""
    return [entry['verb'] for entry in pbx.control.log()]


def warnings_of(result):
    """The warnings a module returned, as text (ansible-core 2.19 returns them as structured events)."""
    texts = []
    for warning in result.get('warnings') or []:
        if isinstance(warning, dict):
            warning = (warning.get('event') or {}).get('msg', warning.get('msg'))
        texts.append(warning)
    return texts


def plain(value):
    """ansible-inventory marks strings from the PBX as unsafe ({"__ansible_unsafe": ...}); compare the values."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
