# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Converging many phones in one task: validate all, list once, converge each in parallel.

Private to this collection: no stability promise for anything in this file.
Each phone goes through the same planner and send/read-back loop as dialplan_phone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxError
from ansible_collections.ipcortex.pbx.plugins.module_utils._converge import ConvergeError, converge, desired_from_params, waiting_list
from ansible_collections.ipcortex.pbx.plugins.module_utils._listing import list_active
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import (
    DesiredPhone,
    InvalidInput,
    NotPlannable,
    normalize_mac,
    phoneid,
)

ACTIONS = ('created', 'promoted', 'updated', 'deleted', 'demoted', 'unchanged', 'failed')


class FleetInputError(ValueError):
    """Some entries are invalid; nothing was written. One line per problem."""

    def __init__(self, problems):
        super(FleetInputError, self).__init__('; '.join(problems))
        self.problems = problems


def desired_fleet(client, entries, state, protected=()):
    """Validate every entry (and the protected MACs) before anything is written.

    Returns (desired phones in order, protected MACs). Duplicate (mac, port) pairs are errors.
    """
    problems = []
    fleet = []
    seen = {}
    cache = {}
    phone_state = 'absent' if state == 'deleted' else 'present'
    for index, entry in enumerate(entries):
        prefix = 'phones[%d].' % index
        try:
            desired = desired_from_params(client, dict(entry, state=phone_state), prefix, cache)
        except InvalidInput as exc:
            problems.append(str(exc))
            continue
        if state == 'deleted':
            # A device is deleted whole: listing two of its ports deletes it once.
            if desired.mac in seen:
                continue
            seen[desired.mac] = index
            fleet.append(desired)
            continue
        key = (desired.mac, desired.port)
        if key in seen:
            problems.append('%smac: %s port %d is already declared in phones[%d]' % (prefix, desired.mac, desired.port, seen[key]))
            continue
        seen[key] = index
        fleet.append(desired)
    kept = set()
    for index, mac in enumerate(protected or ()):
        try:
            kept.add(normalize_mac(mac, 'protected[%d]' % index))
        except InvalidInput as exc:
            problems.append(str(exc))
    if problems:
        raise FleetInputError(problems)
    return fleet, kept


class PhoneResult(object):
    """One line of the fleet's results."""

    def __init__(self, desired, action, diff=None, msg='', phone=None):
        self.desired = desired
        self.action = action
        self.diff = diff
        self.msg = msg
        self.phone = phone or {}

    def as_dict(self, with_diff):
        result = {'mac': self.desired.mac, 'port': self.desired.port, 'phoneid': phoneid(self.desired.mac, self.desired.port),
                  'action': self.action, 'changed': self.action not in ('unchanged', 'failed'), 'msg': self.msg}
        if with_diff and self.diff is not None:
            result['diff'] = self.diff
        return result


class Fleet(object):
    """One fleet run: what the PBX has (listed once) and what the user declared."""

    def __init__(self, client, fleet, state='merged', companies=None, protected=(), max_deletions=5, concurrency=8, check_mode=False):
        self.client = client
        self.fleet = fleet
        self.state = state
        self.companies = companies or None
        self.protected = set(protected)
        self.max_deletions = max_deletions
        self.concurrency = max(1, concurrency)
        self.check_mode = check_mode
        self.active = {}
        self.waiting = {}

    def discover(self):
        """One ``active`` call for the scope, and ``inactive`` only if a declared phone is not active."""
        for row in list_active(self.client, self.companies):
            self.active.setdefault(row['mac'], []).append(row)
        if any(desired.mac not in self.active for desired in self.fleet):
            for row in waiting_list(self.client):
                self.waiting.setdefault(row['mac'], []).append(row)

    def unlisted(self):
        """Active phones of ``companies`` that the fleet does not declare (state overridden)."""
        if self.state != 'overridden':
            return []
        declared = set(desired.mac for desired in self.fleet)
        return sorted(mac for mac, rows in self.active.items()
                      if mac not in declared and mac not in self.protected and any(row.get('company') in self.companies for row in rows))

    def check_guardrails(self, deletions):
        """Before any write: protected phones are never deleted, and overridden deletes at most max_deletions."""
        problems = ['protected: %s may not be deleted; remove it from protected or from phones' % desired.mac
                    for desired in self.fleet if desired.state == 'absent' and desired.mac in self.protected]
        if len(deletions) > self.max_deletions:
            problems.append('max_deletions: state overridden would delete %d phones not in phones (%s), more than max_deletions %d; '
                            'raise max_deletions or add them to phones or protected' % (len(deletions), ', '.join(deletions), self.max_deletions))
        if problems:
            raise FleetInputError(problems)

    def run(self):
        """Converge everything; returns PhoneResults, declared phones first, then deletions."""
        self.discover()
        deletions = self.unlisted()
        self.check_guardrails(deletions)
        devices = OrderedDict()
        for desired in self.fleet:
            devices.setdefault(desired.mac, []).append(desired)
        for mac in deletions:
            devices[mac] = [DesiredPhone(mac, 0, 'absent')]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            per_device = list(pool.map(self._converge_device, list(devices.values())))
        return [result for results in per_device for result in results]

    def _converge_device(self, entries):
        """The entries of one device, in order, so port rows of a device never race.

        When the first entry creates or promotes the device, its other port rows came into
        being in the same run: they are reported with that action, as check mode predicts.
        """
        results = []
        activated = None
        for desired in entries:
            known = {}
            if desired.mac not in self.active and (activated is None or self.check_mode):
                # Neither read nor list again: the listing said it is not active.
                known = {'rows': [], 'waiting': self.waiting.get(desired.mac, [])}
            result = self._converge_one(desired, known)
            if activated is None and result.action in ('created', 'promoted'):
                activated = result
            elif activated is not None and result.action != 'failed':
                result.action = activated.action
                result.diff = dict(result.diff, before=activated.diff['before'])
            results.append(result)
        return results

    def _converge_one(self, desired, known):
        try:
            try:
                outcome = converge(self.client, desired, check_mode=self.check_mode, **known)
            except NotPlannable:
                if not known:
                    raise
                # The listing may not show every phone these credentials can name (another company's):
                # read the phone itself before saying it does not exist.
                outcome = converge(self.client, desired, check_mode=self.check_mode)
        except (InvalidInput, NotPlannable, ConvergeError, PbxError) as exc:
            return PhoneResult(desired, 'failed', msg=str(exc))
        return PhoneResult(desired, outcome.action, outcome.diff, phone=outcome.phone)


def summarize(results):
    summary = dict((action, 0) for action in ACTIONS)
    for result in results:
        summary[result.action] += 1
    summary['total'] = len(results)
    return summary


def ansible_diffs(results):
    """One diff per changed phone, headed by its phoneid, so Ansible shows each on its own."""
    diffs = []
    for result in results:
        if result.diff is not None and result.action not in ('unchanged', 'failed'):
            name = phoneid(result.desired.mac, result.desired.port)
            diffs.append({'before': result.diff['before'], 'after': result.diff['after'],
                          'before_header': name, 'after_header': name})
    return diffs
