#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How long ``ansible-inventory --list`` takes with the ipcortex.pbx.dialplan plugin on a big fleet.

    .venv/bin/python bench/inventory.py [--phones 1000] [--concurrency 1 8 16] [--repeat 3] [--latency-ms 20]

It seeds an emulator (in-memory state) with that many active phones, writes a
``pbx.dialplan.yml`` for each concurrency, times ``ansible-inventory --list`` (best of
--repeat runs), checks the host count and counts the requests from the emulator's log. It
also times a run with details off (one listing) and a cached run (no request at all), and
then the detail reads again with --latency-ms added to every request by the emulator, as a
PBX across a network would: that is where concurrency pays. On localhost the emulator and
ansible-inventory share the machine's cores, so concurrency barely changes the time there.
Run ``make collection-link`` first; the collection is found through build/collections.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "emulator"))

from ipcortex_emulator.testing import EmulatorProcess  # noqa: E402 pylint: disable=wrong-import-position

TYPES = ("snom320", "yealinkT46", "vvx300", "spa112")
COMPANIES = ("acme", "globex")


def seed(count):
    """``count`` active port rows: one device in eight an ATA with two ports."""
    with open(os.path.join(REPO, "tests", "emulator", "seeds", "default.yml"), encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    phones = []
    rows = 0
    while rows < count:
        index = len(phones)
        phone_type = "spa112" if index % 8 == 7 and count - rows >= 2 else TYPES[index % 3]
        phones.append({"mac": "02%010x" % index, "phone_type": phone_type, "company": COMPANIES[index % 2],
                       "name": "Phone %d" % index, "zone": "Europe/London", "created": 1700000000 + index})
        rows += 2 if phone_type == "spa112" else 1
    data["phones"] = {"active": phones, "inactive": []}
    return data


def run_inventory(config, env):
    started = time.perf_counter()
    output = subprocess.run(["ansible-inventory", "-i", config, "--list"], env=env, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - started, len(json.loads(output)["_meta"]["hostvars"])


def measure(emulator, work, env, name, options, repeat):
    config = os.path.join(work, "%s.dialplan.yml" % name)
    with open(config, "w", encoding="utf-8") as stream:
        yaml.safe_dump(dict({"plugin": "ipcortex.pbx.dialplan", "url": emulator.url, "api_key": "sysadmin-key"}, **options), stream)
    best = None
    for _attempt in range(repeat):
        emulator.control.clear_log()
        seconds, hosts = run_inventory(config, env)
        requests = len(emulator.control.log())
        best = seconds if best is None else min(best, seconds)
    return best, hosts, requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--phones", type=int, default=1000, help="active port rows to seed")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 16], help="values of the concurrency option to time")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is shown")
    parser.add_argument("--latency-ms", type=int, default=20, help="latency the emulator adds to each request in the last table (0: skip it)")
    args = parser.parse_args()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, "build", "collections"),
               PATH=os.pathsep.join([os.path.join(REPO, ".venv", "bin"), os.environ.get("PATH", "")]))
    with tempfile.TemporaryDirectory(prefix="bench-inventory-") as work:
        seed_path = os.path.join(work, "seed.yml")
        with open(seed_path, "w", encoding="utf-8") as stream:
            yaml.safe_dump(seed(args.phones), stream)
        with EmulatorProcess(seed=seed_path, db=":memory:") as emulator:
            baseline, _hosts, _requests = measure(emulator, work, env, "baseline", {"details": False, "companies": ["nobody-here"]}, args.repeat)
            print("ansible-inventory --list, %d phones (best of %d runs):" % (args.phones, args.repeat))
            print("  %-28s %7.2f s  %5s hosts  %5d requests" % ("empty inventory (overhead)", baseline, 0, _requests))
            seconds, hosts, requests = measure(emulator, work, env, "listing", {"details": False}, args.repeat)
            print("  %-28s %7.2f s  %5d hosts  %5d requests" % ("details: false", seconds, hosts, requests))
            time_details(emulator, work, env, args.concurrency, args.repeat)
            cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": os.path.join(work, "cache")}
            measure(emulator, work, env, "cached", cache, 1)
            seconds, hosts, requests = measure(emulator, work, env, "cached", cache, args.repeat)
            print("  %-28s %7.2f s  %5d hosts  %5d requests" % ("cached", seconds, hosts, requests))
            if args.latency_ms:
                emulator.control.set_faults(latency_ms=args.latency_ms)
                print("with %d ms latency per request:" % args.latency_ms)
                time_details(emulator, work, env, args.concurrency, 1)


def time_details(emulator, work, env, concurrencies, repeat):
    for concurrency in concurrencies:
        seconds, hosts, requests = measure(emulator, work, env, "c%d" % concurrency, {"concurrency": concurrency}, repeat)
        label = "details, concurrency %d" % concurrency
        print("  %-28s %7.2f s  %5d hosts  %5d requests  %6.0f phones/s" % (label, seconds, hosts, requests, hosts / seconds))


if __name__ == "__main__":
    main()
