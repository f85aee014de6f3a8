# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the benchmarks share: emulators seeded with a fleet, inventories of that fleet, timed
ansible-playbook runs with the requests they caused, and the raw floor of plain HTTP reads.

One fleet everywhere: phone ``index`` of a PBX has the settings of ``phone_settings(index)``, so
an emulator seeded with ``write_seed`` and the inventory of ``write_inventory`` agree (a no-op).
"""

import json
import os
import subprocess
import sys
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from ipcortex_emulator.testing import EmulatorProcess  # noqa: E402,F401 pylint: disable=wrong-import-position,unused-import

API_KEY = "sysadmin-key"
COMPANIES = ("acme", "globex")
ZONES = {"acme": "Europe/London", "globex": "US/Eastern"}
PHONE_TYPES = {"acme": "snomD315", "globex": "yealinkT46"}
WRITE_VERBS = ("create", "update", "delete", "assign", "promote", "demote", "reboot", "newpass")

# The single-PBX layout, run from localhost with the connection from the environment.
PLAY_HEAD = """---
- name: Benchmark
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/ipcortex.pbx.dialplan:
      url: "{{ lookup('ansible.builtin.env', 'IPCORTEX_URL') }}"
      api_key: "{{ lookup('ansible.builtin.env', 'IPCORTEX_API_KEY') }}"
"""
SINGLE_PBX_PLAYBOOKS = {
    "empty.yml": PLAY_HEAD + "  tasks: []\n",
    "build.yml": PLAY_HEAD + """  tasks:
    - name: Resolve every phone host's vars (hostvars) and hand one of them to a module that does nothing with it
      ansible.builtin.ping:
        data: "{{ groups['phones'] | map('extract', hostvars) | map(attribute='phone_mac') | list | to_json }}"
""",
    "fleet.yml": PLAY_HEAD + """  roles:
    - role: ipcortex.pbx.handsets
""",
}


def mac_of(index, pbx=0):
    """The MAC of phone ``index`` of PBX ``pbx``: PBXs hold different MACs."""
    return "00:04:13:%02x:%02x:%02x" % (0x5e + pbx, index // 256, index % 256)


def phone_settings(index, renamed=()):
    company = COMPANIES[index % len(COMPANIES)]
    return {
        "company": company,
        "phone_type": PHONE_TYPES[company],
        "name": ("Desk %d (moved)" if index in renamed else "Desk %d") % index,
        "can_hotdesk": bool(index % 3),
        "zone": ZONES[company],
    }


def write_seed(path, phones, pbx=0):
    """An emulator seed (JSON is YAML) holding the fleet as active phones, and the System-Admin's key."""
    active = []
    for index in range(phones):
        settings = phone_settings(index)
        active.append(dict(settings, mac=mac_of(index, pbx).replace(":", "")))
    seed = {
        "companies": [{"name": "default", "description": "Default"}] + [{"name": name, "description": name} for name in COMPANIES],
        "users": [{"login": "admin", "name": "Admin", "password": "admin-pass", "api_keys": [API_KEY], "company": "default",
                   "role": "system-admin"}],
        "phones": {"active": active},
    }
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(seed, stream)
    return path


def write_inventory(directory, phones, renamed=()):
    """The single-PBX layout: one host per phone, group_vars per company; ``renamed`` hosts get a new name."""
    inventory = os.path.join(directory, "inventory")
    for sub in ("host_vars", "group_vars"):
        os.makedirs(os.path.join(inventory, sub), exist_ok=True)
    members = dict((company, []) for company in COMPANIES)
    for index in range(phones):
        host = "phone-%04d" % index
        settings = phone_settings(index, renamed)
        members[settings["company"]].append(host)
        with open(os.path.join(inventory, "host_vars", host + ".yml"), "w", encoding="utf-8") as stream:
            stream.write('---\nphone_mac: "%s"\nphone_phone_type: %s\nphone_name: %s\nphone_can_hotdesk: %s\n'
                         % (mac_of(index), settings["phone_type"], settings["name"], "true" if settings["can_hotdesk"] else "false"))
    with open(os.path.join(inventory, "hosts.yml"), "w", encoding="utf-8") as stream:
        stream.write("---\nphones:\n  children:\n")
        for company, hosts in members.items():
            stream.write("    %s:\n      hosts:\n" % company)
            stream.writelines("        %s:\n" % host for host in hosts)
    for company in COMPANIES:
        with open(os.path.join(inventory, "group_vars", company + ".yml"), "w", encoding="utf-8") as stream:
            stream.write("---\nphone_company: %s\nphone_zone: %s\n" % (company, ZONES[company]))
    return inventory


def write_playbooks(workdir, playbooks):
    for name, text in playbooks.items():
        with open(os.path.join(workdir, name), "w", encoding="utf-8") as stream:
            stream.write(text)


class Bench(object):
    """Runs playbooks over ``inventory`` and counts the requests the ``emulators`` logged meanwhile."""

    def __init__(self, emulators, workdir, inventory, **env):
        self.emulators = list(emulators)
        self.workdir = workdir
        self.inventory = inventory
        self.env = dict(os.environ, ANSIBLE_NOCOLOR="1",
                        ANSIBLE_COLLECTIONS_PATH=os.environ.get("ANSIBLE_COLLECTIONS_PATH", os.path.join(ROOT, "build", "collections")))
        self.env.update(env)
        self.playbook_bin = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
        if not os.path.exists(self.playbook_bin):
            self.playbook_bin = "ansible-playbook"

    def clear_logs(self):
        for emulator in self.emulators:
            emulator.control.clear_log()

    def requests_since_clear(self):
        entries = [entry for emulator in self.emulators for entry in emulator.control.log() if entry["path"].startswith("/rest/")]
        return len(entries), sum(1 for entry in entries if entry["verb"] in WRITE_VERBS)

    def playbook(self, name, extra_vars=None, args=(), inventory=None):
        """Run one playbook; returns (seconds, requests, writes)."""
        self.clear_logs()
        # A file of the work folder, or a playbook of a collection (ipcortex.pbx.export).
        playbook = os.path.join(self.workdir, name) if name.endswith(".yml") else name
        command = [self.playbook_bin, "-i", inventory or self.inventory, playbook] + list(args)
        for key, value in (extra_vars or {}).items():
            command += ["-e", "%s=%s" % (key, value)]
        started = time.perf_counter()
        run = subprocess.run(command, env=self.env, cwd=self.workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        seconds = time.perf_counter() - started
        if run.returncode:
            sys.stdout.write(run.stdout.decode("utf-8", "replace"))
            raise SystemExit("%s failed (exit %d)" % (name, run.returncode))
        return (seconds,) + self.requests_since_clear()

    def raw_reads(self, emulator, phones, pbx=0):
        """The reads of a no-op converge, by hand: one listing and one read per device, one keep-alive session."""
        self.clear_logs()
        auth = {"type": "auth", "key": API_KEY}
        base = emulator.url + "/rest/dialplan/"
        started = time.perf_counter()
        with requests.Session() as session:
            listing = session.post(base + "active/", json={"type": "phone", "auth": auth}, timeout=30).json()
            if listing.get("result") != "success":
                raise SystemExit("listing failed: %s" % listing)
            for index in range(phones):
                mac = mac_of(index, pbx).replace(":", "")
                reply = session.post(base + "read/", json={"type": "phone", "scope": {"mac": mac}, "auth": auth}, timeout=30).json()
                if reply.get("numrows") != 1:
                    raise SystemExit("read of %s failed: %s" % (mac, reply))
        seconds = time.perf_counter() - started
        return (seconds,) + self.requests_since_clear()


def best_of(runs, measure):
    return min((measure() for _run in range(runs)), key=lambda result: result[0])
