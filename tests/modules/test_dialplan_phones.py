# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""dialplan_phones over real HTTP against the emulator: one task, many phones."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ipcortex.pbx.plugins.modules import dialplan_phones

from pbx_helpers import api, verbs  # pylint: disable=import-error


@pytest.fixture
def fleet(call_module):
    def run(phones, **args):
        return call_module(dialplan_phones, phones=phones, **args)
    return run


def macs(count, start=1):
    return ['0004130f%04x' % number for number in range(start, start + count)]


def declared(count, **settings):
    return [dict({'mac': mac, 'company': 'acme', 'phone_type': 'snom320', 'name': 'Desk %d' % index}, **settings)
            for index, mac in enumerate(macs(count))]


def log(pbx):
    return pbx.control.log()


def test_create_then_no_op_with_one_listing_and_one_read_per_phone(pbx, fleet):
    pbx.control.clear_log()
    first = fleet(declared(12))
    assert first['changed'] is True and first['summary']['created'] == 12
    assert verbs(pbx).count('read') == 12  # the read-back of each create; none before it
    assert verbs(pbx).count('active') == 1 and verbs(pbx).count('inactive') == 1
    pbx.control.clear_log()
    second = fleet(declared(12))
    assert second['changed'] is False and second['summary']['unchanged'] == 12
    assert sorted(verbs(pbx)) == ['active'] + ['read'] * 12
    assert pbx.control.writes() == []


def test_only_the_differing_phones_are_written(pbx, fleet):
    fleet(declared(10))
    pbx.control.clear_log()
    phones = declared(10)
    phones[3]['zone'] = 'Europe/London'
    phones[7]['can_hotdesk'] = True
    result = fleet(phones)
    assert result['summary']['updated'] == 2 and result['summary']['unchanged'] == 8
    assert sorted((entry['scope']['mac'], entry['keys']) for entry in pbx.control.writes()) == [
        (macs(10)[3], ['zone']), (macs(10)[7], ['can_hotdesk'])]


@pytest.mark.smoke
def test_check_mode_writes_nothing_and_predicts_the_real_run(pbx, fleet):
    fleet(declared(4))
    phones = declared(6)
    phones[0]['name'] = 'Renamed'
    pbx.control.clear_log()
    predicted = fleet(phones, check_mode=True)
    assert pbx.control.writes() == []
    real = fleet(phones)
    assert predicted['summary'] == real['summary'] == dict(predicted['summary'], created=2, updated=1, unchanged=3)
    assert [r['action'] for r in predicted['results']] == [r['action'] for r in real['results']]
    assert predicted['diff'] == real['diff']


def test_the_diff_is_one_readable_entry_per_changed_phone(pbx, fleet):
    fleet(declared(3))
    phones = declared(3)
    phones[1]['name'] = 'Front desk'
    result = fleet(phones)
    assert result['diff'] == [{'before': {'state': 'present', 'name': 'Desk 1', 'company': 'acme', 'phone_type': 'snom320'},
                               'after': {'state': 'present', 'name': 'Front desk', 'company': 'acme', 'phone_type': 'snom320'},
                               'before_header': macs(3)[1] + '0', 'after_header': macs(3)[1] + '0'}]
    assert result['results'][1]['diff'] == {'before': result['diff'][0]['before'], 'after': result['diff'][0]['after']}


@pytest.mark.parametrize('phones, fragments', [
    ([{'mac': '0004130f0001'}, {'mac': '00:04:13:0F:00:01'}], ['phones[1].mac: 0004130f0001 port 0 is already declared in phones[0]']),
    ([{'mac': 'bad'}, {'mac': '0004130f0002', 'barge': 7}], ['phones[0].mac:', 'phones[1].barge: 7 is not allowed']),
    ([{'mac': '0004130f0001', 'zone': 'Mars/Olympus'}], ['zone']),
    ([{'name': 'no identity'}], ['phones[0].mac: one of mac or phoneid is required']),
])
def test_every_entry_is_validated_before_any_request(pbx, fleet, phones, fragments):
    pbx.control.clear_log()
    result = fleet(phones)
    assert result['failed']
    for fragment in fragments:
        assert fragment in result['msg']
    assert pbx.control.writes() == []


def test_a_port_pair_of_one_device_is_fine(pbx, fleet):
    phones = [{'mac': '0004130f00aa', 'port': 0, 'company': 'acme', 'phone_type': 'spa112', 'name': 'Line 1'},
              {'mac': '0004130f00aa', 'port': 1, 'company': 'acme', 'phone_type': 'spa112', 'name': 'Line 2'}]
    predicted = fleet(phones, check_mode=True)
    result = fleet(phones)
    assert [r['action'] for r in result['results']] == [r['action'] for r in predicted['results']] == ['created', 'created']
    assert result['diff'] == predicted['diff']
    rows = api(pbx.url, 'read', scope={'mac': '0004130f00aa'})['values']
    assert [row['name'] for row in rows] == ['Line 1', 'Line 2']
    assert fleet(phones)['changed'] is False


def test_one_failure_does_not_stop_the_others(pbx, fleet):
    fleet(declared(5))
    phones = declared(5, zone='US/Eastern')
    pbx.control.set_faults(fail=[{'verb': 'update', 'mac': macs(5)[2], 'message': 'Database is locked'}])
    result = fleet(phones)
    assert result['failed'] and result['summary']['updated'] == 4 and result['summary']['failed'] == 1
    assert result['msg'].startswith('1 of 5 phones failed: %s0: ' % macs(5)[2]) and 'Database is locked' in result['msg']
    assert result['results'][2]['action'] == 'failed'


def test_a_waiting_phone_is_promoted_and_the_waiting_list_asked_once(pbx, fleet):
    waiting = [row['phoneid'][:12] for row in api(pbx.url, 'inactive')['values']]
    assert waiting, 'the default seed has phones waiting to be provisioned'
    pbx.control.clear_log()
    result = fleet([{'mac': waiting[0], 'company': 'globex', 'name': 'Promoted'}] + declared(3))
    assert [r['action'] for r in result['results']] == ['promoted', 'created', 'created', 'created']
    assert verbs(pbx).count('inactive') == 1
    assert api(pbx.url, 'read', scope={'mac': waiting[0], 'port': 0})['values'][0]['name'] == 'Promoted'


def test_overridden_deletes_the_unlisted_phones_of_its_companies_only(pbx, fleet):
    fleet(declared(4))
    globex_before = [row['phoneid'] for row in api(pbx.url, 'active', scope={'company': 'globex'})['values']]
    acme = [row['phoneid'][:12] for row in api(pbx.url, 'active', scope={'company': 'acme'})['values']]
    keep = declared(2)
    unlisted = sorted(set(mac for mac in acme if mac not in [p['mac'] for p in keep]))
    result = fleet(keep, state='overridden', companies=['acme'], max_deletions=len(unlisted))
    assert result['summary']['deleted'] == len(unlisted)
    assert sorted(r['mac'] for r in result['results'] if r['action'] == 'deleted') == unlisted
    assert sorted(row['phoneid'][:12] for row in api(pbx.url, 'active', scope={'company': 'acme'})['values']) == macs(2)
    assert [row['phoneid'] for row in api(pbx.url, 'active', scope={'company': 'globex'})['values']] == globex_before


@pytest.mark.smoke
def test_overridden_over_max_deletions_fails_before_any_write(pbx, fleet):
    fleet(declared(8))
    pbx.control.clear_log()
    result = fleet(declared(1), state='overridden', companies=['acme'], max_deletions=2)
    assert result['failed'] and 'max_deletions' in result['msg'] and 'nothing was changed' in result['msg']
    assert pbx.control.writes() == []


def test_protected_phones_are_never_deleted(pbx, fleet):
    fleet(declared(3))
    acme = sorted(set(row['phoneid'][:12] for row in api(pbx.url, 'active', scope={'company': 'acme'})['values']))
    protected = [mac for mac in acme if mac not in macs(3)]
    result = fleet(declared(3), state='overridden', companies=['acme'], protected=protected)
    assert result['summary']['deleted'] == 0
    listed = fleet([{'mac': macs(3)[0]}], state='deleted', protected=[macs(3)[0]])
    assert listed['failed'] and 'protected: %s may not be deleted' % macs(3)[0] in listed['msg']


def test_overridden_needs_companies(pbx, fleet):
    result = fleet(declared(1), state='overridden')
    assert result['failed'] and 'companies' in result['msg']
    assert log(pbx) == []


def test_deleted_deletes_listed_phones_and_is_then_unchanged(pbx, fleet):
    fleet(declared(3))
    gone = [{'mac': mac} for mac in macs(2)] + [{'phoneid': macs(2)[0] + '0'}]
    result = fleet(gone, state='deleted')
    assert result['summary']['deleted'] == 2
    pbx.control.clear_log()
    again = fleet(gone, state='deleted')
    assert again['changed'] is False and pbx.control.writes() == []


def test_concurrency_is_bounded_and_results_keep_their_order(pbx, fleet):
    result = fleet(declared(20), concurrency=3)
    assert [r['mac'] for r in result['results']] == macs(20)
    assert result['summary']['created'] == 20


def test_deleted_demotes_waiting_phones_asking_for_the_list_once(pbx, fleet):
    waiting = sorted(set(row['phoneid'][:12] for row in api(pbx.url, 'inactive')['values']))
    fleet(declared(2))
    pbx.control.clear_log()
    result = fleet([{'mac': mac} for mac in waiting + macs(2)], state='deleted')
    assert [r['action'] for r in result['results']] == ['demoted'] * len(waiting) + ['deleted'] * 2
    assert verbs(pbx).count('inactive') == 1 + len(waiting)  # the listing, then one check after each demote
    assert sorted(entry['verb'] for entry in pbx.control.writes()) == ['delete'] * 2 + ['demote'] * len(waiting)
    assert api(pbx.url, 'inactive')['values'] == []
