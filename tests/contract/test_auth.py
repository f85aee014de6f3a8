# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Authentication: API key, username/password per call, session cookie; failures."""

import json

import pytest
import requests

from contract_helpers import ACME_PHONE, KEYS, PASSWORDS, key_auth, password_auth
from ipcortex_emulator.testing import EmulatorProcess

COOKIE = "Red60urne"


def login(api, login_name, password=None):
    return api.post("/rest/auth/", {"auth": password_auth(login_name, password)})


@pytest.mark.parametrize("role, login_name", [("system-admin", "admin"), ("company-admin", "acme-admin")])
def test_api_key_in_body(api, pbx, role, login_name):
    assert api.ok("read", {"mac": ACME_PHONE}, auth=role)["numrows"] == 1
    entry = pbx.control.log()[-1]
    assert (entry["principal"], entry["auth"]) == (login_name, "key")


@pytest.mark.parametrize("login_name", sorted(PASSWORDS))
def test_username_and_password_per_call(api, pbx, login_name):
    reply = api.call("readtypes", auth=password_auth(login_name))
    expected = "fail" if login_name == "bob" else "success"
    assert reply.status_code == 200
    assert reply.json()["result"] == expected
    entry = pbx.control.log()[-1]
    assert (entry["principal"], entry["auth"]) == (login_name, "password")
    assert COOKIE not in reply.cookies


@pytest.mark.parametrize("auth", [
    {"type": "auth", "key": "wrong-key"},
    {"type": "auth", "username": "admin", "password": "wrong"},
    {"type": "auth", "username": "nosuchuser", "password": "admin-pass"},
    {"type": "auth", "username": "admin", "password": ""},
    {"type": "auth", "username": "admin"},
])
def test_wrong_credentials_fail_with_401_and_nothing_that_helps_guessing(api, pbx, auth):
    reply = api.call("read", {"mac": ACME_PHONE}, auth=auth)
    assert reply.status_code == 401
    assert reply.json() == {"result": "fail", "message": "Invalid credentials"}
    assert pbx.control.log()[-1]["principal"] is None


@pytest.mark.parametrize("auth", [None, {"type": "auth"}, {"type": "auth", "key": ""}])
def test_missing_credentials_fail_with_401(api, auth):
    reply = api.call("read", {"mac": ACME_PHONE}, auth=auth)
    assert reply.status_code == 401
    assert reply.json() == {"result": "fail", "message": "Authentication required"}


@pytest.mark.parametrize("login_name, perms, companies", [
    ("admin", {"System-Admin": "yes", "Company-Admin": "yes"}, ["acme", "default", "globex"]),
    ("acme-admin", {"Company-Admin": "acme"}, ["acme"]),
    ("bob", {}, ["acme"]),
])
def test_session_login_returns_user_and_cookie(api, login_name, perms, companies):
    reply = login(api, login_name)
    assert reply.status_code == 200
    body = reply.json()
    assert body["result"] == "success"
    user = body["user"]
    assert set(user) == {"id", "login", "name", "company", "home", "session", "perms", "companies"}
    assert (user["login"], user["perms"], user["companies"]) == (login_name, perms, companies)
    assert reply.cookies[COOKIE] == user["session"]


def test_session_cookie_authenticates_calls(api, pbx):
    assert login(api, "admin").status_code == 200
    assert api.ok("read", {"mac": ACME_PHONE}, auth=None)["numrows"] == 1
    entry = pbx.control.log()[-1]
    assert (entry["principal"], entry["auth"]) == ("admin", "session")


@pytest.mark.parametrize("trailing", ["", "/"])
def test_login_path_with_or_without_trailing_slash(api, trailing):
    reply = api.post("/rest/auth" + trailing, {"auth": password_auth("admin")})
    assert reply.json()["result"] == "success"


def test_key_validation_returns_user_without_session(api):
    reply = api.post("/rest/auth/", {"auth": key_auth("company-admin")})
    user = reply.json()["user"]
    assert (user["login"], user["companies"], user["session"]) == ("acme-admin", ["acme"], None)
    assert COOKIE not in reply.cookies


@pytest.mark.parametrize("auth", [{"type": "auth", "username": "admin", "password": "nope"}, {"type": "auth", "key": "nope"}, {"type": "auth"}])
def test_failed_login(api, auth):
    reply = api.post("/rest/auth/", {"auth": auth})
    assert reply.status_code == 401
    assert reply.json()["result"] == "fail"
    assert reply.json()["message"] in ("Invalid credentials", "Authentication required")
    assert COOKIE not in reply.cookies


def test_logout_ends_the_session(api):
    login(api, "admin")
    reply = api.post("/rest/auth/logout", {"auth": {"type": "auth"}})
    assert reply.json() == {"result": "success"}
    refused = api.call("read", {"mac": ACME_PHONE}, auth=None)
    assert refused.status_code == 401
    assert refused.json() == {"result": "fail", "message": "Authentication required"}
    assert api.post("/rest/auth/logout/", {"auth": {"type": "auth"}}).status_code == 401


def test_expired_session_is_refused(api, pbx):
    login(api, "acme-admin")
    assert pbx.control.expire_sessions() == 1
    reply = api.call("read", {"mac": ACME_PHONE}, auth=None)
    assert reply.status_code == 401
    assert reply.json() == {"result": "fail", "message": "Session expired"}
    login(api, "acme-admin")
    assert api.ok("read", {"mac": ACME_PHONE}, auth=None)["numrows"] == 1


def test_session_ttl_is_configurable():
    with EmulatorProcess(session_ttl=0) as emulator:
        session = requests.Session()
        session.post(emulator.url + "/rest/auth/", json={"auth": password_auth("admin")}, timeout=10)
        reply = session.post(emulator.url + "/rest/dialplan/readtypes/", json={"type": "phone"}, timeout=10)
        assert reply.status_code == 401
        assert reply.json()["message"] == "Session expired"


def test_body_credentials_take_precedence_over_the_cookie(api, pbx):
    login(api, "bob")
    assert api.ok("read", {"mac": ACME_PHONE}, auth="system-admin")["numrows"] == 1
    assert pbx.control.log()[-1]["auth"] == "key"


def test_secrets_never_reach_the_log(api, pbx):
    login(api, "admin")
    api.call("read", {"mac": ACME_PHONE}, auth=password_auth("acme-admin"))
    api.call("read", {"mac": ACME_PHONE, "password": "scope-secret"}, auth="company-admin")
    text = json.dumps(pbx.control.log())
    for secret in list(KEYS.values()) + list(PASSWORDS.values()) + ["scope-secret"] + list(api.http.cookies.values()):
        assert secret not in text
