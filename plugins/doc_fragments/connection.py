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
      - If not set, the value of the E(IPCORTEX_URL) environment variable is used.
    type: str
    required: true
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
      - How often to retry a request that failed transiently (connection not made, a read timed out, HTTP 429, 502, 503 or 504),
        with exponential back-off and jitter, honouring the server's C(Retry-After).
      - A write whose outcome is unknown (timed out or cut off after sending) is never sent again blindly; the phone is read and the plan made again.
      - If not set, the value of the E(IPCORTEX_RETRIES) environment variable is used.
    type: int
    default: 3
notes:
  - Exactly one of O(api_key) or O(username) and O(password) must be given, as options or through the environment.
  - Secrets are never logged and never returned.
requirements:
  - requests
'''
