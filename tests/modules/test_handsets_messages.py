# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The handsets role speaks the user's language: the single-PBX layout of examples/ with one mistake
at a time, run by ansible-playbook against the emulator (demo seed)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import subprocess

import pytest

from ipcortex_emulator.testing import EmulatorProcess  # pylint: disable=import-error
from pbx_helpers import REPO, SYSADMIN_KEY, ansible_env  # pylint: disable=import-error


@pytest.fixture(scope='module')
def demo_emulator():
    with EmulatorProcess(seed=os.path.join(REPO, 'tests', 'emulator', 'seeds', 'demo.yml')) as process:
        yield process


@pytest.fixture
def examples(demo_emulator, tmp_path):
    demo_emulator.control.reset()
    shutil.copytree(os.path.join(REPO, 'examples', 'inventory'), str(tmp_path / 'inventory'))

    def run(*args):
        demo_emulator.control.clear_log()
        return subprocess.run(['ansible-playbook', '-i', str(tmp_path / 'inventory'), os.path.join(REPO, 'examples', 'site.yml')] + list(args),
                              env=ansible_env(tmp_path, IPCORTEX_URL=demo_emulator.url, IPCORTEX_API_KEY=SYSADMIN_KEY),
                              capture_output=True, text=True, timeout=300, check=False)
    run.inventory = tmp_path / 'inventory'
    run.pbx = demo_emulator
    return run


def add_host_vars(inventory, host, text):
    path = inventory / 'host_vars' / (host + '.yml')
    path.write_text(path.read_text() + text)


def fatal_lines(output):
    return [line for line in output.splitlines() if line.startswith('fatal: ')]


def test_a_phoneid_naming_another_port_than_the_mac_fails_naming_the_host_before_any_request(examples):
    add_host_vars(examples.inventory, 'acme-fax', 'phone_phoneid: 000e08d000041\n')
    run = examples()
    assert run.returncode != 0
    fatal = fatal_lines(run.stdout)
    assert len(fatal) == 1
    assert ('host acme-fax: phone_phoneid: 000e08d000041 names 000e08d00004 port 1, but phone_mac and phone_port name '
            '000e08d00004 port 0') in fatal[0]
    assert fatal[0].count('phone_phoneid') == 1
    assert examples.pbx.control.log() == []


def test_a_phoneid_that_agrees_with_the_mac_is_fine(examples):
    add_host_vars(examples.inventory, 'acme-door', 'phone_phoneid: 000e08d000041\n')
    run = examples('--check')
    assert run.returncode == 0, run.stdout + run.stderr
    assert examples.pbx.control.writes() == []


def test_a_mistyped_host_var_is_warned_about_and_a_failed_phone_names_its_host(examples):
    add_host_vars(examples.inventory, 'acme-door', 'phone_nmae: Front door\n')
    add_host_vars(examples.inventory, 'acme-sales-1', 'phone_company: globex\n')
    run = examples()
    assert run.returncode != 0
    output = run.stdout + run.stderr
    assert 'host acme-door: phone_nmae is not a phone option and is ignored; did you mean phone_name?' in output
    fatal = fatal_lines(run.stdout)
    assert len(fatal) == 1
    # The failed phone is named by its phoneid and the inventory host, company and name that declare it.
    assert '1 of 9 phones failed: 000413d000020 (acme-sales-1 / globex / Acme sales 1): ' in fatal[0]
    assert 'reassign: true' in fatal[0]


def test_guardrails_speak_of_the_role_variables(examples):
    run = examples('-e', 'ipcortex_phones_max_deletions=0', '-e', '{"ipcortex_phones_companies": ["acme", "globex", "default"]}',
                   '--check')
    # The demo seed matches examples/; nothing to delete, so the guardrail holds: no failure.
    assert run.returncode == 0, run.stdout
    examples.pbx.control.reset()
    (examples.inventory / 'host_vars' / 'acme-reception.yml').unlink()
    (examples.inventory / 'hosts.yml').write_text((examples.inventory / 'hosts.yml').read_text().replace('        acme-reception:\n', ''))
    run = examples('-e', 'ipcortex_phones_max_deletions=0')
    fatal = fatal_lines(run.stdout)
    assert len(fatal) == 1
    assert 'ipcortex_phones_max_deletions: state overridden would delete 1 phones' in fatal[0]
    assert 'raise ipcortex_phones_max_deletions' in fatal[0]
    assert examples.pbx.control.writes() == []
