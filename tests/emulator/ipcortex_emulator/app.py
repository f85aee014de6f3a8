# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator without its transport: routes a request, authenticates it, answers it,
and serves the control API. server.py adds HTTP and the faults that need a socket.
"""

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus

from ipcortex_emulator.auth import COOKIE, REQUIRED, Authenticator
from ipcortex_emulator.dialplan import Dialplan
from ipcortex_emulator.errors import Refusal
from ipcortex_emulator.faults import FaultInjector
from ipcortex_emulator.requestlog import RequestLog
from ipcortex_emulator.seed import load_seed

SECRET_WORDS = ("pass", "key", "secret", "auth")


@dataclass
class Call:
    """A parsed ``/rest/`` request."""

    method: str
    path: str
    section: str = None
    verb: str = None
    body: dict = None
    error: Refusal = None

    @property
    def scope(self):
        scope = self.body.get("scope") if self.body else None
        if not isinstance(scope, dict):
            return None
        return {key: "********" if any(word in key.lower() for word in SECRET_WORDS) else value for key, value in scope.items()}

    @property
    def keys(self):
        values = self.body.get("values") if self.body else None
        return sorted(values) if isinstance(values, dict) else []

    @property
    def mac(self):
        """The phone a request is about, as given (for fault filters)."""
        for part in ("scope", "values"):
            data = self.body.get(part) if self.body else None
            if isinstance(data, dict) and (data.get("mac") or data.get("phoneid")):
                return str(data.get("mac") or data.get("phoneid"))
        return None


@dataclass
class Reply:
    status: int
    payload: dict
    headers: list = field(default_factory=list)
    principal: str = None
    auth: str = None


def parse_call(method, path, raw, verbs):
    """Route ``/rest/<section>/<verb>/`` (slash optional) and decode the JSON body."""
    parts = path.strip("/").split("/")
    call = Call(method, path)
    known = True
    if parts == ["rest", "auth"]:
        call.section, call.verb = "auth", "login"
    elif parts == ["rest", "auth", "logout"]:
        call.section, call.verb = "auth", "logout"
    elif len(parts) == 3 and parts[0] == "rest":
        call.section, call.verb = parts[1], parts[2]
        known = call.section == "dialplan" and call.verb in verbs
    else:
        known = False
    if not known:
        call.error = Refusal("Unknown call %s" % path, 404)
    elif method != "POST":
        call.error = Refusal("Method not allowed: use POST", 405)
    else:
        try:
            call.body = json.loads(raw)
        except ValueError:
            call.error = Refusal("Request body is not valid JSON", 400)
        else:
            if not isinstance(call.body, dict):
                call.body, call.error = None, Refusal("Request body must be a JSON object", 400)
    return call


def _fail(message):
    return {"result": "fail", "message": message}


class Emulator:
    """State, auth, calls, faults and the request log of one emulator instance."""

    def __init__(self, store, seed_path, session_ttl=3600, faults=None, status_200=False, secure=False):
        self.store = store
        self.seed_path = seed_path
        self.auth = Authenticator(store, session_ttl)
        self.dialplan = Dialplan(store)
        self.faults = FaultInjector(faults)
        self.log = RequestLog()
        self.status_200 = status_200
        self.cookie_flags = "; Path=/; HttpOnly" + ("; Secure" if secure else "")
        self._in_flight = 0
        self._idle = threading.Condition()
        if not store.is_seeded():
            store.load(load_seed(seed_path))

    @contextlib.contextmanager
    def serving(self):
        """Counts a /rest/ request while it is served, so that a reset can wait for stragglers."""
        with self._idle:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def parse(self, method, path, raw):
        return parse_call(method, path, raw, self.dialplan.verbs)

    def handle(self, call, token):
        """The reply to a call; every refusal becomes ``result: fail``."""
        reply = Reply(200, None)
        try:
            if call.error:
                raise call.error
            if call.section == "auth":
                self._auth_call(call, token, reply)
            else:
                principal, reply.auth = self.auth.authenticate(call.body.get("auth"), token)
                reply.principal = principal.login
                reply.payload = self.dialplan.call(call.verb, principal, call.body)
        except Refusal as refusal:
            reply.status = 200 if self.status_200 else refusal.status
            reply.payload = _fail(refusal.message)
        return reply

    def _auth_call(self, call, token, reply):
        if call.verb == "logout":
            if not self.auth.close_session(token):
                raise Refusal(REQUIRED, 401)
            reply.auth = "session"
            reply.headers.append(("Set-Cookie", COOKIE + "=" + self.cookie_flags + "; Max-Age=0"))
            reply.payload = {"result": "success"}
            return
        principal, reply.auth = self.auth.check(call.body.get("auth"))
        if principal is None:
            raise Refusal(REQUIRED, 401)
        reply.principal = principal.login
        session = None
        if reply.auth == "password":
            session = self.auth.open_session(principal)
            reply.headers.append(("Set-Cookie", COOKIE + "=" + session + self.cookie_flags))
        reply.payload = {"result": "success", "user": principal.user_info(self.store.companies(), session)}

    @staticmethod
    def fault_reply(fault):
        """The reply of a ``status`` or ``fail`` fault (sent without handling the call), or of ``status_after``."""
        if fault.kind == "fail":
            return Reply(200, _fail(fault.message))
        headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after else []
        return Reply(fault.status, _fail("%d %s" % (fault.status, HTTPStatus(fault.status).phrase)), headers)

    def record(self, call, reply, fault, sent=True, status=None):
        """Log a request; ``reply`` is None when it was dropped unhandled.

        ``status`` is the HTTP status sent when it is not the reply's (``status_after``): the
        entry's ``result`` stays what the call did.
        """
        self.log.add({
            "time": time.time(), "method": call.method, "path": call.path, "section": call.section, "verb": call.verb,
            "scope": call.scope, "keys": call.keys,
            "principal": reply.principal if reply else None, "auth": reply.auth if reply else None,
            "status": (status or reply.status) if reply and sent else None,
            "result": reply.payload.get("result") if reply else None,
            "fault": fault.kind if fault else None,
        })

    # --- control API (/_emulator/...) ----------------------------------------------------

    def control(self, method, name, raw):
        """(status, payload) of a control request."""
        routes = {
            ("GET", "log"): lambda body: {"entries": self.log.entries()},
            ("DELETE", "log"): lambda body: self._done(self.log.clear()),
            ("GET", "faults"): lambda body: self.faults.spec(),
            ("POST", "faults"): lambda body: self._done(self.faults.configure(body)),
            ("DELETE", "faults"): lambda body: self._done(self.faults.configure({})),
            ("POST", "reset"): self._reset,
            ("GET", "state"): lambda body: self.store.dump(),
            ("POST", "expire-sessions"): lambda body: {"result": "success", "expired": self.auth.expire_all()},
        }
        route = routes.get((method, name.strip("/")))
        if route is None:
            return 404, _fail("Unknown control call %s %s" % (method, name))
        try:
            return 200, route(json.loads(raw) if raw.strip() else {})
        except (ValueError, TypeError, OSError) as error:
            return 400, _fail(str(error))

    @staticmethod
    def _done(_ignored=None):
        return {"result": "success"}

    def _reset(self, body):
        """Back to the seed (the start seed, or ``{"seed": path}``): no sessions, log or faults.

        Waits (up to a minute) for requests still being served, such as a stall a client gave up
        on, so that none of them lands in the fresh state or log.
        """
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=60)
        seed = load_seed(body.get("seed") or self.seed_path)
        self.store.load(seed)
        self.auth.clear()
        self.log.clear()
        self.faults.configure({})
        return {"result": "success"}
