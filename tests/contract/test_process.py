# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator as a process: command line, HTTPS, SQLite persistence, concurrency."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest
import requests

from contract_helpers import ACME_ATA, ACME_PHONE, EMULATOR, SEEDS, Api, key_auth
from ipcortex_emulator.testing import EmulatorError, EmulatorProcess, self_signed_certificate


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert path, key path)."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def test_https_with_a_self_signed_certificate(certificate):
    cert, key = certificate
    with EmulatorProcess(cert=cert, key=key) as emulator:
        assert emulator.url.startswith("https://127.0.0.1:")
        api = Api(emulator.url, verify=cert)
        assert api.ok("read", {"mac": ACME_PHONE})["numrows"] == 1
        login = api.post("/rest/auth/", {"auth": {"type": "auth", "username": "admin", "password": "admin-pass"}})
        assert "Secure" in login.headers["Set-Cookie"]
        with pytest.raises(requests.exceptions.SSLError):
            requests.post(emulator.url + "/rest/dialplan/read/", json={}, timeout=10)
        assert emulator.control.log()[0]["verb"] == "read"


def test_state_persists_in_a_sqlite_file(tmp_path):
    db = str(tmp_path / "pbx.sqlite")
    with EmulatorProcess(db=db) as emulator:
        Api(emulator.url).ok("update", {"mac": ACME_PHONE, "port": 0}, {"name": "Kept"})
        Api(emulator.url).ok("reboot", {"mac": ACME_PHONE})
    with EmulatorProcess(db=db, seed=os.path.join(SEEDS, "demo.yml")) as emulator:
        # an existing file is not seeded again
        assert Api(emulator.url).rows(ACME_PHONE)[0]["name"] == "Kept"
        assert next(d for d in emulator.control.state()["devices"] if d["mac"] == ACME_PHONE)["reboots"] == 1


def test_newpass_changes_the_stored_sip_password_that_is_never_returned(tmp_path):
    db = str(tmp_path / "pbx.sqlite")

    def passwords():
        with sqlite3.connect(db) as connection:
            return dict(connection.execute("SELECT port, sip_password FROM ports WHERE mac = ?", (ACME_ATA,)).fetchall())

    with EmulatorProcess(db=db) as emulator:
        api = Api(emulator.url)
        before = passwords()
        reply = api.call("newpass", {"mac": ACME_ATA})
        after = passwords()
        assert set(after) == {0, 1} and all(after[port] != before[port] for port in after)
        everything = reply.text + api.call("read", {"mac": ACME_ATA}).text + repr(emulator.control.state())
        assert not any(secret in everything for secret in list(before.values()) + list(after.values()))


def test_concurrent_writes_are_safe(tmp_path):
    with EmulatorProcess(db=str(tmp_path / "pbx.sqlite")) as emulator:
        results = []

        def writer(number):
            session = Api(emulator.url)
            for round_number in range(10):
                reply = session.call("update", {"mac": ACME_ATA, "port": number % 2}, {"name": "w%d-%d" % (number, round_number)})
                results.append(reply.json()["result"])
                session.ok("reboot", {"mac": ACME_ATA})

        threads = [threading.Thread(target=writer, args=(number,)) for number in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == ["success"] * 60
        assert next(d for d in emulator.control.state()["devices"] if d["mac"] == ACME_ATA)["reboots"] == 60


def test_command_prints_the_url_and_stops_cleanly_on_sigterm():
    env = dict(os.environ, PYTHONPATH=EMULATOR)
    process = subprocess.Popen([sys.executable, "-m", "ipcortex_emulator", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line.startswith("IPCORTEX_EMULATOR_URL=http://127.0.0.1:")
    url = line.strip().split("=", 1)[1]
    assert requests.post(url + "/rest/dialplan/readtypes", json={"type": "phone", "auth": key_auth()}, timeout=10).status_code == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    process.stdout.close()


@pytest.mark.parametrize("options, message", [
    ({"seed": "/nonexistent.yml"}, "No such file"),
    ({"faults": {"rate": 5}}, "rate must be between 0 and 1"),
])
def test_bad_options_stop_it_with_a_message(options, message):
    with pytest.raises(EmulatorError, match=message):
        EmulatorProcess(**options).start()


@pytest.mark.parametrize("text, message", [
    ("companies: [{name: acme}]\nphones: {active: [{mac: 000413aa0001, phone_type: snomD345, company: acme, barge: 7}]}", "Invalid barge 7"),
    ("companies: [{name: acme}]\nphones: {active: [{mac: 000413aa0001, phone_type: snomD345, company: initech}]}", "unknown company initech"),
    ("companies: [{name: default}]\nusers: [{login: x}]", "missing key 'password'"),
    ("companies: [", "bad.yml"),
])
def test_invalid_seed_is_reported(tmp_path, text, message):
    seed = tmp_path / "bad.yml"
    seed.write_text(text)
    with pytest.raises(EmulatorError, match=message):
        EmulatorProcess(seed=str(seed)).start()
