#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reads per second the emulator serves, over keep-alive connections and over a new
connection per request, side by side in one run.

    .venv/bin/python bench/emulator_reads.py [--seconds 3] [--clients 2]

It starts its own emulator (in-memory state, default seed) and stops it at the end.
"""

import argparse
import os
import sys
import threading
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "emulator"))

from ipcortex_emulator.testing import EmulatorProcess

READ = {"type": "phone", "scope": {"mac": "000e08aa0003"}, "auth": {"type": "auth", "key": "sysadmin-key"}}


def read_loop(post, url, stop, counts):
    done = 0
    while not stop.is_set():
        reply = post(url, json=READ, timeout=10)
        if reply.json()["result"] != "success":
            raise RuntimeError("read failed: %s" % reply.text)
        done += 1
    counts.append(done)


def measure(url, seconds, clients, keep_alive):
    """Reads per second over ``clients`` threads, each with its own session or none."""
    stop = threading.Event()
    counts = []
    threads = []
    for _client in range(clients):
        post = requests.Session().post if keep_alive else requests.post
        threads.append(threading.Thread(target=read_loop, args=(post, url, stop, counts)))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each measurement")
    parser.add_argument("--clients", type=int, default=2, help="client threads")
    args = parser.parse_args()
    with EmulatorProcess() as emulator:
        url = emulator.url + "/rest/dialplan/read/"
        keep_alive = measure(url, args.seconds, args.clients, keep_alive=True)
        new_connections = measure(url, args.seconds, args.clients, keep_alive=False)
    print("emulator reads/s, %d client threads, %.0f s each:" % (args.clients, args.seconds))
    print("  keep-alive (requests.Session): %8.0f" % keep_alive)
    print("  new connection per request:    %8.0f" % new_connections)
    print("  ratio keep-alive / new:        %8.2f" % (keep_alive / new_connections))


if __name__ == "__main__":
    main()
