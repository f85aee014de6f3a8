# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP(S) transport: a threading HTTP/1.1 server with keep-alive, and the faults that
act on the connection itself (latency, drops, stalls).
"""

import json
import socketserver
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ipcortex_emulator.auth import COOKIE

HOST = "127.0.0.1"
CONTROL_PREFIX = "/_emulator/"
MAX_BODY = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    """One connection; serves requests until the client closes it."""

    protocol_version = "HTTP/1.1"
    server_version = "ipcortex-emulator"
    # reply headers and body go out in two writes: without this, Nagle's algorithm and
    # delayed ACKs hold every keep-alive reply for ~40 ms
    disable_nagle_algorithm = True
    # idle keep-alive connections release their thread eventually
    timeout = 300

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """The request log replaces the per-request line on stderr."""

    def _serve(self, method):
        path = self.path.split("?", 1)[0]
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            self._send(400, {"result": "fail", "message": "Missing or invalid Content-Length"})
            return
        raw = self.rfile.read(length).decode("utf-8", "replace")
        if path.startswith(CONTROL_PREFIX):
            self._send(*self.server.app.control(method, path[len(CONTROL_PREFIX):], raw))
        else:
            self._rest(method, path, raw)

    def _rest(self, method, path, raw):
        with self.server.app.serving():
            self._serve_rest(method, path, raw)

    def _serve_rest(self, method, path, raw):
        app = self.server.app
        call = app.parse(method, path, raw)
        delay = app.faults.latency(call.verb)
        if delay:
            time.sleep(delay)
        fault = app.faults.pick(call.verb, call.mac)
        kind = fault.kind if fault else None
        if kind == "drop":
            app.record(call, None, fault)
            self._drop()
            return
        if kind == "stall":
            time.sleep(fault.seconds)
        if kind in ("status", "fail"):
            reply = app.fault_reply(fault)
        else:
            reply = app.handle(call, self._cookie())
        handled = reply
        if kind == "status_after":
            # the call was handled; the client hears only the gateway's error status
            reply = app.fault_reply(fault)
        # logged before the reply leaves, so a client that reads the log next sees it
        app.record(call, handled, fault, sent=kind != "drop_after", status=reply.status)
        if kind == "drop_after":
            self._drop()
            return
        self._send(reply.status, reply.payload, reply.headers)

    def _cookie(self):
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _sep, value = part.strip().partition("=")
            if name == COOKIE:
                return value
        return None

    def _drop(self):
        """Close the connection without a reply."""
        self.close_connection = True

    def _send(self, status, payload, headers=()):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class Server(ThreadingHTTPServer):
    """Binds 127.0.0.1 only; ``url`` says where it listens."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, app, port=0, tls=None):
        self.app = app
        self.scheme = "https" if tls else "http"
        super().__init__((HOST, port), Handler)
        if tls:
            # the handshake happens in the connection's thread, not in the accept loop
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def server_bind(self):
        # HTTPServer.server_bind resolves the host's FQDN, which can stall without DNS
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def url(self):
        return "%s://%s:%d" % (self.scheme, HOST, self.server_port)

    def handle_error(self, request, client_address):
        # clients that time out or close mid-reply are expected (stall and drop faults)
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def tls_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
