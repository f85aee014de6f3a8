# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read a seed file (YAML) into the validated form ``Store.load`` takes.

Phone settings go through the same rules as the API, so a seed cannot hold what the
PBX would refuse. README.md documents the format.
"""

import time

import yaml

from ipcortex_emulator.catalog import port_count
from ipcortex_emulator.errors import Refusal
from ipcortex_emulator.rules import mac_of, new_port, phone_type_of, settings_of

ROLES = ("system-admin", "company-admin", "user")


class SeedError(ValueError):
    """A seed file that cannot be loaded; the message says where."""


def load_seed(path):
    try:
        with open(path, encoding="utf-8") as stream:
            return parse_seed(yaml.safe_load(stream) or {})
    except KeyError as error:
        raise SeedError("%s: missing key %s" % (path, error)) from None
    except (Refusal, TypeError, ValueError, yaml.YAMLError) as error:
        raise SeedError("%s: %s" % (path, getattr(error, "message", error))) from None


def parse_seed(data):
    companies = [{"name": str(c["name"]), "description": str(c.get("description", ""))} for c in data.get("companies", [])]
    names = {c["name"] for c in companies}
    users = [_user(entry, names) for entry in data.get("users", [])]
    phones = data.get("phones") or {}
    devices = [_device(entry, True, names) for entry in phones.get("active", [])]
    devices += [_device(entry, False, names) for entry in phones.get("inactive", [])]
    macs = [device["mac"] for device in devices]
    if len(set(macs)) != len(macs):
        raise ValueError("a MAC appears twice")
    return {"companies": companies, "users": users, "devices": devices}


def _user(entry, companies):
    role = entry.get("role", "user")
    if role not in ROLES:
        raise ValueError("user %s: role must be one of %s" % (entry.get("login"), ", ".join(ROLES)))
    administers = [str(name) for name in entry.get("administers", [])]
    company = str(entry.get("company", "default"))
    unknown = [name for name in administers + [company] if name not in companies]
    if unknown:
        raise ValueError("user %s: unknown company %s" % (entry["login"], unknown[0]))
    keys = entry.get("api_keys", [])
    return {
        "login": str(entry["login"]),
        "name": str(entry.get("name", entry["login"])),
        "password": str(entry["password"]),
        "company": company,
        "role": role,
        "administers": administers if role == "company-admin" else [],
        "api_keys": [str(key) for key in ([keys] if isinstance(keys, str) else keys)],
    }


def _device(entry, active, companies):
    """One device: settings at the top apply to every port, ``ports`` overrides per port."""
    entry = dict(entry)
    mac = mac_of(str(entry.pop("mac")))
    phone_type = phone_type_of(entry.pop("phone_type"))
    created = int(entry.pop("created", time.time()))
    overrides = entry.pop("ports", None) or {}
    company = entry.pop("company", "default") if active else None
    if active and company not in companies:
        raise ValueError("phone %s: unknown company %s" % (mac, company))
    common = settings_of(entry)
    ports = []
    for port in range(port_count(phone_type)):
        settings = dict(overrides.get(port, {}))
        port_company = settings.pop("company", company) if active else None
        if active and port_company not in companies:
            raise ValueError("phone %s port %d: unknown company %s" % (mac, port, port_company))
        ports.append((port_company, {**new_port(), **common, **settings_of(settings)}))
    if set(overrides) - set(range(len(ports))):
        raise ValueError("phone %s: %s has %d ports" % (mac, phone_type, len(ports)))
    return {"mac": mac, "phone_type": phone_type, "active": active, "created": created, "ports": ports}
