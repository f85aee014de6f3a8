# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The report's files: one pair per PBX, an index of the run rebuilt safely by parallel writers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import multiprocessing
import os

from ansible_collections.ipcortex.pbx.plugins.module_utils._report import pbx_report
from ansible_collections.ipcortex.pbx.plugins.plugin_utils._report_files import file_name, write_report

SUMMARY = dict(created=0, promoted=0, updated=1, deleted=0, demoted=0, unchanged=2, failed=0, total=3)
RESULTS = [{'mac': '000413d00001', 'port': 0, 'phoneid': '000413d000010', 'action': 'updated',
            'diff': {'before': {'state': 'present', 'name': 'a'}, 'after': {'state': 'present', 'name': 'b'}},
            'declared_by': {'pbx': 'x', 'block': 'ipcortex_fleet_acme', 'index': 0, 'company': 'acme', 'name': 'b'}}]


def report(pbx, run='run-1'):
    return pbx_report(pbx, {'results': RESULTS, 'summary': SUMMARY}, True, generated='g', run=run)


def test_one_pbx_writes_its_pair_and_the_index(tmp_path):
    paths, markdown = write_report(str(tmp_path / 'report'), report('pbx-london'))
    assert paths['markdown'] == str(tmp_path / 'report' / 'pbxs' / 'pbx-london.md')
    assert (tmp_path / 'report' / 'pbxs' / 'pbx-london.md').read_text() == markdown
    written = json.loads((tmp_path / 'report' / 'pbxs' / 'pbx-london.json').read_text())
    assert written['files'] == {'json': 'pbxs/pbx-london.json', 'markdown': 'pbxs/pbx-london.md'} and written['changed'] == 1
    index = json.loads((tmp_path / 'report' / 'index.json').read_text())
    assert [entry['pbx'] for entry in index['pbxs']] == ['pbx-london'] and index['summary']['updated'] == 1
    assert '## PBX pbx-london: 1 phone would change' in (tmp_path / 'report' / 'index.md').read_text()


def test_the_index_holds_only_the_reports_of_the_same_run(tmp_path):
    write_report(str(tmp_path), report('pbx-paris', run='earlier'))
    write_report(str(tmp_path), report('pbx-london'))
    write_report(str(tmp_path), report('pbx-newyork'))
    index = json.loads((tmp_path / 'index.json').read_text())
    assert [entry['pbx'] for entry in index['pbxs']] == ['pbx-london', 'pbx-newyork'] and index['run'] == 'run-1'
    assert 'pbx-paris' not in (tmp_path / 'index.md').read_text()


def _write(args):
    directory, pbx = args
    write_report(directory, report(pbx))


def test_parallel_writers_leave_an_index_of_them_all(tmp_path):
    pbxs = ['pbx-%02d' % number for number in range(12)]
    context = multiprocessing.get_context('fork')
    with context.Pool(4) as pool:
        pool.map(_write, [(str(tmp_path), pbx) for pbx in pbxs])
    index = json.loads((tmp_path / 'index.json').read_text())
    assert [entry['pbx'] for entry in index['pbxs']] == pbxs and index['summary']['total'] == 36
    assert sorted(os.listdir(str(tmp_path / 'pbxs'))) == sorted([pbx + '.json' for pbx in pbxs] + [pbx + '.md' for pbx in pbxs])


def test_file_names_stay_in_the_folder():
    assert file_name('pbx-london') == 'pbx-london'
    assert file_name('../../etc/passwd') == '_.._etc_passwd'
    assert file_name('10.0.0.1') == '10.0.0.1'
    assert file_name('') == 'pbx'
