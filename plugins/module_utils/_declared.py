# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The declared fleet, built from inventory data: pure functions, no I/O, no Ansible objects.

Private to this collection: no stability promise for anything in this file.

Phones are declared in one of three ways (see the handsets role):

- the **single-PBX layout**: one inventory host per port row, its settings in host vars named
  prefix + option (``phone_mac``, ``phone_name``, ...). ``from_hosts(hosts, prefix)`` takes
  ``[(host name, {variable: value})]`` (the host's variables; only those with the prefix are read).
- a list of entries in one variable (``ipcortex_phones``): ``from_list(entries, variable)``;
- the **estate layout**: a PBX host whose variables named ``ipcortex_fleet_*`` are fleet blocks
  (``company``, ``defaults``, ``phones``). ``from_blocks(pbx, variables)`` takes the PBX host's name
  and its variables (only the ``ipcortex_fleet_*`` ones are read).

Each returns a ``DeclaredFleet``:

- ``phones``: the ``dialplan_phones`` entries, in order (defaults merged, the block's company set,
  a ``phoneid`` that agrees with ``mac`` dropped);
- ``origins``: one ``Origin`` per entry (same order), which says where the user declared it;
- ``problems``: every problem found, each a sentence naming the host or PBX, block and entry, and
  the variable the user set. Nothing raises on the first problem: callers fail before any write
  when this list is not empty;
- ``warnings``: things that are not errors but are probably mistakes (a mistyped ``phone_nmae``);
- ``companies``: the companies of the blocks (estate layout), in the order declared.

Every entry is checked with the same rules as the modules (``_phone.desired_phone``), so that this
code and the modules cannot disagree. Phone types are checked against the vendor's list only when
``check_phone_types`` is true: a module asks the PBX itself (a newer PBX may know more types).
``unknown_host_vars`` and ``fleet_block_names`` are the pure checks an offline validator reuses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib

from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import (
    InvalidInput,
    desired_phone,
    normalize_mac,
    phone_argument_spec,
    split_phoneid,
)

FLEET_BLOCK_PREFIX = 'ipcortex_fleet_'
BLOCK_KEYS = ('company', 'defaults', 'phones')
# Every option a declared phone may set (dialplan_phones' per-phone options).
PHONE_OPTIONS = tuple(phone_argument_spec())
IDENTITY_OPTIONS = ('mac', 'phoneid', 'port')
# What an entry of a fleet block may set: company is the block's own.
ENTRY_OPTIONS = tuple(option for option in PHONE_OPTIONS if option != 'company')
# What a block's defaults may set: settings, not identity; company is the block's own.
DEFAULT_OPTIONS = tuple(option for option in PHONE_OPTIONS if option not in IDENTITY_OPTIONS + ('company',))
# Host vars the inventory plugin writes beside the options (read-only facts about the phone).
INFORMATIONAL_HOST_VARS = ('description', 'created', 'pbx')


class _AnyPhoneType(object):
    """Accepts every phone type: the module checks it against the PBX's own list."""

    def __contains__(self, item):
        return True


ANY_PHONE_TYPE = _AnyPhoneType()


class Origin(object):
    """Where one declared phone comes from, in the user's terms.

    Single-PBX layout: ``host`` and ``prefix`` (variables are ``prefix + option``).
    Estate layout: ``pbx``, ``block`` (the variable's name), ``index`` in its ``phones`` and ``company``.
    ``name`` is the phone's declared name, if any.
    """

    def __init__(self, host=None, prefix='', pbx=None, block=None, index=None, company=None, name=None):
        self.host = host
        self.prefix = prefix
        self.pbx = pbx
        self.block = block
        self.index = index
        self.company = company
        self.name = name
        # (mac, port) once the entry has been validated.
        self.row = None

    def _entry(self):
        if self.pbx is None:
            return '%s[%d]' % (self.block, self.index)
        return '%s.phones[%d]' % (self.block, self.index)

    def variable(self, option):
        """The variable the user set for ``option`` (``phone_mac``, ``ipcortex_fleet_acme.phones[2].mac``)."""
        if self.block is not None:
            return '%s.%s' % (self._entry(), option)
        return self.prefix + option

    def where(self):
        """Where the entry is declared: ``host acme-fax``, ``pbx-london ipcortex_fleet_acme.phones[2]``, ``ipcortex_phones[2]``."""
        if self.block is not None:
            return ' '.join(part for part in (self.pbx, self._entry()) if part)
        return 'host %s' % self.host

    def qualified(self, option=None):
        """The variable with where it is set: ``phone_zone of host acme-fax``, ``pbx-london ipcortex_fleet_acme.phones[2].zone``."""
        if not option:
            return self.where()
        if self.host is not None:
            return '%s of host %s' % (self.variable(option), self.host)
        return ' '.join(part for part in (self.pbx, self.variable(option)) if part)

    def label(self):
        """The phone as messages and diff headers name it: PBX, company and name, or the inventory host."""
        parts = [part for part in (self.pbx, self.company, self.name) if part]
        if self.host is not None:
            parts = [self.host] + [part for part in (self.company, self.name) if part]
        return ' / '.join(parts) if parts else self.where()

    def as_dict(self):
        return dict((key, value) for key, value in (
            ('host', self.host), ('pbx', self.pbx), ('block', self.block), ('index', self.index),
            ('company', self.company), ('name', self.name)) if value is not None)


class DeclaredFleet(object):
    """The phones a layout declares; see the module docstring."""

    def __init__(self):
        self.phones = []
        self.origins = []
        self.problems = []
        self.warnings = []
        self.companies = []
        self.by_row = {}

    def origin_of(self, mac, port):
        """The Origin of the entry declaring (mac, port), or None."""
        return self.by_row.get((mac, int(port)))


def fleet_block_names(variables):
    """The names of a PBX host's fleet blocks (its variables starting with ``ipcortex_fleet_``), sorted."""
    return sorted(name for name in variables if name.startswith(FLEET_BLOCK_PREFIX) and len(name) > len(FLEET_BLOCK_PREFIX))


def unknown_host_vars(host, variables, prefix='phone_'):
    """Warnings for host vars that have the prefix but name no option (``phone_nmae``): one sentence each.

    A mistyped setting is otherwise silently unmanaged. Pure, for the role and an offline validator.
    """
    warnings = []
    for name in sorted(variables):
        if not name.startswith(prefix) or not prefix:
            continue
        option = name[len(prefix):]
        if option in PHONE_OPTIONS or option in INFORMATIONAL_HOST_VARS:
            continue
        close = difflib.get_close_matches(option, PHONE_OPTIONS, n=1)
        hint = '; did you mean %s%s?' % (prefix, close[0]) if close else ''
        warnings.append('host %s: %s is not a phone option and is ignored%s' % (host, name, hint))
    return warnings


def from_hosts(hosts, prefix='phone_', check_phone_types=False):
    """The single-PBX layout: ``hosts`` is ``[(host name, variables)]``, one host per port row."""
    fleet = DeclaredFleet()
    for host, variables in hosts:
        fleet.warnings.extend(unknown_host_vars(host, variables, prefix))
        entry = dict((option, variables[prefix + option]) for option in PHONE_OPTIONS if variables.get(prefix + option) is not None)
        origin = Origin(host=host, prefix=prefix, company=_text(entry.get('company')), name=_text(entry.get('name')))
        _add(fleet, entry, origin, 'host %s: %s' % (host, prefix), check_phone_types)
    _check_duplicates(fleet)
    return fleet


def from_list(entries, variable='ipcortex_phones', check_phone_types=False):
    """A list of ``dialplan_phones`` entries held in one variable (``ipcortex_phones``)."""
    fleet = DeclaredFleet()
    if not isinstance(entries, list):
        fleet.problems.append('%s: a list of phones, not %s' % (variable, _kind(entries)))
        return fleet
    for index, phone in enumerate(entries):
        where = '%s[%d]' % (variable, index)
        if not isinstance(phone, dict):
            fleet.problems.append('%s: a phone is a dict of options, not %s' % (where, _kind(phone)))
            continue
        unknown = sorted(str(key) for key in phone if key not in PHONE_OPTIONS)
        if unknown:
            fleet.problems.append('%s: %s' % (where, _unknown_options(unknown, PHONE_OPTIONS)))
            continue
        entry = dict((key, value) for key, value in phone.items() if value is not None)
        origin = Origin(block=variable, index=index, company=_text(entry.get('company')), name=_text(entry.get('name')))
        _add(fleet, entry, origin, where + '.', check_phone_types)
    _check_duplicates(fleet)
    return fleet


def from_blocks(pbx, variables, check_phone_types=False):
    """The estate layout: the fleet blocks among a PBX host's ``variables``."""
    fleet = DeclaredFleet()
    for block_name in fleet_block_names(variables):
        block = variables[block_name]
        where = '%s %s' % (pbx, block_name)
        if not isinstance(block, dict):
            fleet.problems.append('%s: a fleet block is a dict with company, defaults and phones, not %s' % (where, _kind(block)))
            continue
        unknown = sorted(str(key) for key in block if key not in BLOCK_KEYS)
        if unknown:
            fleet.problems.append('%s: unknown key %s; a fleet block has only %s' % (where, ', '.join(unknown), ', '.join(BLOCK_KEYS)))
        company = block.get('company')
        if not isinstance(company, str) or not company.strip():
            fleet.problems.append('%s.company: required, the company every phone of the block belongs to' % where)
            continue
        if company in fleet.companies:
            fleet.problems.append('%s.company: %s is already the company of another block of %s; give each company one block'
                                  % (where, company, pbx))
        else:
            fleet.companies.append(company)
        defaults = block.get('defaults') or {}
        if not _check_defaults(fleet, where, defaults):
            continue
        phones = block.get('phones')
        if not isinstance(phones, list):
            fleet.problems.append('%s.phones: required, a list of phones (use [] for a company that has no phones on %s)' % (where, pbx))
            continue
        for index, phone in enumerate(phones):
            entry_where = '%s.phones[%d]' % (where, index)
            if not isinstance(phone, dict):
                fleet.problems.append('%s: a phone is a dict of options, not %s' % (entry_where, _kind(phone)))
                continue
            unknown = sorted(str(key) for key in phone if key not in PHONE_OPTIONS or key == 'company')
            if unknown:
                fleet.problems.append('%s: %s; an entry has the options of dialplan_phones without company (the block sets it)'
                                      % (entry_where, _unknown_options(unknown, ENTRY_OPTIONS)))
                continue
            entry = dict((key, value) for key, value in defaults.items() if value is not None)
            entry.update((key, value) for key, value in phone.items() if value is not None)
            entry['company'] = company
            origin = Origin(pbx=pbx, block=block_name, index=index, company=company, name=_text(entry.get('name')))
            _add(fleet, entry, origin, '%s %s.phones[%d].' % (pbx, block_name, index), check_phone_types, from_defaults=set(defaults) - set(phone))
    _check_duplicates(fleet)
    return fleet


# --- helpers -------------------------------------------------------------------------------

def _check_defaults(fleet, where, defaults):
    if not isinstance(defaults, dict):
        fleet.problems.append('%s.defaults: a dict of settings, not %s' % (where, _kind(defaults)))
        return False
    unknown = sorted(str(key) for key in defaults if key not in DEFAULT_OPTIONS)
    if unknown:
        fleet.problems.append('%s.defaults: %s; defaults hold settings only (identity is per phone, company is the block\'s)'
                              % (where, _unknown_options(unknown, DEFAULT_OPTIONS)))
        return False
    # Checked once here, so a bad default is reported once, not once per phone.
    probe = dict((key, value) for key, value in defaults.items() if value is not None)
    probe['mac'] = '000000000000'
    try:
        desired_phone(probe, known_phone_types=ANY_PHONE_TYPE, prefix='%s.defaults.' % where)
    except InvalidInput as exc:
        fleet.problems.append(str(exc))
        return False
    return True


def _add(fleet, entry, origin, prefix, check_phone_types, from_defaults=()):
    """Validate one entry as the modules would; keep it (with its origin) or record why not.

    ``prefix`` is what names an option in messages: where the entry is, then the variable's name
    up to the option (``host acme-fax: phone_``, ``pbx-london ipcortex_fleet_acme.phones[2].``).
    """
    entry, problem = _agreed_identity(entry, prefix, origin.variable)
    if problem:
        fleet.problems.append(problem)
        return
    # Each bad setting is reported, not only the first: drop it and check the rest again.
    probe = dict(entry)
    valid = True
    while True:
        try:
            desired = desired_phone(probe, known_phone_types=None if check_phone_types else ANY_PHONE_TYPE, prefix=prefix)
            break
        except InvalidInput as exc:
            valid = False
            option = exc.option[len(prefix):]
            if option not in from_defaults:
                fleet.problems.append(str(exc))
            if option in IDENTITY_OPTIONS or option not in probe:
                return
            del probe[option]
    if not valid:
        return
    fleet.phones.append(entry)
    fleet.origins.append(origin)
    origin.row = (desired.mac, desired.port)


def _agreed_identity(entry, prefix, variable):
    """mac and phoneid together are fine when they name the same port row (the inventory plugin writes both).

    Returns (entry without the redundant phoneid, None) or (entry, problem).
    """
    if not (entry.get('mac') and entry.get('phoneid')):
        return entry, None
    try:
        mac = normalize_mac(entry['mac'], prefix + 'mac')
        pid_mac, pid_port = split_phoneid(entry['phoneid'], prefix + 'phoneid')
    except InvalidInput as exc:
        return entry, str(exc)
    # mac without port means port 0, as in the modules: a phoneid naming another port contradicts it.
    port = entry.get('port')
    try:
        port = 0 if port is None else int(port)
    except (TypeError, ValueError):
        return entry, '%sport: %r is not a port number; give 0 or a positive whole number' % (prefix, entry.get('port'))
    if (mac, port) != (pid_mac, pid_port):
        return entry, ('%sphoneid: %s names %s port %d, but %s and %s name %s port %d; give one identity (or both naming the same port row)'
                       % (prefix, entry['phoneid'], pid_mac, pid_port, variable('mac'), variable('port'), mac, port))
    agreed = dict(entry)
    del agreed['phoneid']
    agreed['port'] = port
    return agreed, None


def _check_duplicates(fleet):
    """The same port row declared twice, anywhere in the fleet: both places are named."""
    seen = {}
    phones, origins = [], []
    for entry, origin in zip(fleet.phones, fleet.origins):
        row = origin.row
        if row in seen:
            fleet.problems.append('%s declares %s port %d, which %s declares already; declare each port row once'
                                  % (origin.where(), row[0], row[1], seen[row].where()))
            continue
        seen[row] = origin
        phones.append(entry)
        origins.append(origin)
    fleet.phones, fleet.origins = phones, origins
    fleet.by_row = seen


def _unknown_options(unknown, allowed):
    hints = []
    for key in unknown:
        close = difflib.get_close_matches(key, allowed, n=1)
        hints.append('%s (did you mean %s?)' % (key, close[0]) if close else key)
    return 'unknown option %s' % ', '.join(hints)


def _kind(value):
    return 'a %s' % type(value).__name__ if value is not None else 'null'


def _text(value):
    return None if value is None else str(value)
