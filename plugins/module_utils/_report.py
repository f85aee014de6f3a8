# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan report of a fleet run: what changed, or under check mode would change, per PBX and company.

Private to this collection: no stability promise for anything in this file.

Pure functions, no I/O. ``pbx_report`` turns the results of ``dialplan_phones`` (in diff mode, as the
handsets role's task returns them) into the report's JSON document; ``render_markdown`` renders one
PBX's report; ``run_index`` and ``render_index_markdown`` gather the PBX reports of one run. The JSON
layout is documented in the collection's guide "GitOps checks" and versioned by ``schema``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import SETTINGS

SCHEMA = 'ipcortex.pbx.report/1'
INDEX_SCHEMA = 'ipcortex.pbx.report-index/1'
# The actions a row is written for, in the order totals name them.
CHANGES = ('created', 'promoted', 'updated', 'deleted', 'demoted')
ACTIONS = CHANGES + ('failed', 'unchanged')
FIELD_ORDER = SETTINGS + ('ports',)
REMOVALS = ('deleted', 'demoted')
# The fields the Markdown shows for a removed phone.
REMOVAL_FIELDS = ('name', 'company', 'phone_type', 'ports')
NO_COMPANY = ''


def _empty(value):
    return value is None or value == ''


def field_changes(diff):
    """``[{field, old, new}]`` of the fields a phone's diff changes, in the options' order.

    ``state`` is the row's action and not repeated; a field empty on both sides is no change (a delete
    does not list the fields the phone never had).
    """
    before = (diff or {}).get('before') or {}
    after = (diff or {}).get('after') or {}
    fields = [key for key in FIELD_ORDER if key in before or key in after]
    fields += sorted(key for key in set(before) | set(after) if key not in FIELD_ORDER and key != 'state')
    changes = []
    for field in fields:
        old, new = before.get(field), after.get(field)
        if old == new or (_empty(old) and _empty(new)):
            continue
        changes.append({'field': field, 'old': old, 'new': new})
    return changes


def phone_row(result):
    """One phone of the report from one of the task's results (``declared_by`` when it is declared)."""
    diff = result.get('diff') or {}
    declared = result.get('declared_by') or {}
    before, after = diff.get('before') or {}, diff.get('after') or {}
    company = declared.get('company') or after.get('company') or before.get('company') or NO_COMPANY
    name = declared.get('name') or after.get('name') or before.get('name') or ''
    row = {
        'phoneid': result.get('phoneid') or '%s%s' % (result.get('mac', ''), result.get('port', 0)),
        'mac': result.get('mac'),
        'port': result.get('port', 0),
        'company': company,
        'name': name,
        'action': result.get('action'),
        'declared_by': declared or None,
        'changes': field_changes(diff) if result.get('action') in CHANGES else [],
        'msg': result.get('msg') or '',
    }
    return row


def pbx_report(pbx, outcome, check_mode, state='merged', generated='', run=''):
    """The report of one PBX from the task's outcome (``results``, ``summary``, ``failed``, ``msg``).

    Only phones that change or failed get a row; the summary still counts the unchanged ones.
    """
    results = outcome.get('results') or []
    summary = dict((action, 0) for action in ACTIONS)
    summary.update((key, value) for key, value in (outcome.get('summary') or {}).items() if key in summary)
    summary['total'] = (outcome.get('summary') or {}).get('total', len(results))
    companies = {}
    for result in results:
        if result.get('action') not in CHANGES + ('failed',):
            continue
        row = phone_row(result)
        companies.setdefault(row['company'], []).append(row)
    failed = bool(outcome.get('failed'))
    return {
        'schema': SCHEMA,
        'pbx': pbx,
        'check_mode': bool(check_mode),
        'state': state,
        'generated': generated,
        'run': run,
        'changed': sum(summary[action] for action in CHANGES),
        'failed': failed,
        'msg': outcome.get('msg', '') if failed else '',
        'summary': summary,
        'companies': [{'company': company, 'phones': companies[company]} for company in sorted(companies)],
    }


# --- Markdown ------------------------------------------------------------------------------

def _cell(text):
    """Text inside a table cell: one line, pipes escaped (GitHub and GitLab split cells on them)."""
    return ' '.join(str(text).split()).replace('|', '\\|')


def _value(value):
    if value is None:
        return '*none*'
    if isinstance(value, (bool, list, dict)):
        value = json.dumps(value)
    text = str(value)
    if text == '':
        return '`""`'
    fence = '``' if '`' in text else '`'
    pad = ' ' if '`' in text else ''
    return '%s%s%s%s%s' % (fence, pad, text, pad, fence)


def _phone(row):
    where = row.get('declared_by') or {}
    declared = 'host %s' % where['host'] if where.get('host') else (
        '%s.phones[%s]' % (where['block'], where['index']) if where.get('block') else 'not declared')
    label = '%s `%s`' % (row['name'], row['phoneid']) if row['name'] else '`%s`' % row['phoneid']
    return label, declared


def _change_text(row):
    if row['action'] == 'failed':
        return 'failed: %s' % row['msg']
    changes = row['changes']
    hidden = []
    if row['action'] in REMOVALS:
        # A removed phone loses every field: the ones that say which phone it was are enough here (the JSON has all).
        hidden = [change for change in changes if change['field'] not in REMOVAL_FIELDS]
        changes = [change for change in changes if change['field'] in REMOVAL_FIELDS]
    lines = ['`%s`: %s → %s' % (change['field'], _value(change['old']), _value(change['new'])) for change in changes]
    if hidden:
        lines.append('and %d other field%s' % (len(hidden), '' if len(hidden) == 1 else 's'))
    return '<br>'.join(lines)


def _table(rows):
    """A GitHub/GitLab table whose columns are also aligned as plain text (an AWX job's output)."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append('| %s |' % ' | '.join(cell.ljust(width) for cell, width in zip(row, widths)))
        if number == 0:
            lines.append('|%s|' % '|'.join('-' * (width + 2) for width in widths))
    return lines


def totals_line(summary, check_mode):
    """``**Totals:** 1 created · ... (42 phones)``; a check run says what would happen."""
    counts = ' · '.join('%d %s' % (summary.get(action, 0), action) for action in ACTIONS)
    return '**Totals%s:** %s (%d phone%s)' % (' (check mode: would be)' if check_mode else '', counts, summary.get('total', 0),
                                              '' if summary.get('total', 0) == 1 else 's')


def _headline(report):
    changed = report['changed']
    verb = 'would change' if report['check_mode'] else 'changed'
    if report['failed'] and not report['companies'] and not changed:
        return 'failed before any change'
    text = 'no change' if not changed else '%d phone%s %s' % (changed, '' if changed == 1 else 's', verb)
    failed = report['summary'].get('failed', 0)
    if failed:
        text += ', %d failed' % failed
    return text


def render_markdown(report, level=2):
    """One PBX's report as Markdown: a heading, a table per company, the totals line."""
    heading = '#' * level
    lines = ['%s PBX %s: %s' % (heading, report['pbx'], _headline(report)), '']
    if report['failed'] and report['msg']:
        lines += ['> **Failed:** %s' % _cell(report['msg']), '']
    for company in report['companies']:
        lines += ['%s# Company %s' % (heading, company['company'] or '(none)'), '']
        rows = [('Phone', 'Declared in', 'Action', 'Changes')]
        for row in company['phones']:
            label, declared = _phone(row)
            rows.append((_cell(label), _cell(declared), row['action'], _cell(_change_text(row))))
        lines += _table(rows) + ['']
    lines += [totals_line(report['summary'], report['check_mode']), '']
    return '\n'.join(lines)


def run_index(reports, generated='', run=''):
    """The index of one run's PBX reports (sorted by PBX): per PBX its counts and files, and the totals."""
    reports = sorted(reports, key=lambda report: report['pbx'])
    summary = dict((action, 0) for action in ACTIONS + ('total',))
    for report in reports:
        for key in summary:
            summary[key] += report['summary'].get(key, 0)
    return {
        'schema': INDEX_SCHEMA,
        'generated': generated,
        'run': run,
        'check_mode': any(report['check_mode'] for report in reports),
        'changed': sum(report['changed'] for report in reports),
        'failed': [report['pbx'] for report in reports if report['failed']],
        'summary': summary,
        'pbxs': [{'pbx': report['pbx'], 'changed': report['changed'], 'failed': report['failed'], 'summary': report['summary'],
                  'json': report.get('files', {}).get('json'), 'markdown': report.get('files', {}).get('markdown')}
                 for report in reports],
    }


def render_index_markdown(index, reports):
    """The whole run in one document (a pull-request comment): an overview table, then each PBX's report."""
    verb = 'would change' if index['check_mode'] else 'changed'
    lines = ['# Handsets plan' if index['check_mode'] else '# Handsets run', '']
    rows = [('PBX', 'Result') + tuple(action.capitalize() for action in ACTIONS)]
    for entry in index['pbxs']:
        result = 'failed' if entry['failed'] else ('%d %s' % (entry['changed'], verb) if entry['changed'] else 'no change')
        rows.append((_cell(entry['pbx']), result) + tuple(str(entry['summary'].get(action, 0)) for action in ACTIONS))
    if len(rows) > 1:
        lines += _table(rows) + ['']
    failed = len(index['failed'])
    lines += ['%s · %d PBX%s, %d failed' % (totals_line(index['summary'], index['check_mode']), len(index['pbxs']),
                                            '' if len(index['pbxs']) == 1 else 's', failed), '']
    for report in sorted(reports, key=lambda report: report['pbx']):
        lines.append(render_markdown(report, level=2))
    return '\n'.join(lines)
