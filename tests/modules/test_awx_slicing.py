# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Both layouts run as an AWX sliced job: every slice through ansible-runner, as AWX runs it.

A slice's inventory is built as AWX builds it (awx/main/models/inventory.py, get_script_data): the
inventory as AWX stores it (``ansible-inventory --list --export``: host vars per host, group vars per
group), its enabled hosts sorted by name and every n-th kept (``[k-1::n]``), each group keeping only
the slice's hosts and all its vars, host vars inline under ``_meta``; served by an inventory script.
Every slice gets AWX's meta extra vars: the job's, the job template's and, since AWX runs a sliced
job as a workflow made from the job template, the workflow job's (named after the job template).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import stat
import subprocess

import ansible_runner
import pytest

from pbx_helpers import BIN, COLLECTIONS, REPO, ansible_env  # pylint: disable=import-error
from test_estates import PBXS, emulators, estate  # noqa: F401 pylint: disable=unused-import,import-error

TEMPLATE = 'Converge the handsets'
WRITE_VERBS = ('create', 'update', 'delete', 'assign', 'promote', 'demote')


def stored_inventory(path, tmp_path):
    """The inventory as AWX imports and stores it."""
    listing = subprocess.run([os.path.join(BIN, 'ansible-inventory'), '-i', str(path), '--list', '--export'],
                             env=ansible_env(tmp_path), capture_output=True, text=True, check=True)
    return json.loads(listing.stdout)


def slice_inventory(stored, number, count):
    """Slice ``number`` (1-based) of ``count``, as AWX gives it to the slice's job."""
    hostvars = stored['_meta']['hostvars']
    every_host = set(hostvars)
    for name, group in stored.items():
        if name != '_meta':
            every_host.update(group.get('hosts', []))
    kept = set(sorted(every_host)[number - 1::count])
    sliced = {'_meta': {'hostvars': dict((host, hostvars.get(host, {})) for host in sorted(kept))}}
    for name, group in stored.items():
        if name == '_meta':
            continue
        sliced[name] = dict(group, hosts=[host for host in group.get('hosts', []) if host in kept])
    return sliced


def meta_vars(job_id):
    """AWX's meta extra vars of one slice's job (awx_* and their tower_* twins)."""
    values = {'job_id': job_id, 'job_launch_type': 'workflow', 'job_template_id': 7, 'job_template_name': TEMPLATE,
              'inventory_id': 3, 'inventory_name': 'PBXs', 'workflow_job_id': 40, 'workflow_job_name': TEMPLATE,
              'project_revision': '0123abcd', 'user_name': 'admin'}
    extra = {}
    for prefix in ('awx', 'tower'):
        extra.update(('%s_%s' % (prefix, key), value) for key, value in values.items())
    return extra


def run_slices(tmp_path, stored, count, playbook, env=None, extravars=None, cmdline=None, before_each=None):
    """Every slice of a sliced job, one after the other; returns [(runner, artifacts)]."""
    runs = []
    for number in range(1, count + 1):
        private = tmp_path / ('slice%d' % number)
        (private / 'project').mkdir(parents=True)
        (private / 'inventory').mkdir()
        shutil.copy(playbook, str(private / 'project' / 'site.yml'))
        script = private / 'inventory' / 'hosts'
        (private / 'inventory' / 'slice.json').write_text(json.dumps(slice_inventory(stored, number, count)))
        script.write_text('#!/bin/sh\ncat "$(dirname "$0")/slice.json"\n')
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        if before_each:
            before_each()
        envvars = dict(env or {}, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
        runner = ansible_runner.run(private_data_dir=str(private), playbook='site.yml', inventory=str(script), envvars=envvars,
                                    extravars=dict(meta_vars(100 + number), **(extravars or {})), cmdline=cmdline, quiet=True)
        stats = [event for event in runner.events if event['event'] == 'playbook_on_stats']
        runs.append((runner, stats[-1]['event_data'].get('artifact_data', {}) if stats else {}))
    return runs


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith(('IPCORTEX_', 'ANSIBLE_')):
            monkeypatch.delenv(name)


def test_a_sliced_estate_converges_each_pbx_exactly_once_and_fully(estate, tmp_path, clean_env):  # noqa: F811
    stored = stored_inventory(estate.path / 'inventory', tmp_path)
    requested = dict((pbx, []) for pbx in PBXS)
    slices = []

    def note_slice():
        # Which slice sent the requests each PBX received since the previous slice.
        if slices:
            for pbx in PBXS:
                if estate.requests(pbx):
                    requested[pbx].append(len(slices))
        slices.append(True)
        for process in estate.emulators.values():
            process.control.clear_log()

    runs = run_slices(tmp_path, stored, 2, str(estate.path / 'site.yml'), before_each=note_slice,
                      cmdline='--vault-id demo@%s' % (estate.path / 'demo-vault-password'))
    note_slice()
    assert [runner.status for runner, _artifacts in runs] == ['successful', 'successful']
    # Slice 1 holds pbx-london and pbx-paris, slice 2 pbx-newyork: each PBX was talked to by one slice.
    assert requested == {'london': [1], 'newyork': [2], 'paris': [1]}
    artifacts = {}
    for _runner, slice_artifacts in runs:
        assert not set(artifacts) & set(slice_artifacts)
        artifacts.update(slice_artifacts)
    assert sorted(artifacts) == ['pbx-london', 'pbx-newyork', 'pbx-paris']
    assert artifacts['pbx-paris']['deleted'] == 1 and artifacts['pbx-newyork']['created'] == 2

    # Fully converged: an unsliced run now changes nothing on any PBX.
    run = estate.run()
    assert run.returncode == 0, run.stdout + run.stderr
    assert all(estate.writes(pbx) == [] for pbx in PBXS)


@pytest.fixture
def demo_pbx():
    from ipcortex_emulator.testing import EmulatorProcess  # pylint: disable=import-error
    with EmulatorProcess(seed=os.path.join(REPO, 'tests', 'emulator', 'seeds', 'demo.yml')) as process:
        yield process


def test_the_single_pbx_layout_refuses_overridden_in_every_slice(demo_pbx, tmp_path, clean_env):
    stored = stored_inventory(os.path.join(REPO, 'examples', 'inventory'), tmp_path)
    env = {'IPCORTEX_URL': demo_pbx.url, 'IPCORTEX_API_KEY': 'sysadmin-key'}
    before = demo_pbx.control.state()
    demo_pbx.control.clear_log()
    runs = run_slices(tmp_path, stored, 3, os.path.join(REPO, 'examples', 'site.yml'), env=env)
    for runner, artifacts in runs:
        assert runner.status == 'failed'
        failed = [event for event in runner.events if event['event'] == 'runner_on_failed']
        assert len(failed) == 1
        message = failed[0]['event_data']['res']['msg']
        assert 'ipcortex_phones_state overridden refused' in message and 'sliced job template' in message, message
        assert artifacts == {}
    assert demo_pbx.control.log() == [] and demo_pbx.control.state() == before

    # merged converges each slice's own phones and deletes nothing; together the slices cover the fleet.
    (tmp_path / 'merged').mkdir()
    runs = run_slices(tmp_path / 'merged', stored, 3, os.path.join(REPO, 'examples', 'site.yml'), env=env,
                      extravars={'ipcortex_phones_state': 'merged'})
    assert [runner.status for runner, _artifacts in runs] == ['successful'] * 3
    assert [entry['verb'] for entry in demo_pbx.control.log() if entry['verb'] in ('delete', 'demote')] == []
    totals = [list(artifacts.values())[0]['total'] for _runner, artifacts in runs]
    assert sum(totals) == 9 and len(set(key for _runner, artifacts in runs for key in artifacts)) == 3


def test_an_explicit_host_count_is_exact(demo_pbx, tmp_path, clean_env):
    stored = stored_inventory(os.path.join(REPO, 'examples', 'inventory'), tmp_path)
    env = {'IPCORTEX_URL': demo_pbx.url, 'IPCORTEX_API_KEY': 'sysadmin-key'}
    demo_pbx.control.clear_log()
    # The count the inventory declares matches what an unsliced job sees: it runs, even inside a workflow.
    runs = run_slices(tmp_path, stored, 1, os.path.join(REPO, 'examples', 'site.yml'), env=env,
                      extravars={'ipcortex_phones_expected_hosts': 9})
    assert runs[0][0].status == 'successful'
    # A slice sees fewer hosts than declared: refused before any request.
    demo_pbx.control.clear_log()
    (tmp_path / 'sliced').mkdir()
    runs = run_slices(tmp_path / 'sliced', stored, 2, os.path.join(REPO, 'examples', 'site.yml'), env=env,
                      extravars={'ipcortex_phones_expected_hosts': 9})
    assert [runner.status for runner, _artifacts in runs] == ['failed', 'failed']
    assert demo_pbx.control.log() == []
