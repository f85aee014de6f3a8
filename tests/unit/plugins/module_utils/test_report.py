# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan report: rows, field changes, totals and Markdown, from a fleet task's results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.ipcortex.pbx.plugins.module_utils._report import (
    INDEX_SCHEMA,
    SCHEMA,
    field_changes,
    pbx_report,
    render_index_markdown,
    render_markdown,
    run_index,
    totals_line,
)

ZERO = dict(created=0, promoted=0, updated=0, deleted=0, demoted=0, unchanged=0, failed=0)


def result(mac, action, before=None, after=None, msg='', **declared):
    entry = {'mac': mac, 'port': 0, 'phoneid': mac + '0', 'action': action, 'changed': action not in ('unchanged', 'failed'), 'msg': msg}
    if before is not None:
        entry['diff'] = {'before': before, 'after': after}
    if declared:
        entry['declared_by'] = declared
    return entry


OUTCOME = {
    'changed': True,
    'results': [
        result('000413d00001', 'updated', {'state': 'present', 'name': 'Reception', 'zone': 'Europe/London'},
               {'state': 'present', 'name': 'Front desk', 'zone': 'Europe/London'}, host='acme-reception', company='acme', name='Front desk'),
        result('000413d00002', 'unchanged', {'state': 'present'}, {'state': 'present'}, host='acme-sales-1', company='acme'),
        result('000413d00003', 'created', {'state': 'absent'},
               {'state': 'present', 'name': 'Sales 3', 'company': 'acme', 'phone_type': 'snomD315', 'can_hotdesk': True},
               host='acme-sales-3', company='acme', name='Sales 3'),
        result('001565d00005', 'failed', msg='phone 001565d00005 has no port 1; its ports are 0', pbx='pbx-london',
               block='ipcortex_fleet_globex', index=0, company='globex', name='Globex | lobby'),
        result('000413d00009', 'deleted', {'state': 'present', 'name': 'Old desk', 'company': 'acme', 'phone_type': 'snom320',
                                           'call_group': None, 'zone': '', 'barge': 0},
               {'state': 'absent'}),
    ],
    'summary': dict(ZERO, created=1, updated=1, deleted=1, unchanged=1, failed=1, total=5),
}


@pytest.mark.parametrize('diff, expected', [
    ({'before': {'state': 'present', 'name': 'a', 'zone': ''}, 'after': {'state': 'present', 'name': 'b', 'zone': ''}},
     [{'field': 'name', 'old': 'a', 'new': 'b'}]),
    # Created: every field set, in the options' order, from nothing.
    ({'before': {'state': 'absent'}, 'after': {'state': 'present', 'zone': 'Europe/Paris', 'name': 'n'}},
     [{'field': 'name', 'old': None, 'new': 'n'}, {'field': 'zone', 'old': None, 'new': 'Europe/Paris'}]),
    # Deleted: what the phone had, not the fields it never had.
    ({'before': {'state': 'present', 'name': 'n', 'call_group': None, 'ip_addr': '', 'barge': 0, 'ports': [0, 1]}, 'after': {'state': 'absent'}},
     [{'field': 'name', 'old': 'n', 'new': None}, {'field': 'barge', 'old': 0, 'new': None}, {'field': 'ports', 'old': [0, 1], 'new': None}]),
    # Promoted out of the waiting list.
    ({'before': {'state': 'waiting', 'phone_type': 'snomD345'}, 'after': {'state': 'present', 'company': 'acme', 'phone_type': 'snomD345'}},
     [{'field': 'company', 'old': None, 'new': 'acme'}]),
    ({'before': {'state': 'present', 'can_hotdesk': False}, 'after': {'state': 'present', 'can_hotdesk': False}}, []),
    (None, []),
])
def test_field_changes_are_the_fields_that_differ(diff, expected):
    assert field_changes(diff) == expected


def test_the_report_has_a_row_per_changed_or_failed_phone_grouped_by_company():
    report = pbx_report('pbx-london', OUTCOME, check_mode=True, state='overridden', generated='2026-01-01T00:00:00Z', run='r')
    assert report['schema'] == SCHEMA and report['pbx'] == 'pbx-london' and report['check_mode'] is True
    assert report['changed'] == 3 and report['failed'] is False and report['msg'] == ''
    assert report['summary'] == dict(ZERO, created=1, updated=1, deleted=1, unchanged=1, failed=1, total=5)
    assert [company['company'] for company in report['companies']] == ['acme', 'globex']
    acme = report['companies'][0]['phones']
    assert [(row['phoneid'], row['action']) for row in acme] == [('000413d000010', 'updated'), ('000413d000030', 'created'),
                                                                 ('000413d000090', 'deleted')]
    assert acme[0]['changes'] == [{'field': 'name', 'old': 'Reception', 'new': 'Front desk'}]
    assert acme[0]['declared_by'] == {'host': 'acme-reception', 'company': 'acme', 'name': 'Front desk'}
    # The undeclared phone's company and name come from what the PBX held.
    assert acme[2]['name'] == 'Old desk' and acme[2]['declared_by'] is None
    globex = report['companies'][1]['phones']
    assert globex[0]['action'] == 'failed' and globex[0]['msg'].startswith('phone 001565d00005') and globex[0]['changes'] == []
    # JSON all the way.
    assert json.loads(json.dumps(report)) == report


def test_a_failed_run_without_results_is_reported_with_its_message():
    report = pbx_report('pbx-paris', {'failed': True, 'msg': 'cannot reach the PBX'}, check_mode=False)
    assert report['failed'] is True and report['msg'] == 'cannot reach the PBX' and report['companies'] == []
    assert report['summary'] == dict(ZERO, total=0)
    markdown = render_markdown(report)
    assert markdown.splitlines()[0] == '## PBX pbx-paris: failed before any change'
    assert '> **Failed:** cannot reach the PBX' in markdown


def table_rows(markdown):
    """The cells of every table row (not the header or the rule) of a Markdown document."""
    rows = []
    for line in markdown.splitlines():
        if line.startswith('| ') and not line.startswith('| Phone ') and not line.startswith('| PBX '):
            rows.append([cell.strip() for cell in line.strip('|').split(' | ')])
    return rows


def test_markdown_has_a_table_per_company_and_a_totals_line():
    markdown = render_markdown(pbx_report('pbx-london', OUTCOME, check_mode=True))
    lines = markdown.splitlines()
    assert lines[0] == '## PBX pbx-london: 3 phones would change, 1 failed'
    assert '### Company acme' in lines and '### Company globex' in lines
    assert table_rows(markdown) == [
        ['Front desk `000413d000010`', 'host acme-reception', 'updated', '`name`: `Reception` → `Front desk`'],
        ['Sales 3 `000413d000030`', 'host acme-sales-3', 'created',
         '`name`: *none* → `Sales 3`<br>`company`: *none* → `acme`<br>`phone_type`: *none* → `snomD315`<br>`can_hotdesk`: *none* → `true`'],
        ['Old desk `000413d000090`', 'not declared', 'deleted',
         '`name`: `Old desk` → *none*<br>`company`: `acme` → *none*<br>`phone_type`: `snom320` → *none*<br>and 1 other field'],
        # A pipe in a value is escaped, or it would split the cell.
        ['Globex \\| lobby `001565d000050`', 'ipcortex_fleet_globex.phones[0]', 'failed', 'failed: phone 001565d00005 has no port 1; its ports are 0'],
    ]
    assert lines[-1] == ('**Totals (check mode: would be):** 1 created · 0 promoted · 1 updated · 1 deleted · 0 demoted · 1 failed · '
                         '1 unchanged (5 phones)')
    # Columns line up as plain text too (an AWX job's output).
    table = [line for line in lines if line.startswith('|')]
    assert len(set(len(line) for line in table[:5])) == 1


def test_a_real_run_says_changed_and_no_change_says_so():
    report = pbx_report('pbx', dict(OUTCOME, summary=dict(OUTCOME['summary'])), check_mode=False)
    assert render_markdown(report).splitlines()[0] == '## PBX pbx: 3 phones changed, 1 failed'
    quiet = pbx_report('pbx', {'results': [result('000413d00002', 'unchanged')], 'summary': dict(ZERO, unchanged=1, total=1)}, False)
    markdown = render_markdown(quiet)
    assert markdown.splitlines()[0] == '## PBX pbx: no change' and table_rows(markdown) == []
    assert totals_line(quiet['summary'], False) == '**Totals:** 0 created · 0 promoted · 0 updated · 0 deleted · 0 demoted · 0 failed · 1 unchanged (1 phone)'


def test_values_are_code_with_backticks_and_empty_strings_visible():
    outcome = {'results': [result('000413d00001', 'updated', {'state': 'present', 'name': 'a`b', 'zone': 'Europe/Paris', 'call_group': None},
                                  {'state': 'present', 'name': 'c', 'zone': '', 'call_group': '7'})],
               'summary': dict(ZERO, updated=1, total=1)}
    row = table_rows(render_markdown(pbx_report('p', outcome, True)))[0]
    assert row[3] == '`name`: `` a`b `` → `c`<br>`zone`: `Europe/Paris` → `""`<br>`call_group`: *none* → `7`'


def test_the_index_adds_up_the_pbxs_and_holds_every_report():
    london = dict(pbx_report('pbx-london', OUTCOME, True), files={'json': 'pbxs/pbx-london.json', 'markdown': 'pbxs/pbx-london.md'})
    paris = pbx_report('pbx-paris', {'failed': True, 'msg': 'unreachable'}, True)
    index = run_index([paris, london], generated='g', run='r')
    assert index['schema'] == INDEX_SCHEMA and index['check_mode'] is True
    assert [entry['pbx'] for entry in index['pbxs']] == ['pbx-london', 'pbx-paris']
    assert index['pbxs'][0]['markdown'] == 'pbxs/pbx-london.md' and index['failed'] == ['pbx-paris'] and index['changed'] == 3
    assert index['summary'] == dict(ZERO, created=1, updated=1, deleted=1, unchanged=1, failed=1, total=5)
    markdown = render_index_markdown(index, [paris, london])
    assert markdown.splitlines()[0] == '# Handsets plan'
    assert ['pbx-london', '3 would change', '1', '0', '1', '1', '0', '1', '1'] in table_rows(markdown)
    assert ['pbx-paris', 'failed', '0', '0', '0', '0', '0', '0', '0'] in table_rows(markdown)
    assert markdown.index('## PBX pbx-london') < markdown.index('## PBX pbx-paris')
    assert '· 2 PBXs, 1 failed' in markdown
