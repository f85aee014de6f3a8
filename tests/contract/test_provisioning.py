# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Provisioning calls: active, inactive, promote, demote, assign, readtypes."""

import pytest

from contract_helpers import ACME_ATA, ACME_PHONE, GLOBEX_PHONE, NEW_MAC, WAITING_ATA, WAITING_PHONE
from ipcortex_emulator.catalog import PHONE_TYPES
from ipcortex_emulator.rules import DEFAULTS


def phoneids(reply):
    return [row["phoneid"] for row in reply["values"]]


# --- active and inactive ------------------------------------------------------------------

@pytest.mark.parametrize("company, expected", [
    (None, [ACME_PHONE + "0", ACME_ATA + "0", ACME_ATA + "1", GLOBEX_PHONE + "0", "0004f2bb00020", "000413aa00020"]),
    ("acme", [ACME_PHONE + "0", "000413aa00020", ACME_ATA + "0", ACME_ATA + "1"]),
    (["globex"], [GLOBEX_PHONE + "0", "0004f2bb00020"]),
    (["acme", "globex"], [ACME_PHONE + "0", ACME_ATA + "0", ACME_ATA + "1", GLOBEX_PHONE + "0", "0004f2bb00020", "000413aa00020"]),
    ("default", []),
    ("initech", []),
])
def test_active_filters_by_company(api, company, expected):
    reply = api.ok("active", {} if company is None else {"company": company})
    assert reply["numrows"] == len(expected)
    assert sorted(phoneids(reply)) == sorted(expected)


def test_active_row_shape(api):
    row = next(row for row in api.ok("active")["values"] if row["phoneid"] == ACME_ATA + "1")
    assert row == {"phoneid": ACME_ATA + "1", "phone_type": "spa112", "type": "Linksys/Cisco SPA spa112 (2 ports)",
                   "created": 1700000200, "company": "acme"}


@pytest.mark.parametrize("scope, message", [
    ({"company": 5}, "Invalid company filter: expected a company name or a list of names"),
    ({"company": ["acme", 5]}, "Invalid company filter: expected a company name or a list of names"),
    ({"mac": ACME_PHONE}, "Unknown field mac: active scope accepts company"),
])
def test_active_refuses_a_bad_filter(api, scope, message):
    assert api.refused("active", scope) == message


def test_inactive_lists_every_port_of_waiting_phones(api):
    reply = api.ok("inactive")
    assert reply["values"] == [
        {"phoneid": WAITING_ATA + "0", "phone_type": "spa2102", "type": "Linksys/Cisco SPA spa2102 (2 ports)", "created": 1700000600},
        {"phoneid": WAITING_ATA + "1", "phone_type": "spa2102", "type": "Linksys/Cisco SPA spa2102 (2 ports)", "created": 1700000600},
        {"phoneid": WAITING_PHONE + "0", "phone_type": "yealinkT42", "type": "Yealink yealinkT42", "created": 1700000500},
    ]
    assert reply["numrows"] == 3


# --- promote and demote -------------------------------------------------------------------

@pytest.mark.parametrize("scope, values, company", [
    ({"mac": WAITING_ATA}, {"company": "globex"}, "globex"),
    ({"phoneid": WAITING_ATA + "1"}, {}, "default"),
    ({"mac": WAITING_ATA}, None, "default"),
])
def test_promote_activates_every_port(api, scope, values, company):
    assert api.ok("promote", scope, values) == {"result": "success", "numrows": 2}
    rows = api.rows(WAITING_ATA)
    assert rows == [dict(DEFAULTS, mac=WAITING_ATA, port=port, company=company, phone_type="spa2102") for port in (0, 1)]
    assert WAITING_ATA + "0" not in phoneids(api.ok("inactive"))
    assert WAITING_ATA + "0" in phoneids(api.ok("active"))


@pytest.mark.parametrize("scope, values, message", [
    ({"mac": ACME_PHONE}, None, "Phone %s is already active" % ACME_PHONE),
    ({"mac": NEW_MAC}, None, "No phone %s is waiting to be provisioned" % NEW_MAC),
    ({"mac": WAITING_PHONE}, {"company": "initech"}, "Unknown company 'initech'"),
    ({"mac": WAITING_PHONE}, {"company": "acme", "name": "x"}, "Unknown field name: promote accepts company"),
])
def test_promote_refusals(api, scope, values, message):
    assert api.refused("promote", scope, values) == message


def test_demote_removes_a_waiting_phone(api, pbx):
    assert api.ok("demote", {"mac": WAITING_ATA}) == {"result": "success", "numrows": 2}
    assert phoneids(api.ok("inactive")) == [WAITING_PHONE + "0"]
    assert api.ok("demote", {"mac": WAITING_ATA}) == {"result": "success", "numrows": 0}


def test_demote_refuses_an_active_phone(api):
    assert api.refused("demote", {"mac": ACME_PHONE}) == "Phone %s is active: use delete" % ACME_PHONE


# --- assign -------------------------------------------------------------------------------

def test_assign_moves_every_port(api):
    reply = api.ok("assign", {"mac": ACME_ATA, "company": "acme"}, {"company": "globex"})
    assert reply == {"result": "success", "numrows": 2, "company": {"0": "globex", "1": "globex"}}
    assert [row["company"] for row in api.rows(ACME_ATA)] == ["globex", "globex"]


@pytest.mark.parametrize("scope", [{"mac": ACME_ATA, "port": 1, "company": "acme"}, {"phoneid": ACME_ATA + "1", "company": "acme"}])
def test_assign_moves_one_port(api, scope):
    reply = api.ok("assign", scope, {"company": "default"})
    assert reply == {"result": "success", "numrows": 1, "company": {"1": "default"}}
    assert [row["company"] for row in api.rows(ACME_ATA)] == ["acme", "default"]


@pytest.mark.parametrize("scope, values, message", [
    ({"mac": ACME_ATA, "company": "globex"}, {"company": "default"}, "Phone %s is not in company globex" % ACME_ATA),
    ({"mac": ACME_ATA}, {"company": "default"}, "scope.company (the phone's current company) is required"),
    ({"mac": ACME_ATA, "company": "acme"}, {"company": "initech"}, "Unknown company 'initech'"),
    ({"mac": ACME_ATA, "company": "acme"}, {}, "Unknown company None"),
    ({"mac": ACME_ATA, "company": "acme"}, {"company": "globex", "name": "x"}, "Unknown field name: assign accepts company"),
])
def test_assign_refusals(api, pbx, scope, values, message):
    before = pbx.control.state()
    assert api.refused("assign", scope, values) == message
    assert pbx.control.state() == before


def test_assign_of_nothing(api):
    assert api.ok("assign", {"mac": NEW_MAC, "company": "acme"}, {"company": "globex"}) == {"result": "success", "numrows": 0, "company": {}}


# --- readtypes ----------------------------------------------------------------------------

def test_readtypes_lists_every_type_of_the_vendor_page(api):
    reply = api.ok("readtypes")
    assert [row["phone_type"] for row in reply["values"]] == list(PHONE_TYPES)
    assert reply["numrows"] == len(PHONE_TYPES) == 386
    assert all(set(row) == {"phone_type", "description", "ports"} and row["description"] for row in reply["values"])


@pytest.mark.parametrize("phone_type, ports", [
    ("snomD345", 1), ("yealinkT46", 1), ("cp7841-2", 1), ("vvx600-12", 1), ("zoiper", 1), ("spa1001", 1),
    ("spa112", 2), ("spa2102", 2), ("pap2t", 2), ("spa2000", 2), ("spa2002", 2), ("spa8000", 8),
    ("yealinkW52", 5), ("yealinkW52-1", 1), ("yealinkW60", 8), ("kws300", 10), ("n720ip", 20), ("n720ip100", 100),
    ("snomm3", 8), ("snomm9", 9), ("tgp500", 6), ("n510ip", 6),
])
def test_readtypes_port_counts(api, phone_type, ports):
    rows = {row["phone_type"]: row for row in api.ok("readtypes")["values"]}
    assert rows[phone_type]["ports"] == ports
