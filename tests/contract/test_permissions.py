# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Permissions: System-Admin everything; Company-Admin within its companies, and not the
System-Admin calls; an ordinary user nothing."""

import pytest

from contract_helpers import ACME_ATA, ACME_PHONE, GLOBEX_PHONE, NEW_MAC, WAITING_PHONE, password_auth

DENIED = "Permission denied"

# (verb, scope, values) for a phone of acme, the Company-Admin's company
ACME_CALLS = [
    ("read", {"mac": ACME_PHONE}, None),
    ("read", {"phoneid": ACME_ATA + "1"}, None),
    ("update", {"mac": ACME_PHONE, "port": 0}, {"name": "Renamed"}),
    ("reboot", {"mac": ACME_PHONE}, None),
    ("newpass", {"mac": ACME_PHONE}, None),
    ("active", {"company": "acme"}, None),
    ("active", {}, None),
    ("readtypes", None, None),
]
# the same calls aimed at globex, which it does not administer
GLOBEX_CALLS = [
    ("read", {"mac": GLOBEX_PHONE}, None),
    ("update", {"mac": GLOBEX_PHONE, "port": 0}, {"name": "Renamed"}),
    ("reboot", {"mac": GLOBEX_PHONE}, None),
    ("newpass", {"mac": GLOBEX_PHONE}, None),
    ("active", {"company": "globex"}, None),
    ("active", {"company": ["acme", "globex"]}, None),
]
# calls that need System-Admin whatever the company
SYSTEM_CALLS = [
    ("create", None, {"mac": NEW_MAC, "company": "acme", "phone_type": "snomD345"}),
    ("delete", {"mac": ACME_PHONE}, None),
    ("assign", {"mac": ACME_PHONE, "company": "acme"}, {"company": "globex"}),
    ("inactive", None, None),
    ("promote", {"mac": WAITING_PHONE}, {"company": "acme"}),
    ("demote", {"mac": WAITING_PHONE}, None),
]


@pytest.mark.parametrize("verb, scope, values", ACME_CALLS + GLOBEX_CALLS + SYSTEM_CALLS)
def test_system_admin_may_do_everything(api, verb, scope, values):
    api.ok(verb, scope, values, auth="system-admin")


@pytest.mark.parametrize("verb, scope, values", ACME_CALLS)
def test_company_admin_within_its_companies(api, verb, scope, values):
    api.ok(verb, scope, values, auth="company-admin")


@pytest.mark.parametrize("verb, scope, values", GLOBEX_CALLS + SYSTEM_CALLS)
def test_company_admin_outside_its_companies_or_system_calls(api, pbx, verb, scope, values):
    before = pbx.control.state()
    assert api.refused(verb, scope, values, auth="company-admin") == DENIED
    assert pbx.control.state() == before


@pytest.mark.parametrize("verb, scope, values", ACME_CALLS + SYSTEM_CALLS)
def test_ordinary_user_gets_nothing(api, pbx, verb, scope, values):
    before = pbx.control.state()
    assert api.refused(verb, scope, values, auth="user") == DENIED
    assert pbx.control.state() == before


@pytest.mark.parametrize("login_name, outcome", [("admin", "success"), ("acme-admin", "fail"), ("bob", "fail")])
def test_permissions_follow_the_user_whatever_the_credentials(api, login_name, outcome):
    reply = api.call("read", {"mac": GLOBEX_PHONE}, auth=password_auth(login_name))
    assert reply.json()["result"] == outcome


def test_company_admin_sees_only_its_active_phones(api):
    rows = api.ok("active", auth="company-admin")["values"]
    assert rows and {row["company"] for row in rows} == {"acme"}


# A device whose port 1 another company holds: the Company-Admin of port 0 works port by port.
SHARED_DEVICE_CALLS = [
    ("read", {"mac": ACME_ATA}, None, False),
    ("read", {"mac": ACME_ATA, "port": 0}, None, True),
    ("read", {"phoneid": ACME_ATA + "0"}, None, True),
    ("read", {"mac": ACME_ATA, "port": 1}, None, False),
    ("read", {"phoneid": ACME_ATA + "1"}, None, False),
    ("update", {"mac": ACME_ATA, "port": 0}, {"name": "Own line"}, True),
    ("update", {"mac": ACME_ATA}, {"name": "Both lines"}, False),
    ("update", {"mac": ACME_ATA, "port": 1}, {"name": "Their line"}, False),
    ("reboot", {"mac": ACME_ATA}, None, False),
    ("newpass", {"mac": ACME_ATA}, None, False),
]


@pytest.mark.parametrize("verb, scope, values, allowed", SHARED_DEVICE_CALLS)
def test_company_admin_of_one_port_of_a_shared_device(api, verb, scope, values, allowed):
    api.ok("assign", {"mac": ACME_ATA, "port": 1, "company": "acme"}, {"company": "globex"})
    if allowed:
        assert api.ok(verb, scope, values, auth="company-admin")["numrows"] == 1
    else:
        assert api.refused(verb, scope, values, auth="company-admin") == DENIED
    assert [row["company"] for row in api.rows(ACME_ATA)] == ["acme", "globex"]


def test_company_admin_lists_only_its_port_of_a_shared_device(api):
    api.ok("assign", {"mac": ACME_ATA, "port": 1, "company": "acme"}, {"company": "globex"})
    listed = [row["phoneid"] for row in api.ok("active", auth="company-admin")["values"] if row["phoneid"].startswith(ACME_ATA)]
    assert listed == [ACME_ATA + "0"]
