# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What users read when the connection, the credentials or a value is wrong: the exact text, and never a secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phone_action, dialplan_phone_info, dialplan_phones

from pbx_helpers import SYSADMIN_KEY, warnings_of  # pylint: disable=import-error
from test_inventory_dialplan import Inventory  # pylint: disable=import-error

DESK = '000413aa0001'
NEW = '0004130e00aa'
# Every module, with the options it needs besides the connection.
MODULES = [
    (dialplan_phone, {'mac': DESK, 'name': 'Reception'}),
    (dialplan_phones, {'phones': [{'mac': DESK, 'name': 'Reception'}]}),
    (dialplan_phone_info, {}),
    (dialplan_phone_action, {'mac': DESK, 'action': 'reboot'}),
]
NO_URL = 'url is required: set the url option (for example https://pbx.example.com) or the IPCORTEX_URL environment variable'
NO_SCHEME = "url 'pbx.example.com' must start with https:// (or http://), for example https://pbx.example.com"
NOT_BOTH = 'give either api_key or username and password, not both'
CREATE_NEEDS_SYSADMIN = ('dialplan/create for phone %s failed: Permission denied (creating, deleting and assigning phones needs a System-Admin)'
                         % NEW)
ZONE = ('zone: \'Mars/Olympus\' is not a time zone the PBX knows; use "" (none) or one of Atlantic/Cape_Verde, Atlantic/Bermuda, '
        'Europe/London, Europe/Paris, Europe/Helsinki, Africa/Nairobi, Europe/Nicosia, Asia/Hong_Kong, US/Alaska, US/Pacific, '
        'US/Mountain, US/Central, US/Eastern')
TYPE = ("phone_type: 'yealnkT46' is not a phone type the PBX knows; did you mean yealinkT46? "
        "List the PBX's types with ipcortex.pbx.dialplan_phone_info and phone_types: true")


@pytest.fixture
def no_proxy(monkeypatch):
    for name in ('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# --- the url --------------------------------------------------------------------------------

@pytest.mark.parametrize('module, args', MODULES)
def test_a_missing_url_names_the_option_and_the_environment_variable(run_module, module, args):
    result = run_module(module, dict(args, api_key='k'))
    assert result['failed'] and result['msg'] == NO_URL and result['changed'] is False


@pytest.mark.parametrize('module, args', MODULES)
def test_a_url_without_scheme_fails_before_any_request(pbx, run_module, module, args):
    result = run_module(module, dict(args, url='pbx.example.com', api_key=SYSADMIN_KEY))
    assert result['failed'] and result['msg'] == NO_SCHEME
    assert pbx.control.log() == []


def test_a_url_without_scheme_from_the_environment_says_so(run_module, monkeypatch):
    monkeypatch.setenv('IPCORTEX_URL', 'pbx.example.com')
    result = run_module(dialplan_phone_info, {'api_key': 'k'})
    assert result['msg'] == ("url 'pbx.example.com' (from the IPCORTEX_URL environment variable) must start with https:// (or http://), "
                             "for example https://pbx.example.com")


@pytest.mark.parametrize('url, message', [
    ('pbx.example.com', NO_SCHEME),
    ('admin:s3cret@pbx.example.com', "url '********@pbx.example.com' must start with https:// (or http://), for example https://********@pbx.example.com"),
])
def test_the_inventory_plugin_checks_the_url_before_any_request(pbx, tmp_path, url, message):
    inventory = Inventory(pbx, tmp_path)
    error = inventory.fails(url=url)
    assert 'ipcortex.pbx.dialplan: ' + message in error
    assert 's3cret' not in error and pbx.control.log() == []


# --- credentials: where each method came from ------------------------------------------------

@pytest.mark.parametrize('task, environ, message', [
    ({'api_key': SYSADMIN_KEY}, {'IPCORTEX_USERNAME': 'admin', 'IPCORTEX_PASSWORD': 'admin-pass'},
     NOT_BOTH + ': the task sets api_key and the environment sets IPCORTEX_USERNAME and IPCORTEX_PASSWORD'),
    ({'username': 'admin', 'password': 'admin-pass'}, {'IPCORTEX_API_KEY': SYSADMIN_KEY},
     NOT_BOTH + ': the task sets username and password and the environment sets IPCORTEX_API_KEY'),
    ({'api_key': SYSADMIN_KEY, 'username': 'admin', 'password': 'admin-pass'}, {}, NOT_BOTH),
])
@pytest.mark.parametrize('module, args', MODULES)
def test_an_auth_conflict_says_the_environment_set_the_other_method(pbx, run_module, monkeypatch, module, args, task, environ, message):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    result = run_module(module, dict(args, url=pbx.url, **task))
    assert result['failed'] and result['msg'] == message
    assert pbx.control.log() == []


def test_the_inventory_plugin_says_the_environment_set_the_other_method(pbx, tmp_path):
    inventory = Inventory(pbx, tmp_path)
    error = inventory.fails(connection=False, url=pbx.url, username='admin', password='admin-pass', env={'IPCORTEX_API_KEY': SYSADMIN_KEY})
    assert ('ipcortex.pbx.dialplan: ' + NOT_BOTH + ': the inventory file sets username and password and the environment sets IPCORTEX_API_KEY'
            in ' '.join(error.split()))


# --- values ---------------------------------------------------------------------------------

@pytest.mark.parametrize('module, args, message', [
    (dialplan_phone, {'mac': DESK, 'zone': 'Mars/Olympus'}, ZONE),
    (dialplan_phones, {'phones': [{'mac': DESK, 'zone': 'Mars/Olympus'}]}, 'nothing was changed: phones[0].' + ZONE),
    (dialplan_phone, {'mac': NEW, 'company': 'acme', 'phone_type': 'yealnkT46'}, TYPE),
    (dialplan_phones, {'phones': [{'mac': NEW, 'company': 'acme', 'phone_type': 'yealnkT46'}]}, 'nothing was changed: phones[0].' + TYPE),
])
def test_a_bad_value_names_the_option_and_what_is_allowed(pbx, call_module, module, args, message):
    result = call_module(module, **args)
    assert result['failed'] and result['msg'] == message
    assert pbx.control.writes() == []


def test_an_empty_zone_is_allowed(pbx, call_module):
    result = call_module(dialplan_phone, mac=DESK, zone='')
    assert result['changed'] is True and result['phone']['zone'] == ''


@pytest.mark.parametrize('module, args', [
    (dialplan_phone, {'mac': NEW, 'company': 'acme', 'phone_type': 'snom320'}),
    (dialplan_phones, {'phones': [{'mac': NEW, 'company': 'acme', 'phone_type': 'snom320'}]}),
])
def test_a_company_admins_create_says_it_needs_a_system_admin(pbx, call_module, module, args):
    result = call_module(module, api_key='acme-admin-key', **args)
    assert result['failed']
    assert CREATE_NEEDS_SYSADMIN in result['msg']
    if module is dialplan_phones:
        assert result['msg'] == '1 of 1 phones failed: %s0: %s' % (NEW, CREATE_NEEDS_SYSADMIN)
    else:
        assert result['msg'] == CREATE_NEEDS_SYSADMIN


# --- credentials written into the URL ---------------------------------------------------------

@pytest.mark.parametrize('module, args', MODULES)
def test_credentials_in_the_url_appear_nowhere(pbx, run_module, no_proxy, module, args):
    url = pbx.url.replace('http://', 'http://admin:s3cret@')
    run_module(module, dict(args, url=url, api_key=SYSADMIN_KEY))
    assert 's3cret' not in run_module.last_output and 'admin:' not in run_module.last_output
    failed = run_module(module, dict(args, url='https://admin:s3cret@127.0.0.1:9', api_key=SYSADMIN_KEY, retries=0, validate_certs=False))
    assert failed['failed'] and 'https://********@127.0.0.1:9/rest/dialplan/' in failed['msg']
    assert warnings_of(failed)
    assert 's3cret' not in run_module.last_output and 'admin:' not in run_module.last_output


def test_credentials_in_the_url_are_masked_in_the_message(run_module, no_proxy):
    result = run_module(dialplan_phone_info, dict(url='http://admin:s3cret@127.0.0.1:9', api_key='k', retries=0))
    assert result['msg'] == 'PBX unreachable at http://********@127.0.0.1:9/rest/dialplan/active/: [Errno 111] Connection refused'
    assert result['invocation']['module_args']['url'] == 'http://********@127.0.0.1:9'


def test_the_inventory_plugin_masks_credentials_in_the_url(pbx, tmp_path, no_proxy):
    inventory = Inventory(pbx, tmp_path)
    error = inventory.fails(url='http://admin:s3cret@127.0.0.1:9', retries=0)
    assert 'reading the phones from http://********@127.0.0.1:9 failed: PBX unreachable at http://********@127.0.0.1:9' in error
    assert 's3cret' not in error + inventory.stdout


# --- a proxy from the environment -------------------------------------------------------------

@pytest.mark.parametrize('variable, url', [('HTTP_PROXY', 'http://admin:s3cret@pbx.example.com'),
                                           ('https_proxy', 'https://pbx.example.com'),
                                           ('ALL_PROXY', 'https://pbx.example.com')])
def test_a_proxy_that_refuses_is_named_beside_the_pbx(run_module, no_proxy, variable, url):
    no_proxy.setenv(variable, 'http://puser:ppass@127.0.0.1:9')
    result = run_module(dialplan_phone_info, dict(url=url, api_key='k', retries=0))
    shown = url.replace('admin:s3cret', '********')
    assert result['msg'] == ('PBX unreachable at %s/rest/dialplan/active/ through the proxy http://********@127.0.0.1:9 from the environment '
                             'variable %s (the proxy refused or could not be reached): [Errno 111] Connection refused' % (shown, variable))
    assert 'ppass' not in run_module.last_output and 's3cret' not in run_module.last_output
