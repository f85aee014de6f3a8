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

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import WRITE_VERBS, PbxError
from ansible_collections.ipcortex.pbx.plugins.module_utils._converge import (
    ConvergeError,
    TypeCatalog,
    converge,
    desired_from_params,
    port_count_warnings,
    port_counts_for,
    read_rows,
    waiting_list,
)
from ansible_collections.ipcortex.pbx.plugins.module_utils._listing import list_active
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import (
    DesiredPhone,
    InvalidInput,
    NotPlannable,
    normalize_mac,
    phoneid,
    plan_phone,
    predict_rows,
)

ACTIONS = ('created', 'promoted', 'updated', 'deleted', 'demoted', 'unchanged', 'failed')
ACTIVATIONS = ('created', 'promoted')


class FleetInputError(ValueError):
    """Some entries are invalid; nothing was written. One line per problem."""

    def __init__(self, problems):
        super(FleetInputError, self).__init__('; '.join(problems))
        self.problems = problems


def desired_fleet(client, entries, state, protected=(), catalog=None):
    """Validate every entry (and the protected MACs) before anything is written.

    Returns (desired phones in order, protected MACs). Duplicate (mac, port) pairs are errors,
    and so are entries of one device that declare different phone types. (A port the declared
    type does not have is found by ``Fleet.check_ports``, which needs the listing.)
    """
    problems = []
    fleet = []
    seen = {}
    types = {}
    catalog = catalog or TypeCatalog(client)
    phone_state = 'absent' if state == 'deleted' else 'present'
    for index, entry in enumerate(entries):
        prefix = 'phones[%d].' % index
        if not isinstance(entry, dict):
            problems.append('phones[%d]: %r is not allowed; give a mapping of phone options' % (index, entry))
            continue
        try:
            desired = desired_from_params(client, dict(entry, state=phone_state), prefix, catalog)
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
        phone_type = desired.settings.get('phone_type')
        if phone_type is not None:
            first = types.setdefault(desired.mac, (index, phone_type))
            if first[1] != phone_type:
                problems.append('%sphone_type: %r contradicts phones[%d], which gives the same device %s phone_type %r; a device has one type'
                                % (prefix, phone_type, first[0], desired.mac, first[1]))
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

    def __init__(self, desired, action, diff=None, msg='', phone=None, wrote=False, warnings=None, refused=False):
        self.desired = desired
        # Refused before anything was sent to its device.
        self.refused = refused
        self.action = action
        self.diff = diff
        self.msg = msg
        self.phone = phone or {}
        # A write was applied for this phone, even if it then failed.
        self.wrote = wrote
        self.warnings = warnings or []

    @property
    def changed(self):
        return self.action not in ('unchanged', 'failed') or self.wrote

    def as_dict(self, with_diff):
        result = {'mac': self.desired.mac, 'port': self.desired.port, 'phoneid': phoneid(self.desired.mac, self.desired.port),
                  'action': self.action, 'changed': self.changed, 'msg': self.msg}
        if with_diff and self.diff is not None:
            result['diff'] = self.diff
        return result


class _CountingClient(object):
    """The shared client, counting the writes one device's convergence applied."""

    def __init__(self, client):
        self._client = client
        self.writes = 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def call(self, verb, scope=None, values=None):
        try:
            reply = self._client.call(verb, scope, values)
        except PbxError as exc:
            # A write whose outcome is unknown may have been applied.
            if verb in WRITE_VERBS and exc.outcome_unknown:
                self.writes += 1
            raise
        if verb in WRITE_VERBS:
            self.writes += 1
        return reply


class Fleet(object):
    """One fleet run: what the PBX has (listed once) and what the user declared."""

    def __init__(self, client, fleet, state='merged', companies=None, protected=(), max_deletions=5, concurrency=8, check_mode=False,
                 empty_companies=(), catalog=None):
        self.client = client
        self.fleet = fleet
        self.state = state
        self.companies = companies or None
        self.protected = set(protected)
        self.max_deletions = max_deletions
        self.concurrency = max(1, concurrency)
        self.check_mode = check_mode
        self.empty_companies = list(empty_companies or ())
        self.catalog = catalog or TypeCatalog(client)
        self.active = {}
        self.waiting = {}
        self.warnings = []

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

    def shared(self, candidates):
        """The candidates with a port row in a company outside ``companies``: {mac: [(port, company)]}.

        The API deletes whole devices, so such a device is never deleted. The listing of
        ``companies`` does not show those rows: one listing of every company does.
        """
        if not candidates:
            return {}
        wanted = set(candidates)
        foreign = {}
        for row in list_active(self.client):
            if row['mac'] in wanted and row.get('company') not in self.companies:
                foreign.setdefault(row['mac'], []).append((row['port'], row.get('company')))
        return foreign

    def port_problems(self):
        """Entries that declare a port their declared phone type does not have.

        Readtypes is asked only when an entry names a port beyond 0 that the listing does not
        show with that type already, so a run that changes nothing does not ask.
        """
        listed = set((row['mac'], row['port'], row.get('phone_type')) for rows in self.active.values() for row in rows)
        unsure = [desired for desired in self.fleet
                  if desired.state == 'present' and desired.port > 0 and 'phone_type' in desired.settings
                  and (desired.mac, desired.port, desired.settings['phone_type']) not in listed]
        problems = []
        for desired in unsure:
            count = self.catalog.port_counts.get(desired.settings['phone_type'])
            if isinstance(count, int) and desired.port >= count:
                problems.append('%sport: phone_type %s has %s; port %d is not one of them'
                                % (desired.prefix, desired.settings['phone_type'],
                                   'port 0' if count == 1 else 'ports 0-%d' % (count - 1), desired.port))
        return problems

    def check_guardrails(self, deletions):
        """Before any write: declared ports exist, protected phones are never deleted, overridden deletes
        at most max_deletions and empties a company only when told to."""
        problems = self.port_problems()
        problems += ['protected: %s may not be deleted; remove it from protected or from phones' % desired.mac
                     for desired in self.fleet if desired.state == 'absent' and desired.mac in self.protected]
        if self.state == 'overridden':
            problems += self._empty_company_problems(deletions)
        if len(deletions) > self.max_deletions:
            problems.append('max_deletions: state overridden would delete %d phones not in phones (%s), more than max_deletions %d; '
                            'raise max_deletions or add them to phones or protected' % (len(deletions), ', '.join(deletions), self.max_deletions))
        if problems:
            raise FleetInputError(problems)

    def _empty_company_problems(self, deletions):
        problems = []
        given = set(desired.settings.get('company') for desired in self.fleet)
        # An entry without company declares a phone of the company the PBX holds its row in.
        declared = set(given)
        for desired in self.fleet:
            declared.update(row.get('company') for row in self.active.get(desired.mac, []) if row['port'] == desired.port)
        for company in self.empty_companies:
            if company not in self.companies:
                problems.append('empty_companies: %s is not one of companies (%s)' % (company, ', '.join(self.companies)))
            elif company in given:
                problems.append('empty_companies: %s is declared empty, but phones gives it as the company of a phone' % company)
        for company in self.companies:
            if company in declared or company in self.empty_companies:
                continue
            doomed = [mac for mac in deletions if any(row.get('company') == company for row in self.active[mac])]
            if doomed:
                problems.append('empty_companies: phones declares no phone of company %s, so state overridden would delete every phone of it '
                                '(%d: %s); if %s is meant to have no phones, add it to empty_companies' % (company, len(doomed), ', '.join(doomed), company))
        return problems

    def run(self):
        """Converge everything; returns PhoneResults: declared phones first, then deletions, then devices kept."""
        self.discover()
        candidates = self.unlisted()
        foreign = self.shared(candidates)
        deletions = [mac for mac in candidates if mac not in foreign]
        self.check_guardrails(deletions)
        devices = OrderedDict()
        for desired in self.fleet:
            devices.setdefault(desired.mac, []).append(desired)
        for mac in deletions:
            devices[mac] = [DesiredPhone(mac, 0, 'absent')]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            per_device = list(pool.map(self._converge_device, list(devices.values())))
        results = [result for results in per_device for result in results]
        for mac in sorted(foreign):
            mine = sorted(row['port'] for row in self.active[mac])
            others = ', '.join('port %d in %s' % (port, company) for port, company in sorted(foreign[mac]))
            message = ('phone %s is not deleted: it is not in phones, but the PBX deletes whole devices and it also has %s, '
                       'outside companies' % (mac, others))
            self.warnings.append(message)
            results.append(PhoneResult(DesiredPhone(mac, mine[0], 'absent'), 'unchanged', msg=message))
        return results

    def _device_state(self, mac, client, port=None):
        """The device's active rows and its rows in the waiting list.

        A device the listing shows is read. So is one it does not show when ``companies``
        narrowed the listing: the PBX may hold it in another company.
        """
        if mac in self.active or self.companies:
            rows = read_rows(client, mac, port, [row['port'] for row in self.active.get(mac, [])])
        else:
            rows = []
        return rows, ([] if rows else self.waiting.get(mac, []))

    def _converge_device(self, entries):
        """The entries of one device, in order, so port rows of a device never race.

        The device is planned whole before anything is sent to it: every entry against the rows
        the entries before it leave (a type change first adds or removes rows). An entry that
        cannot be planned refuses the whole device, so nothing is written to it. Check mode
        reports that plan; a real run sends it entry by entry, reading back after each.
        """
        client = _CountingClient(self.client)
        mac = entries[0].mac
        # Type changes first: the rows they add or remove are there for the entries after them.
        order = sorted(range(len(entries)), key=lambda index: 'phone_type' not in entries[index].settings)
        ordered = [entries[index] for index in order]
        rows = []
        try:
            rows, waiting = self._device_state(mac, client, ordered[0].port)
            port_counts = port_counts_for(ordered, rows, waiting, self.catalog)
            results = self._plan_device(ordered, rows, waiting, port_counts)
            if _refused(results) and not rows and mac not in self.active and not self.companies:
                # The listing may not show every phone these credentials can name (another company's
                # to a Company-Admin): read the phone itself before saying it cannot be created.
                rows = read_rows(client, mac, ordered[0].port)
                if rows:
                    waiting = []
                    port_counts = port_counts_for(ordered, rows, waiting, self.catalog)
                    results = self._plan_device(ordered, rows, waiting, port_counts)
            if not self.check_mode and not _refused(results):
                results = self._send_device(client, ordered, rows, waiting, port_counts)
        except PbxError as exc:
            results = [PhoneResult(desired, 'failed', msg=str(exc)) for desired in ordered]
        results = _label(results, rows) if not _refused(results) else results
        in_order = [None] * len(entries)
        for position, index in enumerate(order):
            in_order[index] = results[position]
        return in_order

    def _plan_device(self, entries, rows, waiting, port_counts):
        """Every entry planned against the rows the entries before it leave; an entry that cannot be
        planned refuses the whole device."""
        results = []
        chain, chain_waiting = rows, waiting
        for desired in entries:
            try:
                plan = plan_phone(desired, chain, chain_waiting, port_counts)
            except (InvalidInput, NotPlannable) as exc:
                return [PhoneResult(other, 'failed', refused=True, msg=str(exc) if other is desired else
                                    'not converged: port %d of the same device was refused before any write: %s' % (desired.port, exc))
                        for other in entries]
            after = predict_rows(desired, chain, chain_waiting, plan, port_counts)
            results.append(PhoneResult(desired, plan.action, plan.diff, warnings=port_count_warnings(desired, chain, after, port_counts)))
            chain, chain_waiting = after, ([] if after else chain_waiting)
        return results

    def _send_device(self, client, entries, rows, waiting, port_counts):
        results = []
        for desired in entries:
            before = client.writes
            try:
                outcome = converge(client, desired, check_mode=False, rows=rows, waiting=waiting, port_counts=port_counts)
            except (InvalidInput, NotPlannable, ConvergeError, PbxError) as exc:
                results.append(PhoneResult(desired, 'failed', msg=str(exc), wrote=client.writes > before,
                                           warnings=getattr(getattr(exc, 'outcome', None), 'warnings', None)))
                # What the failure left is unknown: the next entry reads the device again.
                rows, waiting = None, None
                continue
            results.append(PhoneResult(desired, outcome.action, outcome.diff, phone=outcome.phone, wrote=client.writes > before,
                                       warnings=outcome.warnings))
            rows, waiting = outcome.rows, ([] if outcome.rows else waiting)
        return results


def _refused(results):
    return any(result.refused for result in results)


def _label(results, rows):
    """The same words for check and real runs when one entry's calls bring another's row into being.

    After a create or promote, the device's other declared rows are reported with that action;
    a row that a type change added is ``updated`` from ``absent``.
    """
    initial = set(row['port'] for row in rows)
    activated = None
    for result in results:
        if result.action == 'failed':
            continue
        if activated is None and result.action in ACTIVATIONS:
            activated = result
        elif activated is not None:
            result.action = activated.action
            result.diff = dict(result.diff, before=activated.diff['before'])
        elif rows and result.desired.state == 'present' and result.desired.port not in initial:
            result.action = 'updated'
            result.diff = dict(result.diff, before={'state': 'absent'})
    return results


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
