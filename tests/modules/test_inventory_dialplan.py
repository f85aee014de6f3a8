# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ipcortex.pbx.dialplan inventory plugin, run for real by ``ansible-inventory --list`` against the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import subprocess

import pytest
import yaml

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone_info

from pbx_helpers import SYSADMIN_KEY, ansible_env, plain, verbs  # pylint: disable=import-error

ATA = '000e08aa0003'
ACME = ['000413aa00010', '000413aa00020', '000e08aa00030', '000e08aa00031']
GLOBEX = ['0004f2bb00020', '001565bb00010']
EXPECTED_GROUPS = {
    'phones': sorted(ACME + GLOBEX),
    'company_acme': ACME,
    'company_globex': GLOBEX,
    'phone_type_snomD345': ['000413aa00010'],
    'phone_type_yealinkT46': ['000413aa00020'],
    'phone_type_spa112': [ATA + '0', ATA + '1'],
    'phone_type_yealinkT48': ['001565bb00010'],
    'phone_type_vvx300': ['0004f2bb00020'],
}
EXPECTED_ATA_PORT_1 = {
    'phone_mac': ATA, 'phone_port': 1, 'phoneid': None, 'phone_name': 'Door entry', 'phone_company': 'acme', 'phone_phone_type': 'spa112',
    'phone_zone': '', 'phone_can_hotdesk': False, 'phone_can_forward': False, 'phone_qualify': '', 'phone_call_group': None,
    'phone_access': 'default', 'phone_nat_mode': False, 'phone_nat_ipaddr': 'default', 'phone_ntp': 'default', 'phone_codec_list': 'default',
    'phone_barge': 0, 'phone_ip_addr': None, 'phone_ip_dns1': None, 'phone_ip_dns2': None, 'phone_ip_gateway': None, 'phone_ip_domain': None,
    'phone_description': 'Linksys/Cisco SPA spa112 (2 ports)', 'phone_created': 1700000200,
}
del EXPECTED_ATA_PORT_1['phoneid']
EXPECTED_ATA_PORT_1['phone_phoneid'] = ATA + '1'


class Inventory(object):
    """Writes a config file and runs ``ansible-inventory -i <file> --list`` on it."""

    def __init__(self, pbx, tmp_path):
        self.pbx = pbx
        self.tmp_path = tmp_path
        self.env = ansible_env(tmp_path, ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
        self.stderr = ''
        self.stdout = ''

    def write(self, name='pbx.dialplan.yml', connection=True, **options):
        config = {'plugin': 'ipcortex.pbx.dialplan'}
        if connection:
            config.update(url=self.pbx.url, api_key=SYSADMIN_KEY)
        config.update(options)
        path = self.tmp_path / name
        path.write_text(yaml.safe_dump(config))
        return str(path)

    def run(self, path=None, args=(), env=None, check=True, **options):
        path = path or self.write(**options)
        process = subprocess.run(['ansible-inventory', '-i', path, '--list'] + list(args), env=dict(self.env, **(env or {})),
                                 capture_output=True, text=True, timeout=120, check=False)
        self.stdout, self.stderr = process.stdout, process.stderr
        if check:
            assert process.returncode == 0, process.stderr
            return plain(json.loads(process.stdout))
        assert process.returncode != 0, process.stdout
        return process.stderr

    def fails(self, **kwargs):
        return self.run(check=False, **kwargs)


@pytest.fixture
def inventory(pbx, tmp_path):
    pbx.control.clear_log()
    return Inventory(pbx, tmp_path)


def groups(listing):
    return dict((name, sorted(group['hosts'])) for name, group in listing.items() if name != '_meta' and group.get('hosts'))


def hostvars(listing):
    return listing['_meta']['hostvars']


# --- what the inventory holds --------------------------------------------------------------

@pytest.mark.smoke
def test_one_host_per_port_row_grouped_by_company_and_type(pbx, inventory):
    listing = inventory.run()
    assert groups(listing) == EXPECTED_GROUPS
    assert hostvars(listing)[ATA + '1'] == EXPECTED_ATA_PORT_1
    assert hostvars(listing)['0004f2bb00020']['phone_ip_addr'] == '192.0.2.50/24'
    assert verbs(pbx) == ['active'] + ['read'] * 5


def test_host_vars_are_the_info_modules_phones_behind_the_prefix(pbx, inventory, run_module):
    listing = inventory.run()
    phones = run_module(dialplan_phone_info, dict(url=pbx.url, api_key=SYSADMIN_KEY, details=True))['phones']
    assert hostvars(listing) == dict((phone['phoneid'], dict(('phone_' + key, value) for key, value in phone.items())) for phone in phones)


def test_some_companies_only(pbx, inventory):
    listing = inventory.run(companies=['globex'])
    assert sorted(hostvars(listing)) == GLOBEX and groups(listing)['company_globex'] == GLOBEX
    assert 'company_acme' not in listing
    assert pbx.control.log()[0]['scope'] == {'company': 'globex'}


def test_without_details_one_request(pbx, inventory):
    listing = inventory.run(details=False)
    assert groups(listing) == EXPECTED_GROUPS
    assert hostvars(listing)[ATA + '1'] == {
        'phone_mac': ATA, 'phone_port': 1, 'phone_phoneid': ATA + '1', 'phone_company': 'acme', 'phone_phone_type': 'spa112',
        'phone_description': 'Linksys/Cisco SPA spa112 (2 ports)', 'phone_created': 1700000200}
    assert verbs(pbx) == ['active']


def test_prefix_and_group_are_configurable(pbx, inventory):
    listing = inventory.run(prefix='pbx_', group='handsets')
    assert hostvars(listing)[ATA + '0']['pbx_name'] == 'Fax' and 'phone_name' not in hostvars(listing)[ATA + '0']
    assert groups(listing)['handsets'] == sorted(ACME + GLOBEX) and 'phones' not in listing
    assert 'phones' not in groups(inventory.run(group=''))


def test_hostname_template(pbx, inventory):
    listing = inventory.run(hostname="{{ phone_company }}-{{ phone_name | lower | regex_replace('[^a-z0-9]+', '-') }}", companies=['acme'])
    assert sorted(hostvars(listing)) == ['acme-door-entry', 'acme-fax', 'acme-reception', 'acme-sales-desk']
    assert hostvars(listing)['acme-fax']['phone_phoneid'] == ATA + '0'
    assert groups(listing)['phone_type_spa112'] == ['acme-door-entry', 'acme-fax']


@pytest.mark.parametrize('template, fragment', [
    ('{{ phone_company }}', "hostname gives 'acme' for both"),
    ("{{ '' }}", 'gives an empty name'),
    ('{{ phone_nonsense }}', 'hostname'),
])
def test_a_bad_hostname_template_fails_clearly(pbx, inventory, template, fragment):
    assert fragment in inventory.fails(hostname=template)


@pytest.mark.smoke
def test_compose_groups_keyed_groups_and_filters(pbx, inventory):
    listing = inventory.run(
        compose={'ansible_connection': "'local'", 'extension': 'phone_port + 100'},
        groups={'hotdesks': 'phone_can_hotdesk', 'ports': 'phone_port > 0'},
        keyed_groups=[{'key': 'phone_zone', 'prefix': 'zone', 'default_value': 'none'}],
        filters=["phone_phone_type != 'vvx300'", "phone_company in ['acme', 'globex']"],
    )
    assert sorted(hostvars(listing)) == sorted(ACME + ['001565bb00010'])
    # ansible-core before 2.19 templates compose results as text.
    assert hostvars(listing)[ATA + '1']['ansible_connection'] == 'local' and int(hostvars(listing)[ATA + '1']['extension']) == 101
    found = groups(listing)
    assert found['hotdesks'] == ['000413aa00020'] and found['ports'] == [ATA + '1']
    assert found['zone_Europe_London'] == ['000413aa00010'] and found['zone_US_Eastern'] == ['001565bb00010']
    assert found['zone_none'] == ['000413aa00020', ATA + '0', ATA + '1']
    assert 'phone_type_vvx300' not in found


def test_a_failing_filter_leaves_the_phone_out_unless_strict(pbx, inventory):
    listing = inventory.run(filters=['phone_nonsense == 1'])
    assert hostvars(listing) == {}
    assert "filter 'phone_nonsense == 1' failed for phone" in inventory.fails(filters=['phone_nonsense == 1'], strict=True)


def test_a_failing_compose_is_skipped_unless_strict(pbx, inventory):
    listing = inventory.run(compose={'x': 'phone_nonsense'})
    assert 'x' not in hostvars(listing)[ATA + '0']
    assert 'Could not set x' in inventory.fails(compose={'x': 'phone_nonsense'}, strict=True)


def test_company_admin_sees_its_companies_only(pbx, inventory):
    listing = inventory.run(api_key='acme-admin-key')
    assert sorted(hostvars(listing)) == ACME


# --- caching ---------------------------------------------------------------------------------

def test_a_cached_inventory_makes_no_request(pbx, inventory, tmp_path):
    path = inventory.write(cache=True, cache_plugin='ansible.builtin.jsonfile', cache_connection=str(tmp_path / 'cache'))
    first = inventory.run(path)
    assert len(pbx.control.log()) == 6
    pbx.control.clear_log()
    second = inventory.run(path)
    assert second == first and pbx.control.log() == []
    flushed = inventory.run(path, args=['--flush-cache'])
    assert flushed == first and verbs(pbx) == ['active'] + ['read'] * 5


def test_without_cache_every_run_reads(pbx, inventory):
    path = inventory.write()
    inventory.run(path)
    pbx.control.clear_log()
    inventory.run(path)
    assert len(pbx.control.log()) == 6


# --- connection ---------------------------------------------------------------------------

def test_connection_from_the_environment(pbx, inventory):
    path = inventory.write(connection=False)
    listing = inventory.run(path, env={'IPCORTEX_URL': pbx.url, 'IPCORTEX_API_KEY': SYSADMIN_KEY, 'IPCORTEX_TIMEOUT': '5'})
    assert groups(listing) == EXPECTED_GROUPS


def test_session_from_the_environment_logs_in_once(pbx, inventory):
    path = inventory.write(connection=False, concurrency=4)
    inventory.run(path, env={'IPCORTEX_URL': pbx.url, 'IPCORTEX_USERNAME': 'admin', 'IPCORTEX_PASSWORD': 'admin-pass'})
    paths = [entry['path'].strip('/').split('/', 1)[1] for entry in pbx.control.log()]
    assert paths == ['auth', 'dialplan/active'] + ['dialplan/read'] * 5 + ['auth/logout']


@pytest.mark.smoke
def test_a_vaulted_key_and_a_templated_url(pbx, inventory, tmp_path):
    password_file = tmp_path / 'vault-password'
    password_file.write_text('secret')
    vaulted = subprocess.run(['ansible-vault', 'encrypt_string', '--vault-password-file', str(password_file), SYSADMIN_KEY, '--name', 'api_key'],
                             env=inventory.env, capture_output=True, text=True, check=True).stdout
    path = tmp_path / 'vaulted.dialplan.yml'
    path.write_text("plugin: ipcortex.pbx.dialplan\nurl: \"{{ lookup('ansible.builtin.env', 'PBX_UNDER_TEST') }}\"\n" + vaulted)
    listing = inventory.run(str(path), env={'ANSIBLE_VAULT_PASSWORD_FILE': str(password_file), 'PBX_UNDER_TEST': pbx.url})
    assert groups(listing) == EXPECTED_GROUPS
    assert SYSADMIN_KEY not in inventory.stdout + inventory.stderr


def test_the_file_overrides_the_environment(pbx, inventory):
    listing = inventory.run(env={'IPCORTEX_URL': 'http://127.0.0.1:9', 'IPCORTEX_API_KEY': 'wrong-key'})
    assert len(hostvars(listing)) == 6


# --- bad configuration fails clearly -------------------------------------------------------

@pytest.mark.parametrize('options, fragment', [
    ({'connection': False}, 'url is required: set the url option (for example https://pbx.example.com) or the IPCORTEX_URL environment variable'),
    ({'connection': False, 'url': 'http://127.0.0.1:9'}, 'one of api_key or username and password is required'),
    ({'username': 'admin'}, 'not both'),
    ({'api_key': 'wrong-key'}, 'dialplan/active failed (HTTP 401): Invalid credentials (check api_key, or username and password)'),
    ({'url': 'http://127.0.0.1:9', 'retries': 0}, 'PBX unreachable at http://127.0.0.1:9/rest/dialplan/active/'),
    ({'companie': ['acme']}, 'unknown option companie in'),
    ({'concurrency': 0}, 'concurrency must be 1 or more'),
    ({'companies': ['globex'], 'api_key': 'acme-admin-key'}, 'Permission denied'),
])
def test_bad_configuration_fails_clearly(pbx, inventory, options, fragment):
    error = inventory.fails(**options)
    assert fragment in error and 'Traceback' not in error
    assert SYSADMIN_KEY not in error and 'wrong-key' not in error


def test_a_file_whose_name_is_not_for_the_plugin_is_not_read(pbx, inventory):
    error = inventory.fails(name='pbx.yml')
    assert "could not be verified by inventory plugin 'ipcortex.pbx.dialplan'" in error
    assert pbx.control.log() == []


def test_a_refused_detail_read_fails_with_the_message(pbx, inventory):
    pbx.control.set_faults(fail=[{'verb': 'read', 'mac': ATA, 'message': 'Database is locked'}])
    assert 'dialplan/read for phone %s failed: Database is locked' % ATA in inventory.fails()


def test_no_secret_in_the_output(pbx, inventory):
    inventory.run()
    assert SYSADMIN_KEY not in inventory.stdout + inventory.stderr
