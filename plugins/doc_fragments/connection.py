# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the PBX, for example V(https://pbx.example.com). The API lives under C(/rest/).
      - Required, here or through the environment. It must start with C(https://) (or C(http://)); a URL without one fails before any request.
      - Credentials written into it (C(https://user:secret@pbx.example.com)) are masked in every message and result.
      - If not set, the value of the E(IPCORTEX_URL) environment variable is used.
    type: str
  api_key:
    description:
      - An API key (the C(Auth Key) token made on a user's page of the PBX). It carries that user's permissions.
      - The preferred way to authenticate; every call is stateless.
      - Give either O(api_key) or O(username) and O(password).
      - If not set, the value of the E(IPCORTEX_API_KEY) environment variable is used.
    type: str
  username:
    description:
      - Login of a PBX user. With O(password), the module logs in once per run, renews an expired session once, and logs out at the end.
      - If not set, the value of the E(IPCORTEX_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(IPCORTEX_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the PBX's TLS certificate. Set to V(false) only for a test system with a self-signed certificate.
      - If not set, the value of the E(IPCORTEX_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to trust instead of the system's, for a PBX with a private CA.
      - If not set, the value of the E(IPCORTEX_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request.
      - If not set, the value of the E(IPCORTEX_TIMEOUT) environment variable is used.
    type: int
    default: 30
  retries:
    description:
      - How often to retry a request that failed transiently, with exponential back-off and jitter, honouring the server's C(Retry-After).
      - A read is retried after any transient failure (connection errors, timeouts, HTTP 429, 502, 503 or 504).
      - A write is sent again only when the PBX cannot have acted on it (HTTP 429 or 503, or a connection that was never made).
        After HTTP 502 or 504 (a gateway may have passed the write on), a timeout or a cut connection its outcome is unknown; the phone is
        read and the plan made again instead of resending. C(reboot) and C(newpass) are never sent again.
      - A failed or timed-out read never makes a task changed.
      - If not set, the value of the E(IPCORTEX_RETRIES) environment variable is used.
    type: int
    default: 3
notes:
  - Exactly one of O(api_key) or O(username) and O(password) must be given, as options or through the environment.
  - Secrets are never logged and never returned.
requirements:
  - requests
'''
