# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client's pure parts: option checks, back-off, error wording. HTTP is tested against the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils import _client


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
    found = _client.check_auth_options(params)
    assert (found is None) if problem is None else (problem in found)


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
