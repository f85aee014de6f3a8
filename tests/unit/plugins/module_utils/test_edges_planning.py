# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Planning at the edges, without a server: port counts, type changes, per-port creates, shapes, guardrails."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils._fleet import Fleet, FleetInputError, PhoneResult, _label, desired_fleet
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import (
    Call,
    DesiredPhone,
    InvalidInput,
    barge_flags,
    desired_phone,
    device_port_count,
    plan_phone,
    predict_rows,
    shape_problems,
    to_barge,
    to_qualify,
    view,
)

MAC = '000e08aabb01'
COUNTS = {'snom320': 1, 'spa112': 2, 'spa8000': 8}


def want(**params):
    return desired_phone(dict({'mac': MAC}, **params))


def rows(phone_type='snom320', count=1, companies=('acme',)):
    return [{'mac': MAC, 'port': port, 'phone_type': phone_type, 'company': companies[min(port, len(companies) - 1)], 'name': 'Row %d' % port}
            for port in range(count)]


class Types(object):
    """A client whose only call is readtypes."""

    def __init__(self, counts=None):
        self.counts = COUNTS if counts is None else counts
        self.asked = 0

    def phone_types(self):
        self.asked += 1
        return [{'phone_type': name, 'ports': ports} for name, ports in self.counts.items()]


# --- shapes ---------------------------------------------------------------------------------

@pytest.mark.parametrize('params, problem', [
    ({'qualify': [True]}, 'x.qualify: a list ([True]) is not allowed; give true, false or ""'),
    ({'name': {'a': 1}}, "x.name: a mapping ({'a': 1}) is not allowed; give a single text value"),
    ({'port': [1]}, 'x.port: a list ([1]) is not allowed; give a whole number'),
    ({'can_hotdesk': [True]}, 'x.can_hotdesk: a list ([True]) is not allowed; give true or false'),
    ({'barge': [{'can_barge': True}]}, 'x.barge: a list'),
    ({'barge': {'can_barge': True}}, 'x.barge: a mapping'),
    ({'barge': ['can_barge']}, None),
    ({'name': 'x', 'barge': 3, 'qualify': ''}, None),
])
def test_shape_problems_name_the_option_and_what_it_takes(params, problem):
    problems = shape_problems(params, 'x.')
    assert (problems[0].startswith(problem) if problem else problems == []), problems


@pytest.mark.parametrize('convert, value, fragment', [
    (to_barge, [{'can_barge': True}], "unknown flag a mapping ({'can_barge': True})"),
    (to_barge, [['can_barge']], "unknown flag a list (['can_barge'])"),
    (to_barge, {'x': 1}, 'a mapping'),
    (to_qualify, [True], 'a list ([True]) is not allowed; give true, false or an empty string'),
    (to_qualify, {'x': 1}, 'a mapping'),
])
def test_converters_refuse_wrong_shapes_without_a_python_error(convert, value, fragment):
    with pytest.raises(InvalidInput) as err:
        convert(value)
    assert fragment in str(err.value)


def test_desired_phone_refuses_a_wrong_shape_before_anything_else():
    with pytest.raises(InvalidInput) as err:
        desired_phone({'mac': MAC, 'zone': ['Europe/London']}, prefix='phones[2].')
    assert err.value.option == 'phones[2].zone'


# --- barge as given ---------------------------------------------------------------------------

@pytest.mark.parametrize('number, flags', [(0, []), (1, ['can_barge']), (2, ['can_be_barged']), (3, ['can_barge', 'can_be_barged'])])
def test_barge_flags(number, flags):
    assert barge_flags(number) == flags and to_barge(flags) == number


@pytest.mark.parametrize('given, before, after', [
    (['can_be_barged'], [], ['can_be_barged']),
    (2, 0, 2),
    ('2', 0, 2),
])
def test_diffs_show_barge_as_given(given, before, after):
    plan = plan_phone(want(barge=given), [dict(rows()[0], barge=0)])
    assert plan.diff == {'before': {'state': 'present', 'barge': before}, 'after': {'state': 'present', 'barge': after}}


# --- port counts -----------------------------------------------------------------------------

@pytest.mark.parametrize('desired, current, waiting, counts, expected', [
    (want(), rows('spa112', 2), None, None, 2),                       # no type change: the rows there are
    (want(phone_type='snom320'), rows('spa112', 2), None, COUNTS, 1),  # type change: readtypes says
    (want(phone_type='snom320'), rows('spa112', 2), None, None, None),  # ... or nobody knows
    (want(phone_type='spa112'), [], None, COUNTS, 2),                  # create
    (want(), [], [{'phone_type': 'spa112'}, {'phone_type': 'spa112'}], COUNTS, 2),  # promote as it waits
    (want(phone_type='spa8000'), [], [{'phone_type': 'spa112'}] * 2, COUNTS, 8),
    (want(phone_type='spa112'), rows(), None, {'spa112': 'two'}, None),  # a count that is not a count
])
def test_device_port_count(desired, current, waiting, counts, expected):
    assert device_port_count(desired, current, waiting, counts) == expected


def test_a_type_change_that_brings_the_declared_port_changes_the_type_first():
    plan = plan_phone(want(port=1, phone_type='spa112', name='Line 2'), rows(), None, COUNTS)
    assert plan.calls == [Call('update', {'mac': MAC, 'port': 0}, {'phone_type': 'spa112'}),
                          Call('update', {'mac': MAC, 'port': 1}, {'name': 'Line 2'})]
    assert plan.action == 'updated' and plan.before == {'state': 'absent'}
    desired = want(port=1, phone_type='spa112', name='Line 2')
    assert [row['port'] for row in predict_rows(desired, rows(), None, plan, COUNTS)] == [0, 1]


@pytest.mark.parametrize('desired, current, fragment', [
    (want(port=2, phone_type='spa112'), rows(), 'will have ports 0-1 as phone_type spa112; port 2 is not one of them'),
    (want(port=1, phone_type='snom320'), rows('spa112', 2), 'will have port 0 as phone_type snom320; port 1'),
    (want(port=1, company='acme', phone_type='snom320'), [], 'will have port 0 as phone_type snom320; port 1'),
    (want(port=3), rows('spa112', 2), 'has no port 3; its ports are 0, 1'),
    (want(port=1, name='x'), rows(), 'has no port 1; its ports are 0'),
])
def test_a_port_the_device_will_not_have_is_refused_before_any_call(desired, current, fragment):
    with pytest.raises(InvalidInput) as err:
        plan_phone(desired, current, None, COUNTS)
    assert fragment in str(err.value) and err.value.option == 'port'


def test_without_port_counts_a_port_a_type_change_would_bring_is_refused_saying_how_to_proceed():
    with pytest.raises(InvalidInput) as err:
        plan_phone(want(port=1, phone_type='spa112'), rows(), None, None)
    assert 'does not state how many ports phone_type spa112 has; change phone_type first (on port 0), then declare port 1' in str(err.value)


@pytest.mark.parametrize('new_type, count', [('snom320', 1), ('spa8000', 8)])
def test_predicted_rows_follow_the_new_type(new_type, count):
    desired = want(phone_type=new_type)
    current = rows('spa112', 2, ('acme', 'globex'))
    predicted = predict_rows(desired, current, None, plan_phone(desired, current, None, COUNTS), COUNTS)
    assert [row['port'] for row in predicted] == list(range(count))
    assert set(row['phone_type'] for row in predicted) == {new_type}
    assert [row['company'] for row in predicted][:2] == ['acme', 'globex'][:count]


# --- creating for port 1 and beyond ------------------------------------------------------------

@pytest.mark.parametrize('port, create, update', [
    (0, {'mac': MAC, 'name': 'Fax', 'company': 'acme', 'phone_type': 'spa112'}, None),
    (1, {'mac': MAC, 'company': 'acme', 'phone_type': 'spa112'}, {'name': 'Fax'}),
])
def test_create_names_port_zero_only(port, create, update):
    plan = plan_phone(want(port=port, name='Fax', company='acme', phone_type='spa112'), [], None, COUNTS)
    assert plan.calls[0] == Call('create', {}, create)
    assert (plan.calls[1].values if len(plan.calls) > 1 else None) == update
    predicted = predict_rows(want(port=port, name='Fax', company='acme', phone_type='spa112'), [], None, plan, COUNTS)
    assert [row.get('name') for row in predicted] == (['Fax', 'Fax'] if port == 0 else [None, 'Fax'])


def test_a_missing_port_row_views_as_absent():
    assert view(want(port=1, name='x'), rows(), None) == {'state': 'absent'}


# --- the fleet's input rules ------------------------------------------------------------------

@pytest.mark.parametrize('entries, state, fragments', [
    ([{'mac': MAC, 'phone_type': 'snom320'}, {'mac': MAC, 'port': 1, 'phone_type': 'spa112'}], 'merged',
     ["phones[1].phone_type: 'spa112' contradicts phones[0]"]),
    ([{'mac': MAC, 'port': 1, 'qualify': [True]}], 'merged', ['phones[0].qualify: a list']),
    (['not a mapping'], 'merged', ["phones[0]: 'not a mapping' is not allowed"]),
])
def test_fleet_input_is_refused_as_a_whole(entries, state, fragments):
    with pytest.raises(FleetInputError) as err:
        desired_fleet(Types(), entries, state)
    for fragment in fragments:
        assert fragment in str(err.value)


def test_the_deleted_state_ignores_ports_and_types():
    fleet, _protected = desired_fleet(Types(), [{'mac': MAC, 'port': 2, 'phone_type': 'spa112'}, {'mac': MAC, 'phone_type': 'snom320'}], 'deleted')
    assert [(d.mac, d.state) for d in fleet] == [(MAC, 'absent')]


@pytest.mark.parametrize('listed, entries, asked, fragment', [
    ([], [{'mac': MAC, 'port': 2, 'phone_type': 'spa112'}], 1, 'phones[0].port: phone_type spa112 has ports 0-1; port 2'),
    ([], [{'mac': MAC, 'phone_type': 'spa112'}, {'mac': MAC, 'port': 1}], 0, None),
    ([(MAC, 1, 'spa112')], [{'mac': MAC, 'port': 1, 'phone_type': 'spa112'}], 0, None),  # listed as declared: no readtypes
    ([(MAC, 1, 'spa112')], [{'mac': MAC, 'port': 1, 'phone_type': 'snom320'}], 1, 'phones[0].port: phone_type snom320 has port 0'),
])
def test_declared_ports_are_checked_against_readtypes_only_when_the_listing_cannot_tell(listed, entries, asked, fragment):
    client = Types()
    fleet, _protected = desired_fleet(client, entries, 'merged')
    runner = Fleet(client, fleet)
    for mac, port, phone_type in listed:
        runner.active.setdefault(mac, []).append({'mac': mac, 'port': port, 'phone_type': phone_type, 'company': 'acme'})
    problems = runner.port_problems()
    assert client.asked == asked
    assert (fragment in problems[0]) if fragment else problems == []


def fleet_with(active, declared, companies, empty=()):
    fleet = Fleet(Types(), [desired_phone(entry) for entry in declared], 'overridden', companies, empty_companies=empty)
    for mac, company in active:
        fleet.active.setdefault(mac, []).append({'mac': mac, 'port': len(fleet.active.get(mac, [])), 'company': company})
    return fleet


@pytest.mark.parametrize('active, declared, companies, empty, fragment', [
    ([('000413000001', 'acme'), ('000413000002', 'globex')], [{'mac': '000413000001'}], ['acme', 'globex'], (),
     'phones declares no phone of company globex'),
    ([('000413000002', 'globex')], [], ['globex'], ('acme',), 'empty_companies: acme is not one of companies'),
    ([('000413000002', 'globex')], [{'mac': '000413000009', 'company': 'globex'}], ['globex'], ('globex',),
     'globex is declared empty, but phones gives it'),
])
def test_emptying_a_company_needs_the_opt_in(active, declared, companies, empty, fragment):
    fleet = fleet_with(active, declared, companies, empty)
    with pytest.raises(FleetInputError) as err:
        fleet.check_guardrails(fleet.unlisted())
    assert fragment in str(err.value)


@pytest.mark.parametrize('active, declared, companies, empty', [
    ([('000413000001', 'acme'), ('000413000002', 'globex')], [{'mac': '000413000001'}], ['acme', 'globex'], ('globex',)),
    ([('000413000001', 'acme')], [{'mac': '000413000001'}], ['acme', 'default'], ()),  # nothing of default to delete
    ([('000413000001', 'globex'), ('000413000002', 'globex')], [{'mac': '000413000001'}], ['globex'], ()),  # declared by its row
])
def test_a_company_that_is_declared_or_opted_in_passes(active, declared, companies, empty):
    fleet = fleet_with(active, declared, companies, empty)
    fleet.check_guardrails(fleet.unlisted())


# --- the same words for check and real runs ------------------------------------------------------

def test_rows_an_activation_or_a_type_change_brought_are_labelled_alike():
    before = {'state': 'waiting', 'phone_type': 'spa112'}
    promoted = [PhoneResult(DesiredPhone(MAC, 0), 'promoted', {'before': before, 'after': {}}),
                PhoneResult(DesiredPhone(MAC, 1), 'unchanged', {'before': {'state': 'present'}, 'after': {}})]
    assert [(r.action, r.diff['before']) for r in _label(promoted, [])] == [('promoted', before)] * 2
    grown = [PhoneResult(DesiredPhone(MAC, 0), 'updated', {'before': {'state': 'present'}, 'after': {}}),
             PhoneResult(DesiredPhone(MAC, 1), 'unchanged', {'before': {'state': 'present'}, 'after': {}})]
    assert [(r.action, r.diff['before']) for r in _label(grown, rows())] == [('updated', {'state': 'present'}), ('updated', {'state': 'absent'})]


def test_a_phone_written_then_failed_is_changed():
    assert PhoneResult(DesiredPhone(MAC, 0), 'failed', wrote=True).as_dict(False)['changed'] is True
    assert PhoneResult(DesiredPhone(MAC, 0), 'failed').as_dict(False)['changed'] is False
