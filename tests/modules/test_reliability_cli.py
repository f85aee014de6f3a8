# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reliability through the real command line: ansible-playbook and ansible-inventory in subprocesses.

Bad input to the role and the inventory plugin (batched: one process for each table), secrets under
-vvv on success and on every failure path, and a run killed half-way then started again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
import yaml

from pbx_helpers import COLLECTIONS, SYSADMIN_KEY, ansible_env, api  # pylint: disable=import-error

SECRETS = (SYSADMIN_KEY, 'admin-pass', 'acme-admin-key', 'wrong-key-S3CRET', 'wrong-pass-S3CRET')
# The emulator's session cookie: 32 hex digits (a MAC is 12, a phoneid 13).
COOKIE_SHAPE = re.compile(r'(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])')
GLOBEX_PHONE = '0004f2bb0002'
ACME_PHONE = '000413aa0001'
REFUSED_PHONE = '001565bb0001'


def cli_env(tmp_path, **extra):
    env = ansible_env(tmp_path, ANSIBLE_HOME=str(tmp_path / 'ansible-home'), ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_PIPELINING='true')
    env.update(extra)
    return env


def play(tasks, **play_vars):
    return [{'name': 'Reliability', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
             'vars': dict(play_vars, ansible_python_interpreter=sys.executable), 'tasks': tasks}]


def write_playbook(tmp_path, playbook, name='play.yml'):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(playbook, sort_keys=False))
    return str(path)


def playbook_command(path, *args):
    return ['ansible-playbook', '-i', 'localhost,', path] + list(args)


# --- bad input to the role and the inventory plugin ---------------------------------------

ROLE_CASES = {
    'bad_mac': ({'ipcortex_phones': [{'mac': '00:04:13:zz:00:01', 'company': 'acme', 'phone_type': 'snom320'}]},
                ['ipcortex_phones[0].mac:', '12 hex digits']),
    'duplicate': ({'ipcortex_phones': [{'mac': '0004130c0001', 'company': 'acme', 'phone_type': 'snom320'},
                                       {'mac': '00-04-13-0C-00-01', 'company': 'acme', 'phone_type': 'snom320'}]},
                  ['ipcortex_phones[1] declares 0004130c0001 port 0, which ipcortex_phones[0] declares already']),
    'barge': ({'ipcortex_phones': [{'mac': ACME_PHONE, 'barge': 4}]}, ['ipcortex_phones[0].barge:', '0, 1, 2 or 3']),
    'overridden_no_companies': ({'ipcortex_phones': [{'mac': ACME_PHONE}], 'ipcortex_phones_state': 'overridden'},
                                ['ipcortex_phones_companies']),
    'max_deletions': ({'ipcortex_phones': [{'mac': ACME_PHONE}], 'ipcortex_phones_state': 'overridden',
                       'ipcortex_phones_companies': ['acme'], 'ipcortex_phones_max_deletions': 1},
                      ['ipcortex_phones_max_deletions:', 'more than ipcortex_phones_max_deletions 1; raise ipcortex_phones_max_deletions']),
    'both_auth': ({'ipcortex_phones': [{'mac': ACME_PHONE}], 'ipcortex_username': 'admin', 'ipcortex_password': 'admin-pass'},
                  ['api_key or username and password, not both']),
    'no_auth': ({'ipcortex_phones': [{'mac': ACME_PHONE}], 'ipcortex_api_key': None}, ['one of api_key or username and password is required']),
    'no_fleet': ({'ipcortex_phones': None}, ['No phones to converge', 'ipcortex_phones']),
    'reassign': ({'ipcortex_phones': [{'mac': ACME_PHONE, 'company': 'globex'}]}, ['reassign: true']),
}

INVENTORY_CASES = {
    'both_auth': ({'username': 'admin', 'password': 'admin-pass'}, ['api_key or username and password, not both']),
    'no_auth': ({'api_key': None}, ['one of api_key or username and password is required']),
    'user_only': ({'api_key': None, 'username': 'admin'}, ['username and password must be given together']),
    'concurrency': ({'concurrency': 0}, ['concurrency must be 1 or more']),
    'misspelt': ({'companie': ['acme']}, ['unknown option companie', 'companies']),
    'timeout': ({'timeout': 0}, ['timeout must be a whole number of seconds, 1 or more']),
    'retries': ({'retries': -1}, ['retries must be 0 or more']),
    'no_url': ({'url': None}, ['url is required: set the url option (for example https://pbx.example.com) or the IPCORTEX_URL environment variable']),
}


def test_bad_input_to_the_role_fails_clearly_and_writes_nothing(pbx, tmp_path):
    tasks = []
    for case, (role_vars, _fragments) in ROLE_CASES.items():
        tasks.append({'name': 'Case %s' % case, 'block': [{'ansible.builtin.include_role': {'name': 'ipcortex.pbx.handsets'}, 'vars': role_vars}],
                      'rescue': [{'ansible.builtin.set_fact': {'failures': "{{ failures | combine({'%s': ansible_failed_result.msg}) }}" % case}}]})
    out = tmp_path / 'failures.json'
    tasks.append({'ansible.builtin.copy': {'content': '{{ failures | to_json }}', 'dest': str(out)}})
    path = write_playbook(tmp_path, play(tasks, failures={}, ipcortex_url=pbx.url, ipcortex_api_key=SYSADMIN_KEY))
    pbx.control.clear_log()
    process = subprocess.run(playbook_command(path), env=cli_env(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    failures = json.loads(out.read_text())
    assert sorted(failures) == sorted(ROLE_CASES)
    for case, (_role_vars, fragments) in ROLE_CASES.items():
        for fragment in fragments:
            assert fragment in failures[case], (case, fragment, failures[case])
    assert pbx.control.writes() == []
    assert SYSADMIN_KEY not in process.stdout + process.stderr


def inventory_errors(stderr):
    """The plugin's message for each config file ansible-inventory could not parse."""
    return dict((os.path.basename(path), message.strip()) for message, path in
                re.findall(r'<<< caused by >>>\s*(.*?)\nOrigin: <inventory plugin .*? with source \'([^\']+)\'>', stderr, re.S))


def test_bad_inventory_configs_fail_clearly(pbx, tmp_path):
    sources = []
    for case, (options, _fragments) in INVENTORY_CASES.items():
        config = dict({'plugin': 'ipcortex.pbx.dialplan', 'url': pbx.url, 'api_key': SYSADMIN_KEY}, **options)
        config = dict((key, value) for key, value in config.items() if value is not None)
        path = tmp_path / ('%s.dialplan.yml' % case)
        path.write_text(yaml.safe_dump(config))
        sources += ['-i', str(path)]
    pbx.control.clear_log()
    process = subprocess.run(['ansible-inventory', '--list'] + sources, env=cli_env(tmp_path, ANSIBLE_INVENTORY_ENABLED='ipcortex.pbx.dialplan'),
                             capture_output=True, text=True, timeout=300, check=False)
    errors = inventory_errors(process.stderr)
    assert sorted(errors) == sorted('%s.dialplan.yml' % case for case in INVENTORY_CASES), process.stderr
    for case, (_options, fragments) in INVENTORY_CASES.items():
        for fragment in fragments:
            assert fragment in errors['%s.dialplan.yml' % case], (case, fragment, errors)
    assert 'Traceback' not in process.stderr and SYSADMIN_KEY not in process.stdout + process.stderr
    assert pbx.control.log() == []


# --- secrets --------------------------------------------------------------------------------

def secret_tasks(url):
    key = {'url': url, 'api_key': SYSADMIN_KEY}
    session = {'url': url, 'username': 'admin', 'password': 'admin-pass'}
    tasks = [
        ('success, api key', 'ipcortex.pbx.dialplan_phone', dict(key, mac=ACME_PHONE, name='Renamed by key')),
        ('success, session', 'ipcortex.pbx.dialplan_phone', dict(session, mac=ACME_PHONE, name='Renamed in a session', zone='US/Eastern')),
        ('fleet, session', 'ipcortex.pbx.dialplan_phones',
         dict(session, phones=[{'mac': '0004130b0001', 'company': 'acme', 'phone_type': 'snom320'}, {'mac': GLOBEX_PHONE, 'name': 'Fleet'}])),
        ('info, session', 'ipcortex.pbx.dialplan_phone_info', dict(session, details=True)),
        ('newpass', 'ipcortex.pbx.dialplan_phone_action', dict(session, mac=ACME_PHONE, action='newpass')),
        ('wrong key', 'ipcortex.pbx.dialplan_phone', dict(key, api_key='wrong-key-S3CRET', mac=ACME_PHONE, name='x')),
        ('wrong password', 'ipcortex.pbx.dialplan_phones', dict(session, password='wrong-pass-S3CRET', phones=[{'mac': ACME_PHONE}])),
        ('permission', 'ipcortex.pbx.dialplan_phone', dict(key, api_key='acme-admin-key', mac=GLOBEX_PHONE, name='x')),
        ('refused by the PBX', 'ipcortex.pbx.dialplan_phone', dict(session, mac=REFUSED_PHONE, call_group='sales')),
        ('bad input', 'ipcortex.pbx.dialplan_phone', dict(session, mac=ACME_PHONE, barge=9)),
        ('unreachable', 'ipcortex.pbx.dialplan_phone_info', dict(session, url='http://127.0.0.1:9', retries=0)),
        ('both auth', 'ipcortex.pbx.dialplan_phone_info', dict(session, api_key=SYSADMIN_KEY)),
    ]
    return [{'name': name, module: args, 'ignore_errors': True} for name, module, args in tasks] + [
        {'name': 'role, session', 'ansible.builtin.include_role': {'name': 'ipcortex.pbx.handsets'},
         'vars': {'ipcortex_url': url, 'ipcortex_username': 'admin', 'ipcortex_password': 'admin-pass',
                  'ipcortex_phones': [{'mac': ACME_PHONE, 'name': 'By the role'}]}}]


@pytest.mark.smoke
def test_no_secret_in_verbose_output_results_diffs_or_the_pbx_log(pbx, tmp_path):
    pbx.control.set_faults(fail=[{'verb': 'update', 'mac': REFUSED_PHONE, 'message': 'call_group sales is full'}])
    own = requests_login(pbx.url)
    path = write_playbook(tmp_path, play(secret_tasks(pbx.url)))
    process = subprocess.run(playbook_command(path, '-vvv', '--diff'), env=cli_env(tmp_path), capture_output=True, text=True,
                             timeout=300, check=False)
    output = process.stdout + process.stderr
    assert process.returncode == 0, output[-3000:]
    assert output.count('FAILED!') >= 6 and 'ignoring' in output
    assert 'Invalid credentials' in output and 'Permission denied' in output and 'PBX unreachable' in output
    for secret in SECRETS + (own,):
        assert secret not in output, secret
    assert not COOKIE_SHAPE.findall(output)
    assert 'Red60urne=' not in output
    log = json.dumps(pbx.control.log())
    for secret in SECRETS + (own,):
        assert secret not in log, secret
    assert not COOKIE_SHAPE.findall(log)
    logins = [entry for entry in pbx.control.log() if entry['verb'] == 'login']
    assert len(logins) >= 6


def requests_login(url):
    """Log in the way the modules do and return the session cookie, in the shape the PBX issues."""
    import requests  # pylint: disable=import-outside-toplevel
    response = requests.post(url + '/rest/auth/', json={'auth': {'type': 'auth', 'username': 'admin', 'password': 'admin-pass'}}, timeout=10)
    cookie = response.cookies.get('Red60urne')
    assert cookie and COOKIE_SHAPE.fullmatch(cookie)
    return cookie


# --- a run killed half-way ------------------------------------------------------------------

def descendants(pid):
    """Every process below ``pid``, from /proc (Ansible's workers leave its process group)."""
    children = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry, encoding='ascii', errors='replace') as stat:
                    parent = int(stat.read().rsplit(')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def kill_process_tree(process):
    """SIGKILL a run and its workers, as a power cut would, and leave nothing behind."""
    doomed = descendants(process.pid)
    os.killpg(process.pid, signal.SIGKILL)
    for pid in doomed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def test_a_run_killed_half_way_converges_when_started_again(pbx, tmp_path):
    phones = [{'mac': '0004130a%04x' % number, 'company': 'acme', 'phone_type': 'snom320', 'name': 'Desk %d' % number,
               'zone': 'Europe/Paris', 'ip_addr': '10.1.0.%d/24' % (number + 1), 'ip_gateway': '10.1.0.254', 'ip_dns1': '10.1.0.53',
               'ip_dns2': '10.1.0.54', 'ip_domain': 'example.com'} for number in range(80)]
    tasks = [{'name': 'Converge', 'ipcortex.pbx.dialplan_phones': {'url': pbx.url, 'api_key': SYSADMIN_KEY, 'phones': phones, 'concurrency': 2},
              'register': 'converged'},
             {'ansible.builtin.copy': {'content': '{{ converged.summary | to_json }}', 'dest': str(tmp_path / 'summary.json')}}]
    path = write_playbook(tmp_path, play(tasks))
    pbx.control.clear_log()
    pbx.control.set_faults(latency_ms=25, verbs=['create', 'update'])
    process = subprocess.Popen(playbook_command(path), env=cli_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        while len(pbx.control.writes()) < 40 and process.poll() is None:
            time.sleep(0.05)
    finally:
        kill_process_tree(process)
    written = len(pbx.control.writes())
    assert 40 <= written < 160, 'the run was not killed half-way'
    pbx.control.clear_faults()
    again = subprocess.run(playbook_command(path), env=cli_env(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stdout[-3000:]
    summary = json.loads((tmp_path / 'summary.json').read_text())
    assert summary['failed'] == 0 and summary['created'] + summary['updated'] + summary['unchanged'] == 80
    assert summary['created'] < 80
    log = pbx.control.log()
    assert sum(1 for entry in log if entry['verb'] == 'create' and entry['result'] == 'success') == 80
    for phone in phones:
        row = api(pbx.url, 'read', scope={'mac': phone['mac'], 'port': 0})['values'][0]
        assert dict((key, row[key]) for key in phone if key != 'mac') == dict((key, value) for key, value in phone.items() if key != 'mac')


@pytest.fixture(autouse=True)
def _collection_link():
    assert os.path.exists(os.path.join(COLLECTIONS, 'ansible_collections', 'ipcortex', 'pbx'))
