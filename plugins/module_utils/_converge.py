# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Converging one phone: read, plan, send, read back. Shared by the single-phone and fleet modules.

Private to this collection: no stability promise for anything in this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxError
from ansible_collections.ipcortex.pbx.plugins.module_utils._listing import list_waiting, phone_row, type_row
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import (
    PHONE_TYPES,
    InvalidInput,
    desired_phone,
    normalize_row,
    plan_phone,
    predict_rows,
    row_for_port,
    unconverged_keys,
    view,
)

# create/promote, a type change, assign and update, then the read that verifies it: never more in a sane run.
MAX_PASSES = 5


class ConvergeError(Exception):
    """Converging failed; the message is for a person, ``outcome`` holds what is known."""

    def __init__(self, message, outcome=None):
        super(ConvergeError, self).__init__(message)
        self.outcome = outcome


class Outcome(object):
    """What converging one phone did (or, in check mode, would do)."""

    def __init__(self, desired, action, before, after, rows, warnings=None):
        self.desired = desired
        self.action = action
        self.before = before
        self.after = after
        self.rows = rows
        self.warnings = warnings or []

    @property
    def changed(self):
        return self.action != 'unchanged'

    @property
    def diff(self):
        return {'before': self.before, 'after': self.after}

    @property
    def phone(self):
        if self.desired.state == 'absent' or not self.rows:
            return {}
        row = row_for_port(self.rows, self.desired.port)
        return phone_row(row) if row else {}

    @property
    def ports(self):
        return [phone_row(row) for row in self.rows]


class TypeCatalog(object):
    """The PBX's readtypes, asked for at most once and only when a run needs it.

    ``names`` is the set of type names (None when the PBX cannot list them); ``port_counts``
    maps each type to its port count where readtypes states one.
    """

    def __init__(self, client):
        self.client = client
        self._lock = threading.Lock()
        self._loaded = False
        self._names = None
        self._port_counts = {}

    def _load(self):
        with self._lock:
            if not self._loaded:
                try:
                    rows = [type_row(row) for row in self.client.phone_types() if row]
                except PbxError:
                    rows = []
                self._names = set(row['phone_type'] for row in rows) or None
                self._port_counts = dict((row['phone_type'], row['ports']) for row in rows if 'ports' in row)
                self._loaded = True

    @property
    def names(self):
        self._load()
        return self._names

    @property
    def port_counts(self):
        self._load()
        return self._port_counts


def needs_port_counts(entries, rows, waiting):
    """Whether converging these entries of one device depends on how many ports a type has:
    a type change, or a new device declared beyond its port 0."""
    current = rows[0].get('phone_type') if rows else (waiting[0].get('phone_type') if waiting else None)
    declared = [entry.settings['phone_type'] for entry in entries if 'phone_type' in entry.settings]
    if rows or waiting:
        return any(phone_type != current for phone_type in declared)
    return any(entry.port > 0 for entry in entries)


def port_counts_for(entries, rows, waiting, catalog):
    """The port counts of the phone types, from readtypes, when the entries need them (else None)."""
    if catalog is None or not needs_port_counts(entries, rows, waiting):
        return None
    return catalog.port_counts


def desired_from_params(client, params, prefix='', catalog=None):
    """Validate the options; a phone type outside the vendor's list is checked against readtypes.

    ``catalog`` (a TypeCatalog) lets many entries share one readtypes call.
    """
    try:
        return desired_phone(params, prefix=prefix)
    except InvalidInput as exc:
        if exc.option != prefix + 'phone_type':
            raise
    catalog = catalog or TypeCatalog(client)
    return desired_phone(params, known_phone_types=catalog.names or PHONE_TYPES, prefix=prefix)


def read_rows(client, mac, port=None, listed_ports=None):
    """The device's rows; ``listed_ports``, its ports a listing showed, spare a Company-Admin another listing."""
    return sorted((normalize_row(row) for row in client.read_phone(mac, ports=listed_ports, needed_port=port)), key=lambda row: row['port'])


def waiting_list(client):
    """Every row of the list of phones waiting to be provisioned.

    Credentials that may not see that list may not promote either: for them nothing waits.
    """
    try:
        return list_waiting(client)
    except PbxError as exc:
        if exc.kind != 'permission':
            raise
        return []


def waiting_rows(client, mac):
    """The phone's rows in the list of phones waiting to be provisioned."""
    return [row for row in waiting_list(client) if row['mac'] == mac]


def converge(client, desired, check_mode=False, waiting=None, rows=None, port_counts=None, catalog=None):
    """Bring one phone to ``desired`` with the fewest calls.

    ``rows`` and ``waiting`` are the phone's active rows and its rows in the inactive list
    when the caller already knows them (a fleet run lists both once for all phones); otherwise
    the phone is read, and the inactive list asked for only when the phone is not active.
    ``port_counts`` are the phone types' port counts when the caller has them; otherwise
    ``catalog`` (a TypeCatalog) is asked when a type change or a new device makes them matter.
    Raises PbxError, NotPlannable, InvalidInput or ConvergeError.
    """
    if rows is None:
        rows = read_rows(client, desired.mac, desired.port)
    if not rows and waiting is None:
        waiting = waiting_rows(client, desired.mac)
    if port_counts is None:
        port_counts = port_counts_for([desired], rows, waiting, catalog)
    plan = plan_phone(desired, rows, waiting, port_counts)
    if check_mode or not plan.calls:
        predicted = predict_rows(desired, rows, waiting, plan, port_counts)
        return Outcome(desired, plan.action, plan.before, plan.after, predicted, port_count_warnings(desired, rows, predicted, port_counts))
    return _apply(client, desired, plan, rows, waiting, port_counts)


def port_count_warnings(desired, rows, after, port_counts):
    """The warning a real run gives when a type change adds or removes port rows, predicted."""
    if rows and after and port_counts and len(after) != len(rows):
        return [ports_changed(desired, len(after), len(rows))]
    return []


def ports_changed(desired, now, before):
    return 'phone %s now has %d port rows instead of %d; the new rows got the PBX defaults: check them' % (desired.mac, now, before) \
        if now > before else 'phone %s now has %d port rows instead of %d' % (desired.mac, now, before)


def _apply(client, desired, first, rows, waiting, port_counts=None):
    """Send the plan step by step, reading the phone after each step and planning again."""
    plan = first
    warnings = []
    ports_before = len(rows)
    outcome_unknown = 0
    echo_checked = False
    # A pass whose outcome was unknown is only a re-read; those are bounded by client.retries below.
    for _pass in range(MAX_PASSES + client.retries + 1):
        if not plan.calls:
            break
        step = plan.next_step()
        uncertain = False
        try:
            for call in step:
                client.call(call.verb, call.scope, call.values)
        except PbxError as exc:
            if exc.outcome_unknown and outcome_unknown < client.retries:
                # Timed out or cut off: read the phone and decide again rather than resend blindly.
                outcome_unknown += 1
            elif exc.kind == 'rejected' and not echo_checked and (outcome_unknown or any(call.rereads for call in step)):
                # An earlier write whose outcome was unknown, or another run, may have acted since, and
                # this refusal be the echo of that ("already exists"): read and decide again, once.
                echo_checked = True
            else:
                raise
            uncertain = True
        rows = read_rows(client, desired.mac, desired.port)
        if rows:
            waiting = []
        elif any(call.verb in ('promote', 'demote') for call in step):
            waiting = waiting_rows(client, desired.mac)
        if rows and ports_before and len(rows) != ports_before:
            warnings.append(ports_changed(desired, len(rows), ports_before))
            ports_before = len(rows)
        failed = Outcome(desired, 'failed', first.before, {}, rows, warnings)
        try:
            plan = plan_phone(desired, rows, waiting, port_counts)
        except InvalidInput as exc:
            raise ConvergeError(str(exc), failed)
        # After plain updates the read is the verification: anything still to do was not kept.
        if plan.calls and not uncertain and not any(call.rereads for call in step):
            raise ConvergeError(_not_held(desired, rows), failed)
    if plan.calls:
        raise ConvergeError('phone %s did not converge: the PBX still needs %s' % (desired.mac, ', '.join(call.verb for call in plan.calls)),
                            Outcome(desired, 'failed', first.before, {}, rows, warnings))
    return Outcome(desired, first.action, first.before, view(desired, rows, waiting), rows, warnings)


def _not_held(desired, rows):
    row = row_for_port(rows, desired.port)
    keys = unconverged_keys(desired, row)
    details = ', '.join('%s (sent %r, PBX holds %r)' % (key, desired.settings.get(key), (row or {}).get(key)) for key in keys)
    return 'phone %s port %d: the PBX did not keep what was written: %s' % (desired.mac, desired.port, details or 'the device')
