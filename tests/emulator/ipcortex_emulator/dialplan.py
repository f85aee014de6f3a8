# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``dialplan`` section: the vendor's handset calls and the provisioning calls.

Each call takes the authenticated principal and the body's scope and values, and
returns the reply. Refusals raise ``Refusal`` (HTTP 200, ``result: fail``).
"""

import sqlite3

from ipcortex_emulator import catalog
from ipcortex_emulator.errors import Refusal
from ipcortex_emulator.rules import create_values, phoneid, select, update_values

DENIED = "Permission denied"
# The vendor page names create, delete and assign; the others handle phones that belong
# to no company yet, so no Company-Admin scope applies to them.
SYSTEM_ADMIN_ONLY = frozenset(("create", "delete", "assign", "inactive", "promote", "demote"))
WRITE_VERBS = frozenset(("create", "update", "delete", "assign", "promote", "demote", "reboot", "newpass"))
PHONE_TYPE_ROWS = [{"phone_type": name, "description": catalog.description(name), "ports": catalog.port_count(name)}
                   for name in catalog.PHONE_TYPES]


def _success(**reply):
    return dict(result="success", **reply)


def _object(body, key):
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Refusal("%s must be a JSON object" % key)
    return value


def _only(values, allowed, verb):
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise Refusal("Unknown field %s: %s accepts %s" % (unknown[0], verb, ", ".join(allowed) or "no values"))


def _companies_of(value):
    """The company filter of ``active``: None (no filter), a name, or a list of names."""
    if value in (None, "", []):
        return None
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise Refusal("Invalid company filter: expected a company name or a list of names")
    return names


def _listing_row(record, with_company):
    row = {"phoneid": phoneid(record["mac"], record["port"]), "phone_type": record["phone_type"],
           "type": catalog.description(record["phone_type"]), "created": record["created"]}
    if with_company:
        row["company"] = record["company"]
    return row


class Dialplan:
    """The calls of ``/rest/dialplan/<verb>/``."""

    def __init__(self, store):
        self.store = store
        self.verbs = {
            "create": self.create, "read": self.read, "update": self.update, "delete": self.delete,
            "reboot": self.reboot, "newpass": self.newpass, "active": self.active, "inactive": self.inactive,
            "promote": self.promote, "demote": self.demote, "assign": self.assign, "readtypes": self.readtypes,
        }

    def call(self, verb, principal, body):
        if not principal.is_admin or (verb in SYSTEM_ADMIN_ONLY and not principal.is_system_admin):
            raise Refusal(DENIED)
        if body.get("type") != "phone":
            raise Refusal('Unsupported type %r: expected "phone"' % (body.get("type"),))
        return self.verbs[verb](principal, _object(body, "scope"), _object(body, "values"))

    @staticmethod
    def _allowed(principal, companies):
        if not all(principal.may_administer(company) for company in companies):
            raise Refusal(DENIED)

    def _rows(self, principal, mac, port=None):
        rows = self.store.rows(mac, port)
        self._allowed(principal, {row["company"] for row in rows})
        return rows

    def _company(self, name):
        if not isinstance(name, str) or not self.store.has_company(name):
            raise Refusal("Unknown company %r" % (name,))
        return name

    # --- handset management ----------------------------------------------------------

    def create(self, principal, scope, values):
        mac, name, company, phone_type = create_values(values)
        self._company(company)
        state = self.store.device_state(mac)
        if state == "inactive":
            raise Refusal("Phone %s is waiting to be provisioned: use promote" % mac)
        exists = Refusal("Phone %s already exists" % mac)
        if state == "active":
            raise exists
        try:
            return _success(numrows=self.store.create(mac, phone_type, company, name))
        except sqlite3.IntegrityError:
            raise exists from None  # created by a concurrent request

    def read(self, principal, scope, values):
        rows = self._rows(principal, *select(scope))
        return _success(numrows=len(rows), values=rows)

    def update(self, principal, scope, values):
        mac, port = select(scope)
        settings, phone_type = update_values(values)
        if not self._rows(principal, mac, port):
            return _success(numrows=0)
        return _success(numrows=self.store.update(mac, port, settings, phone_type))

    def delete(self, principal, scope, values):
        mac = select(scope, with_port=False)[0]
        return _success(numrows=self.store.delete(mac))

    def reboot(self, principal, scope, values):
        mac = select(scope, with_port=False)[0]
        if not self._rows(principal, mac):
            return _success(numrows=0, company=None)
        ports = self.store.record_reboot(mac)
        return _success(numrows=len(ports), company=ports[min(ports)] if ports else None)

    def newpass(self, principal, scope, values):
        mac = select(scope, with_port=False)[0]
        if not self._rows(principal, mac):
            return _success(numrows=0, company={})
        ports = self.store.record_newpass(mac)
        return _success(numrows=len(ports), company={str(port): company for port, company in ports.items()})

    # --- provisioning ----------------------------------------------------------------

    def active(self, principal, scope, values):
        _only(scope, ("company",), "active scope")
        companies = _companies_of(scope.get("company"))
        if companies is None and not principal.is_system_admin:
            companies = sorted(principal.administers)
        self._allowed(principal, companies or ())
        rows = [_listing_row(record, True) for record in self.store.listing(True, companies)]
        return _success(numrows=len(rows), values=rows)

    def inactive(self, principal, scope, values):
        _only(scope, (), "inactive scope")
        rows = [_listing_row(record, False) for record in self.store.listing(False)]
        return _success(numrows=len(rows), values=rows)

    def promote(self, principal, scope, values):
        mac = select(scope, with_port=False)[0]
        _only(values, ("company",), "promote")
        company = self._company(values.get("company") or "default")
        state = self.store.device_state(mac)
        if state == "active":
            raise Refusal("Phone %s is already active" % mac)
        if state is None:
            raise Refusal("No phone %s is waiting to be provisioned" % mac)
        return _success(numrows=self.store.promote(mac, company))

    def demote(self, principal, scope, values):
        mac = select(scope, with_port=False)[0]
        if self.store.device_state(mac) == "active":
            raise Refusal("Phone %s is active: use delete" % mac)
        return _success(numrows=self.store.delete(mac, active=False))

    def assign(self, principal, scope, values):
        mac, port = select(scope, extra=("company",))
        source = scope.get("company")
        if not source:
            raise Refusal("scope.company (the phone's current company) is required")
        _only(values, ("company",), "assign")
        target = self._company(values.get("company"))
        rows = self.store.rows(mac, port)
        if not rows:
            return _success(numrows=0, company={})
        if any(row["company"] != source for row in rows):
            raise Refusal("Phone %s is not in company %s" % (mac, source))
        moved = self.store.assign(mac, port, target)
        return _success(numrows=len(moved), company={str(number): company for number, company in moved.items()})

    def readtypes(self, principal, scope, values):
        return _success(numrows=len(PHONE_TYPE_ROWS), values=PHONE_TYPE_ROWS)
