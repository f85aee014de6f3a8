# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The six calls of the vendor's handset page: request and reply shapes, selection, effects."""

import pytest

from contract_helpers import ACME_ATA, ACME_PHONE, GLOBEX_PHONE, NEW_MAC, WAITING_PHONE
from ipcortex_emulator.rules import DEFAULTS

ROW_KEYS = {"mac", "port", "name", "company", "phone_type", "zone", "can_hotdesk", "can_forward", "qualify", "call_group", "access",
            "nat_mode", "nat_ipaddr", "ntp", "codec_list", "barge", "ip_addr", "ip_dns1", "ip_dns2", "ip_gateway", "ip_domain"}


def device(pbx, mac):
    return next(d for d in pbx.control.state()["devices"] if d["mac"] == mac)


# --- read ---------------------------------------------------------------------------------

@pytest.mark.parametrize("scope, ports", [
    ({"mac": ACME_ATA}, [0, 1]),
    ({"mac": ACME_ATA, "port": 1}, [1]),
    ({"mac": ACME_ATA, "port": "1"}, [1]),
    ({"mac": ACME_ATA.upper(), "port": 0}, [0]),
    ({"phoneid": ACME_ATA + "1"}, [1]),
    ({"mac": "", "phoneid": ACME_ATA + "0"}, [0]),
    ({"mac": ACME_ATA, "port": 5}, []),
    ({"mac": NEW_MAC}, []),
    ({"mac": WAITING_PHONE}, []),
])
def test_read_selects_by_mac_port_or_phoneid(api, scope, ports):
    reply = api.ok("read", scope)
    assert set(reply) == {"result", "numrows", "values"}
    assert reply["numrows"] == len(ports)
    assert [row["port"] for row in reply["values"]] == ports


def test_read_row_has_every_field_of_the_vendor_page(api):
    row = api.rows(GLOBEX_PHONE)[0]
    assert set(row) == ROW_KEYS
    assert (row["mac"], row["port"], row["company"], row["phone_type"], row["name"]) == (GLOBEX_PHONE, 0, "globex", "yealinkT48", "Globex reception")


@pytest.mark.parametrize("scope, message", [
    ({}, "A mac or phoneid is required in scope"),
    ({"mac": "00:04:13:aa:00:01"}, "Invalid MAC address '00:04:13:aa:00:01': expected 12 hex digits without separators"),
    ({"mac": "0004.13aa.0001"}, "Invalid MAC address '0004.13aa.0001': expected 12 hex digits without separators"),
    ({"mac": "000413aa00zz"}, "Invalid MAC address '000413aa00zz': expected 12 hex digits without separators"),
    ({"phoneid": "000413aa0001"}, "Invalid phoneid '000413aa0001': expected 12 hex digits followed by the port number"),
    ({"mac": ACME_PHONE, "port": "x"}, "Invalid port 'x': expected a number from 0"),
    ({"mac": ACME_PHONE, "port": True}, "Invalid port True: expected a number from 0"),
    ({"mac": ACME_PHONE, "company": "acme"}, "Unknown scope field company: expected mac, phoneid, port"),
])
def test_read_refuses_a_bad_scope(api, scope, message):
    assert api.refused("read", scope) == message


# --- create -------------------------------------------------------------------------------

@pytest.mark.parametrize("phone_type, ports", [("snomD345", 1), ("spa112", 2), ("spa8000", 8), ("yealinkW52", 5)])
def test_create_makes_every_port_active_with_defaults(api, pbx, phone_type, ports):
    reply = api.ok("create", values={"mac": NEW_MAC, "name": "New", "company": "globex", "phone_type": phone_type})
    assert reply == {"result": "success", "numrows": ports}
    rows = api.rows(NEW_MAC)
    expected = dict(DEFAULTS, name="New", company="globex", phone_type=phone_type, mac=NEW_MAC)
    assert rows == [dict(expected, port=port) for port in range(ports)]
    active = [row for row in api.ok("active", {"company": "globex"})["values"] if row["phoneid"].startswith(NEW_MAC)]
    assert len(active) == ports
    assert device(pbx, NEW_MAC)["state"] == "active"


def test_create_by_phoneid_without_name(api):
    assert api.ok("create", values={"mac": "", "phoneid": NEW_MAC + "0", "company": "acme", "phone_type": "yealinkT46"})["numrows"] == 1
    assert api.rows(NEW_MAC)[0]["name"] == ""


@pytest.mark.parametrize("values, message", [
    ({"mac": ACME_PHONE, "company": "acme", "phone_type": "snomD345"}, "Phone %s already exists" % ACME_PHONE),
    ({"mac": WAITING_PHONE, "company": "acme", "phone_type": "snomD345"}, "Phone %s is waiting to be provisioned: use promote" % WAITING_PHONE),
    ({"mac": NEW_MAC, "company": "initech", "phone_type": "snomD345"}, "Unknown company 'initech'"),
    ({"mac": NEW_MAC, "company": "acme", "phone_type": "nokia3310"}, "Unknown phone_type 'nokia3310': see readtypes for the valid types"),
    ({"mac": NEW_MAC, "company": "acme"}, "Unknown phone_type None: see readtypes for the valid types"),
    ({"mac": NEW_MAC, "phone_type": "snomD345"}, "A company is required"),
    ({"company": "acme", "phone_type": "snomD345"}, "A mac or phoneid is required"),
    ({"mac": "00-a0-b0-c0-d0-e0", "company": "acme", "phone_type": "snomD345"},
     "Invalid MAC address '00-a0-b0-c0-d0-e0': expected 12 hex digits without separators"),
    ({"mac": NEW_MAC, "company": "acme", "phone_type": "snomD345", "zone": "Europe/London"},
     "Unknown field zone: create accepts mac, phoneid, name, company, phone_type"),
])
def test_create_refusals(api, pbx, values, message):
    before = pbx.control.state()
    assert api.refused("create", values=values) == message
    assert pbx.control.state() == before


def test_create_stores_the_mac_in_lower_case(api):
    api.ok("create", values={"mac": NEW_MAC.upper(), "company": "acme", "phone_type": "snomD345"})
    assert api.rows(NEW_MAC)[0]["mac"] == NEW_MAC


# --- update -------------------------------------------------------------------------------

def test_update_one_port_changes_only_that_row(api):
    assert api.ok("update", {"mac": ACME_ATA, "port": 1}, {"name": "Gate", "barge": 2}) == {"result": "success", "numrows": 1}
    port0, port1 = api.rows(ACME_ATA)
    assert (port0["name"], port0["barge"]) == ("Fax", 0)
    assert (port1["name"], port1["barge"]) == ("Gate", 2)


@pytest.mark.parametrize("scope, numrows", [({"mac": ACME_ATA}, 2), ({"phoneid": ACME_ATA + "0"}, 1), ({"mac": NEW_MAC}, 0), ({"mac": ACME_ATA, "port": 7}, 0)])
def test_update_selection(api, scope, numrows):
    assert api.ok("update", scope, {"ntp": "pool.ntp.org"})["numrows"] == numrows


def test_update_leaves_other_fields_alone(api):
    before = api.rows(ACME_PHONE)[0]
    api.ok("update", {"mac": ACME_PHONE, "port": 0}, {"can_forward": False})
    assert api.rows(ACME_PHONE)[0] == dict(before, can_forward=False)


def test_phone_type_is_device_wide(api):
    api.ok("update", {"mac": ACME_ATA, "port": 0}, {"phone_type": "spa2102"})
    assert [row["phone_type"] for row in api.rows(ACME_ATA)] == ["spa2102", "spa2102"]


def test_phone_type_with_more_ports_adds_rows_with_defaults(api):
    api.ok("update", {"mac": ACME_ATA, "port": 0}, {"phone_type": "spa8000", "zone": "Europe/Paris"})
    rows = api.rows(ACME_ATA)
    assert [row["port"] for row in rows] == list(range(8))
    assert rows[0]["zone"] == "Europe/Paris"
    assert rows[1]["name"] == "Door entry"
    # new rows: company and name of port 0, every other setting default
    assert rows[5] == dict(DEFAULTS, mac=ACME_ATA, port=5, name="Fax", company="acme", phone_type="spa8000")


def test_phone_type_with_fewer_ports_deletes_rows(api):
    api.ok("update", {"mac": ACME_ATA}, {"phone_type": "snomD345"})
    assert [row["port"] for row in api.rows(ACME_ATA)] == [0]
    assert api.ok("active", {"company": "acme"})["numrows"] == 3


# --- delete -------------------------------------------------------------------------------

@pytest.mark.parametrize("scope", [{"mac": ACME_ATA}, {"phoneid": ACME_ATA + "1"}])
def test_delete_removes_every_port(api, pbx, scope):
    assert api.ok("delete", scope) == {"result": "success", "numrows": 2}
    assert api.rows(ACME_ATA) == []
    assert ACME_ATA not in [d["mac"] for d in pbx.control.state()["devices"]]


@pytest.mark.parametrize("mac", [NEW_MAC, WAITING_PHONE])
def test_delete_of_no_active_phone_matches_nothing(api, pbx, mac):
    assert api.ok("delete", {"mac": mac}) == {"result": "success", "numrows": 0}
    assert len(pbx.control.state()["devices"]) == 7


def test_delete_refuses_a_port(api):
    assert api.refused("delete", {"mac": ACME_ATA, "port": 1}) == "Unknown scope field port: expected mac, phoneid"


# --- reboot and newpass -----------------------------------------------------------------

def test_reboot_is_recorded(api, pbx):
    assert device(pbx, ACME_ATA)["reboots"] == 0
    assert api.ok("reboot", {"mac": ACME_ATA}) == {"result": "success", "numrows": 2, "company": "acme"}
    api.ok("reboot", {"phoneid": ACME_ATA + "1"}, auth="company-admin")
    recorded = device(pbx, ACME_ATA)
    assert recorded["reboots"] == 2
    assert recorded["last_reboot"] > 0
    assert recorded["newpass_count"] == 0


def test_newpass_is_recorded_and_answers_company_per_port(api, pbx):
    assert api.ok("newpass", {"mac": ACME_ATA}) == {"result": "success", "numrows": 2, "company": {"0": "acme", "1": "acme"}}
    recorded = device(pbx, ACME_ATA)
    assert (recorded["newpass_count"], recorded["reboots"]) == (1, 0)
    assert recorded["last_newpass"] > 0
    assert "sip_password" not in str(pbx.control.state())


@pytest.mark.parametrize("verb, company", [("reboot", None), ("newpass", {})])
def test_reboot_and_newpass_of_nothing(api, verb, company):
    assert api.ok(verb, {"mac": NEW_MAC}) == {"result": "success", "numrows": 0, "company": company}
