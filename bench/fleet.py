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
import shutil
import tempfile

from benchlib import API_KEY, PLAY_HEAD, SINGLE_PBX_PLAYBOOKS, Bench, EmulatorProcess, best_of, write_inventory, write_playbooks

PLAYBOOKS = dict(SINGLE_PBX_PLAYBOOKS, **{
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
})


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
        write_playbooks(workdir, PLAYBOOKS)
        inventory = write_inventory(workdir, args.phones)
        with EmulatorProcess() as emulator:
            bench = Bench([emulator], workdir, inventory, IPCORTEX_URL=emulator.url, IPCORTEX_API_KEY=API_KEY)
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
            rows.append(("raw", "(e) raw floor: same reads, Python", args.phones, bench.raw_reads(emulator, args.phones)))
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
