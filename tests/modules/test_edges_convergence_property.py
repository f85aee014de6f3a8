# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property-based convergence: generated PBX states against generated fleets, over HTTP.

For each pair of a PBX state (single- and multi-port devices, ports in different companies,
phones waiting to be provisioned) and a declared fleet (merged, overridden or deleted, with
random companies and guardrails), the fleet logic runs with a real client against the
emulator, reset to the generated state before each example:

- check mode sends no write and predicts the real run: the same results, failures and warnings;
- a second real run changes nothing and sends no write;
- nothing outside the declared scope is deleted, and a device with a port outside
  ``companies`` never is;
- input refused before any write sent none, and a device refused whole is left as it was.

Derandomized, so every run tries the same examples (PROPERTY_RANDOM=1 draws new ones); a
failure prints the example and the blob that reproduces it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import HealthCheck, Phase, event, given, settings  # noqa: E402  pylint: disable=wrong-import-position
from hypothesis import strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.ipcortex.pbx.plugins.module_utils._converge import TypeCatalog  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.ipcortex.pbx.plugins.module_utils._fleet import (  # noqa: E402  pylint: disable=wrong-import-position
    Fleet,
    FleetInputError,
    desired_fleet,
)

from pbx_helpers import REPO, SYSADMIN_KEY  # noqa: E402  pylint: disable=import-error,wrong-import-position

MACS = ['0004130a%04x' % number for number in range(1, 7)]
PORTS = {'snom320': 1, 'yealinkT46': 1, 'spa112': 2, 'pap2t': 2}
COMPANIES = ['default', 'acme', 'globex']
NAMES = ['', 'Desk', 'Fax', 'Lobby']
ZONES = ['', 'Europe/London', 'US/Eastern']
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "150"))  # PROPERTY_EXAMPLES=1000 for a longer hunt

with open(os.path.join(REPO, 'tests', 'emulator', 'seeds', 'default.yml')) as stream:
    BASE_SEED = yaml.safe_load(stream)


@st.composite
def pbx_states(draw):
    """{mac: device}: absent MACs are left out."""
    devices = {}
    for mac in MACS:
        kind = draw(st.sampled_from(['active', 'absent', 'waiting', 'active']))
        if kind == 'absent':
            continue
        phone_type = draw(st.sampled_from(sorted(PORTS)))
        if kind == 'waiting':
            devices[mac] = {'state': 'waiting', 'phone_type': phone_type}
            continue
        ports = [{'company': draw(st.sampled_from(COMPANIES)), 'name': draw(st.sampled_from(NAMES)),
                  'barge': draw(st.integers(0, 3))} for _port in range(PORTS[phone_type])]
        devices[mac] = {'state': 'active', 'phone_type': phone_type, 'ports': ports}
    return devices


def usually(draw, likely, other):
    """``likely`` three times in four, else one of ``other``: fleets mostly fit the PBX, sometimes not."""
    return likely if draw(st.integers(0, 3)) != 3 else draw(st.sampled_from(other))


@st.composite
def entries_for(draw, mac, device):
    current = device['phone_type'] if device else None
    phone_type = usually(draw, current, sorted(PORTS)) if current else draw(st.sampled_from(sorted(PORTS)))
    ports = list(range(PORTS[phone_type])) + ([2] if draw(st.integers(0, 9)) == 9 else [])
    entries = []
    for port in draw(st.lists(st.sampled_from(ports), unique=True, min_size=1, max_size=2)):
        entry = {'mac': mac, 'port': port}
        if draw(st.integers(0, 2)) or not device:
            entry['phone_type'] = phone_type
        rows = device.get('ports', []) if device else []
        company = rows[port]['company'] if port < len(rows) else (rows[0]['company'] if rows else draw(st.sampled_from(COMPANIES)))
        if draw(st.integers(0, 2)) or not rows:
            entry['company'] = usually(draw, company, COMPANIES)
        for key, values in (('name', NAMES), ('zone', ZONES), ('barge', [0, 2, 3, ['can_be_barged'], ['can_barge', 'can_be_barged']]),
                            ('reassign', [True, False])):
            if draw(st.booleans()):
                entry[key] = draw(st.sampled_from(values))
        entries.append(entry)
    return entries


@st.composite
def scenarios(draw):
    """A PBX state and a fleet declared against it."""
    devices = draw(pbx_states())
    state = draw(st.sampled_from(['merged', 'merged', 'overridden', 'overridden', 'deleted']))
    companies = draw(st.lists(st.sampled_from(COMPANIES), unique=True, min_size=1 if state == 'overridden' else 0, max_size=3))
    entries = []
    for mac in draw(st.lists(st.sampled_from(MACS), unique=True, min_size=1, max_size=5)):
        entries += draw(entries_for(mac, devices.get(mac)))
    entries = draw(st.permutations(entries))
    bad = draw(st.sampled_from([None] * 12 + ['barge', 'shape', 'type']))
    if bad and entries:
        index = draw(st.integers(0, len(entries) - 1))
        entries[index] = dict(entries[index], **{'barge': {'barge': 9}, 'shape': {'qualify': [True]}, 'type': {'phone_type': 'snom999'}}[bad])
    declaration = {
        'entries': entries,
        'state': state,
        'companies': companies or None,
        'empty_companies': [company for company in companies if draw(st.integers(0, 3)) != 3] if state == 'overridden' else [],
        'protected': draw(st.lists(st.sampled_from(MACS), unique=True, max_size=1)),
        'max_deletions': draw(st.sampled_from([1, 3, 10])),
    }
    return devices, declaration


def seed_of(devices):
    seed = dict(BASE_SEED)
    active, inactive = [], []
    for mac, device in sorted(devices.items()):
        if device['state'] == 'waiting':
            inactive.append({'mac': mac, 'phone_type': device['phone_type'], 'created': 1700000000})
            continue
        active.append({'mac': mac, 'phone_type': device['phone_type'], 'company': device['ports'][0]['company'], 'created': 1700000000,
                       'ports': dict(enumerate(device['ports']))})
    seed['phones'] = {'active': active, 'inactive': inactive}
    return seed


def run(url, declaration, check_mode):
    """One fleet run as dialplan_phones makes it: what it returned, and the warnings it gave."""
    with PbxClient(url, api_key=SYSADMIN_KEY, retries=0) as client:
        try:
            catalog = TypeCatalog(client)
            fleet, protected = desired_fleet(client, declaration['entries'], declaration['state'], declaration['protected'], catalog)
            runner = Fleet(client, fleet, declaration['state'], declaration['companies'], protected, declaration['max_deletions'],
                           4, check_mode, declaration['empty_companies'], catalog)
            results = runner.run()
        except FleetInputError as exc:
            return ('refused', exc.problems), client.writes_applied
        shown = [(r.desired.mac, r.desired.port, r.action, r.msg, r.diff, sorted(r.warnings)) for r in results]
        return ('ran', shown, sorted(runner.warnings)), client.writes_applied


def active_devices(control):
    return dict((device['mac'], device) for device in control.state()['devices'])


@pytest.fixture(scope='module')
def seeds(tmp_path_factory):
    return tmp_path_factory.mktemp('property-seeds')


# Shrinking a failure over HTTP takes minutes: the failing example is printed as found, with
# the blob that reproduces it; PROPERTY_SHRINK=1 shrinks it.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate) + ((Phase.shrink,) if os.environ.get('PROPERTY_SHRINK') else ())


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get('PROPERTY_RANDOM'), print_blob=True, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(scenario=scenarios())
def test_check_predicts_real_runs_converge_and_nothing_outside_the_scope_is_deleted(emulator, seeds, scenario):
    devices, declaration = scenario
    control = emulator.control
    seed_path = str(seeds / 'seed.yml')
    with open(seed_path, 'w') as stream:
        yaml.safe_dump(seed_of(devices), stream)
    control.reset(seed_path)
    before = active_devices(control)

    predicted, _wrote = run(emulator.url, declaration, check_mode=True)
    assert control.writes() == [], 'check mode sent a write'
    control.clear_log()

    real, _wrote = run(emulator.url, declaration, check_mode=False)
    assert predicted == real
    # What the examples reached (pytest --hypothesis-show-statistics).
    event('refused before any write' if real[0] == 'refused' else declaration['state'])
    for result in real[1] if real[0] == 'ran' else ():
        event('action %s' % result[2])
        if 'refused before any write' in result[3] or 'not deleted' in result[3]:
            event(result[3].split(':')[0] if 'refused' in result[3] else 'shared device kept')
    after = active_devices(control)
    if real[0] == 'refused':
        assert control.writes() == [] and after == before
        return

    # Nothing outside the declared scope is deleted (or demoted, or promoted).
    declared = set(entry['mac'] for entry in declaration['entries'])
    companies = set(declaration['companies'] or ())
    for mac, device in before.items():
        gone = mac not in after
        if device['state'] == 'inactive':
            assert gone is False or mac in declared, 'a waiting phone that was not declared was %s' % ('demoted' if gone else 'promoted')
            assert after.get(mac, {}).get('state', 'inactive') == 'inactive' or mac in declared
            continue
        if not gone:
            continue
        if declaration['state'] == 'deleted':
            assert mac in declared
        else:
            assert declaration['state'] == 'overridden' and mac not in declared and mac not in declaration['protected']
            assert set(port['company'] for port in device['ports']) <= companies, 'a device shared with another company was deleted'

    # A device whose every entry was refused before any write is as it was.
    results = real[1]
    for mac in declared:
        mine = [result for result in results if result[0] == mac]
        if mine and all(result[2] == 'failed' for result in mine):
            assert after.get(mac) == before.get(mac), 'phone %s failed but was written' % mac

    # The second run is unchanged and sends no write.
    control.clear_log()
    again, _wrote = run(emulator.url, declaration, check_mode=False)
    assert control.writes() == [], 'the second run wrote: %r' % (again,)
    assert again[0] == 'ran', again
    assert [result[2] for result in again[1] if result[2] not in ('unchanged', 'failed')] == []
