# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared helpers of the contract tests: seeded credentials and phones, an API client."""

import os
import time

import requests

EMULATOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "emulator")
SEEDS = os.path.join(EMULATOR, "seeds")
KEYS = {"system-admin": "sysadmin-key", "company-admin": "acme-admin-key", "user": "bob-key"}
PASSWORDS = {"admin": "admin-pass", "acme-admin": "acme-pass", "bob": "bob-pass"}
# Seeded phones (seeds/default.yml)
ACME_PHONE = "000413aa0001"
ACME_ATA = "000e08aa0003"
GLOBEX_PHONE = "001565bb0001"
GLOBEX_FIXED_IP = "0004f2bb0002"
WAITING_PHONE = "001565cc0001"
WAITING_ATA = "000e08cc0002"
NEW_MAC = "00a0b0c0d0e0"


def key_auth(role="system-admin"):
    return {"type": "auth", "key": KEYS[role]}


def password_auth(login, password=None):
    return {"type": "auth", "username": login, "password": PASSWORDS[login] if password is None else password}


class Api:
    """A client of the emulator's REST API that hides nothing: it returns the response."""

    def __init__(self, url, verify=True):
        self.url = url
        self.http = requests.Session()
        self.verify = verify

    def post(self, path, body=None, **kwargs):
        kwargs.setdefault("timeout", 10)
        # per request: a session-level verify loses to REQUESTS_CA_BUNDLE from the environment
        kwargs.setdefault("verify", self.verify)
        return self.http.post(self.url + path, json=body, **kwargs)

    def call(self, verb, scope=None, values=None, auth="system-admin", **kwargs):
        """``POST /rest/dialplan/<verb>/``; ``auth`` is a role (API key), a dict, or None."""
        body = {"type": "phone"}
        if scope is not None:
            body["scope"] = scope
        if values is not None:
            body["values"] = values
        if auth is not None:
            body["auth"] = key_auth(auth) if isinstance(auth, str) else auth
        return self.post("/rest/dialplan/%s/" % verb, body, **kwargs)

    def ok(self, verb, scope=None, values=None, auth="system-admin"):
        """A call that must succeed; returns its reply."""
        reply = self.call(verb, scope, values, auth)
        assert reply.status_code == 200, reply.text
        assert reply.json()["result"] == "success", reply.text
        return reply.json()

    def refused(self, verb, scope=None, values=None, auth="system-admin", status=200):
        """A call that must be refused; returns its message."""
        reply = self.call(verb, scope, values, auth)
        assert reply.status_code == status, reply.text
        assert reply.json()["result"] == "fail", reply.text
        return reply.json()["message"]

    def rows(self, mac, port=None):
        scope = {"mac": mac} if port is None else {"mac": mac, "port": port}
        return self.ok("read", scope)["values"]


def wait_for(predicate, timeout=15):
    """Poll until predicate() is true, for effects that happen after a reply (or without one)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)
