# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one exception every layer raises to refuse a request."""


class Refusal(Exception):
    """A request the PBX answers with ``{"result": "fail", "message": ...}``.

    ``status`` is the HTTP status of the reply: 200 for a refused call that was
    authenticated and well formed (as the real PBX does), otherwise 400/401/404/405.
    """

    def __init__(self, message, status=200):
        super().__init__(message)
        self.message = message
        self.status = status
