# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Writing the plan report's files on the controller.

Private to this collection: no stability promise for anything in this file.

Layout of ``ipcortex_report_dir``: ``pbxs/<pbx>.json`` and ``pbxs/<pbx>.md`` per PBX, and
``index.json`` and ``index.md`` for the run. PBX hosts run in parallel workers: each writes only
its own files, then rebuilds the index from the PBX reports of the same run under a lock, so
the last one to finish leaves an index of them all. Every file is replaced atomically.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import fcntl
import json
import os
import re
import socket
import tempfile

from ansible_collections.ipcortex.pbx.plugins.module_utils._report import SCHEMA, render_index_markdown, render_markdown, run_index

PBX_FOLDER = 'pbxs'
LOCK = '.index.lock'


def run_id():
    """The same for every PBX host of one ansible-playbook run: its workers are children of that process."""
    return '%s:%d' % (socket.gethostname(), os.getppid())


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def file_name(pbx):
    """A file name for a PBX host name or address (nothing that climbs out of the folder)."""
    name = re.sub(r'[^A-Za-z0-9_.-]', '_', pbx or 'pbx').lstrip('.')
    return name or 'pbx'


def _write(path, text):
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(prefix='.' + os.path.basename(path), dir=folder)
    try:
        with os.fdopen(handle, 'w') as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _reports_of_run(folder, run):
    reports = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith('.json'):
            continue
        try:
            with open(os.path.join(folder, name)) as stream:
                report = json.load(stream)
        except (OSError, ValueError):
            continue
        if isinstance(report, dict) and report.get('schema') == SCHEMA and report.get('run') == run:
            reports.append(report)
    return reports


def write_report(directory, report):
    """Write one PBX's report and rebuild the run's index; returns the paths written."""
    directory = os.path.abspath(os.path.expanduser(directory))
    folder = os.path.join(directory, PBX_FOLDER)
    if not os.path.isdir(folder):
        os.makedirs(folder, exist_ok=True)
    base = file_name(report['pbx'])
    report = dict(report, files={'json': '%s/%s.json' % (PBX_FOLDER, base), 'markdown': '%s/%s.md' % (PBX_FOLDER, base)})
    markdown = render_markdown(report)
    _write(os.path.join(folder, base + '.md'), markdown)
    _write(os.path.join(folder, base + '.json'), json.dumps(report, indent=2, sort_keys=True) + '\n')
    with open(os.path.join(directory, LOCK), 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            reports = _reports_of_run(folder, report['run'])
            index = run_index(reports, generated=now(), run=report['run'])
            _write(os.path.join(directory, 'index.json'), json.dumps(index, indent=2, sort_keys=True) + '\n')
            _write(os.path.join(directory, 'index.md'), render_index_markdown(index, reports))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return {'directory': directory, 'json': os.path.join(folder, base + '.json'), 'markdown': os.path.join(folder, base + '.md'),
            'index_json': os.path.join(directory, 'index.json'), 'index_markdown': os.path.join(directory, 'index.md')}, markdown
