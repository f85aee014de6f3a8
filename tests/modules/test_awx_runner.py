# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The handsets role as AWX runs it: through ansible-runner, with the credential type's injected environment.

The injectors of extensions/awx/credential_type.yml are rendered here the way AWX renders them (file
injectors first, their paths under ``tower.filename``, then the environment), and the job's events
are read as AWX reads them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import ansible_runner
import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ipcortex_emulator.testing import EmulatorProcess, self_signed_certificate  # pylint: disable=import-error
from pbx_helpers import BIN, COLLECTIONS, REPO, api  # pylint: disable=import-error

CREDENTIAL_TYPE = os.path.join(REPO, 'extensions', 'awx', 'credential_type.yml')
CONVERGE_TASK = 'Converge the declared handsets on the PBX'
MAC = '000413ee0001'

PLAYBOOK = """---
- name: Converge the handsets declared in the job's variables
  hosts: localhost
  gather_facts: false
  roles:
    - role: ipcortex.pbx.handsets
      vars:
        ipcortex_phones:
          - mac: "00:04:13:ee:00:01"
            company: acme
            phone_type: snom320
            name: Scheduled job phone
            zone: Europe/London
"""


def credential_type():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def inject(inputs, private_data_dir):
    """The environment AWX gives a job that has a credential of this type with these inputs."""
    injectors = credential_type()['injectors']
    jinja = ImmutableSandboxedEnvironment()
    filenames = {}
    for key, template in injectors.get('file', {}).items():
        name = key.split('.', 1)[1]
        path = os.path.join(private_data_dir, 'credential_%s' % name)
        with open(path, 'w') as handle:
            handle.write(jinja.from_string(template).render(**inputs))
        filenames[name] = path
    context = dict(inputs, tower={'filename': filenames})
    return dict((name, jinja.from_string(template).render(**context)) for name, template in injectors['env'].items())


def run_job(tmp_path, env, cmdline=None):
    """One job as AWX starts it (without process isolation): ansible-runner over a private data dir."""
    private_data_dir = tmp_path / 'job'
    (private_data_dir / 'project').mkdir(parents=True, exist_ok=True)
    (private_data_dir / 'project' / 'playbook.yml').write_text(PLAYBOOK)
    envvars = dict(env, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
                   PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    runner = ansible_runner.run(private_data_dir=str(private_data_dir), playbook='playbook.yml', envvars=envvars,
                                cmdline=cmdline, quiet=True)
    return runner, list(runner.events)


def converge_event(events):
    found = [event for event in events
             if event['event'] in ('runner_on_ok', 'runner_on_failed') and event['event_data'].get('task') == CONVERGE_TASK]
    assert len(found) == 1, [event['event'] for event in events]
    return found[0]


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith(('IPCORTEX_', 'ANSIBLE_')):
            monkeypatch.delenv(name)


def test_the_credential_type_injects_every_connection_variable():
    spec = credential_type()
    assert spec['kind'] == 'cloud'
    fields = dict((field['id'], field) for field in spec['inputs']['fields'])
    assert set(fields) == {'url', 'api_key', 'username', 'password', 'validate_certs', 'ca_bundle'}
    assert fields['api_key']['secret'] and fields['password']['secret']
    assert set(spec['injectors']['env']) == {'IPCORTEX_URL', 'IPCORTEX_API_KEY', 'IPCORTEX_USERNAME', 'IPCORTEX_PASSWORD',
                                             'IPCORTEX_VALIDATE_CERTS', 'IPCORTEX_CA_PATH'}


def test_no_ca_bundle_leaves_ca_path_empty(tmp_path):
    env = inject({'url': 'https://pbx.example.com', 'api_key': 'k', 'validate_certs': True}, str(tmp_path))
    assert env == {'IPCORTEX_URL': 'https://pbx.example.com', 'IPCORTEX_API_KEY': 'k', 'IPCORTEX_USERNAME': '',
                   'IPCORTEX_PASSWORD': '', 'IPCORTEX_VALIDATE_CERTS': 'True', 'IPCORTEX_CA_PATH': ''}


def test_a_scheduled_job_converges_then_reports_drift_without_writing(pbx, tmp_path, clean_env):
    env = inject({'url': pbx.url, 'api_key': 'sysadmin-key', 'validate_certs': True}, str(tmp_path))

    runner, events = run_job(tmp_path, env)
    assert (runner.status, runner.rc) == ('successful', 0)
    event = converge_event(events)
    assert event['event'] == 'runner_on_ok'
    assert event['event_data']['res']['changed'] is True
    assert event['event_data']['res']['summary']['created'] == 1
    assert event['event_data']['role'] == 'handsets'
    assert runner.stats['changed'] == {'localhost': 1}
    assert {(entry['principal'], entry['auth']) for entry in pbx.control.log()} == {('admin', 'key')}

    runner, events = run_job(tmp_path, env)
    assert runner.status == 'successful'
    assert converge_event(events)['event_data']['res']['changed'] is False

    # Someone renames the phone at the PBX; the drift job (--check --diff) reports it and writes nothing.
    api(pbx.url, 'update', scope={'mac': MAC, 'port': 0}, values={'name': 'Renamed at the console'})
    pbx.control.clear_log()
    runner, events = run_job(tmp_path, env, cmdline='--check --diff')
    assert runner.status == 'successful'
    result = converge_event(events)['event_data']['res']
    assert result['changed'] is True
    assert result['summary']['updated'] == 1
    diffs = [entry['diff'] for entry in result['results'] if entry['action'] == 'updated']
    assert [(diff['before']['name'], diff['after']['name']) for diff in diffs] == [('Renamed at the console', 'Scheduled job phone')]
    assert pbx.control.writes() == []


def test_password_and_ca_bundle_over_https(tmp_path, clean_env):
    (tmp_path / 'tls').mkdir()
    cert, key = self_signed_certificate(tmp_path / 'tls')
    with open(cert) as handle:
        bundle = handle.read()
    with EmulatorProcess(cert=cert, key=key) as https_pbx:
        env = inject({'url': https_pbx.url, 'username': 'admin', 'password': 'admin-pass', 'validate_certs': True,
                      'ca_bundle': bundle}, str(tmp_path))
        assert env['IPCORTEX_CA_PATH'] and open(env['IPCORTEX_CA_PATH']).read() == bundle
        runner, events = run_job(tmp_path, env)
        assert runner.status == 'successful'
        assert converge_event(events)['event_data']['res']['summary']['created'] == 1
        assert {entry['auth'] for entry in https_pbx.control.log() if entry['path'].startswith('/rest/dialplan')} == {'session'}
