# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The control API: request log, state, reset, session expiry."""

import os

import pytest
import requests

from contract_helpers import ACME_PHONE, SEEDS


def test_log_entry_fields(api, pbx):
    api.ok("update", {"mac": ACME_PHONE, "port": 0}, {"name": "x", "barge": 1})
    entry = pbx.control.log()[0]
    assert set(entry) == {"seq", "time", "method", "path", "section", "verb", "scope", "keys", "principal", "auth", "status", "result", "fault"}
    assert entry["time"] > 0
    del entry["time"]
    assert entry == {"seq": 1, "method": "POST", "path": "/rest/dialplan/update/", "section": "dialplan", "verb": "update",
                     "scope": {"mac": ACME_PHONE, "port": 0}, "keys": ["barge", "name"], "principal": "admin", "auth": "key",
                     "status": 200, "result": "success", "fault": None}


def test_log_records_refusals_and_failed_logins(api, pbx):
    api.call("update", {"mac": ACME_PHONE}, {"company": "x"})
    api.call("read", {"mac": ACME_PHONE}, auth={"type": "auth", "key": "bad"})
    api.post("/rest/auth/", {"auth": {"type": "auth", "username": "admin", "password": "bad"}})
    api.http.post(api.url + "/rest/dialplan/read", data=b"x", timeout=10)
    summary = [(e["verb"], e["status"], e["result"], e["principal"]) for e in pbx.control.log()]
    assert summary == [("update", 200, "fail", "admin"), ("read", 401, "fail", None), ("login", 401, "fail", None), ("read", 400, "fail", None)]


def test_writes_lists_only_write_verbs(api, pbx):
    api.ok("read", {"mac": ACME_PHONE})
    api.ok("reboot", {"mac": ACME_PHONE})
    api.ok("active")
    api.call("update", {"mac": ACME_PHONE}, {"barge": 9})
    assert [entry["verb"] for entry in pbx.control.writes()] == ["reboot", "update"]


def test_clear_log_restarts_numbering(api, pbx):
    api.ok("read", {"mac": ACME_PHONE})
    pbx.control.clear_log()
    assert pbx.control.log() == []
    api.ok("read", {"mac": ACME_PHONE})
    assert [entry["seq"] for entry in pbx.control.log()] == [1]


def test_state_shows_devices_without_sip_passwords(pbx):
    state = pbx.control.state()
    assert [c["name"] for c in state["companies"]] == ["acme", "default", "globex"]
    assert len(state["devices"]) == 7
    ata = next(d for d in state["devices"] if d["mac"] == "000e08aa0003")
    assert set(ata) == {"mac", "phone_type", "state", "created", "reboots", "last_reboot", "newpass_count", "last_newpass", "ports"}
    assert (ata["state"], len(ata["ports"])) == ("active", 2)
    assert "sip_password" not in repr(state)


def test_reset_restores_the_seed(api, pbx):
    api.ok("delete", {"mac": ACME_PHONE})
    api.post("/rest/auth/", {"auth": {"type": "auth", "username": "admin", "password": "admin-pass"}})
    pbx.control.set_faults(latency_ms=1)
    pbx.control.reset()
    assert api.ok("read", {"mac": ACME_PHONE})["numrows"] == 1
    assert api.call("readtypes", auth=None).status_code == 401  # sessions gone
    assert pbx.control.faults()["latency_ms"] == 0
    assert [entry["verb"] for entry in pbx.control.log()] == ["read", "readtypes"]


def test_reset_to_the_demo_seed(api, pbx):
    pbx.control.reset(os.path.join(SEEDS, "demo.yml"))
    assert {row["company"] for row in api.ok("active")["values"]} == {"acme", "globex"}
    devices = pbx.control.state()["devices"]
    assert sorted(d["state"] for d in devices).count("active") == 6
    assert sorted(d["state"] for d in devices).count("inactive") == 2
    assert api.ok("read", {"mac": "001565d00005"}, auth={"type": "auth", "key": "globex-admin-key"})["numrows"] == 1


def test_expire_sessions_counts_them(api, pbx):
    for login, password in (("admin", "admin-pass"), ("bob", "bob-pass")):
        requests.post(api.url + "/rest/auth/", json={"auth": {"type": "auth", "username": login, "password": password}}, timeout=10)
    assert pbx.control.expire_sessions() == 2


@pytest.mark.parametrize("method, name", [("GET", "nothing"), ("PUT", "log"), ("GET", "reset")])
def test_unknown_control_call(pbx, method, name):
    reply = requests.request(method, pbx.url + "/_emulator/" + name, timeout=10)
    assert reply.status_code == 404
    assert reply.json()["result"] == "fail"


def test_reset_with_a_missing_seed_is_refused(pbx):
    reply = requests.post(pbx.url + "/_emulator/reset", json={"seed": "/nonexistent.yml"}, timeout=10)
    assert reply.status_code == 400
    assert pbx.control.state()["devices"]
