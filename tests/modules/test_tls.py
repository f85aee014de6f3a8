# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TLS against the emulator over HTTPS with a self-signed certificate."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone

from ipcortex_emulator.testing import EmulatorProcess, self_signed_certificate  # pylint: disable=import-error
from pbx_helpers import SYSADMIN_KEY  # pylint: disable=import-error

MAC = '000413aa0001'  # in the default seed


@pytest.fixture(scope='module')
def https_pbx(tmp_path_factory):
    cert, key = self_signed_certificate(tmp_path_factory.mktemp('tls'))
    with EmulatorProcess(cert=cert, key=key) as emulator:
        emulator.cert = cert
        yield emulator


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
