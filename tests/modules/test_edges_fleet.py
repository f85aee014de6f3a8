# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The edges of converging phones, one table per class of case, over HTTP against the emulator.

Every case runs in check mode first (no write may be sent), then for real (same actions,
failures, diffs and warnings as predicted), then once more (unchanged, no write).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phone, dialplan_phones

from pbx_helpers import api  # pylint: disable=import-error

ATA = '000e08dd0001'          # made a spa112 per case
DESK = '000413dd0001'         # made a snom320 per case
WAITING_ATA = '000e08cc0002'  # the default seed's waiting two-port spa2102
SEEDED_ACME = ['000413aa0001', '000413aa0002', '000e08aa0003']
SEEDED_GLOBEX = ['001565bb0001', '0004f2bb0002']


def rows_of(pbx, mac):
    return api(pbx.url, 'read', scope={'mac': mac})['values']


def device_macs(pbx, company=None):
    scope = {'company': company} if company else None
    return sorted(set(row['phoneid'][:12] for row in api(pbx.url, 'active', scope=scope)['values']))


def warnings_of(result):
    return sorted(str(warning) for warning in result.get('warnings', []) if 'validate_certs' not in str(warning))


def comparable(result):
    """What check mode must predict of a real run."""
    shown = dict((key, result.get(key)) for key in ('changed', 'failed', 'summary', 'diff', 'action'))
    if 'results' in result:
        shown['results'] = [(entry['phoneid'], entry['action'], entry['changed'], entry.get('diff'), entry['msg']) for entry in result['results']]
    if 'msg' in result and result.get('failed'):
        shown['msg'] = result['msg']
    shown['warnings'] = warnings_of(result)
    return shown


@pytest.fixture
def three_runs(pbx, call_module):
    """Check mode, real run, second run; asserts what every case must hold and returns the real run."""
    def run(module, expect_failure=False, **args):
        pbx.control.clear_log()
        predicted = call_module(module, check_mode=True, **args)
        assert pbx.control.writes() == [], 'check mode sent a write'
        real = call_module(module, **args)
        assert comparable(predicted) == comparable(real)
        assert bool(real.get('failed')) is expect_failure, real.get('msg')
        pbx.control.clear_log()
        again = call_module(module, **args)
        if not expect_failure:
            assert again['changed'] is False and pbx.control.writes() == [], again
        return real
    return run


@pytest.fixture
def ata(pbx):
    def make(port1_company=None, mac=ATA, company='acme', phone_type='spa112'):
        api(pbx.url, 'create', values={'mac': mac, 'company': company, 'phone_type': phone_type, 'name': 'ATA'})
        if port1_company:
            api(pbx.url, 'assign', scope={'mac': mac, 'port': 1, 'company': company}, values={'company': port1_company})
        return mac
    return make


@pytest.fixture
def desk(pbx):
    api(pbx.url, 'create', values={'mac': DESK, 'company': 'acme', 'phone_type': 'snom320', 'name': 'Desk'})
    return DESK


def acme_declared():
    return [{'mac': mac} for mac in SEEDED_ACME]


# --- overridden keeps devices shared with companies outside its scope --------------------

@pytest.mark.parametrize('owner, foreign, companies', [
    ('acme', 'globex', ['acme']),            # port 1 moved out of scope
    ('globex', 'acme', ['acme']),            # port 0 out of scope, port 1 in it
    ('acme', 'default', ['acme', 'globex']),
])
def test_overridden_never_deletes_a_device_with_a_port_outside_companies(pbx, ata, three_runs, owner, foreign, companies):
    ata(port1_company=foreign, company=owner)
    declared = acme_declared() + ([{'mac': mac} for mac in SEEDED_GLOBEX] if 'globex' in companies else [])
    result = three_runs(dialplan_phones, phones=declared, state='overridden', companies=companies)
    kept = [entry for entry in result['results'] if entry['mac'] == ATA]
    assert len(kept) == 1 and kept[0]['action'] == 'unchanged' and 'is not deleted' in kept[0]['msg']
    assert 'outside companies' in kept[0]['msg']
    assert any(ATA in warning and 'not deleted' in warning for warning in warnings_of(result))
    assert len(rows_of(pbx, ATA)) == 2 and result['summary']['deleted'] == 0


def test_overridden_still_deletes_a_device_whose_ports_are_all_in_companies(pbx, ata, three_runs):
    ata(port1_company='globex')
    result = three_runs(dialplan_phones, phones=acme_declared() + [{'mac': SEEDED_GLOBEX[0]}], state='overridden',
                        companies=['acme', 'globex'])
    assert sorted(entry['mac'] for entry in result['results'] if entry['action'] == 'deleted') == sorted([ATA, SEEDED_GLOBEX[1]])
    assert rows_of(pbx, ATA) == []


# --- overridden empties a company only when told to ---------------------------------------

@pytest.mark.parametrize('phones, companies, empty, fragments', [
    (acme_declared(), ['acme', 'globex'], [], ['empty_companies: phones declares no phone of company globex', '(2: ']),
    ([], ['globex'], [], ['company globex', 'add it to empty_companies']),
    (acme_declared(), ['acme'], ['globex'], ['empty_companies: globex is not one of companies']),
    (acme_declared() + [{'mac': DESK, 'company': 'globex', 'phone_type': 'snom320'}], ['acme', 'globex'], ['globex'],
     ['empty_companies: globex is declared empty, but phones gives it as the company of a phone']),
])
def test_emptying_a_company_needs_empty_companies(pbx, call_module, phones, companies, empty, fragments):
    before = pbx.control.state()
    pbx.control.clear_log()
    result = call_module(dialplan_phones, phones=phones, state='overridden', companies=companies, empty_companies=empty, max_deletions=10)
    assert result['failed'] and result['msg'].startswith('nothing was changed')
    for fragment in fragments:
        assert fragment in result['msg'], result['msg']
    assert pbx.control.writes() == [] and pbx.control.state() == before


def test_a_company_in_empty_companies_is_emptied(pbx, three_runs):
    result = three_runs(dialplan_phones, phones=acme_declared(), state='overridden', companies=['acme', 'globex'], empty_companies=['globex'])
    assert sorted(entry['mac'] for entry in result['results'] if entry['action'] == 'deleted') == sorted(SEEDED_GLOBEX)
    assert device_macs(pbx, 'globex') == []


def test_a_company_without_phones_on_the_pbx_needs_no_opt_in(pbx, three_runs):
    result = three_runs(dialplan_phones, phones=acme_declared(), state='overridden', companies=['acme', 'default'])
    assert result['changed'] is False


def test_a_company_declared_only_through_existing_rows_counts_as_declared(pbx, three_runs):
    # Entries without company still declare the company the PBX holds them in.
    result = three_runs(dialplan_phones, phones=acme_declared() + [{'mac': SEEDED_GLOBEX[0], 'name': 'Globex front'}],
                        state='overridden', companies=['acme', 'globex'])
    assert [entry['mac'] for entry in result['results'] if entry['action'] == 'deleted'] == [SEEDED_GLOBEX[1]]


# --- a narrowed scope never creates what exists elsewhere ----------------------------------

@pytest.mark.parametrize('state, companies, entry, action', [
    ('merged', ['acme'], {'mac': SEEDED_GLOBEX[0], 'name': 'Renamed'}, 'updated'),
    ('merged', ['acme'], {'mac': SEEDED_GLOBEX[0], 'company': 'globex', 'phone_type': 'yealinkT48', 'name': 'Renamed'}, 'updated'),
    ('merged', ['acme'], {'mac': SEEDED_GLOBEX[0], 'company': 'globex', 'phone_type': 'yealinkT48', 'name': 'Globex reception'}, 'unchanged'),
    ('overridden', ['acme'], {'mac': SEEDED_GLOBEX[0], 'name': 'Renamed'}, 'updated'),
    ('merged', ['default'], {'mac': SEEDED_ACME[0], 'zone': 'US/Eastern'}, 'updated'),
])
def test_a_declared_phone_outside_companies_is_read_not_created(pbx, three_runs, state, companies, entry, action):
    phones = [entry] + (acme_declared() if state == 'overridden' else [])
    result = three_runs(dialplan_phones, phones=phones, state=state, companies=companies)
    assert result['results'][0]['action'] == action
    assert not any(entry['action'] in ('created', 'deleted') for entry in result['results'])


def test_a_declared_phone_in_another_company_is_refused_not_created(pbx, three_runs):
    result = three_runs(dialplan_phones, expect_failure=True, phones=[{'mac': SEEDED_GLOBEX[0], 'company': 'acme', 'phone_type': 'yealinkT48'}],
                        companies=['acme'])
    assert 'set reassign: true' in result['results'][0]['msg'] and 'already exists' not in result['msg']


# --- port rows that come and go with phone_type -------------------------------------------

def test_a_type_with_more_ports_is_planned_first_in_check_and_real_runs(pbx, desk, three_runs):
    phones = [{'mac': DESK, 'port': 1, 'name': 'Line 2', 'phone_type': 'spa112'},
              {'mac': DESK, 'port': 0, 'name': 'Line 1', 'phone_type': 'spa112'}]
    result = three_runs(dialplan_phones, phones=phones)
    assert [entry['action'] for entry in result['results']] == ['updated', 'updated']
    assert result['results'][0]['diff']['before'] == {'state': 'absent'}
    assert [row['name'] for row in rows_of(pbx, DESK)] == ['Line 1', 'Line 2']
    assert any('now has 2 port rows instead of 1' in warning for warning in warnings_of(result))


def test_a_type_with_fewer_ports_warns_in_check_and_real_runs(pbx, ata, three_runs):
    ata()
    result = three_runs(dialplan_phones, phones=[{'mac': ATA, 'phone_type': 'snom320'}])
    assert result['results'][0]['action'] == 'updated'
    assert any('now has 1 port rows instead of 2' in warning for warning in warnings_of(result))
    assert len(rows_of(pbx, ATA)) == 1


@pytest.mark.parametrize('phones, fragments', [
    ([{'mac': ATA, 'port': 1, 'phone_type': 'snom320', 'name': 'x'}], ['phones[0].port: phone_type snom320 has port 0; port 1 is not one of them']),
    ([{'mac': ATA, 'phone_type': 'snom320'}, {'mac': ATA, 'port': 1, 'phone_type': 'spa112'}],
     ['phones[1].phone_type', 'contradicts phones[0]']),
    ([{'mac': DESK, 'port': 9, 'company': 'acme', 'phone_type': 'spa112'}], ['phones[0].port: phone_type spa112 has ports 0-1; port 9']),
])
def test_a_port_the_declared_type_lacks_fails_before_any_request_writes(pbx, ata, call_module, phones, fragments):
    ata()
    before = pbx.control.state()
    pbx.control.clear_log()
    result = call_module(dialplan_phones, phones=phones)
    assert result['failed'] and result['msg'].startswith('nothing was changed')
    for fragment in fragments:
        assert fragment in result['msg'], result['msg']
    assert pbx.control.writes() == [] and pbx.control.state() == before


def test_a_port_the_new_type_removes_refuses_the_device_before_any_write(pbx, ata, three_runs):
    ata()
    # Only port 0 declares the type; port 1 would vanish with it.
    phones = [{'mac': ATA, 'phone_type': 'snom320'}, {'mac': ATA, 'port': 1, 'name': 'Fax'}, {'mac': SEEDED_ACME[0], 'name': 'Front'}]
    before = rows_of(pbx, ATA)
    result = three_runs(dialplan_phones, expect_failure=True, phones=phones)
    assert [entry['action'] for entry in result['results']] == ['failed', 'failed', 'updated']
    assert 'has no port 1' in result['results'][1]['msg'] and 'refused before any write' in result['results'][0]['msg']
    assert result['results'][0]['changed'] is False
    assert rows_of(pbx, ATA) == before


@pytest.mark.parametrize('args, fragment', [
    ({'mac': DESK, 'port': 1, 'phone_type': 'spa112', 'name': 'Line 2'}, None),
    ({'mac': DESK, 'port': 1, 'phone_type': 'yealinkW52', 'name': 'Handset 2'}, None),
    ({'mac': DESK, 'port': 2, 'phone_type': 'spa112', 'name': 'x'}, 'will have ports 0-1 as phone_type spa112; port 2 is not one of them'),
])
def test_dialplan_phone_plans_a_type_change_for_a_port_it_brings(pbx, desk, three_runs, args, fragment):
    result = three_runs(dialplan_phone, expect_failure=fragment is not None, **args)
    if fragment:
        assert fragment in result['msg'] and result['changed'] is False
        assert len(rows_of(pbx, DESK)) == 1
        return
    assert result['action'] == 'updated' and result['diff']['before'] == {'state': 'absent'}
    assert rows_of(pbx, DESK)[args['port']]['name'] == args['name']
    assert any('now has' in warning for warning in warnings_of(result))


# --- activating multi-port devices -------------------------------------------------------

@pytest.mark.parametrize('reassign, actions', [
    (False, ['failed', 'failed']),
    (True, ['promoted', 'promoted']),
])
def test_a_waiting_device_with_ports_in_two_companies(pbx, three_runs, reassign, actions):
    phones = [{'mac': WAITING_ATA, 'port': 0, 'company': 'acme', 'name': 'Acme line'},
              {'mac': WAITING_ATA, 'port': 1, 'company': 'globex', 'name': 'Globex line', 'reassign': reassign}]
    result = three_runs(dialplan_phones, expect_failure=not reassign, phones=phones)
    assert [entry['action'] for entry in result['results']] == actions
    rows = rows_of(pbx, WAITING_ATA)
    if reassign:
        assert [(row['company'], row['name']) for row in rows] == [('acme', 'Acme line'), ('globex', 'Globex line')]
    else:
        assert rows == [] and 'set reassign: true' in result['results'][1]['msg']


# --- creating for port 1 and beyond -------------------------------------------------------

@pytest.mark.parametrize('module, args, names', [
    (dialplan_phones, {'phones': [{'mac': ATA, 'port': 1, 'company': 'acme', 'phone_type': 'spa112', 'name': 'Fax'}]}, ['', 'Fax']),
    (dialplan_phones, {'phones': [{'mac': ATA, 'port': 1, 'company': 'acme', 'phone_type': 'spa112', 'name': 'Fax'},
                                  {'mac': ATA, 'port': 0, 'company': 'acme', 'phone_type': 'spa112', 'name': 'Phone'}]}, ['Phone', 'Fax']),
    (dialplan_phone, {'mac': ATA, 'port': 1, 'company': 'acme', 'phone_type': 'spa112', 'name': 'Fax'}, ['', 'Fax']),
])
def test_create_names_only_the_declared_port(pbx, three_runs, module, args, names):
    three_runs(module, **args)
    assert [row['name'] for row in rows_of(pbx, ATA)] == names


def test_create_for_a_port_the_type_lacks_fails_before_the_create(pbx, three_runs):
    result = three_runs(dialplan_phone, expect_failure=True, mac=ATA, port=1, company='acme', phone_type='snom320', name='x')
    assert 'will have port 0 as phone_type snom320; port 1 is not one of them' in result['msg']
    assert rows_of(pbx, ATA) == []


# --- changed is true whenever a write was applied -----------------------------------------

@pytest.mark.parametrize('module, args', [
    (dialplan_phones, {'phones': [{'mac': ATA, 'company': 'acme', 'phone_type': 'spa112', 'zone': 'US/Eastern'}]}),
    (dialplan_phone, {'mac': ATA, 'company': 'acme', 'phone_type': 'spa112', 'zone': 'US/Eastern'}),
])
def test_a_phone_that_fails_after_a_write_reports_changed(pbx, call_module, module, args):
    pbx.control.set_faults(fail=[{'verb': 'update', 'mac': ATA, 'message': 'Database is locked'}])
    result = call_module(module, **args)
    assert result['failed'] and result['changed'] is True and 'Database is locked' in result['msg']
    assert [entry['verb'] for entry in pbx.control.writes()] == ['create', 'update']
    if module is dialplan_phones:
        assert result['results'][0]['action'] == 'failed' and result['results'][0]['changed'] is True


def test_a_failure_before_any_write_is_not_changed(pbx, call_module):
    pbx.control.set_faults(fail=[{'verb': 'create', 'mac': ATA, 'message': 'Database is locked'}])
    result = call_module(dialplan_phones, phones=[{'mac': ATA, 'company': 'acme', 'phone_type': 'spa112'}])
    assert result['failed'] and result['changed'] is False and result['results'][0]['changed'] is False


# --- values of the wrong shape -------------------------------------------------------------

@pytest.mark.parametrize('option, value, fragment', [
    ('barge', [{'can_barge': True}], "barge: a list ([{'can_barge': True}]) is not allowed; give 0, 1, 2 or 3, or a list of the flags"),
    ('barge', [['can_barge']], 'barge: a list'),
    ('barge', {'can_barge': True}, 'barge: a mapping'),
    ('qualify', [True], 'qualify: a list ([True]) is not allowed; give true, false or ""'),
    ('qualify', {'a': 1}, 'qualify: a mapping'),
    ('name', {'first': 'x'}, "name: a mapping ({'first': 'x'}) is not allowed; give a single text value"),
    ('name', [['Reception']], 'name: a list'),
    ('call_group', ['a', 'b'], 'call_group: a list'),
    ('company', {'name': 'acme'}, 'company: a mapping'),
    ('mac', ['000413aa0001'], 'mac: a list'),
])
@pytest.mark.parametrize('module', [dialplan_phone, dialplan_phones])
def test_a_value_of_the_wrong_shape_fails_naming_the_option(pbx, call_module, module, option, value, fragment):
    args = {'mac': SEEDED_ACME[0], 'name': 'Reception'}
    args[option] = value
    pbx.control.clear_log()
    result = call_module(module, **args) if module is dialplan_phone else call_module(module, phones=[args])
    assert result['failed'] and not result.get('changed')
    expected = fragment if module is dialplan_phone else 'phones[0].' + fragment
    assert expected in result['msg'], result['msg']
    assert 'unhashable' not in result['msg'] and 'Traceback' not in result['msg']
    assert pbx.control.writes() == []


# --- barge shown the way it was given -------------------------------------------------------

@pytest.mark.parametrize('barge, before, after', [
    (['can_be_barged'], [], ['can_be_barged']),
    (['can_be_barged', 'can_barge'], [], ['can_barge', 'can_be_barged']),
    (2, 0, 2),
])
@pytest.mark.parametrize('module', [dialplan_phone, dialplan_phones])
def test_barge_is_shown_in_diffs_the_way_it_was_given(pbx, desk, three_runs, module, barge, before, after):
    if module is dialplan_phone:
        diff = three_runs(module, mac=DESK, barge=barge)['diff']
    else:
        diff = three_runs(module, phones=[{'mac': DESK, 'barge': barge}])['results'][0]['diff']
    assert diff == {'before': {'state': 'present', 'barge': before}, 'after': {'state': 'present', 'barge': after}}


@pytest.mark.parametrize('args, fragment', [
    ({'state': 'overridden', 'companies': [['acme']]}, "companies[0]: ['acme'] is not allowed; give a single company name"),
    ({'protected': [{'mac': SEEDED_ACME[0]}]}, 'protected[0]: {'),
    ({'state': 'overridden', 'companies': ['acme'], 'empty_companies': [['acme']]}, 'empty_companies[0]:'),
])
def test_fleet_options_of_the_wrong_shape_fail_naming_the_option(pbx, call_module, args, fragment):
    pbx.control.clear_log()
    result = call_module(dialplan_phones, phones=acme_declared(), **args)
    assert result['failed'] and fragment in result['msg'], result['msg']
    assert pbx.control.log() == []


def test_a_converged_multi_port_fleet_costs_one_listing_and_one_read_per_device(pbx, ata, call_module):
    ata()
    phones = [{'mac': ATA, 'port': port, 'company': 'acme', 'phone_type': 'spa112', 'name': 'Line %d' % port} for port in (0, 1)]
    call_module(dialplan_phones, phones=phones)
    pbx.control.clear_log()
    again = call_module(dialplan_phones, phones=phones)
    assert again['changed'] is False
    assert [entry['verb'] for entry in pbx.control.log()] == ['active', 'read']
