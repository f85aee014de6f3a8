# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading phones for people: rows keyed and normalised as dialplan_phone's options.

Shared by dialplan_phone_info and the dialplan inventory plugin.
Private to this collection: no stability promise for anything in this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import (
    SETTINGS,
    normalize_row,
    normalize_setting,
    phoneid,
    split_phoneid,
)

# Keys of a phone that dialplan_phone does not take: they describe, they do not configure.
READ_ONLY_KEYS = ('phoneid', 'description', 'created')
PHONE_KEYS = ('mac', 'port') + SETTINGS


def phone_row(row, listed=None):
    """A port row the PBX read, keyed and normalised as dialplan_phone's options, plus the read-only keys."""
    normalized = normalize_row(row)
    shown = dict((key, normalized[key]) for key in PHONE_KEYS if key in normalized)
    shown['phoneid'] = phoneid(shown['mac'], shown['port'])
    for key in ('description', 'created'):
        if listed and key in listed:
            shown[key] = listed[key]
    return shown


def listed_row(row):
    """A row of the active or inactive listing, in the same keys (``type`` is the type's description)."""
    mac, port = split_phoneid(row.get('phoneid', ''))
    shown = {'mac': mac, 'port': port, 'phoneid': phoneid(mac, port)}
    for key in ('company', 'phone_type'):
        if key in row:
            shown[key] = normalize_setting(key, row[key])
    shown['description'] = row.get('type')
    shown['created'] = row.get('created')
    return shown


def type_row(row):
    """One readtypes entry; the vendor does not document its shape, so take the common spellings."""
    if not isinstance(row, dict):
        return {'phone_type': str(row)}
    name = row.get('phone_type') or row.get('id') or row.get('type') or row.get('name')
    shown = {'phone_type': str(name), 'description': row.get('description')}
    if 'ports' in row:
        shown['ports'] = row['ports']
    return shown


def read_device(client, mac, port=None):
    return sorted((phone_row(row) for row in client.read_phone(mac, port)), key=lambda row: row['port'])


def list_active(client, companies=None):
    if companies:
        scope = {'company': companies[0] if len(companies) == 1 else list(companies)}
    else:
        scope = None
    return [listed_row(row) for row in client.call('active', scope).get('values') or []]


def list_waiting(client):
    return [listed_row(row) for row in client.waiting_phones()]


def with_details(client, listed, concurrency=8):
    """The listed rows with every setting: one read per device, ``concurrency`` at a time over the client's pool.

    A device deleted between the listing and its read is left out. A device the credentials may
    read only port by port (a Company-Admin's share of it) is read by its listed ports.
    """
    ports = OrderedDict()
    for entry in listed:
        ports.setdefault(entry['mac'], []).append(entry['port'])

    def read(mac):
        return client.read_phone(mac, ports=ports[mac])

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        reads = dict(zip(ports, pool.map(read, list(ports))))
    detailed = []
    for entry in listed:
        for row in reads[entry['mac']]:
            if int(row.get('port') or 0) == entry['port']:
                detailed.append(phone_row(row, entry))
                break
    return detailed
