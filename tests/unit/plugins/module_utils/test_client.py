# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client's pure parts: option checks, back-off, error wording. HTTP is tested against the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils import _client


URL = 'https://pbx.example.com'


@pytest.mark.parametrize('params, problem', [
    ({'api_key': 'k'}, None),
    ({'username': 'u', 'password': 'p'}, None),
    ({}, 'one of api_key or username and password is required'),
    ({'api_key': 'k', 'username': 'u', 'password': 'p'}, 'not both'),
    ({'api_key': 'k', 'password': 'p'}, 'not both'),
    ({'username': 'u'}, 'must be given together'),
    ({'password': 'p'}, 'must be given together'),
    ({'api_key': 'k', 'timeout': 0}, 'timeout must be'),
    ({'api_key': 'k', 'retries': -1}, 'retries must be'),
])
def test_check_auth_options(params, problem):
    found = _client.check_auth_options(dict(params, url=URL), environ={})
    assert (found is None) if problem is None else (problem in found)


# Each message exactly as the user reads it.
@pytest.mark.parametrize('url, environ, message', [
    (None, {}, 'url is required: set the url option (for example https://pbx.example.com) or the IPCORTEX_URL environment variable'),
    ('  ', {}, 'url is required: set the url option (for example https://pbx.example.com) or the IPCORTEX_URL environment variable'),
    ('pbx.example.com', {}, "url 'pbx.example.com' must start with https:// (or http://), for example https://pbx.example.com"),
    ('pbx.example.com', {'IPCORTEX_URL': 'pbx.example.com'},
     "url 'pbx.example.com' (from the IPCORTEX_URL environment variable) must start with https:// (or http://), for example https://pbx.example.com"),
    ('ftp://pbx.example.com/', {}, "url 'ftp://pbx.example.com/' must start with https:// (or http://), for example https://pbx.example.com/"),
    ('admin:s3cret@pbx.example.com', {}, "url '********@pbx.example.com' must start with https:// (or http://), for example https://********@pbx.example.com"),
    ('admin:p@ss@pbx.example.com', {}, "url '********@pbx.example.com' must start with https:// (or http://), for example https://********@pbx.example.com"),
    ('https://admin:s3cret@', {}, "url 'https://********@' names no host; give the PBX's address, for example https://pbx.example.com"),
    ('https://', {}, "url 'https://' names no host; give the PBX's address, for example https://pbx.example.com"),
    ('HTTPS://pbx.example.com', {}, None),
    ('http://127.0.0.1:8080/', {}, None),
])
def test_url_is_checked_before_any_request(url, environ, message):
    assert _client.check_auth_options({'url': url, 'api_key': 'k'}, environ=environ) == message


NOT_BOTH = 'give either api_key or username and password, not both'


@pytest.mark.parametrize('params, environ, message', [
    ({'api_key': 'k', 'username': 'u', 'password': 'p'}, {}, NOT_BOTH),
    ({'api_key': 'k', 'username': 'u', 'password': 'p'}, {'IPCORTEX_USERNAME': 'u', 'IPCORTEX_PASSWORD': 'p'},
     NOT_BOTH + ': the task sets api_key and the environment sets IPCORTEX_USERNAME and IPCORTEX_PASSWORD'),
    ({'api_key': 'k', 'username': 'u', 'password': 'p'}, {'IPCORTEX_API_KEY': 'k'},
     NOT_BOTH + ': the task sets username and password and the environment sets IPCORTEX_API_KEY'),
    ({'api_key': 'k', 'username': 'u', 'password': 'p'}, {'IPCORTEX_API_KEY': 'k', 'IPCORTEX_USERNAME': 'u'},
     NOT_BOTH + ': the task sets password and the environment sets IPCORTEX_API_KEY and IPCORTEX_USERNAME'),
    ({'api_key': 'k', 'username': 'u', 'password': 'p'}, {'IPCORTEX_USERNAME': 'other', 'IPCORTEX_PASSWORD': 'other'}, NOT_BOTH),
])
def test_an_auth_conflict_says_where_each_method_came_from(params, environ, message):
    assert _client.check_auth_options(dict(params, url=URL), environ=environ) == message


def test_an_inventory_file_is_named_as_the_source():
    found = _client.check_auth_options({'url': URL, 'api_key': 'k', 'username': 'u', 'password': 'p'}, environ={'IPCORTEX_API_KEY': 'k'},
                                       where='the inventory file')
    assert found == NOT_BOTH + ': the inventory file sets username and password and the environment sets IPCORTEX_API_KEY'


@pytest.mark.parametrize('text, masked', [
    ('https://user:secret@pbx.example.com/rest/x/', 'https://********@pbx.example.com/rest/x/'),
    ('PBX at http://token@10.0.0.1:8080 via http://p:q@proxy:3128', 'PBX at http://********@10.0.0.1:8080 via http://********@proxy:3128'),
    ('https://pbx.example.com/a@b', 'https://pbx.example.com/a@b'),
    ('https://user:p@ss@pbx.example.com/', 'https://********@pbx.example.com/'),
    ('no url here', 'no url here'),
])
def test_credentials_in_urls_are_masked(text, masked):
    assert _client.mask_url(text) == masked
    assert str(_client.PbxError(text)) == masked


@pytest.mark.parametrize('url, credentials', [
    ('https://user:secret@pbx.example.com', 'user:secret'), ('https://pbx.example.com', None), (None, None)])
def test_url_credentials(url, credentials):
    assert _client.url_credentials(url) == credentials


@pytest.mark.parametrize('environ, expected', [
    ({}, None),
    ({'HTTPS_PROXY': 'http://u:p@proxy:3128'}, ('HTTPS_PROXY', 'http://u:p@proxy:3128')),
    ({'https_proxy': 'http://proxy:3128'}, ('https_proxy', 'http://proxy:3128')),
    ({'HTTPS_PROXY': 'http://proxy:3128', 'NO_PROXY': 'pbx.example.com'}, None),
    ({'HTTP_PROXY': 'http://proxy:3128'}, None),
])
def test_the_proxy_from_the_environment_is_known_by_name(monkeypatch, environ, expected):
    for name in ('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert _client.environment_proxy(URL) == expected


@pytest.mark.parametrize('verb, hint', [
    ('create', 'creating, deleting and assigning phones needs a System-Admin'),
    ('delete', 'creating, deleting and assigning phones needs a System-Admin'),
    ('assign', 'creating, deleting and assigning phones needs a System-Admin'),
    ('promote', 'activating phones that wait to be provisioned (and removing them) needs a System-Admin'),
    ('update', 'these credentials may not act on this phone or company'),
])
def test_a_permission_refusal_says_what_is_needed(verb, hint):
    class Refused(object):
        status_code = 200
        headers = {}

        @staticmethod
        def json():
            return {'result': 'fail', 'message': 'Permission denied'}
    client = _client.PbxClient(URL, api_key='k')
    with pytest.raises(_client.PbxError) as err:
        client._reply('dialplan/' + verb, {'mac': '000413aa0001'}, Refused(), verb != 'update')
    assert str(err.value) == 'dialplan/%s for phone 000413aa0001 failed: Permission denied (%s)' % (verb, hint)
    assert err.value.kind == 'permission' and not err.value.outcome_unknown


def test_connection_options_have_env_fallbacks_and_secrets_are_no_log():
    spec = _client.connection_argument_spec()
    assert all('fallback' in option for option in spec.values())
    assert [name for name, option in spec.items() if option.get('no_log')] == ['api_key', 'password']


@pytest.mark.parametrize('attempt, jitter, expected', [(0, 0.0, 0.25), (0, 1.0, 0.5), (1, 1.0, 1.0), (3, 1.0, 4.0), (20, 1.0, 30.0)])
def test_back_off_is_exponential_with_jitter_and_capped(attempt, jitter, expected):
    assert _client.retry_delay(attempt, jitter=lambda: jitter) == expected


@pytest.mark.parametrize('header, expected', [('2', 2.0), ('0', 0.25), ('', 0.25), ('soon', 0.25), ('Wed, 21 Oct 2015 07:28:00 GMT', 0.25)])
def test_retry_after_wins_when_longer(header, expected):
    assert _client.retry_delay(0, header, jitter=lambda: 0.0) == expected


@pytest.mark.parametrize('status, message, kind', [
    (401, 'Invalid credentials', 'auth'),
    (200, 'Session expired', 'auth'),
    (403, 'Forbidden', 'permission'),
    (200, 'Permission denied', 'permission'),
    (200, 'Unknown phone type', 'rejected'),
])
def test_failure_kinds(status, message, kind):
    assert _client._failure_kind(status, message) == kind


@pytest.mark.parametrize('scope, text', [
    (None, ''),
    ({'mac': 'aa'}, ' for phone aa'),
    ({'mac': 'aa', 'port': 1}, ' for phone aa port 1'),
    ({'phoneid': 'aa1'}, ' for phone aa1'),
    ({'company': 'acme'}, ' for company acme'),
])
def test_describe_scope(scope, text):
    assert _client.describe_scope(scope) == text


@pytest.mark.parametrize('pool_size', [1, 8, 32])
def test_the_connection_pool_fits_the_concurrency(pool_size):
    client = _client.PbxClient.from_params({'url': 'https://pbx.example.com/', 'api_key': 'k'}, pool_size=pool_size)
    assert client.session.get_adapter('https://pbx.example.com/')._pool_maxsize == pool_size
    assert client.base_url == 'https://pbx.example.com'


class Reply(object):
    def __init__(self, status, result='fail'):
        self.status_code = status
        self.headers = {}
        self._body = {'result': result, 'message': '%d from the gateway' % status}

    def json(self):
        return self._body


class ScriptedSession(object):
    """Answers each post with the next item: a status code, or an exception to raise."""

    def __init__(self, script):
        self.script = list(script)
        self.posts = 0

    def post(self, *args, **kwargs):
        self.posts += 1
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return Reply(item, 'success' if item == 200 else 'fail')

    def close(self):
        pass


def refused_connection():
    """What requests raises when nothing listens: the request never left."""
    from urllib3.exceptions import NewConnectionError
    inner = NewConnectionError(None, 'Failed to establish a new connection: [Errno 111] Connection refused')
    error = _client.requests.exceptions.ConnectionError(inner)
    error.__cause__ = inner
    return error


def cut_connection():
    return _client.requests.exceptions.ConnectionError(ConnectionResetError(104, 'Connection reset by peer'))


def read_timeout():
    return _client.requests.exceptions.ReadTimeout('read timed out')


# (verb, what the PBX or the network answers in turn, requests sent, outcome)
@pytest.mark.parametrize('verb, script, posts, outcome', [
    ('read', [429, 502, 504, 200], 4, 'success'),
    ('read', [503, 200], 2, 'success'),
    ('read', [read_timeout(), cut_connection(), refused_connection(), 200], 4, 'success'),
    ('read', [read_timeout()] * 4, 4, 'failed'),
    ('update', [429, 503, 200], 3, 'success'),
    ('update', [refused_connection(), 200], 2, 'success'),
    ('update', [502], 1, 'unknown'),
    ('update', [504], 1, 'unknown'),
    ('update', [500], 1, 'unknown'),
    ('update', [read_timeout()], 1, 'unknown'),
    ('update', [cut_connection()], 1, 'unknown'),
    ('reboot', [504], 1, 'unknown'),
    ('newpass', [read_timeout()], 1, 'unknown'),
    ('assign', [503, 504], 2, 'unknown'),
    ('update', [503] * 4, 4, 'failed'),
])
def test_writes_are_resent_only_when_the_pbx_cannot_have_acted(verb, script, posts, outcome):
    client = _client.PbxClient(URL, api_key='k', retries=3, sleep=lambda seconds: None)
    client.session = ScriptedSession(script)
    try:
        client.call(verb, {'mac': '000413aa0001'})
        found = 'success'
    except _client.PbxError as exc:
        found = 'unknown' if exc.outcome_unknown else 'failed'
        if verb == 'read':
            assert 'unknown' not in str(exc)
    assert (found, client.session.posts) == (outcome, posts)
    assert client.may_have_written == (outcome == 'unknown' or (outcome == 'success' and verb != 'read'))


def test_a_write_of_unknown_outcome_says_so():
    client = _client.PbxClient('https://admin:s3cret@pbx.example.com', api_key='k', sleep=lambda seconds: None)
    client.session = ScriptedSession([read_timeout()])
    with pytest.raises(_client.PbxError) as err:
        client.call('reboot', {'mac': '000413aa0001'})
    assert str(err.value) == ('PBX at https://********@pbx.example.com/rest/dialplan/reboot/ did not answer within 30 s (timeout); '
                              'whether the PBX acted on dialplan/reboot is unknown')
    client.session = ScriptedSession([504])
    with pytest.raises(_client.PbxError) as err:
        client.call('reboot', {'mac': '000413aa0001'})
    assert str(err.value) == ('dialplan/reboot for phone 000413aa0001 failed (HTTP 504): 504 from the gateway; '
                              'whether the PBX acted on it is unknown')


def test_a_read_that_timed_out_says_nothing_of_an_outcome():
    client = _client.PbxClient(URL, api_key='k', retries=0, sleep=lambda seconds: None)
    client.session = ScriptedSession([read_timeout()])
    with pytest.raises(_client.PbxError) as err:
        client.call('read', {'mac': '000413aa0001'})
    assert str(err.value) == 'PBX at https://pbx.example.com/rest/dialplan/read/ did not answer within 30 s (timeout)'
    assert not err.value.outcome_unknown and not client.may_have_written
