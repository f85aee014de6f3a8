# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Command line: ``python -m ipcortex_emulator [options]``."""

import argparse
import json
import os
import signal
import sys

from ipcortex_emulator.app import Emulator
from ipcortex_emulator.seed import SeedError
from ipcortex_emulator.server import Server, tls_context
from ipcortex_emulator.store import Store

DEFAULT_SEED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seeds", "default.yml")


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m ipcortex_emulator", description="Emulator of the IPCortex PBX handset API, on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 (default) picks a free one")
    parser.add_argument("--seed", default=DEFAULT_SEED, help="YAML seed loaded into a new database (default: seeds/default.yml)")
    parser.add_argument("--db", default=":memory:", help="SQLite file that keeps state between runs, or :memory: (default)")
    parser.add_argument("--cert", help="PEM certificate: serve HTTPS (with --key)")
    parser.add_argument("--key", help="PEM private key of --cert")
    parser.add_argument("--session-ttl", type=float, default=3600, help="seconds a login session lasts (default 3600)")
    parser.add_argument("--faults", type=json.loads, help="fault spec as JSON (see README.md)")
    parser.add_argument("--url-file", help="write the URL to this file once ready")
    parser.add_argument("--status-200", action="store_true", help="answer every refusal with HTTP 200, as a worst-case server")
    return parser


def _write_url(path, url):
    """Write then rename, so a reader never sees a partial URL."""
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as stream:
        stream.write(url + "\n")
    os.replace(partial, path)


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if bool(args.cert) != bool(args.key):
        parser.error("--cert and --key go together")
    try:
        app = Emulator(Store(args.db), args.seed, session_ttl=args.session_ttl, faults=args.faults,
                       status_200=args.status_200, secure=bool(args.cert))
        server = Server(app, args.port, tls_context(args.cert, args.key) if args.cert else None)
    except (SeedError, ValueError, OSError) as error:
        print("ipcortex_emulator: %s" % error, file=sys.stderr)
        return 2
    # SIGTERM stops it as cleanly as Ctrl-C
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print("IPCORTEX_EMULATOR_URL=%s" % server.url, flush=True)
    if args.url_file:
        _write_url(args.url_file, server.url)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.store.close()
    return 0
