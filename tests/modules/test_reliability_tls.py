# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TLS against the emulator over HTTPS with a self-signed certificate, for every module and the inventory plugin.

The default refuses and says why, ca_path trusts the certificate, validate_certs false works and says so.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import subprocess
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import yaml

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxClient
from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phone_info, dialplan_phones

from ipcortex_emulator.testing import EmulatorProcess, self_signed_certificate  # pylint: disable=import-error
from pbx_helpers import SYSADMIN_KEY, ansible_env  # pylint: disable=import-error

MAC = '000413aa0001'
NOT_VERIFIED = 'the PBX certificate could not be verified'
SAYS_SO = 'certificate is not verified'
MODULES = [
    (dialplan_phones, {'phones': [{'mac': MAC, 'name': 'Reception'}]}),
    (dialplan_phone_info, {'details': True}),
]


@pytest.fixture(scope='module')
def https_pbx(tmp_path_factory):
    cert, key = self_signed_certificate(tmp_path_factory.mktemp('tls'))
    with EmulatorProcess(cert=cert, key=key) as emulator:
        emulator.cert = cert
        yield emulator


@pytest.mark.parametrize('module, args', MODULES, ids=['dialplan_phones', 'dialplan_phone_info'])
def test_modules_refuse_an_unknown_certificate_and_trust_ca_path_or_validate_certs_false(run_module, https_pbx, module, args):
    https_pbx.control.clear_log()
    base = dict(args, url=https_pbx.url, api_key=SYSADMIN_KEY, retries=0)
    refused = run_module(module, base)
    assert refused['failed'] and NOT_VERIFIED in refused['msg'] and 'ca_path' in refused['msg']
    assert https_pbx.control.log() == []
    trusted = run_module(module, dict(base, ca_path=https_pbx.cert))
    assert not trusted.get('failed'), trusted.get('msg')
    assert not trusted.get('warnings')
    insecure = run_module(module, dict(base, validate_certs=False))
    assert not insecure.get('failed'), insecure.get('msg')
    assert any(SAYS_SO in str(warning) for warning in insecure['warnings'])
    assert 'InsecureRequestWarning' not in run_module.last_output
    assert https_pbx.control.writes() == []


@pytest.mark.parametrize('credentials', [{'api_key': SYSADMIN_KEY}, {'username': 'admin', 'password': 'admin-pass'}], ids=['api_key', 'login'])
def test_an_unverified_client_is_quiet_while_it_runs_and_leaves_the_warning_filters_as_they_were(https_pbx, credentials):
    # The inventory plugin runs in the controller's process: a filter left behind would silence the warning for everything else.
    insecure = requests.packages.urllib3.exceptions.InsecureRequestWarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        before = list(warnings.filters)
        with PbxClient(https_pbx.url, validate_certs=False, pool_size=4, **credentials) as client:
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda _: client.call('read', {'mac': MAC}), range(16)))
        assert warnings.filters == before
        assert [warning for warning in caught if issubclass(warning.category, insecure)] == []
        requests.post(https_pbx.url + '/rest/dialplan/read/', json={}, verify=False, timeout=10)
        assert [warning for warning in caught if issubclass(warning.category, insecure)] != []


def test_the_inventory_plugin_refuses_trusts_and_says_so(https_pbx, tmp_path):
    sources = []
    for name, options in (('refused', {}), ('trusted', {'ca_path': https_pbx.cert, 'prefix': 'trusted_'}),
                          ('insecure', {'validate_certs': False, 'prefix': 'insecure_'})):
        path = tmp_path / ('%s.dialplan.yml' % name)
        path.write_text(yaml.safe_dump(dict({'plugin': 'ipcortex.pbx.dialplan', 'url': https_pbx.url, 'api_key': SYSADMIN_KEY,
                                             'retries': 0, 'details': False}, **options)))
        sources += ['-i', str(path)]
    env = ansible_env(tmp_path, ANSIBLE_INVENTORY_ENABLED='ipcortex.pbx.dialplan')
    process = subprocess.run(['ansible-inventory', '--list'] + sources, env=env, capture_output=True, text=True, timeout=120, check=False)
    listing = json.loads(process.stdout)
    hostvars = listing['_meta']['hostvars'][MAC + '0']
    assert 'trusted_company' in hostvars and 'insecure_company' in hostvars
    assert "refused.dialplan.yml'" in process.stderr and NOT_VERIFIED in process.stderr
    assert SAYS_SO in process.stderr
    assert 'InsecureRequestWarning' not in process.stderr


def run(run_module, https_pbx, **args):
    return run_module(dialplan_phone, dict(dict(url=https_pbx.url, api_key=SYSADMIN_KEY, mac=MAC), **args))


def test_an_unknown_certificate_is_refused_and_the_reason_given(run_module, https_pbx):
    result = run(run_module, https_pbx)
    assert result['failed']
    assert 'TLS failed for %s/rest/dialplan/read/: the PBX certificate could not be verified' % https_pbx.url in result['msg']
    assert 'ca_path' in result['msg']


def test_ca_path_trusts_the_certificate(run_module, https_pbx):
    result = run(run_module, https_pbx, ca_path=https_pbx.cert)
    assert 'phone' in result, result.get('msg')
    assert result['changed'] is False and result['phone']['mac'] == MAC
    assert not result.get('warnings')


def test_validate_certs_false_works_and_says_so(run_module, https_pbx):
    result = run(run_module, https_pbx, validate_certs=False)
    assert result['changed'] is False
    assert any('certificate is not verified' in str(warning) for warning in result['warnings'])
    assert 'InsecureRequestWarning' not in run_module.last_output
