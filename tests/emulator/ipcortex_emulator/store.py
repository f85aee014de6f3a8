# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's state in SQLite: companies, users, devices and their port rows.

A file database uses one connection per thread in WAL mode, so readers never wait for
a writer. An in-memory database lives in one connection, shared under a lock (a private
memory database per thread would hold different data). Each public method is one
transaction. Port settings are stored as JSON so that their types (bool, "", null)
round-trip exactly.
"""

import contextlib
import hashlib
import json
import secrets
import sqlite3
import threading
import time

from ipcortex_emulator.catalog import port_count
from ipcortex_emulator.rules import ROW_KEYS, new_port

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS companies (name TEXT PRIMARY KEY, description TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    login TEXT PRIMARY KEY, id INTEGER NOT NULL, name TEXT NOT NULL, company TEXT NOT NULL,
    role TEXT NOT NULL, administers TEXT NOT NULL, password_digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (key_digest TEXT PRIMARY KEY, login TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    mac TEXT PRIMARY KEY, phone_type TEXT NOT NULL, active INTEGER NOT NULL, created INTEGER NOT NULL,
    reboots INTEGER NOT NULL DEFAULT 0, last_reboot REAL,
    newpass_count INTEGER NOT NULL DEFAULT 0, last_newpass REAL);
CREATE TABLE IF NOT EXISTS ports (
    mac TEXT NOT NULL, port INTEGER NOT NULL, company TEXT, settings TEXT NOT NULL,
    sip_password TEXT NOT NULL, PRIMARY KEY (mac, port));
"""
TABLES = ("meta", "companies", "users", "api_keys", "devices", "ports")


def digest(secret):
    """Passwords and API keys are kept as digests: the state file holds no login secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _sip_password():
    return secrets.token_urlsafe(12)


def _row(record):
    """A read row in the vendor's shape from a joined ports/devices record."""
    values = json.loads(record["settings"])
    values.update(mac=record["mac"], port=record["port"], company=record["company"], phone_type=record["phone_type"])
    return {key: values[key] for key in ROW_KEYS}


class _Locked:
    """The shared connection of a memory database, held for one use."""

    def __init__(self, db, lock):
        self.db = db
        self.lock = lock

    def __enter__(self):
        self.lock.acquire()
        return self.db

    def __exit__(self, *exc_info):
        self.lock.release()


class Store:
    """All state the emulator keeps (sessions and the request log live in memory elsewhere)."""

    def __init__(self, path=":memory:"):
        self.path = path
        self._memory = path == ":memory:"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._shared = self._connect() if self._memory else None
        with self._connection() as db:
            db.executescript(SCHEMA)

    def _connect(self):
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        db.row_factory = sqlite3.Row
        if not self._memory:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _connection(self):
        """A context manager giving this thread's connection (the shared one, under the lock)."""
        if self._memory:
            return _Locked(self._shared, self._lock)
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return contextlib.nullcontext(db)

    @contextlib.contextmanager
    def _transaction(self):
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def close(self):
        """Close this thread's connection (the shared one for a memory database)."""
        with self._connection() as db:
            db.close()
        self._local.db = None

    # --- seeding -------------------------------------------------------------------

    def is_seeded(self):
        with self._connection() as db:
            return db.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone() is not None

    def load(self, seed):
        """Replace the whole state with a validated seed (see seed.py)."""
        with self._transaction() as db:
            for table in TABLES:
                db.execute("DELETE FROM %s" % table)  # table names are constants
            db.executemany("INSERT INTO companies VALUES (?, ?)", [(c["name"], c["description"]) for c in seed["companies"]])
            for number, user in enumerate(seed["users"], start=1):
                db.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)", (
                    user["login"], number, user["name"], user["company"], user["role"],
                    json.dumps(user["administers"]), digest(user["password"])))
                db.executemany("INSERT INTO api_keys VALUES (?, ?)", [(digest(key), user["login"]) for key in user["api_keys"]])
            for device in seed["devices"]:
                self._insert_device(db, device["mac"], device["phone_type"], device["active"], device["created"], device["ports"])
            db.execute("INSERT INTO meta VALUES ('seeded', ?)", (str(time.time()),))

    @staticmethod
    def _insert_device(db, mac, phone_type, active, created, ports):
        db.execute("INSERT INTO devices (mac, phone_type, active, created) VALUES (?, ?, ?, ?)", (mac, phone_type, int(active), created))
        db.executemany("INSERT INTO ports VALUES (?, ?, ?, ?, ?)", [
            (mac, port, company, json.dumps(settings), _sip_password()) for port, (company, settings) in enumerate(ports)])

    # --- users ---------------------------------------------------------------------

    def user_by_key(self, key):
        with self._connection() as db:
            record = db.execute("SELECT u.* FROM api_keys k JOIN users u USING (login) WHERE k.key_digest = ?", (digest(key),)).fetchone()
        return dict(record) if record else None

    def user_by_login(self, login):
        with self._connection() as db:
            record = db.execute("SELECT * FROM users WHERE login = ?", (login,)).fetchone()
        return dict(record) if record else None

    def companies(self):
        with self._connection() as db:
            return [record["name"] for record in db.execute("SELECT name FROM companies ORDER BY name")]

    def has_company(self, name):
        with self._connection() as db:
            return db.execute("SELECT 1 FROM companies WHERE name = ?", (name,)).fetchone() is not None

    # --- devices -------------------------------------------------------------------

    def device_state(self, mac):
        """'active', 'inactive' or None."""
        with self._connection() as db:
            record = db.execute("SELECT active FROM devices WHERE mac = ?", (mac,)).fetchone()
        if record is None:
            return None
        return "active" if record["active"] else "inactive"

    def rows(self, mac, port=None):
        """Port rows of an active device (one row when port is given), in port order."""
        query = "SELECT p.*, d.phone_type FROM ports p JOIN devices d USING (mac) WHERE d.active = 1 AND p.mac = ?"
        params = (mac,)
        if port is not None:
            query += " AND p.port = ?"
            params = (mac, port)
        with self._connection() as db:
            return [_row(record) for record in db.execute(query + " ORDER BY p.port", params)]

    def create(self, mac, phone_type, company, name):
        """A new active device with all its port rows; returns the number of rows."""
        ports = [(company, new_port(name)) for _port in range(port_count(phone_type))]
        with self._transaction() as db:
            self._insert_device(db, mac, phone_type, True, int(time.time()), ports)
        return len(ports)

    def update(self, mac, port, settings, phone_type=None):
        """Write settings to the selected rows of an active device; returns the number of rows updated.

        A new phone_type applies to the whole device; rows are added (copying company and
        name from port 0, other settings default) or removed from the top to fit its port count.
        """
        with self._transaction() as db:
            device = db.execute("SELECT phone_type FROM devices WHERE mac = ? AND active = 1", (mac,)).fetchone()
            if device is None:
                return 0
            if phone_type is not None and phone_type != device["phone_type"]:
                self._resize(db, mac, port_count(phone_type))
                db.execute("UPDATE devices SET phone_type = ? WHERE mac = ?", (phone_type, mac))
            query, params = "SELECT port, settings FROM ports WHERE mac = ?", (mac,)
            if port is not None:
                query, params = query + " AND port = ?", (mac, port)
            updates = []
            for record in db.execute(query, params).fetchall():
                merged = dict(json.loads(record["settings"]), **settings)
                updates.append((json.dumps(merged), mac, record["port"]))
            db.executemany("UPDATE ports SET settings = ? WHERE mac = ? AND port = ?", updates)
        return len(updates)

    @staticmethod
    def _resize(db, mac, count):
        current = db.execute("SELECT COUNT(*) FROM ports WHERE mac = ?", (mac,)).fetchone()[0]
        if count < current:
            db.execute("DELETE FROM ports WHERE mac = ? AND port >= ?", (mac, count))
            return
        first = db.execute("SELECT company, settings FROM ports WHERE mac = ? AND port = 0", (mac,)).fetchone()
        template = json.dumps(new_port(json.loads(first["settings"])["name"]))
        db.executemany("INSERT INTO ports VALUES (?, ?, ?, ?, ?)", [
            (mac, port, first["company"], template, _sip_password()) for port in range(current, count)])

    def delete(self, mac, active=True):
        """Remove an active (or, with active=False, a waiting) device; returns the rows removed."""
        with self._transaction() as db:
            if db.execute("DELETE FROM devices WHERE mac = ? AND active = ?", (mac, int(active))).rowcount == 0:
                return 0
            return db.execute("DELETE FROM ports WHERE mac = ?", (mac,)).rowcount

    def record_reboot(self, mac):
        """Count a reboot request; returns {port: company} of the device (empty if none)."""
        with self._transaction() as db:
            db.execute("UPDATE devices SET reboots = reboots + 1, last_reboot = ? WHERE mac = ? AND active = 1", (time.time(), mac))
            return self._companies_by_port(db, mac)

    def record_newpass(self, mac):
        """Give every port a new SIP password and count it; returns {port: company}."""
        with self._transaction() as db:
            db.execute("UPDATE devices SET newpass_count = newpass_count + 1, last_newpass = ? WHERE mac = ? AND active = 1", (time.time(), mac))
            ports = self._companies_by_port(db, mac)
            db.executemany("UPDATE ports SET sip_password = ? WHERE mac = ? AND port = ?", [(_sip_password(), mac, port) for port in ports])
            return ports

    @staticmethod
    def _companies_by_port(db, mac):
        query = "SELECT p.port, p.company FROM ports p JOIN devices d USING (mac) WHERE d.active = 1 AND p.mac = ? ORDER BY p.port"
        return {record["port"]: record["company"] for record in db.execute(query, (mac,))}

    def promote(self, mac, company):
        """Activate a waiting device into a company, all ports; returns the number of rows."""
        with self._transaction() as db:
            if db.execute("UPDATE devices SET active = 1 WHERE mac = ? AND active = 0", (mac,)).rowcount == 0:
                return 0
            return db.execute("UPDATE ports SET company = ? WHERE mac = ?", (company, mac)).rowcount

    def assign(self, mac, port, company):
        """Move the selected rows to a company; returns {port: company} of the rows moved."""
        query, params = "UPDATE ports SET company = ? WHERE mac = ?", (company, mac)
        if port is not None:
            query, params = query + " AND port = ?", params + (port,)
        with self._transaction() as db:
            db.execute(query, params)
            return self._companies_by_port(db, mac) if port is None else {port: company}

    def listing(self, active, companies=None):
        """Rows of the active/inactive lists: one per port row, in phoneid order."""
        query = "SELECT p.mac, p.port, p.company, d.phone_type, d.created FROM ports p JOIN devices d USING (mac) WHERE d.active = ?"
        params = [int(active)]
        if companies is not None:
            query += " AND p.company IN (%s)" % ",".join("?" * len(companies))
            params.extend(companies)
        with self._connection() as db:
            return [dict(record) for record in db.execute(query + " ORDER BY p.mac, p.port", params)]

    def dump(self):
        """Everything but secrets, for the control API's state endpoint."""
        with self._connection() as db:
            devices = [dict(record) for record in db.execute("SELECT * FROM devices ORDER BY mac")]
            ports = db.execute("SELECT p.*, d.phone_type FROM ports p JOIN devices d USING (mac) ORDER BY p.mac, p.port").fetchall()
            companies = [dict(record) for record in db.execute("SELECT * FROM companies ORDER BY name")]
        by_mac = {}
        for record in ports:
            by_mac.setdefault(record["mac"], []).append(_row(record))
        for device in devices:
            device["state"] = "active" if device.pop("active") else "inactive"
            device["ports"] = by_mac.get(device["mac"], [])
        return {"companies": companies, "devices": devices}
