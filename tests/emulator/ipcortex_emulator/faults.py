# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fault injection for tests of clients: latency, error statuses (also after the call was
handled, as a gateway that gave up on a PBX that acted), dropped connections, stalls and
``result: fail`` refusals.

A fault is chosen per ``/rest/`` request, in this order: the next matching item of the
deterministic ``queue`` (consumed), then a persistent ``fail`` entry, then the random
``rate`` (reproducible with ``seed``). README.md documents the spec.
"""

import random
import re
import threading
from dataclasses import dataclass

KINDS = ("status", "status_after", "drop", "drop_after", "stall", "fail")
DEFAULTS = {
    "latency_ms": 0,
    "rate": 0.0,
    "kinds": ["status"],
    "statuses": [500, 502, 503, 429],
    "retry_after": 1,
    "stall_seconds": 5,
    "verbs": None,
    "seed": None,
    "queue": [],
    "fail": [],
}
ITEM_KEYS = {
    "queue": {"kind", "verb", "mac", "status", "seconds", "message", "retry_after"},
    "fail": {"verb", "mac", "message"},
}
RETRY_STATUSES = (429, 503)
FAIL_MESSAGE = "Injected failure"


@dataclass(frozen=True)
class Fault:
    """What to do to one request."""

    kind: str
    status: int = 200
    seconds: float = 0.0
    message: str = FAIL_MESSAGE
    retry_after: int = 0


def _mac(value):
    """The 12 hex digits of a MAC in any notation, or of a phoneid, so filters match what clients send."""
    return re.sub(r"[^0-9a-f]", "", str(value).lower())[:12] if value else None


def _check_items(name, items):
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError("%s must be a list of objects" % name)
    for item in items:
        unknown = set(item) - ITEM_KEYS[name]
        if unknown:
            raise ValueError("unknown key %s in %s item" % (sorted(unknown)[0], name))
        if name == "queue" and item.get("kind") not in KINDS:
            raise ValueError("queue item kind must be one of %s" % ", ".join(KINDS))


def validate(spec):
    """A complete spec from a partial one; ValueError names what is wrong."""
    if not isinstance(spec, dict):
        raise ValueError("the fault spec must be a JSON object")
    unknown = set(spec) - set(DEFAULTS)
    if unknown:
        raise ValueError("unknown fault key %s: expected %s" % (sorted(unknown)[0], ", ".join(DEFAULTS)))
    full = dict(DEFAULTS, **spec)
    if not 0 <= float(full["rate"]) <= 1:
        raise ValueError("rate must be between 0 and 1")
    if not set(full["kinds"]) <= set(KINDS):
        raise ValueError("kinds must be among %s" % ", ".join(KINDS))
    if not full["statuses"] or not all(isinstance(status, int) and 400 <= status <= 599 for status in full["statuses"]):
        raise ValueError("statuses must be HTTP error statuses (400-599)")
    for name in ITEM_KEYS:
        _check_items(name, full[name])
    return full


class FaultInjector:
    """The current spec and the state it consumes (queue, random generator)."""

    def __init__(self, spec=None):
        self._lock = threading.Lock()
        self.configure(spec or {})

    def configure(self, spec):
        full = validate(spec)
        with self._lock:
            self._spec = full
            self._queue = [dict(item) for item in full["queue"]]
            self._random = random.Random(full["seed"])

    def spec(self):
        """The spec in force, with what is left of the queue."""
        with self._lock:
            return dict(self._spec, queue=list(self._queue))

    def _selected(self, verb):
        verbs = self._spec["verbs"]
        return verbs is None or verb in verbs

    def latency(self, verb):
        """Seconds to wait before handling a request."""
        return self._spec["latency_ms"] / 1000.0 if self._selected(verb) else 0.0

    def pick(self, verb, mac):
        """The fault for a request to ``verb`` about ``mac``, or None."""
        mac = _mac(mac)
        with self._lock:
            for index, item in enumerate(self._queue):
                if item.get("verb") in (None, verb) and _mac(item.get("mac")) in (None, mac):
                    del self._queue[index]
                    return self._fault(item)
            for item in self._spec["fail"]:
                if item.get("verb") in (None, verb) and _mac(item.get("mac")) in (None, mac):
                    return self._fault(dict(item, kind="fail"))
            if self._spec["rate"] and self._selected(verb) and self._random.random() < self._spec["rate"]:
                kind = self._random.choice(self._spec["kinds"])
                return self._fault({"kind": kind, "status": self._random.choice(self._spec["statuses"])})
        return None

    def _fault(self, item):
        kind = item["kind"]
        if kind == "status_after":
            # a gateway's timeout by default: the PBX acted, the client hears 504
            return Fault(kind, status=item.get("status", 504))
        if kind == "status":
            status = item.get("status", 503)
            retry_after = item.get("retry_after", self._spec["retry_after"]) if status in RETRY_STATUSES else 0
            return Fault(kind, status=status, retry_after=retry_after)
        if kind == "stall":
            return Fault(kind, seconds=float(item.get("seconds", self._spec["stall_seconds"])))
        if kind == "fail":
            return Fault(kind, message=item.get("message") or FAIL_MESSAGE)
        return Fault(kind)
