# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The log of every ``/rest/`` request, for tests that check what a client sent."""

import collections
import threading

# Enough for any test run; a long benchmark or demo must not grow without bound.
LIMIT = 100000


class RequestLog:
    """Entries numbered from 1 (``seq``) since the last clear."""

    def __init__(self):
        self._entries = collections.deque(maxlen=LIMIT)
        self._seq = 0
        self._lock = threading.Lock()

    def add(self, entry):
        with self._lock:
            self._seq += 1
            self._entries.append(dict(entry, seq=self._seq))

    def entries(self):
        with self._lock:
            return list(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._seq = 0
