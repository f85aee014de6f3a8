# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The handsets role's task: build the declared fleet on the controller, converge it with dialplan_phones.

Reads the role's ``ipcortex_*`` variables and the inventory (``groups``/``hostvars``, or the PBX
host's fleet blocks), checks everything before the module runs, and speaks in the user's terms:
messages and diff headers name the PBX, company, phone name or inventory host, and the variables
the user set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
from urllib.parse import urlsplit

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import CONNECTION_OPTIONS
from ansible_collections.ipcortex.pbx.plugins.module_utils._declared import fleet_block_names, from_blocks, from_hosts, from_list
from ansible_collections.ipcortex.pbx.plugins.module_utils._report import CHANGES, pbx_report
from ansible_collections.ipcortex.pbx.plugins.plugin_utils._declared_vars import DeclaredPhonesAction, fleet_blocks, phone_hosts
from ansible_collections.ipcortex.pbx.plugins.plugin_utils._report_files import now, run_id, write_report

MODULE = 'ipcortex.pbx.dialplan_phones'
# The module's options as the role's variables name them.
ROLE_VARIABLES = (
    ('companies', 'ipcortex_phones_companies'),
    ('max_deletions', 'ipcortex_phones_max_deletions'),
    ('protected', 'ipcortex_phones_protected'),
    ('concurrency', 'ipcortex_phones_concurrency'),
)
# dialplan_phones' opt-in for emptying a company of which no phone is declared (state overridden):
# a block with ``phones: []`` gives it for its company, ipcortex_phones_empty_companies for others.
EMPTY_COMPANY_OPT_IN = 'empty_companies'
_ENTRY = re.compile(r'\bphones\[(\d+)\]\.?([a-z_]*)')


def partial_view(variables, group, hosts):
    """Why the phone group may hold only part of the declared phones, or None.

    ``variables`` are the task's variables; ``hosts`` the hosts the group holds in this run.
    An explicit ``ipcortex_phones_expected_hosts`` is exact and decides alone. Otherwise a job of an
    AWX sliced job template is recognised by its meta variables: AWX runs a sliced job as a workflow
    it creates from the job template, so the workflow job bears the job template's name.
    """
    expected = variables.get('ipcortex_phones_expected_hosts')
    if expected is not None:
        if int(expected) == len(hosts):
            return None
        return ('the group %s holds %d hosts, but ipcortex_phones_expected_hosts says %d: this run does not see the whole inventory'
                % (group, len(hosts), int(expected)))
    for name in ('awx', 'tower'):
        workflow_id = variables.get('%s_workflow_job_id' % name)
        workflow = variables.get('%s_workflow_job_name' % name)
        template = variables.get('%s_job_template_name' % name)
        if workflow_id is not None and workflow is not None and workflow == template:
            return ('this job runs in the workflow %r (%s_workflow_job_id %s) that AWX makes of a sliced job template, so the group %s '
                    'holds only this slice\'s hosts' % (workflow, name, workflow_id, group))
    return None


def stats_key(variables, pbx_host, url):
    """The key of this PBX's summary in the job's stats: the PBX host, or the PBX's address and the AWX job."""
    if pbx_host:
        return pbx_host
    key = urlsplit(url or '').hostname or 'pbx'
    job = variables.get('awx_job_id', variables.get('tower_job_id'))
    if job is not None and partial_view(dict(variables, ipcortex_phones_expected_hosts=None), '', ()) is not None:
        key = '%s (job %s)' % (key, job)
    return key


def in_user_terms(text, fleet):
    """A module message with ``phones[N].option`` and option names replaced by what the user wrote."""
    def entry(match):
        index = int(match.group(1))
        if index >= len(fleet.origins):
            return match.group(0)
        return fleet.origins[index].qualified(match.group(2))
    text = _ENTRY.sub(entry, text)
    for option, variable in ROLE_VARIABLES:
        text = re.sub(r'(?<![\w.\[])%s\b' % option, variable, text)
    return text


class ActionModule(DeclaredPhonesAction):
    """See plugins/modules/handsets_fleet.py."""

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp

        refused = self._unsupported_options(result, 'this task takes only the connection options (%s) and reads the role\'s '
                                            'ipcortex_* variables' % ', '.join(CONNECTION_OPTIONS))
        if refused:
            return refused

        pbx_host = None
        blocks = fleet_block_names(task_vars)
        phones = self._var(task_vars, 'ipcortex_phones')
        group = self._var(task_vars, 'ipcortex_phone_group', 'phones')
        group_hosts = None
        if blocks:
            pbx_host = task_vars.get('inventory_hostname')
            fleet = from_blocks(pbx_host, fleet_blocks(task_vars, lambda name: self._var(task_vars, name)))
        elif 'ipcortex_phones' in task_vars and phones is not None:
            fleet = from_list(phones)
        elif task_vars.get('inventory_hostname') != 'localhost':
            # A host of the play other than the controller is a PBX host: it declares its phones itself.
            return dict(result, failed=True, msg=(
                "No phones to converge for %s: a PBX host declares its phones in fleet blocks (variables named ipcortex_fleet_*, "
                "e.g. ipcortex_fleet_acme with company and phones) or in ipcortex_phones. The single-PBX layout (the group '%s') "
                "runs in a play on localhost." % (task_vars.get('inventory_hostname'), group)))
        else:
            groups = task_vars.get('groups') or {}
            if group not in groups:
                return dict(result, failed=True, msg=(
                    "No phones to converge: set ipcortex_phones, put one inventory host per port row in the group '%s' "
                    "(ipcortex_phone_group) with %s* host vars, or give the PBX host ipcortex_fleet_* blocks."
                    % (group, self._var(task_vars, 'ipcortex_phone_var_prefix', 'phone_'))))
            group_hosts = list(groups[group])
            fleet = self._from_group(task_vars, group_hosts)

        state = self._var(task_vars, 'ipcortex_phones_state', 'merged')
        companies = list(self._var(task_vars, 'ipcortex_phones_companies', []) or fleet.companies)
        problems = list(fleet.problems)
        if state == 'overridden' and not companies:
            problems.append('ipcortex_phones_state overridden deletes the undeclared phones of ipcortex_phones_companies: '
                            'list the companies the inventory is the truth for')
        if state == 'overridden' and group_hosts is not None:
            reason = partial_view(dict((name, self._var(task_vars, name)) for name in task_vars
                                       if name.startswith(('awx_', 'tower_', 'ipcortex_phones_expected_hosts'))), group, group_hosts)
            if reason:
                problems.append('ipcortex_phones_state overridden refused: %s; converging it would delete the phones of the other '
                                'hosts. Run this play unsliced, or use state merged in sliced jobs (or the estate layout)' % reason)
        result['warnings'] = fleet.warnings
        if problems:
            # The problems are in msg only: a list beside it would print each one twice.
            return self._reported(task_vars, dict(result, failed=True, changed=False,
                                                  msg='nothing was changed: %d problem%s in the declared phones: %s'
                                                  % (len(problems), '' if len(problems) == 1 else 's', '; '.join(problems))),
                                  pbx_host, self._var(task_vars, 'ipcortex_url', self._task.args.get('url')), state)

        args = self._module_args(task_vars, fleet, state, companies)
        # The report needs each phone's fields before and after: the module runs in diff mode for it.
        wants_diff = self._task.diff
        self._task.diff = wants_diff or bool(self._var(task_vars, 'ipcortex_report_dir'))
        try:
            outcome = self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)
        finally:
            self._task.diff = wants_diff
        outcome = self._in_user_terms(outcome, fleet, pbx_host)
        if outcome.get('summary'):
            outcome['ansible_stats'] = {'data': {stats_key(task_vars, pbx_host, args.get('url') or os.environ.get('IPCORTEX_URL')):
                                                 outcome['summary']},
                                        'per_host': False, 'aggregate': True}
        outcome['warnings'] = fleet.warnings + list(outcome.get('warnings') or [])
        result.update(outcome)
        result = self._reported(task_vars, result, pbx_host, args.get('url') or os.environ.get('IPCORTEX_URL'), state)
        if not wants_diff:
            result.pop('diff', None)
            for entry in result.get('results') or []:
                entry.pop('diff', None)
        return result

    def _reported(self, task_vars, result, pbx_host, url, state):
        """The plan report written (ipcortex_report_dir), then the run failed if anything changed (ipcortex_fail_on_changes)."""
        pbx = stats_key(task_vars, pbx_host, url or os.environ.get('IPCORTEX_URL'))
        report_dir = self._var(task_vars, 'ipcortex_report_dir')
        check_mode = bool(self._task.check_mode)
        if report_dir:
            report = pbx_report(pbx, result, check_mode, state, generated=now(), run=run_id())
            try:
                result['report'], markdown = write_report(str(report_dir), report)
            except (OSError, IOError) as exc:
                return dict(result, failed=True, msg='%s; and the report could not be written to ipcortex_report_dir %s: %s'
                            % (result.get('msg') or 'the run finished', report_dir, exc))
            result['report']['lines'] = markdown.splitlines()
        if boolean(self._var(task_vars, 'ipcortex_fail_on_changes', False), strict=False) and not result.get('failed'):
            summary = result.get('summary') or {}
            changed = sum(summary.get(action, 0) for action in CHANGES)
            if changed:
                # The role fails on it after showing the report, so that the job's output holds both.
                result['fail_on_changes_msg'] = 'ipcortex_fail_on_changes: %d phone%s of %s %s (%s); %s' % (
                    changed, '' if changed == 1 else 's', pbx, 'would change' if check_mode else 'changed',
                    ', '.join('%d %s' % (summary[action], action) for action in CHANGES if summary.get(action)),
                    'the report is ' + result['report']['markdown'] if result.get('report') else 'run with --diff to see the fields')
        return result

    def _from_group(self, task_vars, hosts):
        """One entry per host of the group: only its prefixed variables are templated."""
        prefix = self._var(task_vars, 'ipcortex_phone_var_prefix', 'phone_')
        return from_hosts(phone_hosts(task_vars['hostvars'], hosts, prefix), prefix)

    def _module_args(self, task_vars, fleet, state, companies):
        """The module's options: connection (module_defaults, then the ipcortex_* variables that are set) and the fleet."""
        args = dict(self._task.args)
        for option in CONNECTION_OPTIONS:
            value = self._var(task_vars, 'ipcortex_' + option)
            if value is not None:
                args[option] = value
        args.update(phones=fleet.phones, state=state,
                    max_deletions=self._var(task_vars, 'ipcortex_phones_max_deletions', 5),
                    protected=self._var(task_vars, 'ipcortex_phones_protected', []),
                    concurrency=self._var(task_vars, 'ipcortex_phones_concurrency', 8))
        if companies:
            args['companies'] = companies
        emptied = list(self._var(task_vars, 'ipcortex_phones_empty_companies', []))
        if state == 'overridden':
            declared = set(origin.company for origin in fleet.origins)
            emptied += [company for company in fleet.companies if company not in declared and company not in emptied]
        if emptied:
            args[EMPTY_COMPANY_OPT_IN] = emptied
        return args

    def _in_user_terms(self, outcome, fleet, pbx_host):
        """Messages, results and diff headers that name where the user declared each phone."""
        for key in ('msg',):
            if isinstance(outcome.get(key), str):
                outcome[key] = self._relabel(in_user_terms(outcome[key], fleet), fleet, pbx_host)
        # The module's problems are its msg too: printed once is enough.
        outcome.pop('problems', None)
        for entry in outcome.get('results') or []:
            origin = fleet.origin_of(entry.get('mac'), entry.get('port', 0))
            if origin is not None:
                entry['declared_by'] = origin.as_dict()
                entry['label'] = origin.label()
        for diff in outcome.get('diff') or []:
            for header in ('before_header', 'after_header'):
                if diff.get(header):
                    diff[header] = self._header(diff[header], fleet, pbx_host)
        return outcome

    @staticmethod
    def _header(phoneid, fleet, pbx_host=None):
        """A phoneid followed by where the phone is declared (or that it is not)."""
        match = re.match(r'^([0-9a-f]{12})(\d+)$', phoneid)
        if not match:
            return phoneid
        origin = fleet.origin_of(match.group(1), int(match.group(2)))
        if origin is not None:
            return '%s (%s)' % (phoneid, origin.label())
        return '%s (%snot declared)' % (phoneid, pbx_host + ', ' if pbx_host else '')

    def _relabel(self, text, fleet, pbx_host):
        """Each phoneid the module names is followed by where the phone is declared."""
        return re.sub(r'\b([0-9a-f]{12}\d+)(?=:)', lambda match: self._header(match.group(1), fleet, pbx_host), text)
