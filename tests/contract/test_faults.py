# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fault injection: error statuses, drops, stalls, refusals, latency; queue, rate and filters."""

import pytest
import requests

from contract_helpers import ACME_PHONE, GLOBEX_PHONE, key_auth, wait_for
from ipcortex_emulator.testing import EmulatorError, EmulatorProcess


def last(pbx):
    return pbx.control.log()[-1]


@pytest.mark.parametrize("status, retry_after", [(500, None), (502, None), (503, "1"), (429, "1")])
def test_status_fault_answers_without_handling(api, pbx, status, retry_after):
    pbx.control.set_faults(queue=[{"kind": "status", "status": status, "verb": "update"}])
    reply = api.call("update", {"mac": ACME_PHONE, "port": 0}, {"name": "Not written"})
    assert reply.status_code == status
    assert reply.json()["result"] == "fail"
    assert reply.headers.get("Retry-After") == retry_after
    assert api.rows(ACME_PHONE)[0]["name"] == "Reception"
    entry = pbx.control.log()[0]
    assert (entry["fault"], entry["status"], entry["principal"]) == ("status", status, None)


def test_retry_after_is_configurable(api, pbx):
    pbx.control.set_faults(retry_after=7, queue=[{"kind": "status", "status": 429}, {"kind": "status", "status": 503, "retry_after": 2}])
    assert api.call("read", {"mac": ACME_PHONE}).headers["Retry-After"] == "7"
    assert api.call("read", {"mac": ACME_PHONE}).headers["Retry-After"] == "2"


def test_drop_closes_without_handling(api, pbx):
    pbx.control.set_faults(queue=[{"kind": "drop"}])
    with pytest.raises(requests.ConnectionError):
        api.call("update", {"mac": ACME_PHONE, "port": 0}, {"name": "Not written"})
    assert api.rows(ACME_PHONE)[0]["name"] == "Reception"
    entry = pbx.control.log()[0]
    assert (entry["fault"], entry["status"], entry["result"]) == ("drop", None, None)


def test_drop_after_handles_then_closes(api, pbx):
    pbx.control.set_faults(queue=[{"kind": "drop_after", "verb": "update"}])
    with pytest.raises(requests.ConnectionError):
        api.call("update", {"mac": ACME_PHONE, "port": 0}, {"name": "Written"})
    assert api.rows(ACME_PHONE)[0]["name"] == "Written"
    entry = pbx.control.log()[0]
    assert (entry["fault"], entry["status"], entry["result"]) == ("drop_after", None, "success")


@pytest.mark.parametrize("fault, status", [({}, 504), ({"status": 502}, 502)])
def test_status_after_handles_then_answers_like_a_gateway(api, pbx, fault, status):
    pbx.control.set_faults(queue=[dict({"kind": "status_after", "verb": "reboot", "mac": ACME_PHONE}, **fault)])
    reply = api.call("reboot", {"mac": ACME_PHONE})
    assert (reply.status_code, reply.json()["result"]) == (status, "fail")
    device = [device for device in pbx.control.state()["devices"] if device["mac"] == ACME_PHONE][0]
    assert device["reboots"] == 1
    entry = pbx.control.log()[0]
    assert (entry["fault"], entry["status"], entry["result"], entry["principal"]) == ("status_after", status, "success", "admin")


def test_status_after_is_consumed_once(api, pbx):
    pbx.control.set_faults(queue=[{"kind": "status_after", "verb": "update"}])
    assert api.call("update", {"mac": ACME_PHONE, "port": 0}, {"name": "Written"}).status_code == 504
    assert api.ok("update", {"mac": ACME_PHONE, "port": 0}, {"name": "Again"})["numrows"] == 1
    assert api.rows(ACME_PHONE)[0]["name"] == "Again"


def test_stall_outlasts_the_client_timeout_then_handles(api, pbx):
    pbx.control.set_faults(queue=[{"kind": "stall", "seconds": 1.0}])
    with pytest.raises(requests.Timeout):
        api.http.post(api.url + "/rest/dialplan/update/", timeout=0.2, json={
            "type": "phone", "scope": {"mac": ACME_PHONE, "port": 0}, "values": {"name": "Late"}, "auth": key_auth()})
    wait_for(lambda: any(entry["fault"] == "stall" for entry in pbx.control.log()))
    assert api.rows(ACME_PHONE)[0]["name"] == "Late"


def test_stall_seconds_default_from_spec(pbx):
    pbx.control.set_faults(stall_seconds=0.05, queue=[{"kind": "stall"}])
    reply = requests.post(pbx.url + "/rest/dialplan/read/", json={"type": "phone", "scope": {"mac": ACME_PHONE}, "auth": key_auth()}, timeout=10)
    assert reply.json()["numrows"] == 1
    assert last(pbx)["fault"] == "stall"


def test_fail_fault_for_one_verb_and_phone_persists(api, pbx):
    pbx.control.set_faults(fail=[{"verb": "update", "mac": GLOBEX_PHONE, "message": "Database busy"}])
    for _attempt in range(2):
        reply = api.call("update", {"mac": GLOBEX_PHONE, "port": 0}, {"name": "x"})
        assert (reply.status_code, reply.json()) == (200, {"result": "fail", "message": "Database busy"})
    assert api.ok("update", {"mac": ACME_PHONE, "port": 0}, {"name": "Other phone"})["numrows"] == 1
    assert api.ok("read", {"mac": GLOBEX_PHONE})["numrows"] == 1
    assert api.rows(GLOBEX_PHONE)[0]["name"] == "Globex reception"


def test_queue_is_consumed_in_order_by_matching_requests(api, pbx):
    pbx.control.set_faults(queue=[
        {"kind": "status", "status": 502, "verb": "update"},
        {"kind": "fail", "message": "first read", "mac": ACME_PHONE.upper()},
        {"kind": "status", "status": 503},
    ])
    assert api.call("read", {"mac": GLOBEX_PHONE}).status_code == 503  # only the unfiltered item matches
    assert api.call("read", {"mac": ACME_PHONE}).json()["message"] == "first read"
    assert api.call("update", {"mac": ACME_PHONE, "port": 0}, {"name": "x"}).status_code == 502
    assert api.call("update", {"mac": ACME_PHONE, "port": 0}, {"name": "x"}).json()["result"] == "success"
    assert pbx.control.faults()["queue"] == []
    assert [entry["fault"] for entry in pbx.control.log()] == ["status", "fail", "status", None]


@pytest.mark.parametrize("kinds", [["status"], ["drop"], ["fail"]])
def test_rate_one_faults_every_selected_request(api, pbx, kinds):
    pbx.control.set_faults(rate=1.0, kinds=kinds, statuses=[500], verbs=["update"])
    assert api.ok("read", {"mac": ACME_PHONE})["numrows"] == 1
    try:
        reply = api.call("update", {"mac": ACME_PHONE, "port": 0}, {"name": "x"})
    except requests.ConnectionError:
        reply = None
    assert [entry["fault"] for entry in pbx.control.log()] == [None, kinds[0]]
    assert reply is None or reply.json()["result"] == "fail"


@pytest.mark.parametrize("mac", ["00:15:65:BB:00:01", "001565bb00010"])
def test_mac_filter_matches_any_notation_and_phoneid(api, pbx, mac):
    pbx.control.set_faults(fail=[{"mac": mac}])
    assert api.call("read", {"phoneid": GLOBEX_PHONE + "0"}).json()["message"] == "Injected failure"
    assert api.call("read", {"mac": "00-15-65-bb-00-01"}).json()["message"] == "Injected failure"
    assert api.ok("read", {"mac": ACME_PHONE})["numrows"] == 1


def test_seeded_rate_is_reproducible(api, pbx):
    def run():
        pbx.control.reset()
        pbx.control.set_faults(rate=0.5, statuses=[500, 503], seed=42)
        return [api.call("read", {"mac": ACME_PHONE}).status_code for _request in range(20)]
    first = run()
    assert first == run()
    assert {200, 500, 503} <= set(first)


def test_latency_delays_but_answers(api, pbx):
    pbx.control.set_faults(latency_ms=20)
    assert api.ok("read", {"mac": ACME_PHONE})["numrows"] == 1
    assert pbx.control.faults()["latency_ms"] == 20
    assert last(pbx)["fault"] is None


def test_faults_are_cleared(api, pbx):
    pbx.control.set_faults(rate=1.0)
    pbx.control.clear_faults()
    assert api.ok("read", {"mac": ACME_PHONE})["numrows"] == 1


def test_faults_do_not_touch_the_control_api(pbx):
    pbx.control.set_faults(rate=1.0, kinds=["drop"])
    assert pbx.control.state()["devices"]


@pytest.mark.parametrize("spec", [
    {"colour": "red"}, {"rate": 2}, {"kinds": ["explode"]}, {"statuses": [200]},
    {"queue": [{"kind": "nope"}]}, {"queue": [{"kind": "drop", "port": 1}]}, {"fail": "update"},
])
def test_invalid_spec_is_refused(pbx, spec):
    with pytest.raises(EmulatorError):
        pbx.control.set_faults(**spec)


def test_faults_given_at_start():
    with EmulatorProcess(faults={"queue": [{"kind": "status", "status": 503}]}) as emulator:
        body = {"type": "phone", "scope": {"mac": ACME_PHONE}, "auth": key_auth()}
        assert requests.post(emulator.url + "/rest/dialplan/read/", json=body, timeout=10).status_code == 503
        assert requests.post(emulator.url + "/rest/dialplan/read/", json=body, timeout=10).status_code == 200
