# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection as users get it: the built tarball, installed into an empty path, used from there only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import subprocess
import tarfile

import pytest

from pbx_helpers import BIN, REPO, ansible_env  # pylint: disable=import-error

PLAYBOOK = """---
- name: Use the installed collection
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Converge one phone
      ipcortex.pbx.dialplan_phone:
        mac: "00-04-13-EF-00-01"
        company: acme
        phone_type: snom320
        name: Installed from the tarball

- name: Converge a fleet with the role
  hosts: localhost
  gather_facts: false
  roles:
    - role: ipcortex.pbx.handsets
      vars:
        ipcortex_phones:
          - {mac: "000413ef0002", company: acme, phone_type: snom320, name: Role phone}
"""


def run(args, cwd, env):
    process = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                             check=False)
    assert process.returncode == 0, process.stdout
    return process.stdout


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """Build the tarball from the working tree and install it into an empty collections path."""
    work = tmp_path_factory.mktemp('install')
    collections = work / 'collections'
    # Only the empty path: with the development tree visible, install would find it there and do nothing.
    env = ansible_env(ANSIBLE_COLLECTIONS_PATH=str(collections))
    run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(work / 'dist'), REPO], str(work), env)
    tarball, = glob.glob(str(work / 'dist' / 'ipcortex-pbx-*.tar.gz'))
    run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(collections), tarball], str(work), env)
    return tarball, collections, work


def test_the_tarball_ships_what_users_need_and_no_development_files(installed):
    tarball = installed[0]
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
    for shipped in ('MANIFEST.json', 'FILES.json', 'README.md', 'CHANGELOG.rst', 'meta/runtime.yml', 'meta/execution-environment.yml',
                    'requirements.txt', 'extensions/awx/credential_type.yml', 'docs/docsite/extra-docs.yml', 'docs/docsite/links.yml',
                    'roles/handsets/meta/argument_specs.yml', 'playbooks/export.yml', 'plugins/modules/dialplan_phone.py'):
        assert shipped in names
    for name in names:
        assert not name.startswith(('.venv', '.git', 'build/', 'tests/output', 'extensions/molecule', '.pytest_cache')), name
        assert '__pycache__' not in name, name


def test_ansible_doc_reads_the_installed_module(installed):
    collections, work = installed[1], installed[2]
    env = ansible_env(ANSIBLE_COLLECTIONS_PATH=str(collections))
    out = run([os.path.join(BIN, 'ansible-doc'), 'ipcortex.pbx.dialplan_phone'], str(work), env)
    assert str(collections / 'ansible_collections' / 'ipcortex' / 'pbx' / 'plugins' / 'modules' / 'dialplan_phone.py') in out
    out = run([os.path.join(BIN, 'ansible-doc'), '-t', 'role', 'ipcortex.pbx.handsets'], str(work), env)
    assert 'ipcortex_phones_state' in out


@pytest.mark.smoke
def test_a_playbook_runs_from_the_installed_collection(installed, pbx):
    collections, work = installed[1], installed[2]
    (work / 'site.yml').write_text(PLAYBOOK)
    env = ansible_env(ANSIBLE_COLLECTIONS_PATH=str(collections), IPCORTEX_URL=pbx.url, IPCORTEX_API_KEY='sysadmin-key')
    out = run([os.path.join(BIN, 'ansible-playbook'), 'site.yml'], str(work), env)
    assert 'changed=2' in out
    assert len([entry for entry in pbx.control.writes() if entry['verb'] == 'create']) == 2
    out = run([os.path.join(BIN, 'ansible-playbook'), 'ipcortex.pbx.export', '-e', 'export_dir=%s' % (work / 'export')], str(work), env)
    assert 'failed=0' in out
    assert (work / 'export' / 'acme.yml').exists()
