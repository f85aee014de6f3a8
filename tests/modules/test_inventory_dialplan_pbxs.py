# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Several PBXs in one inventory: the dialplan plugin's option pbx, two emulators, two config files, one ``ansible-inventory``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import subprocess

import pytest
import yaml

from ipcortex_emulator.testing import EmulatorProcess  # pylint: disable=import-error

from pbx_helpers import SYSADMIN_KEY, ansible_env, api, plain  # pylint: disable=import-error

# The default seed's phones: both PBXs hold the same phoneids, which would collide without pbx.
ACME = ['000413aa00010', '000413aa00020', '000e08aa00030', '000e08aa00031']
GLOBEX = ['0004f2bb00020', '001565bb00010']


@pytest.fixture(scope='module')
def paris():
    """A second PBX beside the session's emulator."""
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def two_pbxs(pbx, paris):
    paris.control.reset()
    api(paris.url, 'update', scope={'mac': '000413aa0001', 'port': 0}, values={'name': 'Paris reception'})
    for emulator in (pbx, paris):
        emulator.control.clear_log()
    return {'london': pbx, 'paris': paris}


def write_configs(folder, pbxs, **options):
    folder.mkdir(exist_ok=True)
    for name, emulator in pbxs.items():
        config = dict({'plugin': 'ipcortex.pbx.dialplan', 'url': emulator.url, 'api_key': SYSADMIN_KEY, 'pbx': name}, **options)
        (folder / ('%s.dialplan.yml' % name)).write_text(yaml.safe_dump(config))
    return str(folder)


def inventory_list(tmp_path, source, check=True):
    process = subprocess.run(['ansible-inventory', '-i', source, '--list'], capture_output=True, text=True, timeout=120, check=False,
                             env=ansible_env(tmp_path, ANSIBLE_INVENTORY_UNPARSED_FAILED='true'))
    if not check:
        assert process.returncode != 0, process.stdout
        return process.stderr
    assert process.returncode == 0, process.stderr
    return plain(json.loads(process.stdout))


def groups(listing):
    return dict((name, sorted(group['hosts'])) for name, group in listing.items() if name != '_meta' and group.get('hosts'))


def test_two_pbxs_in_one_inventory_keep_their_hosts_and_groups_apart(two_pbxs, tmp_path):
    listing = inventory_list(tmp_path, write_configs(tmp_path / 'inventory', two_pbxs))
    hostvars = listing['_meta']['hostvars']
    for name in ('london', 'paris'):
        found = groups(listing)
        assert found['%s_phones' % name] == sorted('%s_%s' % (name, phoneid) for phoneid in ACME + GLOBEX)
        assert found['%s_company_acme' % name] == ['%s_%s' % (name, phoneid) for phoneid in ACME]
        assert found['%s_phone_type_spa112' % name] == [name + '_000e08aa00030', name + '_000e08aa00031']
        assert all(hostvars['%s_%s' % (name, phoneid)]['phone_pbx'] == name for phoneid in ACME + GLOBEX)
        assert len(two_pbxs[name].control.log()) == 6
    assert len(hostvars) == 2 * len(ACME + GLOBEX)
    # The same phoneid on two PBXs: two hosts, each with its own PBX's settings.
    assert hostvars['london_000413aa00010']['phone_name'] == 'Reception'
    assert hostvars['paris_000413aa00010']['phone_name'] == 'Paris reception'
    assert hostvars['paris_000413aa00010']['phone_phoneid'] == '000413aa00010'
    assert not set(groups(listing)) & {'phones', 'company_acme', 'phone_type_spa112'}


def test_the_pbx_var_serves_hostname_filters_and_constructed_groups(two_pbxs, tmp_path):
    source = write_configs(tmp_path / 'inventory', two_pbxs, hostname='{{ phone_company }}-{{ phone_phoneid }}', group='handsets',
                           filters=["phone_pbx == 'paris' or phone_company == 'globex'"],
                           keyed_groups=[{'key': 'phone_pbx', 'prefix': 'pbx'}], groups={'all_globex': "phone_company == 'globex'"})
    listing = inventory_list(tmp_path, source)
    found = groups(listing)
    assert found['london_handsets'] == sorted('london_globex-' + phoneid for phoneid in GLOBEX)
    assert found['paris_handsets'] == sorted(['paris_acme-' + phoneid for phoneid in ACME] + ['paris_globex-' + phoneid for phoneid in GLOBEX])
    assert found['pbx_london'] == found['london_handsets'] and found['pbx_paris'] == found['paris_handsets']
    # Groups of groups and keyed_groups are named as written: they may gather phones of every PBX.
    assert found['all_globex'] == sorted(['london_globex-' + phoneid for phoneid in GLOBEX] + ['paris_globex-' + phoneid for phoneid in GLOBEX])


def test_a_pbx_name_is_sanitised_in_group_names_only(pbx, tmp_path):
    listing = inventory_list(tmp_path, write_configs(tmp_path / 'inventory', {'pbx-east.1': pbx}, companies=['globex']))
    assert groups(listing)['pbx_east_1_company_globex'] == sorted('pbx-east.1_' + phoneid for phoneid in GLOBEX)
    assert listing['_meta']['hostvars']['pbx-east.1_001565bb00010']['phone_pbx'] == 'pbx-east.1'


def test_without_pbx_nothing_is_prefixed(pbx, tmp_path):
    (tmp_path / 'one.dialplan.yml').write_text(yaml.safe_dump({'plugin': 'ipcortex.pbx.dialplan', 'url': pbx.url, 'api_key': SYSADMIN_KEY}))
    listing = inventory_list(tmp_path, str(tmp_path / 'one.dialplan.yml'))
    assert groups(listing)['phones'] == sorted(ACME + GLOBEX)
    assert 'phone_pbx' not in listing['_meta']['hostvars'][ACME[0]]


def test_an_empty_pbx_name_fails_clearly(pbx, tmp_path):
    error = inventory_list(tmp_path, write_configs(tmp_path / 'inventory', {' ': pbx}), check=False)
    assert 'pbx must not be empty' in error
