#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Soak: converge a large fleet again and again while the emulator injects transient faults.

Each round changes every phone's settings, converges them with the dialplan_phones code under
faults (5xx, 429 with Retry-After, dropped connections before and after acting, stalls past the
timeout), then checks the PBX holds exactly what was declared and that nothing was created twice.
Back-off is real but capped short (--max-sleep) so a round stays in seconds, not minutes.

    .venv/bin/python bench/soak.py [--phones 2000] [--rate 0.2] [--rounds 3] [--concurrency 16]
"""

import argparse
import os
import sys
import time
from collections import Counter

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(REPO, 'build', 'collections')
LINK = os.path.join(COLLECTIONS, 'ansible_collections', 'ipcortex', 'pbx')
if not os.path.exists(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(REPO, LINK)
sys.path[:0] = [COLLECTIONS, os.path.join(REPO, 'tests', 'emulator')]

# pylint: disable=wrong-import-position,import-error
from ansible_collections.ipcortex.pbx.plugins.module_utils import _client  # noqa: E402
from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxClient  # noqa: E402
from ansible_collections.ipcortex.pbx.plugins.module_utils._fleet import Fleet, desired_fleet, summarize  # noqa: E402
from ipcortex_emulator.testing import EmulatorProcess  # noqa: E402

IP_KEYS = ('ip_addr', 'ip_dns1', 'ip_dns2', 'ip_gateway', 'ip_domain')
ZONES = ('Europe/London', 'Europe/Paris', 'US/Eastern')


def declared(count, generation):
    phones = []
    for number in range(count):
        phone = {'mac': '00041b%06x' % number, 'company': 'acme', 'phone_type': 'snom320', 'name': 'Desk %d v%d' % (number, generation),
                 'zone': ZONES[(number + generation) % len(ZONES)], 'barge': (number + generation) % 4,
                 'can_hotdesk': (number + generation) % 2 == 0}
        if number % 2 == 0:
            phone.update(ip_addr='10.%d.%d.%d/16' % (generation % 250, number // 250, number % 250 + 1), ip_gateway='10.0.0.1',
                         ip_dns1='10.0.0.53', ip_dns2='10.0.0.54', ip_domain='gen%d.example.com' % generation)
        phones.append(phone)
    return phones


def mismatches(pbx, phones):
    held = dict((device['mac'], device['ports'][0]) for device in pbx.control.state()['devices'] if device['state'] == 'active')
    wrong = []
    for phone in phones:
        row = held.get(phone['mac'])
        if row is None or any(row.get(key) != value for key, value in phone.items() if key != 'mac'):
            wrong.append(phone['mac'])
    return wrong


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--phones', type=int, default=2000)
    parser.add_argument('--rate', type=float, default=0.2, help='share of requests that meet a fault')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--concurrency', type=int, default=16)
    parser.add_argument('--timeout', type=int, default=1, help='seconds per request; stalls last this plus 0.3 s')
    parser.add_argument('--retries', type=int, default=6)
    parser.add_argument('--max-sleep', type=float, default=0.05, help='cap on each back-off sleep, seconds')
    parser.add_argument('--seed', type=int, default=1)
    options = parser.parse_args()

    slept = []

    def short_sleep(seconds):
        slept.append(seconds)
        time.sleep(min(seconds, options.max_sleep))
    _client._sleep = short_sleep  # pylint: disable=protected-access

    failures = 0
    with EmulatorProcess() as pbx:
        print('soak: %d phones, %d rounds, %.0f %% faults, concurrency %d, timeout %d s, retries %d'
              % (options.phones, options.rounds, options.rate * 100, options.concurrency, options.timeout, options.retries))
        for generation in range(options.rounds):
            phones = declared(options.phones, generation)
            pbx.control.clear_log()
            pbx.control.set_faults(rate=options.rate, seed=options.seed + generation, retry_after=1, stall_seconds=options.timeout + 0.3,
                                   kinds=['status', 'status', 'drop', 'drop_after', 'stall'], statuses=[502, 503, 504, 429])
            del slept[:]
            started = time.monotonic()
            with PbxClient(url=pbx.url, api_key='sysadmin-key', timeout=options.timeout, retries=options.retries,
                           pool_size=options.concurrency) as client:
                fleet, _protected = desired_fleet(client, phones, 'merged')
                results = Fleet(client, fleet, concurrency=options.concurrency).run()
                sent = client.requests_sent
            elapsed = time.monotonic() - started
            time.sleep(options.timeout + 0.5)  # let stalled requests land before reading the log
            pbx.control.clear_faults()
            log = pbx.control.log()
            summary = summarize(results)
            faults = Counter(entry['fault'] for entry in log if entry['fault'])
            creates = sum(1 for entry in log if entry['verb'] == 'create' and entry['result'] == 'success')
            split_ip = sum(1 for entry in log if entry['verb'] == 'update' and set(entry['keys']) & set(IP_KEYS) and not set(IP_KEYS) <= set(entry['keys']))
            wrong = mismatches(pbx, phones)
            expected_creates = options.phones if generation == 0 else 0
            ok = not summary['failed'] and not wrong and creates == expected_creates and not split_ip
            failures += not ok
            print('round %d: %.1f s, %d requests sent (%d reached the PBX), %d faults %s, %d back-offs (%.1f s asked), '
                  'summary %s, creates %d, split ip_* updates %d, phones not as declared %d: %s'
                  % (generation + 1, elapsed, sent, len(log), sum(faults.values()), dict(faults), len(slept), sum(slept),
                     dict((key, value) for key, value in summary.items() if value), creates, split_ip, len(wrong), 'OK' if ok else 'FAILED'))
            for result in results:
                if result.action == 'failed':
                    print('  %s: %s' % (result.desired.phoneid, result.msg))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
