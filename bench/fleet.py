#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fleet of N phones against the emulator: the handsets role (one dialplan_phones task)
beside a loop of dialplan_phone tasks and the raw floor of plain HTTP reads, in one run.

    make collection-link && .venv/bin/python bench/fleet.py [--phones 1000] [--loop-phones 100]

It starts its own emulator (in-memory state, default seed), writes an inventory of one
host per phone (host_vars files, group_vars per company, as examples/ does) in a
temporary directory, and counts HTTP requests from the emulator's request log.
Times are wall-clock seconds of whole ansible-playbook runs; "net" subtracts the fixed
start-up of ansible-playbook, measured with an empty play over the same inventory.
"Ansible's part" is everything a fleet run costs besides the collection's own work: every
phone host's variables resolved by Ansible (hostvars, as the role reads them) and handed to a
module task that does nothing with them (ansible.builtin.ping).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from ipcortex_emulator.testing import EmulatorProcess  # noqa: E402 pylint: disable=wrong-import-position

API_KEY = "sysadmin-key"
COMPANIES = ("acme", "globex")
WRITE_VERBS = ("create", "update", "delete", "assign", "promote", "demote", "reboot", "newpass")

PLAY_HEAD = """---
- name: Benchmark
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/ipcortex.pbx.dialplan:
      url: "{{ lookup('ansible.builtin.env', 'IPCORTEX_URL') }}"
      api_key: "{{ lookup('ansible.builtin.env', 'IPCORTEX_API_KEY') }}"
"""

PLAYBOOKS = {
    "empty.yml": PLAY_HEAD + "  tasks: []\n",
    "build.yml": PLAY_HEAD + """  tasks:
    - name: Resolve every phone host's vars (hostvars) and hand one of them to a module that does nothing with it
      ansible.builtin.ping:
        data: "{{ groups['phones'] | map('extract', hostvars) | map(attribute='phone_mac') | list | to_json }}"
""",
    "fleet.yml": PLAY_HEAD + """  roles:
    - role: ipcortex.pbx.handsets
""",
    "loop.yml": PLAY_HEAD + """  tasks:
    - name: One dialplan_phone task per phone
      ipcortex.pbx.dialplan_phone:
        mac: "{{ hostvars[item].phone_mac }}"
        company: "{{ hostvars[item].phone_company }}"
        phone_type: "{{ hostvars[item].phone_phone_type }}"
        name: "{{ hostvars[item].phone_name }}"
        zone: "{{ hostvars[item].phone_zone }}"
        can_hotdesk: "{{ hostvars[item].phone_can_hotdesk }}"
      loop: "{{ groups['phones'][:loop_phones | int] }}"
""",
}


def mac_of(index):
    return "00:04:13:5e:%02x:%02x" % (index // 256, index % 256)


def write_inventory(directory, phones, renamed=()):
    """One host per phone, group_vars per company; ``renamed`` hosts get a new name."""
    inventory = os.path.join(directory, "inventory")
    for sub in ("host_vars", "group_vars"):
        os.makedirs(os.path.join(inventory, sub), exist_ok=True)
    members = dict((company, []) for company in COMPANIES)
    for index in range(phones):
        host = "phone-%04d" % index
        company = COMPANIES[index % len(COMPANIES)]
        members[company].append(host)
        name = ("Desk %d (moved)" if index in renamed else "Desk %d") % index
        with open(os.path.join(inventory, "host_vars", host + ".yml"), "w", encoding="utf-8") as stream:
            stream.write('---\nphone_mac: "%s"\nphone_phone_type: %s\nphone_name: %s\nphone_can_hotdesk: %s\n'
                         % (mac_of(index), "snomD315" if company == "acme" else "yealinkT46", name, "true" if index % 3 else "false"))
    with open(os.path.join(inventory, "hosts.yml"), "w", encoding="utf-8") as stream:
        stream.write("---\nphones:\n  children:\n")
        for company, hosts in members.items():
            stream.write("    %s:\n      hosts:\n" % company)
            stream.writelines("        %s:\n" % host for host in hosts)
    for company, zone in zip(COMPANIES, ("Europe/London", "US/Eastern")):
        with open(os.path.join(inventory, "group_vars", company + ".yml"), "w", encoding="utf-8") as stream:
            stream.write("---\nphone_company: %s\nphone_zone: %s\n" % (company, zone))
    return inventory


class Bench(object):
    def __init__(self, emulator, workdir, inventory):
        self.emulator = emulator
        self.workdir = workdir
        self.inventory = inventory
        self.env = dict(os.environ, IPCORTEX_URL=emulator.url, IPCORTEX_API_KEY=API_KEY, ANSIBLE_NOCOLOR="1",
                        ANSIBLE_COLLECTIONS_PATH=os.environ.get("ANSIBLE_COLLECTIONS_PATH", os.path.join(ROOT, "build", "collections")))
        self.playbook_bin = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
        if not os.path.exists(self.playbook_bin):
            self.playbook_bin = "ansible-playbook"

    def requests_since_clear(self):
        entries = [entry for entry in self.emulator.control.log() if entry["path"].startswith("/rest/")]
        return len(entries), sum(1 for entry in entries if entry["verb"] in WRITE_VERBS)

    def playbook(self, name, extra_vars=None):
        """Run one playbook; returns (seconds, requests, writes)."""
        self.emulator.control.clear_log()
        command = [self.playbook_bin, "-i", self.inventory, os.path.join(self.workdir, name)]
        for key, value in (extra_vars or {}).items():
            command += ["-e", "%s=%s" % (key, value)]
        started = time.perf_counter()
        run = subprocess.run(command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        seconds = time.perf_counter() - started
        if run.returncode:
            sys.stdout.write(run.stdout.decode("utf-8", "replace"))
            raise SystemExit("%s failed (exit %d)" % (name, run.returncode))
        return (seconds,) + self.requests_since_clear()

    def raw_reads(self, phones):
        """The reads of a no-op converge, by hand: one listing and one read per device, one keep-alive session."""
        self.emulator.control.clear_log()
        auth = {"type": "auth", "key": API_KEY}
        base = self.emulator.url + "/rest/dialplan/"
        started = time.perf_counter()
        with requests.Session() as session:
            listing = session.post(base + "active/", json={"type": "phone", "auth": auth}, timeout=30).json()
            if listing.get("result") != "success":
                raise SystemExit("listing failed: %s" % listing)
            for index in range(phones):
                reply = session.post(base + "read/", json={"type": "phone", "scope": {"mac": mac_of(index).replace(":", "")}, "auth": auth},
                                     timeout=30).json()
                if reply.get("numrows") != 1:
                    raise SystemExit("read of %s failed: %s" % (mac_of(index), reply))
        seconds = time.perf_counter() - started
        return (seconds,) + self.requests_since_clear()


def best_of(runs, measure):
    return min((measure() for _run in range(runs)), key=lambda result: result[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--phones", type=int, default=1000, help="phones in the fleet (default 1000)")
    parser.add_argument("--loop-phones", type=int, default=100, help="phones in the dialplan_phone loop case (default 100)")
    parser.add_argument("--startup-runs", type=int, default=3, help="empty plays run to measure start-up; the fastest counts")
    parser.add_argument("--keep", action="store_true", help="keep the temporary inventory and playbooks")
    args = parser.parse_args()
    loop_phones = min(args.loop_phones, args.phones)
    changed = set(range(0, args.phones, 10))

    workdir = tempfile.mkdtemp(prefix="ipcortex-fleet-bench-")
    try:
        for name, text in PLAYBOOKS.items():
            with open(os.path.join(workdir, name), "w", encoding="utf-8") as stream:
                stream.write(text)
        inventory = write_inventory(workdir, args.phones)
        with EmulatorProcess() as emulator:
            bench = Bench(emulator, workdir, inventory)
            startup = best_of(args.startup_runs, lambda: bench.playbook("empty.yml"))
            rows = [("startup", "ansible-playbook start-up (empty play)", 0, startup)]
            rows.append(("inventory", "Ansible's part: phone hosts' vars resolved into a no-op module", args.phones,
                         bench.playbook("build.yml")))
            rows.append(("create", "(a) fleet: first converge (create)", args.phones, bench.playbook("fleet.yml")))
            rows.append(("noop", "(b) fleet: no-op converge", args.phones, bench.playbook("fleet.yml")))
            write_inventory(workdir, args.phones, renamed=changed)
            rows.append(("changed", "(c) fleet: 10 % of phones changed", args.phones, bench.playbook("fleet.yml")))
            rows.append(("loop", "(d) loop of dialplan_phone: no-op", loop_phones,
                         bench.playbook("loop.yml", {"loop_phones": loop_phones})))
            rows.append(("raw", "(e) raw floor: same reads, Python", args.phones, bench.raw_reads(args.phones)))
    finally:
        if args.keep:
            print("kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    report(rows, startup[0], args.phones, loop_phones, len(changed))


def report(rows, startup, phones, loop_phones, changed):
    print("Fleet of %d phones (%d changed in (c)); loop case over %d phones. Start-up %.2f s is subtracted in 'net'."
          % (phones, changed, loop_phones, startup))
    print("| case | phones | time s | net s | requests | writes | req/phone | net ms/phone |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    by_case = {}
    for key, label, count, (seconds, sent, writes) in rows:
        net = seconds if key in ("raw", "startup") else max(seconds - startup, 0.0)
        by_case[key] = (count, seconds, net)
        per_phone = "%.2f" % (sent / count) if count else "-"
        net_per_phone = "%.2f" % (1000.0 * net / count) if count else "-"
        print("| %s | %d | %.2f | %.2f | %d | %d | %s | %s |" % (label, count, seconds, net, sent, writes, per_phone, net_per_phone))
    fleet_count, fleet_seconds, fleet_net = by_case["noop"]
    loop_count, loop_seconds, loop_net = by_case["loop"]
    raw_net = by_case["raw"][2]
    inventory_net = by_case["inventory"][2]
    print()
    print("fleet no-op / raw floor, net of start-up:               %6.2f x" % (fleet_net / raw_net))
    print("fleet no-op / (raw floor + start-up):                   %6.2f x" % (fleet_seconds / (raw_net + startup)))
    print("fleet no-op / (raw floor + Ansible's part):             %6.2f x" % (fleet_seconds / (raw_net + by_case["inventory"][1])))
    print("the collection's own work (fleet net of Ansible's part) / raw floor: %6.2f x" % ((fleet_net - inventory_net) / raw_net))
    print("loop / fleet per phone, no-op, net of start-up:         %6.1f x" % ((loop_net / loop_count) / (fleet_net / fleet_count)))
    print("loop / fleet per phone, no-op, whole runs:              %6.1f x" % ((loop_seconds / loop_count) / (fleet_seconds / fleet_count)))


if __name__ == "__main__":
    main()
