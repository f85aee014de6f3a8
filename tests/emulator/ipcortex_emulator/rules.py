# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The PBX's rules for phone identities and settings: parsing, validation and defaults.

Everything here is pure: it takes request data and returns clean values or raises a
``Refusal`` whose message names the field and what it accepts.
"""

import ipaddress
import re

from ipcortex_emulator.catalog import PHONE_TYPES, ZONES
from ipcortex_emulator.errors import Refusal

KNOWN_TYPES = frozenset(PHONE_TYPES)
KNOWN_ZONES = frozenset(ZONES)
IP_FIELDS = ("ip_addr", "ip_dns1", "ip_dns2", "ip_gateway", "ip_domain")

# Settings of a new port row (create, promote, a phone_type change that adds ports).
# The vendor documents none of them; README.md lists them so they can be checked.
DEFAULTS = {
    "name": "",
    "zone": "",
    "can_hotdesk": False,
    "can_forward": True,
    "qualify": "",
    "call_group": None,
    "access": "default",
    "nat_mode": False,
    "nat_ipaddr": "default",
    "ntp": "default",
    "codec_list": "default",
    "barge": 0,
    "ip_addr": None,
    "ip_dns1": None,
    "ip_dns2": None,
    "ip_gateway": None,
    "ip_domain": None,
}

# Keys of a read row, in the vendor page's order.
ROW_KEYS = ("mac", "port", "name", "company", "phone_type") + tuple(k for k in DEFAULTS if k != "name")

_MAC = re.compile(r"[0-9A-Fa-f]{12}\Z")
_PHONEID = re.compile(r"([0-9A-Fa-f]{12})([0-9]+)\Z")


def mac_of(value):
    """A MAC as the PBX stores it: 12 lower-case hex digits (upper case accepted, separators not)."""
    if not isinstance(value, str) or not _MAC.match(value):
        raise Refusal("Invalid MAC address %r: expected 12 hex digits without separators" % (value,))
    return value.lower()


def port_of(value):
    """A port number from an int or a string of digits."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise Refusal("Invalid port %r: expected a number from 0" % (value,))
    return int(value)


def phoneid_of(value):
    """Split a phoneid (MAC followed by port number) into (mac, port)."""
    match = _PHONEID.match(value) if isinstance(value, str) else None
    if not match:
        raise Refusal("Invalid phoneid %r: expected 12 hex digits followed by the port number" % (value,))
    return match.group(1).lower(), int(match.group(2))


def phoneid(mac, port):
    """The phoneid of a port row."""
    return "%s%d" % (mac, port)


def _given(value):
    return value not in (None, "")


def select(scope, with_port=True, extra=()):
    """(mac, port or None) chosen by a scope of mac [+ port] or, when mac is empty, phoneid.

    ``with_port`` False: the call acts on whole devices, so a phoneid selects its MAC.
    """
    allowed = {"mac", "phoneid"} | ({"port"} if with_port else set()) | set(extra)
    unknown = sorted(set(scope) - allowed)
    if unknown:
        raise Refusal("Unknown scope field %s: expected %s" % (unknown[0], ", ".join(sorted(allowed))))
    if _given(scope.get("mac")):
        mac = mac_of(scope["mac"])
        port = port_of(scope["port"]) if with_port and _given(scope.get("port")) else None
        return mac, port
    if _given(scope.get("phoneid")):
        mac, port = phoneid_of(scope["phoneid"])
        return mac, port if with_port else None
    raise Refusal("A mac or phoneid is required in scope")


def _text(field, value):
    if not isinstance(value, str):
        raise Refusal("Invalid %s: expected a string" % field)
    return value


def _label(field, value):
    if not isinstance(value, str) or not value.strip():
        raise Refusal("Invalid %s: expected a non-empty string" % field)
    return value


def _boolean(field, value):
    if not isinstance(value, bool):
        raise Refusal("Invalid %s: expected a boolean (true or false)" % field)
    return value


def _boolean_or_empty(field, value):
    if value != "" and not isinstance(value, bool):
        raise Refusal("Invalid %s: expected a boolean or the empty string" % field)
    return value


def _zone(field, value):
    if value != "" and value not in KNOWN_ZONES:
        raise Refusal("Invalid %s %r: expected the empty string or one of %s" % (field, value, ", ".join(ZONES)))
    return value


def _barge(field, value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
        raise Refusal("Invalid %s %r: expected an integer from 0 to 3 (1 can barge, 2 can be barged)" % (field, value))
    return value


def _nullable(check):
    """Null clears the field; the empty string is refused so that clearing is explicit."""
    def nullable(field, value):
        if value is None:
            return None
        if value == "":
            raise Refusal("Invalid %s: use null, not the empty string, to clear it" % field)
        return check(field, value)
    return nullable


def _ip_parser(parse, expected):
    def ip_value(field, value):
        try:
            parse(_text(field, value))
        except ValueError:
            raise Refusal("Invalid %s %r: expected %s" % (field, value, expected)) from None
        return value
    return ip_value


SETTINGS = {
    "name": _text,
    "zone": _zone,
    "can_hotdesk": _boolean,
    "can_forward": _boolean,
    "qualify": _boolean_or_empty,
    "call_group": _nullable(_label),
    "access": _label,
    "nat_mode": _boolean,
    "nat_ipaddr": _label,
    "ntp": _label,
    "codec_list": _label,
    "barge": _barge,
    "ip_addr": _nullable(_ip_parser(ipaddress.ip_interface, "null or an IP address with mask, e.g. 192.0.2.10/24")),
    "ip_dns1": _nullable(_ip_parser(ipaddress.ip_address, "null or an IP address")),
    "ip_dns2": _nullable(_ip_parser(ipaddress.ip_address, "null or an IP address")),
    "ip_gateway": _nullable(_ip_parser(ipaddress.ip_address, "null or an IP address")),
    "ip_domain": _nullable(_label),
}


def phone_type_of(value):
    """A known phone type, or a refusal that points at readtypes."""
    if value not in KNOWN_TYPES:
        raise Refusal("Unknown phone_type %r: see readtypes for the valid types" % (value,))
    return value


def settings_of(values):
    """Validated per-port settings; any other key is refused."""
    clean = {}
    for field, value in values.items():
        if field not in SETTINGS:
            raise Refusal("Unknown field %s" % field)
        clean[field] = SETTINGS[field](field, value)
    return clean


def update_values(values):
    """(settings, phone_type or None) of an ``update``, with the vendor's rules enforced."""
    if not values:
        raise Refusal("No values to update")
    if "company" in values:
        raise Refusal("The company field cannot be edited: use the assign call")
    given_ip = [field for field in IP_FIELDS if field in values]
    if given_ip and len(given_ip) != len(IP_FIELDS):
        raise Refusal("The ip_ fields must be set together: %s" % ", ".join(IP_FIELDS))
    settings = dict(values)
    phone_type = settings.pop("phone_type", None)
    if "phone_type" in values:
        phone_type = phone_type_of(phone_type)
    return settings_of(settings), phone_type


def create_values(values):
    """(mac, name, company, phone_type) of a ``create``; mac comes from phoneid when empty."""
    unknown = sorted(set(values) - {"mac", "phoneid", "name", "company", "phone_type"})
    if unknown:
        raise Refusal("Unknown field %s: create accepts mac, phoneid, name, company, phone_type" % unknown[0])
    if _given(values.get("mac")):
        mac = mac_of(values["mac"])
    elif _given(values.get("phoneid")):
        mac = phoneid_of(values["phoneid"])[0]
    else:
        raise Refusal("A mac or phoneid is required")
    if not _given(values.get("company")):
        raise Refusal("A company is required")
    name = _text("name", values.get("name", ""))
    return mac, name, _text("company", values["company"]), phone_type_of(values.get("phone_type"))


def new_port(name=""):
    """Settings of a new port row."""
    return dict(DEFAULTS, name=name)
