# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Helpers for tests: run the emulator as a subprocess and drive its control API.

Standard library only (``self_signed_certificate`` also needs ``cryptography``), so any test
suite can use them.
"""

import datetime
import ipaddress
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from ipcortex_emulator.dialplan import WRITE_VERBS

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START_TIMEOUT = 30


class EmulatorError(RuntimeError):
    """The emulator did not start, or a control call failed."""


class Control:
    """Client of the control API under ``/_emulator/``."""

    def __init__(self, url, cafile=None, timeout=30):
        self.url = url.rstrip("/") + "/_emulator/"
        self.timeout = timeout
        self._context = ssl.create_default_context(cafile=cafile) if url.startswith("https") else None

    def _call(self, method, name, body=None):
        data = json.dumps(body).encode("utf-8") if body is not None else b""
        request = urllib.request.Request(self.url + name, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self._context) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise EmulatorError("%s %s: %s" % (method, name, error.read().decode("utf-8", "replace"))) from None

    def log(self):
        return self._call("GET", "log")["entries"]

    def writes(self):
        return [entry for entry in self.log() if entry["verb"] in WRITE_VERBS]

    def clear_log(self):
        self._call("DELETE", "log")

    def faults(self):
        return self._call("GET", "faults")

    def set_faults(self, **spec):
        self._call("POST", "faults", spec)

    def clear_faults(self):
        self._call("DELETE", "faults")

    def reset(self, seed_path=None):
        self._call("POST", "reset", {"seed": seed_path} if seed_path else {})

    def state(self):
        return self._call("GET", "state")

    def expire_sessions(self):
        return self._call("POST", "expire-sessions")["expired"]


class EmulatorProcess:
    """The emulator in a subprocess on a free port: ``start()``, ``.url``, ``.control``, ``stop()``.

    Keyword arguments become command-line options (``session_ttl=5`` → ``--session-ttl 5``;
    ``status_200=True`` → ``--status-200``; ``faults`` may be a dict).
    """

    def __init__(self, cafile=None, **options):
        self.options = options
        self.cafile = cafile or options.get("cert")
        self.url = None
        self.control = None
        self._process = None
        self._workdir = None

    def command(self, url_file):
        command = [sys.executable, "-m", "ipcortex_emulator", "--port", "0", "--url-file", url_file]
        for name, value in self.options.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                command.append(flag)
            elif value is not None and value is not False:
                command += [flag, json.dumps(value) if isinstance(value, dict) else str(value)]
        return command

    def start(self):
        self._workdir = tempfile.TemporaryDirectory(prefix="ipcortex-emulator-")
        url_file = os.path.join(self._workdir.name, "url")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")])))
        with open(os.path.join(self._workdir.name, "stderr"), "wb") as stderr:
            self._process = subprocess.Popen(self.command(url_file), env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(url_file):
            if self._process.poll() is not None or time.monotonic() > deadline:
                message = self.stderr()
                self.stop()
                raise EmulatorError("the emulator did not start: %s" % message)
            time.sleep(0.02)
        with open(url_file, encoding="utf-8") as stream:
            self.url = stream.read().strip()
        self.control = Control(self.url, cafile=self.cafile)
        return self

    def stderr(self):
        with open(os.path.join(self._workdir.name, "stderr"), encoding="utf-8", errors="replace") as stream:
            return stream.read()

    def stop(self):
        """Stop with SIGTERM (SIGKILL if it hangs); returns the exit status."""
        status = None
        if self._process is not None:
            self._process.terminate()
            try:
                status = self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                status = self._process.wait()
            self._process = None
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None
        return status

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def self_signed_certificate(directory):
    """Write a self-signed certificate for 127.0.0.1 and its key into ``directory``: (cert path, key path)."""
    # Imported here so that the rest of this module needs the standard library only.
    # pylint: disable=import-outside-toplevel
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(str(directory), "cert.pem"), os.path.join(str(directory), "key.pem")
    with open(cert_path, "wb") as stream:
        stream.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as stream:
        stream.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path
