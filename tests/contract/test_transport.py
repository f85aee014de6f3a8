# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Transport: paths, JSON bodies, status codes of refusals, keep-alive."""

import http.client
import json

import pytest
import requests

from contract_helpers import ACME_PHONE, key_auth
from ipcortex_emulator.testing import EmulatorProcess

READ = {"type": "phone", "scope": {"mac": ACME_PHONE}, "auth": key_auth()}


@pytest.mark.parametrize("path", ["/rest/dialplan/read/", "/rest/dialplan/read", "/rest/dialplan/read/?x=1"])
def test_path_with_or_without_trailing_slash(api, path):
    reply = api.post(path, READ)
    assert reply.status_code == 200
    assert reply.json()["result"] == "success"
    assert reply.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("raw, message", [
    (b"not json", "Request body is not valid JSON"),
    (b"", "Request body is not valid JSON"),
    (b"[1, 2]", "Request body must be a JSON object"),
    (b'"phone"', "Request body must be a JSON object"),
])
def test_body_that_is_not_a_json_object_is_refused_with_400(api, raw, message):
    reply = api.http.post(api.url + "/rest/dialplan/read/", data=raw, timeout=10)
    assert reply.status_code == 400
    assert reply.json() == {"result": "fail", "message": message}


@pytest.mark.parametrize("path", ["/rest/dialplan/frobnicate/", "/rest/nosuch/read/", "/rest/", "/", "/rest/dialplan/read/extra/"])
def test_unknown_path_is_refused_with_404(api, path):
    reply = api.post(path, READ)
    assert reply.status_code == 404
    assert reply.json()["result"] == "fail"


def test_other_methods_are_refused_with_405(api):
    reply = api.http.get(api.url + "/rest/dialplan/read/", timeout=10)
    assert reply.status_code == 405
    assert reply.json() == {"result": "fail", "message": "Method not allowed: use POST"}


@pytest.mark.parametrize("body, message", [
    ({"scope": {"mac": ACME_PHONE}}, 'Unsupported type None: expected "phone"'),
    ({"type": "user", "scope": {"mac": ACME_PHONE}}, "Unsupported type 'user': expected \"phone\""),
    ({"type": "phone", "scope": [ACME_PHONE]}, "scope must be a JSON object"),
    ({"type": "phone", "scope": {"mac": ACME_PHONE}, "values": "x"}, "values must be a JSON object"),
])
def test_malformed_call_is_refused_with_200(api, body, message):
    reply = api.post("/rest/dialplan/read/", dict(body, auth=key_auth()))
    assert reply.status_code == 200
    assert reply.json() == {"result": "fail", "message": message}


def test_keep_alive_serves_many_requests_on_one_connection(pbx):
    host, port = pbx.url.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    body = json.dumps(READ)
    for _request in range(5):
        connection.request("POST", "/rest/dialplan/read/", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        assert response.version == 11
        assert int(response.headers["Content-Length"]) == len(data)
        assert json.loads(data)["result"] == "success"
    assert len(pbx.control.log()) == 5
    connection.close()


def test_status_200_option_answers_every_refusal_with_200():
    with EmulatorProcess(status_200=True) as emulator:
        session = requests.Session()
        replies = [
            session.post(emulator.url + "/rest/dialplan/read/", data=b"{", timeout=10),
            session.post(emulator.url + "/rest/dialplan/read/", json={"type": "phone", "scope": {"mac": ACME_PHONE}}, timeout=10),
            session.post(emulator.url + "/rest/nosuch/read/", json=READ, timeout=10),
        ]
        assert [reply.status_code for reply in replies] == [200, 200, 200]
        assert [reply.json()["result"] for reply in replies] == ["fail", "fail", "fail"]
        assert [entry["status"] for entry in emulator.control.log()] == [200, 200, 200]
