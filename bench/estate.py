#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An estate of P PBXs x M phones converged by the handsets role, side by side with one PBX alone
and the P PBXs one after the other; and a 1,000-phone PBX in both layouts beside the raw floor.

    make collection-link && .venv/bin/python bench/estate.py [--pbxs 8] [--phones 250] [--delay-ms 20] [--big-phones 1000]

Part 1, a PBX over a WAN: P emulators, each seeded with M phones and waiting --delay-ms before
answering every API request. The estate layout is written by the export playbook
(``ipcortex.pbx.export -e export_hosts=pbxs``) from an inventory of the P PBX hosts, then
converged (a no-op) by a play ``hosts: pbxs`` with the role: all PBXs with forks >= P, one PBX
alone (``--limit``), and all PBXs with forks 1, one after the other.
Part 2, no delay: one emulator with --big-phones phones. The raw floor is one listing and one
read per phone, sequential, over one keep-alive session (as bench/fleet.py measures it). The
same PBX is converged (a no-op) in the estate layout (exported as above) and in the single-PBX
layout (one inventory host per phone, as bench/fleet.py writes it); the latter's time is split
into ansible-playbook's start-up with that inventory, Ansible resolving the phone hosts' vars
(every host's vars handed to a module that does nothing), and the role.
Times are wall-clock seconds of whole runs, the best of --runs; "net" subtracts the start-up of
an empty play over the same inventory. Every converge must send no write.
"""

import argparse
import os
import shutil
import tempfile
from contextlib import ExitStack

from benchlib import API_KEY, SINGLE_PBX_PLAYBOOKS, Bench, EmulatorProcess, best_of, write_inventory, write_playbooks, write_seed

ESTATE_PLAYBOOKS = {
    "estate-empty.yml": "---\n- name: Benchmark\n  hosts: pbxs\n  gather_facts: false\n  tasks: []\n",
    "estate.yml": "---\n- name: Converge the estate\n  hosts: pbxs\n  gather_facts: false\n  roles:\n    - role: ipcortex.pbx.handsets\n",
}


def pbx_name(number):
    return "pbx-%02d" % number


def write_pbx_hosts(directory, emulators):
    """The inventory an estate is exported from: the PBX hosts with their connections."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "hosts.yml"), "w", encoding="utf-8") as stream:
        stream.write("---\npbxs:\n  hosts:\n")
        for number, emulator in enumerate(emulators):
            stream.write("    %s:\n      ipcortex_url: %s\n      ipcortex_api_key: %s\n" % (pbx_name(number), emulator.url, API_KEY))
    return directory


def export_estate(bench, source, target, pbxs):
    """The estate layout as users get it: the export playbook, then each PBX's key beside its blocks."""
    result = bench.playbook("ipcortex.pbx.export", {"export_hosts": "pbxs", "export_dir": target}, args=["--forks", str(max(pbxs, 5))],
                            inventory=source)
    if result[2]:
        raise SystemExit("the export wrote to a PBX")
    for number in range(pbxs):
        with open(os.path.join(target, "host_vars", pbx_name(number), "connection.yml"), "w", encoding="utf-8") as stream:
            stream.write("---\nipcortex_api_key: %s\n" % API_KEY)
    return target


def no_op(bench, runs, name, **kwargs):
    result = best_of(runs, lambda: bench.playbook(name, **kwargs))
    if result[2]:
        raise SystemExit("%s %s: a no-op converge sent %d writes" % (name, kwargs, result[2]))
    return result


def wan_estate(args, workdir):
    """Part 1: rows of (label, seconds, requests, writes) and the start-up."""
    with ExitStack() as stack:
        emulators = []
        for number in range(args.pbxs):
            seed = write_seed(os.path.join(workdir, "seed-%d.json" % number), args.phones, pbx=number)
            emulators.append(stack.enter_context(EmulatorProcess(seed=seed, faults={"latency_ms": args.delay_ms})))
        source = write_pbx_hosts(os.path.join(workdir, "pbx-hosts"), emulators)
        bench = Bench(emulators, workdir, None)
        estate = export_estate(bench, source, os.path.join(workdir, "estate"), args.pbxs)
        bench.inventory = estate
        startup = best_of(args.runs, lambda: bench.playbook("estate-empty.yml"))
        rows = [
            ("startup", "ansible-playbook start-up (empty play over the PBX hosts)", startup),
            ("alone", "one PBX alone (--limit %s)" % pbx_name(0), no_op(bench, args.runs, "estate.yml", args=["--limit", pbx_name(0)])),
            ("estate", "the estate, %d PBXs, forks %d" % (args.pbxs, max(args.pbxs, 5)),
             no_op(bench, args.runs, "estate.yml", args=["--forks", str(max(args.pbxs, 5))])),
            ("serial", "the %d PBXs one after the other (forks 1)" % args.pbxs, no_op(bench, 1, "estate.yml", args=["--forks", "1"])),
        ]
    return rows


def big_pbx(args, workdir):
    """Part 2: rows of (key, label, (seconds, requests, writes))."""
    phones = args.big_phones
    seed = write_seed(os.path.join(workdir, "seed-big.json"), phones)
    with EmulatorProcess(seed=seed) as emulator:
        bench = Bench([emulator], workdir, None, IPCORTEX_URL=emulator.url, IPCORTEX_API_KEY=API_KEY)
        raw = best_of(args.runs, lambda: bench.raw_reads(emulator, phones))
        source = write_pbx_hosts(os.path.join(workdir, "big-pbx-host"), [emulator])
        bench.inventory = export_estate(bench, source, os.path.join(workdir, "estate-big"), 1)
        estate_startup = best_of(args.runs, lambda: bench.playbook("estate-empty.yml"))
        estate = no_op(bench, args.runs, "estate.yml")
        bench.inventory = write_inventory(os.path.join(workdir, "single"), phones)
        single_startup = best_of(args.runs, lambda: bench.playbook("empty.yml"))
        host_vars = best_of(args.runs, lambda: bench.playbook("build.yml"))
        single = no_op(bench, args.runs, "fleet.yml")
    return {"raw": raw, "estate_startup": estate_startup, "estate": estate, "single_startup": single_startup,
            "host_vars": host_vars, "single": single}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--pbxs", type=int, default=8, help="PBXs in the estate (default 8)")
    parser.add_argument("--phones", type=int, default=250, help="phones per PBX of the estate (default 250)")
    parser.add_argument("--delay-ms", type=int, default=20, help="the emulators' delay per API request in part 1 (default 20)")
    parser.add_argument("--big-phones", type=int, default=1000, help="phones of the PBX of part 2 (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per case; the fastest counts (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary inventories and playbooks")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="ipcortex-estate-bench-")
    try:
        write_playbooks(workdir, dict(SINGLE_PBX_PLAYBOOKS, **ESTATE_PLAYBOOKS))
        wan = wan_estate(args, workdir)
        big = big_pbx(args, workdir)
    finally:
        if args.keep:
            print("kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report(args, wan, big)


def report(args, wan, big):
    startup = wan[0][2][0]
    print("Part 1: %d PBXs x %d phones, %d ms per request. Net = time - start-up (%.2f s)." % (args.pbxs, args.phones, args.delay_ms, startup))
    print("| case | time s | net s | requests | writes |")
    print("|---|---:|---:|---:|---:|")
    times = {}
    for key, label, (seconds, sent, writes) in wan:
        net = seconds if key == "startup" else seconds - startup
        times[key] = (seconds, net)
        print("| %s | %.2f | %.2f | %d | %d |" % (label, seconds, net, sent, writes))
    print()
    print("estate / one PBX alone, whole runs:           %5.2f x   (target <= 2)" % (times["estate"][0] / times["alone"][0]))
    print("estate / one PBX alone, net of start-up:      %5.2f x" % (times["estate"][1] / times["alone"][1]))
    print("one after the other / estate, whole runs:     %5.2f x" % (times["serial"][0] / times["estate"][0]))
    print()

    phones = args.big_phones
    raw = big["raw"][0]
    estate, estate_startup = big["estate"][0], big["estate_startup"][0]
    single, single_startup, host_vars = big["single"][0], big["single_startup"][0], big["host_vars"][0]
    print("Part 2: one PBX, %d phones, no delay." % phones)
    print("| case | time s | requests | writes |")
    print("|---|---:|---:|---:|")
    for label, key in (("raw floor: listing + sequential reads, Python", "raw"),
                       ("estate layout: start-up (empty play over the PBX host)", "estate_startup"),
                       ("estate layout: no-op converge", "estate"),
                       ("single-PBX layout: start-up (empty play, %d phone hosts)" % phones, "single_startup"),
                       ("single-PBX layout: phone hosts' vars resolved into a no-op module", "host_vars"),
                       ("single-PBX layout: no-op converge", "single")):
        seconds, sent, writes = big[key]
        print("| %s | %.2f | %d | %d |" % (label, seconds, sent, writes))
    print()
    print("estate layout, whole run:            %5.2f s = raw floor %+.2f s   (target: raw + 1 s)" % (estate, estate - raw))
    print("estate layout, net of its start-up:  %5.2f s = raw floor %+.2f s" % (estate - estate_startup, estate - estate_startup - raw))
    print("single-PBX layout, whole run:        %5.2f s = raw floor %+.2f s, of which:" % (single, single - raw))
    print("  start-up with %d phone hosts:     %5.2f s" % (phones, single_startup))
    print("  Ansible resolving their host vars: %5.2f s" % (host_vars - single_startup))
    print("  the role (its reads included):     %5.2f s (raw floor %.2f s, the role beyond it %+.2f s)"
          % (single - host_vars, raw, single - host_vars - raw))


if __name__ == "__main__":
    main()
