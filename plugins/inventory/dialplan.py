# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dialplan
short_description: The handsets of an IPCortex PBX as inventory hosts
version_added: 0.1.0
description:
  - Lists the active phones of an IPCortex PBX (optionally of some O(companies) only) and reads their settings, then adds one host per port
    row, named by its phoneid (the MAC's 12 hex digits followed by the port number) or by O(hostname).
  - Each host has the phone's settings as host vars, named with the option names of M(ipcortex.pbx.dialplan_phone) behind O(prefix)
    (by default C(phone_mac), C(phone_port), C(phone_name), C(phone_company), C(phone_phone_type), ...), the names the
    C(ipcortex.pbx.handsets) role reads. C(phone_phoneid), C(phone_description) (of the phone type) and C(phone_created) are read-only.
  - Every host joins the group O(group), a group per company (C(company_acme)) and a group per phone type (C(phone_type_snom320)).
    Group names are sanitised - characters other than letters, digits and underscores become underscores.
  - Supports Ansible's constructed features (O(compose), O(groups), O(keyed_groups), O(strict)), O(filters) to leave phones out,
    and inventory caching.
  - The settings of the phones are read in parallel over one keep-alive session (O(concurrency)); a fleet of 1,000 phones is one listing
    and 1,000 reads.
  - The configuration file's name must end in C(dialplan.yml) or C(dialplan.yaml).
  - The hosts are handsets, not machines Ansible can log in to. Run tasks about them on the controller (C(delegate_to=localhost), or
    C(ansible_connection=local) through O(compose)).
author:
  - IPCortex (@ipcortex)
extends_documentation_fragment:
  - constructed
  - inventory_cache
requirements:
  - requests
options:
  plugin:
    description: The name of this plugin; it makes Ansible use this plugin for the file.
    type: str
    required: true
    choices: [ipcortex.pbx.dialplan]
  url:
    description:
      - Base URL of the PBX, for example V(https://pbx.example.com). The API lives under C(/rest/).
      - Required, here or through the environment. It must start with C(https://) (or C(http://)); credentials written into it are masked in
        every message.
    type: str
    env:
      - name: IPCORTEX_URL
  api_key:
    description:
      - An API key (the C(Auth Key) token made on a user's page of the PBX). It carries that user's permissions.
      - Give either O(api_key) or O(username) and O(password). Keep it out of the file with the environment variable, or encrypt it with Ansible Vault.
    type: str
    env:
      - name: IPCORTEX_API_KEY
  username:
    description:
      - Login of a PBX user. With O(password), the plugin logs in once, and logs out when the phones are read.
    type: str
    env:
      - name: IPCORTEX_USERNAME
  password:
    description:
      - Password of O(username).
    type: str
    env:
      - name: IPCORTEX_PASSWORD
  validate_certs:
    description:
      - Verify the PBX's TLS certificate. Set to V(false) only for a test system with a self-signed certificate.
    type: bool
    default: true
    env:
      - name: IPCORTEX_VALIDATE_CERTS
  ca_path:
    description:
      - A PEM file of CA certificates to trust instead of the system's, for a PBX with a private CA.
    type: path
    env:
      - name: IPCORTEX_CA_PATH
  timeout:
    description:
      - Seconds to wait for each HTTP request.
    type: int
    default: 30
    env:
      - name: IPCORTEX_TIMEOUT
  retries:
    description:
      - How often to retry a request that failed transiently (connection not made, a read timed out, HTTP 429, 502, 503 or 504),
        with exponential back-off and jitter, honouring the server's C(Retry-After).
    type: int
    default: 3
    env:
      - name: IPCORTEX_RETRIES
  companies:
    description:
      - Only the active phones of these companies (API call C(active) with C(scope.company)).
      - By default every active phone the credentials may see (a Company-Admin sees the phones of the companies it administers).
    type: list
    elements: str
    default: []
  details:
    description:
      - Read each device's settings (API call C(read)) so that every setting becomes a host var.
      - With V(false) the plugin makes one request, and the host vars are only C(mac), C(port), C(phoneid), C(company), C(phone_type),
        C(description) and C(created), behind O(prefix).
    type: bool
    default: true
  concurrency:
    description:
      - How many devices are read at the same time, each over the shared keep-alive session.
    type: int
    default: 8
  prefix:
    description:
      - Put before every setting's name to make its host var, for example C(phone_name) for the setting C(name).
    type: str
    default: phone_
  hostname:
    description:
      - A Jinja2 template for the host's name, evaluated with the phone's host vars (named with O(prefix)),
        for example V({{ phone_company }}-{{ phone_phoneid }}).
      - By default the host is named by its phoneid. The name must not be empty and must be different for every port row.
    type: str
  group:
    description:
      - The group every phone host joins, the group the C(ipcortex.pbx.handsets) role reads by default. V("") for none.
    type: str
    default: phones
  filters:
    description:
      - Jinja2 conditionals evaluated with the phone's host vars (named with O(prefix)); a phone becomes a host only if all are true.
      - A conditional that fails (for example on an undefined variable) leaves the phone out, or with O(strict=true) fails the inventory.
    type: list
    elements: str
    default: []
notes:
  - The connection options are those of the modules, with the same environment variables, so that an inventory source in AWX or
    AAP can take them from a credential.
  - With O(cache=true), a later run within O(cache_timeout) reads the phones from the cache and sends no request;
    C(ansible-inventory --flush-cache) reads the PBX again.
seealso:
  - module: ipcortex.pbx.dialplan_phone_info
    description: The same phones, read from a task.
  - module: ipcortex.pbx.dialplan_phones
    description: Converge a fleet of phones, for example the hosts of this inventory.
'''

EXAMPLES = r'''
---
# pbx.dialplan.yml - every active phone, connection from IPCORTEX_URL and IPCORTEX_API_KEY
plugin: ipcortex.pbx.dialplan

---
# acme.dialplan.yml - two companies, named hosts, extra groups, cached for ten minutes
plugin: ipcortex.pbx.dialplan
url: https://pbx.example.com
api_key: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  ...
companies: [acme, globex]
hostname: "{{ phone_company }}-{{ phone_phoneid }}"
filters:
  - phone_phone_type != 'webrtc'
compose:
  ansible_connection: "'local'"
groups:
  hotdesks: phone_can_hotdesk
keyed_groups:
  - key: phone_zone
    prefix: zone
    default_value: none
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ipcortex-pbx
cache_timeout: 600
'''

import re

from ansible.errors import AnsibleParserError
from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import (
    CONNECTION_OPTIONS,
    HAS_REQUESTS,
    PbxClient,
    PbxError,
    check_auth_options,
    connection_warnings,
    mask_url,
)
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import InvalidInput
from ansible_collections.ipcortex.pbx.plugins.module_utils._listing import list_active, with_details

SECRET_OPTIONS = ('api_key', 'password')


def group_name(prefix, value):
    """``company_acme``, ``phone_type_snom320_1``: letters, digits and underscores only."""
    return re.sub(r'[^A-Za-z0-9_]', '_', '%s_%s' % (prefix, value))


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'ipcortex.pbx.dialplan'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('dialplan.yml', 'dialplan.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        unknown = sorted(set(config) - set(self._options))
        if unknown:
            # A misspelt option (companies, filters...) would otherwise widen the inventory silently.
            raise AnsibleParserError('ipcortex.pbx.dialplan: unknown option %s in %s; the options are %s'
                                     % (', '.join(map(str, unknown)), path, ', '.join(sorted(self._options))))
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        phones = None
        if use_cache:
            try:
                phones = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if phones is None:
            phones = self.read_phones()
        if update_cache:
            self._cache[cache_key] = phones
        self.populate(phones)

    # --- reading the PBX -------------------------------------------------------------------

    def connection_params(self):
        params = {}
        for name in CONNECTION_OPTIONS:
            value = self.get_option(name)
            if isinstance(value, str) and self.templar.is_template(value):
                value = self.templar.template(value)
            if value is not None and name in ('url', 'api_key', 'username', 'password'):
                # A vaulted value becomes its plain text here, and only here.
                value = to_native(value)
            params[name] = value
        return params

    def read_phones(self):
        """The active phones (with their settings unless details is off), as dialplan_phone_info returns them."""
        if not HAS_REQUESTS:
            raise AnsibleParserError('ipcortex.pbx.dialplan: ' + missing_required_lib('requests'))
        params = self.connection_params()
        concurrency = self.get_option('concurrency')
        problem = check_auth_options(params, where='the inventory file')
        if not problem and concurrency < 1:
            problem = 'concurrency must be 1 or more'
        if problem:
            raise AnsibleParserError('ipcortex.pbx.dialplan: %s' % problem)
        for warning in connection_warnings(params):
            self.display.warning('ipcortex.pbx.dialplan: %s' % warning)
        with PbxClient.from_params(params, pool_size=concurrency) as client:
            try:
                listed = list_active(client, self.get_option('companies'))
                if not self.get_option('details'):
                    return listed
                return with_details(client, listed, concurrency)
            except (PbxError, InvalidInput) as exc:
                raise AnsibleParserError('ipcortex.pbx.dialplan: reading the phones from %s failed: %s' % (mask_url(params['url']), exc))

    # --- building the inventory ------------------------------------------------------------

    def populate(self, phones):
        prefix = self.get_option('prefix')
        strict = self.get_option('strict')
        top = self.get_option('group')
        if top:
            top = self.inventory.add_group(top)
        seen = {}
        for phone in phones:
            variables = dict((prefix + key, value) for key, value in phone.items())
            if not self.wanted(variables, phone, strict):
                continue
            host = self.host_name(variables, phone)
            if host in seen:
                raise AnsibleParserError('ipcortex.pbx.dialplan: hostname gives %r for both %s and %s; make the template name each port row apart'
                                         % (host, seen[host], phone['phoneid']))
            seen[host] = phone['phoneid']
            self.inventory.add_host(host, group=top or None)
            for name, value in variables.items():
                self.inventory.set_variable(host, name, value)
            for kind in ('company', 'phone_type'):
                if phone.get(kind):
                    self.inventory.add_host(host, group=self.inventory.add_group(group_name(kind, phone[kind])))
            self._set_composite_vars(self.get_option('compose'), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, host, strict=strict)

    def wanted(self, variables, phone, strict):
        self.templar.available_variables = variables
        for conditional in self.get_option('filters'):
            try:
                if not self._condition_holds(conditional):
                    return False
            except Exception as exc:  # pylint: disable=broad-except
                if strict:
                    raise AnsibleParserError('ipcortex.pbx.dialplan: filter %r failed for phone %s: %s' % (conditional, phone['phoneid'], to_native(exc)))
                return False
        return True

    def _condition_holds(self, conditional):
        if hasattr(self.templar, 'evaluate_conditional'):
            return self.templar.evaluate_conditional(conditional)
        # ansible-core before 2.19 has no evaluate_conditional: template the test as its Conditional did.
        start, end = self.templar.environment.block_start_string, self.templar.environment.block_end_string
        result = self.templar.template('%sif %s%s True %selse%s False %sendif%s' % (start, conditional, end, start, end, start, end),
                                       disable_lookups=True)
        return str(result).strip() == 'True'

    def host_name(self, variables, phone):
        template = self.get_option('hostname')
        if not template:
            return phone['phoneid']
        self.templar.available_variables = variables
        try:
            name = self.templar.template(template)
        except Exception as exc:  # pylint: disable=broad-except
            raise AnsibleParserError('ipcortex.pbx.dialplan: hostname %r failed for phone %s: %s' % (template, phone['phoneid'], to_native(exc)))
        name = to_native(name).strip()
        if not name:
            raise AnsibleParserError('ipcortex.pbx.dialplan: hostname %r gives an empty name for phone %s' % (template, phone['phoneid']))
        return name
