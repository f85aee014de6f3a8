# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who is calling: API key, username/password per call, or a session cookie.

Sessions live in memory: a restart logs everyone out, as a PBX reboot would. A
session expires a fixed time after login. Failure messages never say which part of
the credentials was wrong.
"""

import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass

from ipcortex_emulator.errors import Refusal
from ipcortex_emulator.store import digest

COOKIE = "Red60urne"
INVALID = "Invalid credentials"
REQUIRED = "Authentication required"
EXPIRED = "Session expired"


@dataclass(frozen=True)
class Principal:
    """An authenticated user and what it may administer."""

    login: str
    user_id: int
    name: str
    company: str
    role: str
    administers: frozenset

    @classmethod
    def from_record(cls, record):
        return cls(record["login"], record["id"], record["name"], record["company"], record["role"],
                   frozenset(json.loads(record["administers"])))

    @property
    def is_system_admin(self):
        return self.role == "system-admin"

    @property
    def is_admin(self):
        return self.role in ("system-admin", "company-admin")

    def may_administer(self, company):
        return self.is_system_admin or company in self.administers

    def user_info(self, all_companies, session=None):
        """The ``user`` object of a ``/rest/auth/`` reply."""
        if self.is_system_admin:
            perms = {"System-Admin": "yes", "Company-Admin": "yes"}
            companies = all_companies
        elif self.role == "company-admin":
            administered = sorted(self.administers)
            perms = {"Company-Admin": administered[0] if len(administered) == 1 else administered}
            companies = administered
        else:
            perms, companies = {}, [self.company]
        return {"id": self.user_id, "login": self.login, "name": self.name, "company": self.company,
                "home": self.company, "session": session, "perms": perms, "companies": companies}


class Authenticator:
    """Checks credentials against the store and keeps the sessions."""

    def __init__(self, store, session_ttl):
        self.store = store
        self.session_ttl = session_ttl
        self._sessions = {}
        self._lock = threading.Lock()

    def check(self, auth):
        """(principal, kind) for the ``auth`` object of a body: kind is 'key' or 'password'.

        Returns (None, None) when the object carries neither, so a cookie may be tried.
        """
        if not isinstance(auth, dict):
            return None, None
        if auth.get("key"):
            record = self.store.user_by_key(str(auth["key"]))
            kind = "key"
        elif auth.get("username"):
            record = self.store.user_by_login(str(auth["username"]))
            password = str(auth.get("password") or "")
            # an unknown login costs the same comparison as a wrong password
            expected = record["password_digest"] if record else digest("")
            if not (hmac.compare_digest(expected, digest(password)) and password):
                record = None
            kind = "password"
        else:
            return None, None
        if record is None:
            raise Refusal(INVALID, 401)
        return Principal.from_record(record), kind

    def authenticate(self, auth, token):
        """(principal, kind) from the body's credentials or else the session cookie."""
        principal, kind = self.check(auth)
        if principal is not None:
            return principal, kind
        if not token:
            raise Refusal(REQUIRED, 401)
        with self._lock:
            session = self._sessions.get(token)
        if session is None:
            raise Refusal(REQUIRED, 401)
        login, expires = session
        if time.time() >= expires:
            raise Refusal(EXPIRED, 401)
        record = self.store.user_by_login(login)
        if record is None:
            raise Refusal(REQUIRED, 401)
        return Principal.from_record(record), "session"

    def open_session(self, principal):
        token = secrets.token_hex(16)
        with self._lock:
            self._sessions[token] = (principal.login, time.time() + self.session_ttl)
        return token

    def close_session(self, token):
        with self._lock:
            return self._sessions.pop(token, None) is not None

    def expire_all(self):
        """Make every session expired (not forgotten), for tests of re-login."""
        with self._lock:
            for token, (login, _expires) in self._sessions.items():
                self._sessions[token] = (login, 0.0)
            return len(self._sessions)

    def clear(self):
        with self._lock:
            self._sessions.clear()
