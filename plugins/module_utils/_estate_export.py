# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Writing a PBX's phones in the estate layout: fleet blocks with shared defaults, file names, YAML text.

Pure functions, no I/O: the export playbook's filters hand their results to Ansible to write.
Private to this collection: no stability promise for anything in this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import re

from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import SETTINGS

FLEET_PREFIX = 'ipcortex_fleet_'
# The phones waiting to be provisioned: data for the reader, not converged.
WAITING_VAR = 'ipcortex_export_waiting'
WAITING_FILE = 'waiting'
# Settings a block's defaults may hold; company is the block's own key.
DEFAULTABLE = tuple(key for key in SETTINGS if key != 'company')
# Connection host vars of a PBX host that are not secret, in the order they are written.
PUBLIC_CONNECTION_VARS = ('ipcortex_url', 'ipcortex_username', 'ipcortex_validate_certs', 'ipcortex_ca_path',
                          'ipcortex_timeout', 'ipcortex_retries')
_PLAIN_NAME = re.compile(r'^[A-Za-z0-9_]+$')


class ExportError(ValueError):
    """The phones cannot be written in the estate layout as they are."""


def company_key(company):
    """The part after ``ipcortex_fleet_`` of a company's block, also its file name without ``.yml``.

    A name of letters, digits and underscores is kept as it is (``acme``). Any other name (``Acme Ltd``,
    ``acme-uk``), and the reserved ``waiting``, has every other character replaced by an underscore and
    the first 8 hex digits of the name's SHA-1 appended (``Acme_Ltd_1a2b3c4d``): two names that differ
    only in such characters still get different blocks, and the key is the same at every export.
    """
    company = u'%s' % company
    if _PLAIN_NAME.match(company) and company != WAITING_FILE:
        return company
    digest = hashlib.sha1(company.encode('utf-8')).hexdigest()[:8]
    return '%s_%s' % (re.sub(r'[^A-Za-z0-9_]', '_', company), digest)


def fleet_var(company):
    """``ipcortex_fleet_acme``: the host var holding a company's fleet block."""
    return FLEET_PREFIX + company_key(company)


def _exported(value):
    # A null is written as "", the modules' "clear", so that converging the export changes nothing.
    return '' if value is None else value


def _same(value):
    """A hashable form that keeps True, 1 and "1" apart."""
    return json.dumps(value, sort_keys=True)


def shared_defaults(phones, keys=DEFAULTABLE):
    """The values a strict majority of ``phones`` share, per key: ``{key: value}``.

    A value becomes a default when more than half of the port rows hold it (3 of 5, 2 of 3, 1 of 1;
    not 2 of 4). A key no value of which reaches that share gets no default. Nulls count as "".
    """
    defaults = {}
    for key in keys:
        counts = {}
        first = {}
        for phone in phones:
            if key not in phone:
                continue
            value = _exported(phone[key])
            marker = _same(value)
            counts[marker] = counts.get(marker, 0) + 1
            first.setdefault(marker, value)
        for marker, count in counts.items():
            if 2 * count > len(phones):
                defaults[key] = first[marker]
                break
    return defaults


def _sort_key(phone):
    return (phone.get('mac') or '', int(phone.get('port') or 0))


def fleet_block(company, phones, keys=DEFAULTABLE):
    """A company's fleet block: ``{company, defaults, phones}``.

    ``phones`` are port rows as dialplan_phone_info returns them. Each entry of the block holds ``mac``,
    ``port`` (only when not 0), and the settings whose value differs from the block's default; entries
    are sorted by MAC and port.
    """
    rows = [phone for phone in phones if phone.get('company') == company]
    defaults = shared_defaults(rows, keys)
    entries = []
    for phone in sorted(rows, key=_sort_key):
        entry = {'mac': phone['mac']}
        if int(phone.get('port') or 0):
            entry['port'] = int(phone['port'])
        for key in keys:
            if key not in phone:
                continue
            value = _exported(phone[key])
            if key not in defaults or _same(value) != _same(defaults[key]):
                entry[key] = value
        entries.append(entry)
    return {'company': company, 'defaults': dict((key, defaults[key]) for key in keys if key in defaults), 'phones': entries}


def waiting_entries(waiting):
    """The waiting devices (one entry per MAC, from port 0), sorted: ``[{mac, phone_type}]``."""
    entries = []
    for phone in sorted(waiting, key=_sort_key):
        if int(phone.get('port') or 0) == 0:
            entries.append({'mac': phone['mac'], 'phone_type': phone.get('phone_type')})
    return entries


def fleet_files(pbx, phones, waiting=None):
    """The files of one PBX host in the estate layout: ``[{'path': relative path, 'content': YAML text}]``.

    One file ``host_vars/<pbx>/<company key>.yml`` per company of ``phones``, holding that company's block,
    and, when ``waiting`` is not None, ``host_vars/<pbx>/waiting.yml`` listing the waiting devices.
    """
    pbx = u'%s' % pbx
    if not pbx or pbx in ('.', '..') or '/' in pbx or '\\' in pbx:
        raise ExportError('the PBX host name %r cannot name a folder under host_vars' % pbx)
    companies = sorted(set(phone.get('company') for phone in phones if phone.get('company')))
    unowned = [phone.get('phoneid') or phone.get('mac') for phone in phones if not phone.get('company')]
    if unowned:
        raise ExportError('phones without a company cannot be written into a fleet block: %s' % ', '.join(map(str, unowned)))
    files = []
    for company in companies:
        block = fleet_block(company, phones)
        header = ('Exported from PBX %s by ipcortex.pbx.export: the handsets of company %s.\n'
                  'defaults: the values more than half of its port rows share; each phone lists only what differs.'
                  % (pbx, json.dumps(company, ensure_ascii=False)))
        files.append({'path': 'host_vars/%s/%s.yml' % (pbx, company_key(company)),
                      'content': yaml_document({fleet_var(company): block}, header)})
    if waiting is not None:
        header = ('Exported from PBX %s by ipcortex.pbx.export: phones waiting to be provisioned. Not converged:\n'
                  'to adopt one, move it into the phones of a fleet block (it is promoted into that company).' % pbx)
        files.append({'path': 'host_vars/%s/%s.yml' % (pbx, WAITING_FILE),
                      'content': yaml_document({WAITING_VAR: waiting_entries(waiting)}, header)})
    return files


def inventory_file(pbxs, group='pbxs'):
    """The inventory file of the estate: the group ``group`` with each PBX host and its non-secret connection vars.

    ``pbxs``: ``{host name: {var: value}}``, the PBX hosts' vars; only PUBLIC_CONNECTION_VARS that are set are kept.
    Returns ``{'path': '<group>.yml', 'content': YAML text}``.
    """
    if not _PLAIN_NAME.match(u'%s' % group):
        raise ExportError('the group name %r must be made of letters, digits and underscores' % group)
    hosts = {}
    for name in sorted(pbxs):
        host_vars = pbxs[name] or {}
        hosts[name] = dict((var, host_vars[var]) for var in PUBLIC_CONNECTION_VARS if host_vars.get(var) is not None)
    header = ('Exported by ipcortex.pbx.export: the PBXs of the estate with their connections, without secrets.\n'
              'Give each PBX its ipcortex_api_key (or ipcortex_password), vaulted, for example in host_vars/<pbx>/connection.yml.')
    return {'path': '%s.yml' % group, 'content': yaml_document({group: {'hosts': hosts}}, header)}


def yaml_document(data, comment=None):
    """YAML text of dicts and lists, keys in their given order, every scalar as JSON (which YAML reads as is)."""
    lines = ['---']
    if comment:
        lines.extend('# ' + line for line in comment.splitlines())
    _emit(data, 0, lines)
    return '\n'.join(lines) + '\n'


def _scalar(value):
    return json.dumps(value, ensure_ascii=False)


def _key(key):
    key = u'%s' % key
    return key if _PLAIN_NAME.match(key) else _scalar(key)


def _emit(data, indent, lines):
    pad = ' ' * indent
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)) and value:
                lines.append('%s%s:' % (pad, _key(key)))
                _emit(value, indent + 2, lines)
            else:
                lines.append('%s%s: %s' % (pad, _key(key), _scalar(value)))
    else:
        for item in data:
            if isinstance(item, dict) and item:
                # The first key on the dash's line, the others below it.
                nested = []
                _emit(item, indent + 2, nested)
                lines.append('%s- %s' % (pad, nested[0][indent + 2:]))
                lines.extend(nested[1:])
            elif isinstance(item, list) and item:
                lines.append('%s-' % pad)
                _emit(item, indent + 2, lines)
            else:
                lines.append('%s- %s' % (pad, _scalar(item)))
