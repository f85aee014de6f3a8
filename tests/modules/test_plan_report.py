# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The handsets role's plan report and ipcortex_fail_on_changes, run for real with ansible-playbook
against drifted emulators: the single-PBX example and the three-PBX estate example."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess

import pytest

from ipcortex_emulator.testing import EmulatorProcess  # pylint: disable=import-error
from pbx_helpers import REPO, SYSADMIN_KEY, ansible_env, api  # pylint: disable=import-error
from test_estates import PBXS, emulators, estate  # noqa: F401 pylint: disable=unused-import,import-error

WRITE_VERBS = ('create', 'update', 'delete', 'assign', 'promote', 'demote')
SEEDS = os.path.join(REPO, 'tests', 'emulator', 'seeds')


def writes(process):
    return [entry['verb'] for entry in process.control.log() if entry['verb'] in WRITE_VERBS]


def table_rows(markdown):
    """{phoneid: (action, changes cell)} of the phone tables of a Markdown report."""
    rows = {}
    for line in markdown.splitlines():
        cells = [cell.strip() for cell in line.strip().strip('|').split(' | ')]
        match = re.search(r'`([0-9a-f]{12}\d+)`$', cells[0]) if line.startswith('| ') else None
        if match:
            rows[match.group(1)] = (cells[2], cells[3])
    return rows


def schema_validator(name):
    """A validator of the JSON schema docs/schemas/<name>, which documents the report's files."""
    import jsonschema
    from referencing import Registry, Resource
    schemas = []
    for path in ('report-1.schema.json', 'report-index-1.schema.json'):
        with open(os.path.join(REPO, 'docs', 'schemas', path)) as handle:
            schemas.append(json.load(handle))
    registry = Registry().with_resources((schema['$id'], Resource.from_contents(schema)) for schema in schemas)
    schema = schemas[0] if name == 'report' else schemas[1]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def load_checked(path, name='report'):
    """A report file, parsed and validated against its documented schema."""
    document = json.loads(path.read_text())
    schema_validator(name).validate(document)
    return document


def rows_of(report):
    """{phoneid: (company, action, {field: (old, new)})} of a JSON report."""
    rows = {}
    for company in report['companies']:
        for row in company['phones']:
            changes = dict((change['field'], (change['old'], change['new'])) for change in row['changes'])
            rows[row['phoneid']] = (company['company'], row['action'], changes)
    return rows


# --- single-PBX layout: examples/ against the demo seed ------------------------------------

@pytest.fixture
def demo_pbx():
    process = EmulatorProcess(seed=os.path.join(SEEDS, 'demo.yml')).start()
    try:
        yield process
    finally:
        process.stop()


def converge_example(process, tmp_path, *args):
    process.control.clear_log()
    command = ['ansible-playbook', '-i', os.path.join(REPO, 'examples', 'inventory'), os.path.join(REPO, 'examples', 'site.yml')] + list(args)
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                          env=ansible_env(tmp_path, IPCORTEX_URL=process.url, IPCORTEX_API_KEY=SYSADMIN_KEY))


# What the demo PBX lacks of examples/inventory (the seed is the PBX before the example's changes).
SINGLE_PBX_PLAN = {
    '000413d000010': ('acme', 'updated', {'name': ('Acme reception', 'Acme front desk')}),
    # barge as the inventory gives it (the flags), against the PBX's value in the same form.
    '000413d000030': ('acme', 'updated', {'barge': ([], ['can_be_barged'])}),
    '000413d000090': ('acme', 'created', {'name': (None, 'Acme sales 3'), 'company': (None, 'acme'), 'phone_type': (None, 'snomD315'),
                                          'zone': (None, 'Europe/London'), 'can_hotdesk': (None, True)}),
    '001565d000050': ('globex', 'updated', {'ip_addr': (None, '192.0.2.20/24'), 'ip_dns1': (None, '192.0.2.53'),
                                            'ip_gateway': (None, '192.0.2.1')}),
    '001565d000070': ('globex', 'promoted', {'name': (None, 'Globex meeting room'), 'company': (None, 'globex'),
                                             'zone': (None, 'US/Eastern')}),
}


def test_single_pbx_check_run_writes_the_plan_and_nothing_to_the_pbx(demo_pbx, tmp_path):
    report_dir = tmp_path / 'plan'
    run = converge_example(demo_pbx, tmp_path, '--check', '-e', 'ipcortex_report_dir=%s' % report_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert writes(demo_pbx) == []
    host = '127.0.0.1'
    assert sorted(os.listdir(str(report_dir))) == ['.index.lock', 'index.json', 'index.md', 'pbxs']
    report = load_checked(report_dir / 'pbxs' / (host + '.json'))
    assert report['schema'] == 'ipcortex.pbx.report/1' and report['pbx'] == host
    assert report['check_mode'] is True and report['state'] == 'overridden' and report['failed'] is False
    assert report['summary'] == dict(created=1, promoted=1, updated=3, deleted=0, demoted=0, failed=0, unchanged=4, total=9)
    assert rows_of(report) == SINGLE_PBX_PLAN
    assert report['companies'][0]['phones'][0]['declared_by'] == {'host': 'acme-reception', 'company': 'acme', 'name': 'Acme front desk'}

    markdown = (report_dir / 'pbxs' / (host + '.md')).read_text()
    rows = table_rows(markdown)
    assert dict((phoneid, action) for phoneid, (action, _cell) in rows.items()) == dict(
        (phoneid, plan[1]) for phoneid, plan in SINGLE_PBX_PLAN.items())
    assert rows['000413d000010'][1] == '`name`: `Acme reception` → `Acme front desk`'
    assert rows['000413d000030'][1] == '`barge`: `[]` → `["can_be_barged"]`'
    assert markdown.splitlines()[0] == '## PBX 127.0.0.1: 5 phones would change'
    assert markdown.rstrip().splitlines()[-1] == ('**Totals (check mode: would be):** 1 created · 1 promoted · 3 updated · 0 deleted · '
                                                  '0 demoted · 0 failed · 4 unchanged (9 phones)')
    # The index holds the one PBX; the job's output shows the report, without the diffs nobody asked for.
    index = load_checked(report_dir / 'index.json', 'index')
    assert [entry['pbx'] for entry in index['pbxs']] == [host] and index['changed'] == 5
    assert markdown in (report_dir / 'index.md').read_text()
    assert '"| Acme front desk `000413d000010` ' in run.stdout
    assert '--- before' not in run.stdout


def test_single_pbx_fail_on_changes_fails_with_drift_and_passes_without(demo_pbx, tmp_path):
    report_dir = tmp_path / 'plan'
    run = converge_example(demo_pbx, tmp_path, '--check', '-e', 'ipcortex_fail_on_changes=true', '-e', 'ipcortex_report_dir=%s' % report_dir)
    assert run.returncode == 2, run.stdout + run.stderr
    assert ('ipcortex_fail_on_changes: 5 phones of 127.0.0.1 would change (1 created, 1 promoted, 3 updated); the report is %s'
            % (report_dir / 'pbxs' / '127.0.0.1.md')) in run.stdout
    # The report was written (and shown) before the failure.
    assert json.loads((report_dir / 'pbxs' / '127.0.0.1.json').read_text())['changed'] == 5
    assert 'Report what the run did' in run.stdout.split('ipcortex_fail_on_changes:')[0]
    assert writes(demo_pbx) == []

    # Without a report directory it still fails, and says how to see the fields.
    run = converge_example(demo_pbx, tmp_path, '--check', '-e', 'ipcortex_fail_on_changes=true')
    assert run.returncode == 2 and 'run with --diff to see the fields' in run.stdout

    # A real run with it converges, reports what it changed, and fails: something changed.
    run = converge_example(demo_pbx, tmp_path, '-e', 'ipcortex_fail_on_changes=true', '-e', 'ipcortex_report_dir=%s' % report_dir)
    assert run.returncode == 2 and '5 phones of 127.0.0.1 changed' in run.stdout
    report = load_checked(report_dir / 'pbxs' / '127.0.0.1.json')
    assert report['check_mode'] is False and rows_of(report) == SINGLE_PBX_PLAN

    run = converge_example(demo_pbx, tmp_path, '--check', '-e', 'ipcortex_fail_on_changes=true', '-e', 'ipcortex_report_dir=%s' % report_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    report = load_checked(report_dir / 'pbxs' / '127.0.0.1.json')
    assert report['changed'] == 0 and report['companies'] == [] and report['summary']['unchanged'] == 9
    assert (report_dir / 'pbxs' / '127.0.0.1.md').read_text().splitlines()[0] == '## PBX 127.0.0.1: no change'
    assert writes(demo_pbx) == []


def test_a_run_that_fails_before_any_change_reports_why(tmp_path):
    report_dir = tmp_path / 'plan'
    command = ['ansible-playbook', '-i', os.path.join(REPO, 'examples', 'inventory'), os.path.join(REPO, 'examples', 'site.yml'), '--check',
               '-e', 'ipcortex_report_dir=%s' % report_dir, '-e', 'ipcortex_fail_on_changes=true', '-e', 'ipcortex_retries=0']
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                         env=ansible_env(tmp_path, IPCORTEX_URL='http://127.0.0.1:9', IPCORTEX_API_KEY=SYSADMIN_KEY))
    assert run.returncode == 2
    report = load_checked(report_dir / 'pbxs' / '127.0.0.1.json')
    assert report['failed'] is True and report['changed'] == 0 and report['companies'] == []
    assert '127.0.0.1:9' in report['msg'] and SYSADMIN_KEY not in json.dumps(report)
    markdown = (report_dir / 'pbxs' / '127.0.0.1.md').read_text()
    assert markdown.splitlines()[0] == '## PBX 127.0.0.1: failed before any change'
    assert markdown.splitlines()[2].startswith('> **Failed:** ')
    assert load_checked(report_dir / 'index.json', 'index')['failed'] == ['127.0.0.1']


# --- estate layout: examples/estate against three drifted PBXs -----------------------------

LONDON_PLAN = {
    '000413e100010': ('acme', 'updated', {'name': ('Reception desk', 'Acme London reception')}),
    '000413e100020': ('acme', 'promoted', {'name': (None, 'Acme London sales 1'), 'company': (None, 'acme'), 'zone': (None, 'Europe/London'),
                                           'can_hotdesk': (None, True)}),
    '000413e100030': ('acme', 'created', {'name': (None, 'Acme London sales 2'), 'company': (None, 'acme'), 'phone_type': (None, 'snomD315'),
                                          'zone': (None, 'Europe/London'), 'can_hotdesk': (None, True)}),
}


def test_estate_check_run_writes_one_report_per_pbx_and_an_index(estate, emulators, tmp_path):
    report_dir = tmp_path / 'plan'
    run = estate.run('--check', '-e', 'ipcortex_report_dir=%s' % report_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert all(writes(process) == [] for process in emulators.values())
    assert sorted(os.listdir(str(report_dir / 'pbxs'))) == sorted('pbx-%s.%s' % (pbx, ext) for pbx in PBXS for ext in ('json', 'md'))
    reports = dict((pbx, load_checked(report_dir / 'pbxs' / ('pbx-%s.json' % pbx))) for pbx in PBXS)
    london = rows_of(reports['london'])
    # The undeclared phone that overridden deletes: named by what the PBX held.
    deleted = london.pop('000413e100090')
    assert deleted[0:2] == ('acme', 'deleted') and deleted[2]['name'] == ('Old hot desk', None)
    assert london == LONDON_PLAN
    assert reports['london']['summary'] == dict(created=1, promoted=1, updated=1, deleted=1, demoted=0, failed=0, unchanged=1, total=5)
    for pbx in PBXS:
        markdown = (report_dir / 'pbxs' / ('pbx-%s.md' % pbx)).read_text()
        assert dict((phoneid, action) for phoneid, (action, _cell) in table_rows(markdown).items()) == dict(
            (row['phoneid'], row['action']) for company in reports[pbx]['companies'] for row in company['phones'])
    index = load_checked(report_dir / 'index.json', 'index')
    assert [entry['pbx'] for entry in index['pbxs']] == ['pbx-london', 'pbx-newyork', 'pbx-paris']
    assert index['changed'] == sum(report['changed'] for report in reports.values()) and index['failed'] == []
    assert index['pbxs'][0]['markdown'] == 'pbxs/pbx-london.md'
    overview = (report_dir / 'index.md').read_text()
    assert overview.index('## PBX pbx-london') < overview.index('## PBX pbx-newyork') < overview.index('## PBX pbx-paris')
    # No secret in any report.
    for pbx in PBXS:
        assert '%s-demo-key' % pbx not in overview + json.dumps(reports[pbx]) + run.stdout


def test_estate_fail_on_changes_fails_each_drifted_pbx_and_passes_when_converged(estate, emulators, tmp_path):
    report_dir = tmp_path / 'plan'
    run = estate.run('--check', '-e', 'ipcortex_fail_on_changes=true', '-e', 'ipcortex_report_dir=%s' % report_dir)
    assert run.returncode == 2
    failed = re.findall(r'ipcortex_fail_on_changes: \d+ phones? of (pbx-\w+) would change', run.stdout)
    index = load_checked(report_dir / 'index.json', 'index')
    assert sorted(set(failed)) == sorted(entry['pbx'] for entry in index['pbxs'] if entry['changed']) and 'pbx-london' in failed
    assert all(writes(process) == [] for process in emulators.values())

    run = estate.run()
    assert run.returncode == 0, run.stdout + run.stderr
    run = estate.run('--check', '-e', 'ipcortex_fail_on_changes=true', '-e', 'ipcortex_report_dir=%s' % report_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    index = load_checked(report_dir / 'index.json', 'index')
    assert index['changed'] == 0 and len(index['pbxs']) == 3
    assert all(writes(process) == [] for process in emulators.values())


# --- as AWX runs it ------------------------------------------------------------------------

def test_an_awx_drift_job_shows_the_report_in_its_output_then_fails(pbx, tmp_path, monkeypatch):
    """The scheduled drift check of the AWX guide: ipcortex_fail_on_changes instead of an extra task."""
    import test_awx_runner as awx  # pylint: disable=import-error
    for name in list(os.environ):
        if name.startswith(('IPCORTEX_', 'ANSIBLE_')):
            monkeypatch.delenv(name)
    env = awx.inject({'url': pbx.url, 'api_key': SYSADMIN_KEY, 'validate_certs': True}, str(tmp_path))
    # Each job in its own private data dir, as AWX gives it (ansible-runner keeps a job's command line there).
    runner, _events = awx.run_job(tmp_path / 'converge', env)
    assert runner.status == 'successful'

    api(pbx.url, 'update', scope={'mac': awx.MAC, 'port': 0}, values={'name': 'Renamed at the console'})
    pbx.control.clear_log()
    drift = '--check -e ipcortex_fail_on_changes=true -e ipcortex_report_dir=%s' % (tmp_path / 'drift')
    runner, events = awx.run_job(tmp_path / 'drift-1', env, cmdline=drift)
    assert (runner.status, runner.rc) == ('failed', 2)
    output = ''.join(event.get('stdout', '') for event in events)
    assert '`name`: `Renamed at the console` → `Scheduled job phone`' in output
    assert output.index('| Scheduled job phone `000413ee00010`') < output.index('ipcortex_fail_on_changes: 1 phone of 127.0.0.1 would change')
    assert pbx.control.writes() == []

    runner, _events = awx.run_job(tmp_path / 'converge-again', env)
    assert runner.status == 'successful'
    runner, events = awx.run_job(tmp_path / 'drift-2', env, cmdline=drift)
    assert (runner.status, runner.rc) == ('successful', 0), ''.join(event.get('stdout', '') for event in events)
