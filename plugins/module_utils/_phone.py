# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The handset model and planner of ipcortex.pbx: pure functions, no I/O.

Private to this collection: no stability promise for anything in this file.

Both sides of a comparison go through the same normalisers, so that a phone the PBX already
holds as declared always plans to nothing. ``plan_phone`` turns (desired, current) into the
API calls that converge it, with the diff a user sees; callers send the calls (or, in check
mode, only report them).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible.module_utils.common.validation import check_type_str
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

# The vendor's list (API 6.5). A type missing here may still be valid on a newer PBX: callers
# then ask the server's readtypes before refusing it.
PHONE_TYPES = frozenset((
    'Cisco7941', 'Cisco7961', 'Cisco7965', 'a580ip', 'aastra480i', 'aastra51i', 'aastra53i', 'aastra53i-1line',
    'aastra53i536m', 'aastra53i536m2', 'aastra53i536m3', 'aastra55i', 'aastra55i-1l536m', 'aastra55i-1l560m',
    'aastra55i-1line', 'aastra55i536m', 'aastra55i536m2', 'aastra55i536m3', 'aastra55i560m', 'aastra57i',
    'aastra57i-1l536m', 'aastra57i-1l560m', 'aastra57i-1line', 'aastra57i536m', 'aastra57i536m2',
    'aastra57i536m3', 'aastra57i560m', 'aastra57i560m2', 'aastra57i560m3', 'aastra6730i', 'aastra6731i',
    'aastra9112i', 'aastra9133i', 'basic_soft', 'bria', 'c460ip', 'cp7811', 'cp7821', 'cp7821-1', 'cp7841',
    'cp7841-1', 'cp7841-2', 'cp7861', 'cp7861-1', 'cp7861-2', 'eyebeam', 'generic', 'ip320', 'ip320_msg',
    'ip321', 'ip321_msg', 'ip330', 'ip330_msg', 'ip331', 'ip331_msg', 'ip335', 'ip335_msg', 'ip4000', 'ip430',
    'ip430-1', 'ip450', 'ip450-1', 'ip5000', 'ip501', 'ip501-1', 'ip550', 'ip550-1', 'ip560', 'ip560-1',
    'ip6000', 'ip601', 'ip601-1', 'ip601-2', 'ip601-3', 'ip601-4', 'ip650', 'ip650-1', 'ip650-2', 'ip650-3',
    'ip650-4', 'ip670', 'ip670-1', 'ip670-2', 'ip670-3', 'ip670-4', 'ip7000', 'ip840c', 'ip840c-1',
    'ip840c-111', 'ip840c-12', 'ip840c-156', 'ip840c-2', 'ip840c-210', 'ip840c-336', 'ip840c-606', 'ip840cs',
    'ip840cs-12', 'kws300', 'n300ip', 'n300ip-1', 'n510ip', 'n510ip-1', 'n720ip', 'n720ip100', 'n720ip25',
    'n720ip50', 'n720ip75', 'newYeaVP2009', 'pap2t', 's450ip', 's685ip', 'snom190', 'snom190-1', 'snom300',
    'snom300-hold', 'snom320', 'snom320-1', 'snom320-111', 'snom320-12', 'snom320-156', 'snom320-2',
    'snom320-210', 'snom320-3', 'snom320-336', 'snom320-606', 'snom320s', 'snom320s-12', 'snom360', 'snom360-1',
    'snom360-111', 'snom360-12', 'snom360-156', 'snom360-2', 'snom360-210', 'snom360-3', 'snom360-336',
    'snom360-606', 'snom360s', 'snom360s-12', 'snom370', 'snom370-1', 'snom370-111', 'snom370-12',
    'snom370-156', 'snom370-2', 'snom370-210', 'snom370-336', 'snom370-606', 'snom370s', 'snom370s-12',
    'snom710', 'snom710-1', 'snom710-4', 'snom715', 'snom715-1', 'snom715-4', 'snom720', 'snom720-1', 'snom725',
    'snom725-1', 'snom760', 'snom760-1', 'snom820', 'snom820-1', 'snom820-10', 'snom821', 'snom821-1',
    'snom821-10', 'snom870', 'snom870-1', 'snom870-10', 'snom870-6', 'snomD305', 'snomD315', 'snomD345',
    'snomD375', 'snomMP', 'snomPA1', 'snomm3', 'snomm3-1', 'snomm9', 'spa1001', 'spa112', 'spa2000', 'spa2002',
    'spa2102', 'spa301', 'spa303', 'spa502g', 'spa504g', 'spa504g-1', 'spa508g', 'spa508g-1', 'spa509g',
    'spa509g-1', 'spa525g', 'spa525g-1', 'spa8000', 'spa841', 'spa901', 'spa921', 'spa922', 'spa941', 'spa942',
    'spa962', 'tgp500', 'tgp500-1', 'tls_soft', 'trio8500', 'trio8800', 'vvx101', 'vvx101-1-0', 'vvx1500',
    'vvx1500-1', 'vvx201', 'vvx201-1', 'vvx201-1-0', 'vvx300', 'vvx300-1', 'vvx300-1-0', 'vvx300-15',
    'vvx300-6', 'vvx310', 'vvx310-1', 'vvx310-1-0', 'vvx310-15', 'vvx310-6', 'vvx400', 'vvx400-1', 'vvx400-1-0',
    'vvx400-111', 'vvx400-12', 'vvx400-3', 'vvx410', 'vvx410-1', 'vvx410-1-0', 'vvx410-111', 'vvx410-12',
    'vvx410-3', 'vvx500', 'vvx500-1', 'vvx500-1-0', 'vvx500-12', 'vvx500-12s', 'vvx500-1s', 'vvx500s',
    'vvx500v', 'vvx500v-1', 'vvx500v-1-0', 'vvx500v-12', 'vvx500v-12s', 'vvx500v-1s', 'vvx500vs', 'vvx600',
    'vvx600-1', 'vvx600-1-0', 'vvx600-12', 'vvx600-12s', 'vvx600-1s', 'vvx600s', 'vvx600v', 'vvx600v-1',
    'vvx600v-1-0', 'vvx600v-12', 'vvx600v-12s', 'vvx600v-1s', 'vvx600vs', 'webrtc', 'xlite', 'yealinkCP860',
    'yealinkCP920', 'yealinkCP960', 'yealinkT18', 'yealinkT19', 'yealinkT20', 'yealinkT20-1', 'yealinkT21',
    'yealinkT21-1', 'yealinkT22', 'yealinkT22-1', 'yealinkT23', 'yealinkT23-1', 'yealinkT26', 'yealinkT26-1',
    'yealinkT26-exp39', 'yealinkT261exp39', 'yealinkT26L', 'yealinkT26Lexp39', 'yealinkT26l',
    'yealinkT26lexp39', 'yealinkT27', 'yealinkT27-1', 'yealinkT27-exp20', 'yealinkT27l1', 'yealinkT27lexp20',
    'yealinkT28', 'yealinkT28-1', 'yealinkT28-exp39', 'yealinkT281exp39', 'yealinkT28L', 'yealinkT28Lexp39',
    'yealinkT28l', 'yealinkT28lexp39', 'yealinkT29', 'yealinkT29-1', 'yealinkT29-exp20', 'yealinkT29l1',
    'yealinkT29lexp20', 'yealinkT32', 'yealinkT32-1', 'yealinkT38', 'yealinkT38-1', 'yealinkT38-exp39',
    'yealinkT381exp39', 'yealinkT38L', 'yealinkT38Lexp39', 'yealinkT38l', 'yealinkT38lexp39', 'yealinkT40',
    'yealinkT40-1', 'yealinkT41', 'yealinkT41-1', 'yealinkT41-6', 'yealinkT41l1', 'yealinkT42', 'yealinkT42-1',
    'yealinkT42-6', 'yealinkT42l1', 'yealinkT46', 'yealinkT46-1', 'yealinkT46-10', 'yealinkT46-10e40',
    'yealinkT46-exp40', 'yealinkT461exp40', 'yealinkT46L', 'yealinkT46Lexp40', 'yealinkT46l',
    'yealinkT46lexp40', 'yealinkT48', 'yealinkT48-1', 'yealinkT48-12', 'yealinkT48-12e40', 'yealinkT48-exp40',
    'yealinkT481exp40', 'yealinkT48_1', 'yealinkT48_exp40', 'yealinkT49', 'yealinkT49-1', 'yealinkT49-12',
    'yealinkT49-12e40', 'yealinkT49-exp40', 'yealinkT491exp40', 'yealinkT49_1', 'yealinkT49_exp40',
    'yealinkT52', 'yealinkT52-1', 'yealinkT52-8', 'yealinkT52l1', 'yealinkT54', 'yealinkT54-1', 'yealinkT54-10',
    'yealinkT54l1', 'yealinkT56', 'yealinkT56-1', 'yealinkT56-12', 'yealinkT56-12e50', 'yealinkT56-exp50',
    'yealinkT561exp50', 'yealinkT56_1', 'yealinkT56_exp50', 'yealinkT58', 'yealinkT58-1', 'yealinkT58-12',
    'yealinkT58-12e50', 'yealinkT58-exp50', 'yealinkT581exp50', 'yealinkT58_1', 'yealinkT58_exp50',
    'yealinkVP2009', 'yealinkVP530', 'yealinkVP530-1', 'yealinkW52', 'yealinkW52-1', 'yealinkW60',
    'yealinkW60-1', 'zoiper',
))

ZONES = (
    'Atlantic/Cape_Verde', 'Atlantic/Bermuda', 'Europe/London', 'Europe/Paris', 'Europe/Helsinki', 'Africa/Nairobi',
    'Europe/Nicosia', 'Asia/Hong_Kong', 'US/Alaska', 'US/Pacific', 'US/Mountain', 'US/Central', 'US/Eastern',
)

IP_FIELDS = ('ip_addr', 'ip_dns1', 'ip_dns2', 'ip_gateway', 'ip_domain')
BOOL_FIELDS = ('can_hotdesk', 'can_forward', 'nat_mode')
NULLABLE_FIELDS = ('call_group',) + IP_FIELDS
TEXT_FIELDS = ('name', 'company', 'phone_type', 'zone', 'access', 'nat_ipaddr', 'ntp', 'codec_list')
SETTINGS = (
    'name', 'company', 'phone_type', 'zone', 'can_hotdesk', 'can_forward', 'qualify', 'call_group', 'access',
    'nat_mode', 'nat_ipaddr', 'ntp', 'codec_list', 'barge',
) + IP_FIELDS
# What `create` accepts besides the MAC; everything else is set by a following update.
CREATE_FIELDS = ('name', 'company', 'phone_type')
BARGE_FLAGS = {'can_barge': 1, 'can_be_barged': 2}
_KINDS = dict([('port', 'a whole number'), ('qualify', 'true, false or ""')] + [(key, 'true or false') for key in ('reassign',) + BOOL_FIELDS])

_MAC_FORMS = (
    re.compile(r'^[0-9a-f]{12}$'),
    re.compile(r'^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$'),
    re.compile(r'^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$'),
)
_PHONEID = re.compile(r'^([0-9a-f]{12})([0-9]+)$')
MAC_FORMS_HELP = 'e.g. 00:04:13:aa:bb:01, 00-04-13-AA-BB-01, 0004.13aa.bb01 or 000413aabb01'
# The options of one phone that take one text value.
TEXT_OPTIONS = ('mac', 'phoneid') + tuple(key for key in SETTINGS if key in TEXT_FIELDS + NULLABLE_FIELDS)


def phone_argument_spec():
    """Identity and settings of one phone, as every module that converges phones takes them.

    The options that take one text value (TEXT_OPTIONS) are ``raw``: Ansible would turn a list or
    mapping given to a ``str`` option into its text, and ``shape_problems`` could no longer refuse it
    naming the option. ``single_values`` then makes them text as ``str`` would have.
    """
    return dict(
        mac=dict(type='raw'),
        phoneid=dict(type='raw'),
        port=dict(type='int'),
        reassign=dict(type='bool', default=False),
        name=dict(type='raw'),
        company=dict(type='raw'),
        phone_type=dict(type='raw'),
        # No choices: check_zone's message lists ZONES the way the docs do, and "" clears the zone.
        zone=dict(type='raw'),
        can_hotdesk=dict(type='bool'),
        can_forward=dict(type='bool'),
        qualify=dict(type='raw'),
        call_group=dict(type='raw'),
        access=dict(type='raw'),
        nat_mode=dict(type='bool'),
        nat_ipaddr=dict(type='raw'),
        ntp=dict(type='raw'),
        codec_list=dict(type='raw'),
        barge=dict(type='raw'),
        ip_addr=dict(type='raw'),
        ip_dns1=dict(type='raw'),
        ip_dns2=dict(type='raw'),
        ip_gateway=dict(type='raw'),
        ip_domain=dict(type='raw'),
    )


class InvalidInput(ValueError):
    """A value the user gave cannot be used; raised before any write."""

    def __init__(self, option, message):
        super(InvalidInput, self).__init__('%s: %s' % (option, message))
        self.option = option


class NotPlannable(ValueError):
    """The desired state cannot be reached from the current one without the user's say."""


# --- normalising ---------------------------------------------------------------------------

def normalize_mac(value, option='mac'):
    text = str(value).strip().lower()
    if not any(form.match(text) for form in _MAC_FORMS):
        raise InvalidInput(option, '%r is not a MAC address; give 12 hex digits, %s' % (value, MAC_FORMS_HELP))
    return re.sub(r'[^0-9a-f]', '', text)


def split_phoneid(value, option='phoneid'):
    """A phoneid is the MAC's 12 hex digits followed by the port number."""
    text = str(value).strip().lower()
    match = _PHONEID.match(text)
    if not match:
        raise InvalidInput(option, '%r is not a phoneid; give the 12 hex digits of the MAC followed by the port, e.g. 000413aabb010' % (value,))
    return match.group(1), int(match.group(2))


def phoneid(mac, port):
    return '%s%d' % (mac, port)


def to_bool(value, option):
    if isinstance(value, bool):
        return value
    if not isinstance(value, (str, int, float)):
        raise InvalidInput(option, '%s is not a boolean; use true or false' % _shape(value))
    key = value.lower().strip() if isinstance(value, str) else value
    if key in BOOLEANS_TRUE:
        return True
    if key in BOOLEANS_FALSE:
        return False
    raise InvalidInput(option, '%r is not a boolean; use true or false' % (value,))


def to_barge(value, option='barge'):
    """barge is a bitfield (1 can barge, 2 can be barged); users may give the number or the flags."""
    if isinstance(value, (list, tuple)):
        unknown = [flag for flag in value if not isinstance(flag, str) or flag not in BARGE_FLAGS]
        if unknown:
            raise InvalidInput(option, 'unknown flag %s; give 0, 1, 2 or 3, or a list of the flags %s'
                               % (', '.join(flag if isinstance(flag, str) else _shape(flag) for flag in unknown), ', '.join(sorted(BARGE_FLAGS))))
        return sum(BARGE_FLAGS[flag] for flag in set(value))
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidInput(option, '%s is not allowed; give 0, 1, 2 or 3, or a list of the flags can_barge, can_be_barged' % _shape(value))
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number not in (0, 1, 2, 3):
        raise InvalidInput(option, '%s is not allowed; give 0, 1, 2 or 3, or a list of the flags can_barge, can_be_barged' % _shape(value))
    return number


def barge_flags(number):
    """The bitfield as the list of flags it holds, in bit order."""
    return [flag for flag, bit in sorted(BARGE_FLAGS.items(), key=lambda item: item[1]) if number is not None and number & bit]


def to_qualify(value, option='qualify'):
    if value is None or value == '':
        return ''
    try:
        return to_bool(value, option)
    except InvalidInput:
        raise InvalidInput(option, '%s is not allowed; give true, false or an empty string' % _shape(value))


def _shape(value):
    """A wrong value for a message: lists and mappings by their shape, short values as given."""
    if isinstance(value, dict):
        return 'a mapping (%r)' % (value,) if len(repr(value)) < 60 else 'a mapping'
    if isinstance(value, (list, tuple)):
        return 'a list (%r)' % (list(value),) if len(repr(value)) < 60 else 'a list'
    return repr(value)


# How each option of a phone may be given, for messages about values of the wrong shape.
SCALAR_OPTIONS = ('mac', 'phoneid', 'port', 'reassign', 'qualify') + tuple(key for key in SETTINGS if key not in ('qualify', 'barge'))


def shape_problems(raw, prefix=''):
    """Options of one phone given as a list or mapping where only a single value is allowed.

    ``raw`` are the options as the user gave them: Ansible's ``str`` type would have turned a list
    or mapping into its text (phone_argument_spec declares them ``raw``). ``barge`` alone takes a
    list (of flag names).
    """
    problems = []
    if not isinstance(raw, dict):
        return problems
    for key in SCALAR_OPTIONS:
        value = raw.get(key)
        if isinstance(value, (dict, list, tuple)):
            problems.append('%s%s: %s is not allowed; give %s' % (prefix, key, _shape(value), _KINDS.get(key, 'a single text value')))
    barge = raw.get('barge')
    if isinstance(barge, dict) or (isinstance(barge, (list, tuple)) and not all(isinstance(flag, str) for flag in barge)):
        problems.append('%sbarge: %s is not allowed; give 0, 1, 2 or 3, or a list of the flags %s' % (prefix, _shape(barge), ', '.join(sorted(BARGE_FLAGS))))
    return problems


def single_values(params):
    """``params`` (free of shape_problems) with the text options given as numbers or booleans as text, as Ansible's ``str`` type makes them."""
    text = dict(params)
    text.update((key, check_type_str(value)) for key, value in params.items() if key in TEXT_OPTIONS and value is not None)
    return text


def normalize_setting(key, value, option=None):
    """One setting in the form both sides are compared in.

    Text fields treat null as the empty string; nullable fields treat the empty string as null
    (the API's way to clear them); numbers and booleans are accepted in the spellings servers
    and YAML produce.
    """
    option = option or key
    if key in BOOL_FIELDS:
        return None if value is None else to_bool(value, option)
    if key == 'qualify':
        return to_qualify(value, option)
    if key == 'barge':
        return 0 if value is None else to_barge(value, option)
    if key in NULLABLE_FIELDS:
        return None if value is None or str(value).strip() == '' else str(value).strip()
    return '' if value is None else str(value)


def normalize_row(row):
    """A port row as the server returned it, in comparable form (unknown keys are kept)."""
    normalized = dict(row)
    normalized['mac'] = normalize_mac(row['mac'])
    normalized['port'] = int(row.get('port') or 0)
    for key in SETTINGS:
        if key in row:
            normalized[key] = normalize_setting(key, row[key])
    return normalized


# --- validating the desired state ----------------------------------------------------------

class DesiredPhone(object):
    """The declared state of one port row: identity, state and the managed settings only."""

    def __init__(self, mac, port, state='present', settings=None, reassign=False, barge_as_flags=False):
        self.mac = mac
        self.port = port
        self.state = state
        self.settings = settings or {}
        self.reassign = reassign
        # Diffs show barge the way the user gave it: a number, or the list of flags.
        self.barge_as_flags = barge_as_flags
        # How messages name the entry the user gave, e.g. ``phones[3].``.
        self.prefix = ''

    @property
    def phoneid(self):
        return phoneid(self.mac, self.port)

    def __repr__(self):
        return 'DesiredPhone(%r, %r, %r, %r, %r)' % (self.mac, self.port, self.state, self.settings, self.reassign)


def desired_phone(params, known_phone_types=None, prefix=''):
    """Validate and normalise the user's options (a module's params or a fleet entry).

    ``prefix`` names the entry in messages (e.g. ``phones[3].``). Options that are None are
    not managed. ``phone_type`` is checked against ``known_phone_types`` when given, else
    against the vendor's list; unknown types raise ``InvalidInput`` so callers can consult the
    server first.
    """
    problems = shape_problems(params, prefix)
    if problems:
        option, message = problems[0].split(': ', 1)
        raise InvalidInput(option, message)
    mac, port = identity(params, prefix)
    state = params.get('state') or 'present'
    if state not in ('present', 'absent'):
        raise InvalidInput(prefix + 'state', '%r is not allowed; use present or absent' % (state,))
    settings = {}
    for key in SETTINGS:
        value = params.get(key)
        if value is not None:
            settings[key] = normalize_setting(key, value, prefix + key)
    if 'zone' in settings:
        check_zone(settings['zone'], prefix + 'zone')
    phone_type = settings.get('phone_type')
    if phone_type is not None:
        check_phone_type(phone_type, known_phone_types, prefix + 'phone_type')
    for key in ('company', 'phone_type'):
        if settings.get(key) == '':
            raise InvalidInput(prefix + key, 'must not be empty')
    desired = DesiredPhone(mac, port, state, settings, to_bool(params.get('reassign') or False, prefix + 'reassign'),
                           barge_as_flags=isinstance(params.get('barge'), (list, tuple)))
    desired.prefix = prefix
    return desired


def identity(params, prefix=''):
    """(mac, port) from mac [+ port] or phoneid, with the options' rules."""
    mac, pid, port = params.get('mac'), params.get('phoneid'), params.get('port')
    if mac and pid:
        raise InvalidInput(prefix + 'mac', 'give mac or phoneid, not both')
    if not mac and not pid:
        raise InvalidInput(prefix + 'mac', 'one of mac or phoneid is required')
    if port is not None:
        try:
            port = int(port)
        except (TypeError, ValueError):
            port = -1
        if port < 0 or isinstance(params.get('port'), bool):
            raise InvalidInput(prefix + 'port', '%r is not a port number; give 0 or a positive whole number' % (params.get('port'),))
    if mac:
        return normalize_mac(mac, prefix + 'mac'), port or 0
    mac, pid_port = split_phoneid(pid, prefix + 'phoneid')
    if port is not None and port != pid_port:
        raise InvalidInput(prefix + 'port', '%d contradicts phoneid %s, which names port %d' % (port, pid, pid_port))
    return mac, pid_port


def check_zone(zone, option='zone'):
    if zone != '' and zone not in ZONES:
        raise InvalidInput(option, '%r is not a time zone the PBX knows; use "" (none) or one of %s' % (zone, ', '.join(ZONES)))


def typo_distance(first, second):
    """Edits (insert, delete, substitute, swap two neighbours) from one string to the other."""
    previous2, previous = None, list(range(len(second) + 1))
    for i, char in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, other in enumerate(second, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            if i > 1 and j > 1 and char == second[j - 2] and first[i - 2] == other:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def closest_names(wanted, names, limit=3):
    """The names a typo most likely meant: those fewest edits away (case aside), else difflib's nearest."""
    lowered = wanted.lower()
    ranked = sorted((typo_distance(lowered, name.lower()), name) for name in names)
    if ranked and ranked[0][0] <= max(2, len(wanted) // 4):
        best = ranked[0][0]
        return [name for distance, name in ranked if distance == best][:limit]
    by_lower = {}
    for name in sorted(names):
        by_lower.setdefault(name.lower(), name)
    return [by_lower[name] for name in difflib.get_close_matches(lowered, list(by_lower), n=limit, cutoff=0.6)]


def check_phone_type(phone_type, known_phone_types=None, option='phone_type'):
    """The type must be one the PBX knows; a miss suggests the closest names rather than listing hundreds."""
    allowed = PHONE_TYPES if known_phone_types is None else known_phone_types
    if phone_type in allowed:
        return
    close = closest_names(str(phone_type), allowed)
    suggestion = '; did you mean %s?' % ' or '.join(close) if close else '.'
    raise InvalidInput(option, "%r is not a phone type the PBX knows%s List the PBX's types with ipcortex.pbx.dialplan_phone_info and phone_types: true"
                       % (phone_type, suggestion))


# --- planning ------------------------------------------------------------------------------

class Call(object):
    """One API request: ``dialplan/<verb>`` with its scope and values."""

    # Calls after which the rows must be read again before planning further.
    REREAD_VERBS = ('create', 'promote', 'delete', 'demote')

    def __init__(self, verb, scope, values=None):
        self.verb = verb
        self.scope = scope
        self.values = values

    @property
    def rereads(self):
        return self.verb in self.REREAD_VERBS or (self.verb == 'update' and 'phone_type' in (self.values or {}))

    def as_dict(self):
        call = {'verb': self.verb, 'scope': dict(self.scope)}
        if self.values is not None:
            call['values'] = dict(self.values)
        return call

    def __eq__(self, other):
        return isinstance(other, Call) and self.as_dict() == other.as_dict()

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return 'Call(%r, %r, %r)' % (self.verb, self.scope, self.values)


class Plan(object):
    """What converging one phone takes: the calls in order, the outcome and the diff."""

    def __init__(self, action, calls, before, after):
        self.action = action
        self.calls = calls
        self.before = before
        self.after = after

    @property
    def changed(self):
        return bool(self.calls)

    @property
    def diff(self):
        return {'before': self.before, 'after': self.after}

    def next_step(self):
        """The calls to send before the rows must be read again."""
        for index, call in enumerate(self.calls):
            if call.rereads:
                return self.calls[:index + 1]
        return list(self.calls)


def row_for_port(rows, port):
    for row in rows:
        if row['port'] == port:
            return row
    return None


def waiting_phone_type(waiting):
    return waiting[0].get('phone_type') if waiting else None


def shown(desired, key, value):
    """A setting as diffs show it to the user who declared ``desired``."""
    if key == 'barge' and desired.barge_as_flags and isinstance(value, int) and not isinstance(value, bool):
        return barge_flags(value)
    return value


def view(desired, rows, waiting):
    """The managed part of a phone's state, as diffs show it.

    For state present the managed keys of the managed port (``absent`` while that port row does
    not exist); for state absent everything that a delete would remove.
    """
    if rows:
        if desired.state == 'absent':
            row, keys = row_for_port(rows, desired.port) or rows[0], SETTINGS
        else:
            row, keys = row_for_port(rows, desired.port), desired.settings
            if row is None:
                return {'state': 'absent'}
        shown_view = {'state': 'present'}
        shown_view.update((key, shown(desired, key, row.get(key))) for key in keys)
        if desired.state == 'absent' and len(rows) > 1:
            shown_view['ports'] = sorted(r['port'] for r in rows)
        return shown_view
    if waiting:
        return {'state': 'waiting', 'phone_type': waiting_phone_type(waiting)}
    return {'state': 'absent'}


def desired_view(desired):
    """The managed part of a phone's state once it is converged."""
    if desired.state == 'absent':
        return {'state': 'absent'}
    after = {'state': 'present'}
    after.update((key, shown(desired, key, value)) for key, value in desired.settings.items())
    return after


def device_port_count(desired, rows, waiting, port_counts):
    """How many port rows the device will have once ``desired`` is converged, or None if unknown.

    ``port_counts`` maps phone types to their port counts as the PBX's readtypes states them;
    a type it does not state leaves the count unknown. The device keeps its rows unless its type
    changes (or it is created).
    """
    current = rows[0].get('phone_type') if rows else waiting_phone_type(waiting)
    phone_type = desired.settings.get('phone_type', current)
    if phone_type is not None and (phone_type != current or not (rows or waiting)):
        count = (port_counts or {}).get(phone_type)
        return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else None
    if rows:
        return len(rows)
    if waiting:
        return len(waiting)
    return None


def check_port(desired, ports, phone_type):
    """A declared port the device will not have is refused before anything is sent."""
    if ports is not None and desired.port >= ports:
        raise InvalidInput('port', 'phone %s will have %s as phone_type %s; port %d is not one of them'
                           % (desired.mac, 'port 0' if ports == 1 else 'ports 0-%d' % (ports - 1), phone_type, desired.port))


def plan_phone(desired, rows, waiting=None, port_counts=None):
    """Plan the calls that take a phone from ``rows``/``waiting`` to ``desired``.

    ``rows`` are the device's normalised active port rows (empty if it is not active);
    ``waiting`` its rows in the inactive list (None or empty if it does not wait there);
    ``port_counts`` maps phone types to their port counts (from readtypes), when known: then a
    port the device will not have once this phone is converged is refused before anything is sent.
    Raises ``InvalidInput`` (a port the device will not have) or ``NotPlannable`` (a state the
    API cannot reach without the user's say).
    """
    before = view(desired, rows, waiting)
    if desired.state == 'absent':
        if rows:
            return Plan('deleted', [Call('delete', {'mac': desired.mac})], before, {'state': 'absent'})
        if waiting:
            return Plan('demoted', [Call('demote', {'mac': desired.mac})], before, {'state': 'absent'})
        return Plan('unchanged', [], before, before)

    current_type = rows[0].get('phone_type') if rows else waiting_phone_type(waiting)
    phone_type = desired.settings.get('phone_type', current_type)
    ports = device_port_count(desired, rows, waiting, port_counts)
    if not rows or phone_type != current_type:
        check_port(desired, ports, phone_type)
    after = desired_view(desired)
    if rows:
        return _plan_existing(desired, rows, before, after, ports)
    if waiting:
        return _plan_activation(desired, 'promoted', Call('promote', {'mac': desired.mac}, {'company': desired.settings.get('company')}),
                                {'phone_type': waiting_phone_type(waiting)}, before, after)
    missing = [key for key in ('company', 'phone_type') if key not in desired.settings]
    if missing:
        verb = 'is' if len(missing) == 1 else 'are'
        raise NotPlannable('phone %s does not exist; %s %s required to create it' % (desired.mac, ' and '.join(missing), verb))
    # create names every port row alike: the name meant for port 1 is set on port 1 alone, by update.
    values = {'mac': desired.mac}
    values.update((key, desired.settings[key]) for key in CREATE_FIELDS if key in desired.settings and (key != 'name' or desired.port == 0))
    return _plan_activation(desired, 'created', Call('create', {}, values), values, before, after)


def _plan_activation(desired, action, call, known, before, after):
    """create or promote, then (as far as can be told before reading the new rows) an update."""
    if action == 'promoted' and 'company' not in desired.settings:
        raise NotPlannable('phone %s waits to be provisioned; company is required to promote it' % desired.mac)
    rest = dict((key, value) for key, value in desired.settings.items() if key != 'company' and known.get(key) != value)
    calls = [call]
    if rest:
        calls.append(Call('update', {'mac': desired.mac, 'port': desired.port}, _with_ip_group(rest, {})))
    return Plan(action, calls, before, after)


def _plan_existing(desired, rows, before, after, ports):
    row = row_for_port(rows, desired.port)
    phone_type = desired.settings.get('phone_type')
    calls = []
    if row is None:
        if phone_type is None or phone_type == rows[0].get('phone_type'):
            raise InvalidInput('port', 'phone %s has no port %d; its ports are %s' % (desired.mac, desired.port, ', '.join(str(r['port']) for r in rows)))
        if ports is None:
            raise InvalidInput('port', 'phone %s has no port %d yet, and the PBX does not state how many ports phone_type %s has; '
                                       'change phone_type first (on port %d), then declare port %d'
                               % (desired.mac, desired.port, phone_type, rows[0]['port'], desired.port))
        # The type change brings the port row into being (with the PBX's defaults): change the type
        # first, on a row that exists, then set the new row as declared.
        calls.append(Call('update', {'mac': desired.mac, 'port': rows[0]['port']}, {'phone_type': phone_type}))
        row = new_port_row(desired.mac, desired.port, rows[0], phone_type)
    company = desired.settings.get('company')
    if company is not None and company != row.get('company'):
        if not desired.reassign:
            raise NotPlannable('phone %s port %d belongs to company %r, not %r; a company changes only through reassignment: set reassign: true to move it'
                               % (desired.mac, desired.port, row.get('company'), company))
        calls.append(Call('assign', {'mac': desired.mac, 'port': desired.port, 'company': row.get('company')}, {'company': company}))
    differing = dict((key, value) for key, value in desired.settings.items() if key != 'company' and row.get(key) != value)
    if differing:
        calls.append(Call('update', {'mac': desired.mac, 'port': desired.port}, _with_ip_group(differing, row)))
    return Plan('updated' if calls else 'unchanged', calls, before, after)


def new_port_row(mac, port, first, phone_type):
    """A port row the PBX adds with its defaults: only what is certain is known (company and type of the device)."""
    return {'mac': mac, 'port': port, 'company': first.get('company'), 'phone_type': phone_type}


def predict_rows(desired, rows, waiting, plan, port_counts=None):
    """The device's rows as a real run of ``plan`` would leave them, as far as can be told without writing.

    Rows the PBX adds (create, promote, a type with more ports) hold only the keys that are
    certain; the declared settings are applied to the managed port row.
    """
    if not plan.calls:
        return rows
    if desired.state == 'absent':
        return []
    ports = device_port_count(desired, rows, waiting, port_counts)
    settings = desired.settings
    verbs = [call.verb for call in plan.calls]
    if 'create' in verbs or 'promote' in verbs:
        phone_type = settings.get('phone_type') or waiting_phone_type(waiting)
        count = ports or desired.port + 1
        first = {'company': settings.get('company'), 'phone_type': phone_type}
        create = plan.calls[0].values if verbs[0] == 'create' else {}
        predicted = []
        for port in range(max(count, desired.port + 1)):
            row = new_port_row(desired.mac, port, first, phone_type)
            if 'name' in create:
                row['name'] = create['name']
            predicted.append(row)
    else:
        predicted = [dict(row) for row in rows]
        phone_type = settings.get('phone_type')
        if phone_type is not None and phone_type != rows[0].get('phone_type'):
            count = ports or max(len(rows), desired.port + 1)
            predicted = [row for row in predicted if row['port'] < count]
            for row in predicted:
                row['phone_type'] = phone_type
            known = set(row['port'] for row in predicted)
            predicted += [new_port_row(desired.mac, port, rows[0], phone_type) for port in range(count) if port not in known]
    managed = row_for_port(predicted, desired.port)
    if managed is None:
        managed = {'mac': desired.mac, 'port': desired.port}
        predicted.append(managed)
    managed.update(settings)
    return sorted(predicted, key=lambda row: row['port'])


def _with_ip_group(values, current):
    """The API takes the ip_* fields only all five together: fill in the rest from ``current``."""
    if any(key in values for key in IP_FIELDS):
        values = dict(values)
        for key in IP_FIELDS:
            values.setdefault(key, current.get(key))
    return values


def unconverged_keys(desired, row):
    """The managed keys whose value the server does not hold (for verifying writes)."""
    if row is None:
        return sorted(desired.settings)
    return sorted(key for key, value in desired.settings.items() if row.get(key) != value)
