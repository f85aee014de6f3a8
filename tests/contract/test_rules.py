# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The vendor's rules for update values, enforced field by field."""

import pytest

from contract_helpers import ACME_PHONE, GLOBEX_FIXED_IP
from ipcortex_emulator.catalog import ZONES

SCOPE = {"mac": ACME_PHONE, "port": 0}
IP_UNSET = {"ip_addr": None, "ip_dns1": None, "ip_dns2": None, "ip_gateway": None, "ip_domain": None}
IP_SET = {"ip_addr": "192.0.2.10/24", "ip_dns1": "192.0.2.1", "ip_dns2": "2001:db8::53", "ip_gateway": "192.0.2.254", "ip_domain": "example.com"}

ACCEPTED = [
    {"name": ""},
    {"name": "Lobby"},
    {"zone": ""},
    {"can_hotdesk": True},
    {"can_forward": False},
    {"qualify": True},
    {"qualify": False},
    {"qualify": ""},
    {"call_group": "7"},
    {"call_group": None},
    {"access": "internal"},
    {"nat_mode": True},
    {"nat_ipaddr": "external"},
    {"ntp": "pool.ntp.org"},
    {"codec_list": "g722,alaw"},
    {"phone_type": "yealinkT46"},
    IP_SET,
    IP_UNSET,
    dict(IP_UNSET, ip_addr="10.0.0.5/8"),
] + [{"barge": value} for value in range(4)] + [{"zone": zone} for zone in ZONES]

REFUSED = [
    ({"company": "globex"}, "The company field cannot be edited: use the assign call"),
    ({"name": "x", "company": "acme"}, "The company field cannot be edited: use the assign call"),
    ({}, "No values to update"),
    ({"colour": "blue"}, "Unknown field colour"),
    ({"mac": ACME_PHONE}, "Unknown field mac"),
    ({"port": 0}, "Unknown field port"),
    ({"phone_type": "nokia3310"}, "Unknown phone_type 'nokia3310': see readtypes for the valid types"),
    ({"zone": "Europe/Berlin"}, "Invalid zone 'Europe/Berlin': expected the empty string or one of " + ", ".join(ZONES)),
    ({"zone": None}, "Invalid zone None: expected the empty string or one of " + ", ".join(ZONES)),
    ({"barge": 4}, "Invalid barge 4: expected an integer from 0 to 3 (1 can barge, 2 can be barged)"),
    ({"barge": -1}, "Invalid barge -1: expected an integer from 0 to 3 (1 can barge, 2 can be barged)"),
    ({"barge": "3"}, "Invalid barge '3': expected an integer from 0 to 3 (1 can barge, 2 can be barged)"),
    ({"barge": True}, "Invalid barge True: expected an integer from 0 to 3 (1 can barge, 2 can be barged)"),
    ({"can_hotdesk": 1}, "Invalid can_hotdesk: expected a boolean (true or false)"),
    ({"can_forward": "yes"}, "Invalid can_forward: expected a boolean (true or false)"),
    ({"nat_mode": None}, "Invalid nat_mode: expected a boolean (true or false)"),
    ({"qualify": 0}, "Invalid qualify: expected a boolean or the empty string"),
    ({"qualify": None}, "Invalid qualify: expected a boolean or the empty string"),
    ({"name": None}, "Invalid name: expected a string"),
    ({"call_group": ""}, "Invalid call_group: use null, not the empty string, to clear it"),
    ({"call_group": 7}, "Invalid call_group: expected a non-empty string"),
    ({"access": ""}, "Invalid access: expected a non-empty string"),
    ({"nat_ipaddr": None}, "Invalid nat_ipaddr: expected a non-empty string"),
    ({"ntp": 1}, "Invalid ntp: expected a non-empty string"),
    ({"codec_list": " "}, "Invalid codec_list: expected a non-empty string"),
    ({"ip_addr": "192.0.2.10/24"}, "The ip_ fields must be set together: ip_addr, ip_dns1, ip_dns2, ip_gateway, ip_domain"),
    ({k: v for k, v in IP_SET.items() if k != "ip_domain"}, "The ip_ fields must be set together: ip_addr, ip_dns1, ip_dns2, ip_gateway, ip_domain"),
    (dict(IP_SET, ip_addr="not-an-ip"), "Invalid ip_addr 'not-an-ip': expected null or an IP address with mask, e.g. 192.0.2.10/24"),
    (dict(IP_SET, ip_gateway="192.0.2.0/24"), "Invalid ip_gateway '192.0.2.0/24': expected null or an IP address"),
    (dict(IP_SET, ip_dns1=""), "Invalid ip_dns1: use null, not the empty string, to clear it"),
    (dict(IP_SET, ip_domain=""), "Invalid ip_domain: use null, not the empty string, to clear it"),
]


@pytest.mark.parametrize("values", ACCEPTED, ids=lambda values: ",".join("%s=%r" % item for item in values.items())[:60])
def test_accepted_values_are_stored_exactly(api, values):
    assert api.ok("update", SCOPE, values)["numrows"] == 1
    row = api.rows(ACME_PHONE)[0]
    assert {key: row[key] for key in values} == values


@pytest.mark.parametrize("values, message", REFUSED, ids=lambda value: str(value)[:60] if isinstance(value, dict) else "")
def test_refused_values_change_nothing(api, pbx, values, message):
    before = pbx.control.state()
    assert api.refused("update", SCOPE, values) == message
    assert pbx.control.state() == before


def test_ip_fields_clear_together(api):
    api.ok("update", {"mac": GLOBEX_FIXED_IP}, IP_UNSET)
    row = api.rows(GLOBEX_FIXED_IP)[0]
    assert {key: row[key] for key in IP_UNSET} == IP_UNSET


def test_refusal_is_checked_before_any_row_is_written(api):
    before = api.rows(ACME_PHONE)
    api.refused("update", SCOPE, {"name": "Half written", "barge": 9})
    assert api.rows(ACME_PHONE) == before
