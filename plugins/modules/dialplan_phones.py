#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dialplan_phones
short_description: Converge a whole fleet of IPCortex PBX handsets in one task
version_added: 0.1.0
description:
  - Converges many handsets in one task, in parallel over one keep-alive session, with exactly the rules of
    M(ipcortex.pbx.dialplan_phone) for each phone.
  - Every entry is validated before the first write. The PBX's active phones are listed once, so phones to create are not read one
    by one, and the list of phones waiting to be provisioned is asked for at most once.
  - One phone's failure does not stop the others; the task fails at the end, naming each failed phone and why. The task reports
    C(changed=true) whenever a write was applied, even when it then fails.
  - The entries of one device are planned together, against the rows the entries before them leave, before anything is sent to it;
    entries that change O(phones[].phone_type) go first. Check mode reports that plan.
  - Values of the wrong shape (a list or mapping for an option that takes one value, in an entry or in O(companies), O(empty_companies)
    or O(protected)) fail the task before any write, naming the entry and option. The options that take one text value are of type
    C(raw) for that reason; a number or boolean given to them is used as its text.
  - A loop of M(ipcortex.pbx.dialplan_phone) costs about 0.3 seconds of Ansible overhead per phone before any request; this module pays it once.
author:
  - IPCortex (@ipcortex)
extends_documentation_fragment:
  - ipcortex.pbx.connection
  - ipcortex.pbx.attributes
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Lists and reads the phones and reports each change a real run would make; sends no write.
  diff_mode:
    support: full
    details: One diff per changed phone, headed by its phoneid.
options:
  phones:
    description:
      - The phones, one entry per port row, with the identity and settings options of M(ipcortex.pbx.dialplan_phone).
      - An option left out of an entry is not managed for that phone.
      - The same O(phones[].mac) and O(phones[].port) twice is an error, and so are entries of one device with different
        O(phones[].phone_type)s, or a O(phones[].port) that the O(phones[].phone_type) does not have.
      - The entries of one device are planned together before anything is sent to it, a change of O(phones[].phone_type) first; if one
        of them cannot be converged (a port the device will not have, a company that needs O(phones[].reassign)), none of the device
        is written.
    type: list
    elements: dict
    default: []
    suboptions:
      mac:
        description: MAC address of the device, in any common notation. One of O(phones[].mac) or O(phones[].phoneid) is required.
        type: raw
      phoneid:
        description: The phone's id, the MAC's 12 hex digits followed by the port number; used when O(phones[].mac) is not given.
        type: raw
      port:
        description: The port row whose settings are managed. Defaults to V(0), or to the port in O(phones[].phoneid).
        type: int
      reassign:
        description: Allow moving the port row to another company through C(assign), as in M(ipcortex.pbx.dialplan_phone).
        type: bool
        default: false
      name:
        description: Name of the port row.
        type: raw
      company:
        description: Company of the port row. Required to create or promote a phone; changed only with O(phones[].reassign=true).
        type: raw
      phone_type:
        description: Model of the device. Required to create a phone.
        type: raw
      zone:
        description:
          - Time zone, or V("") for none.
          - One of the time zones the PBX knows, V(Atlantic/Cape_Verde), V(Atlantic/Bermuda), V(Europe/London), V(Europe/Paris),
            V(Europe/Helsinki), V(Africa/Nairobi), V(Europe/Nicosia), V(Asia/Hong_Kong), V(US/Alaska), V(US/Pacific), V(US/Mountain),
            V(US/Central) or V(US/Eastern).
        type: raw
      can_hotdesk:
        description: Whether users may hot-desk on this phone.
        type: bool
      can_forward:
        description: Whether calls may be forwarded from this phone.
        type: bool
      qualify:
        description: V(true), V(false), or V("") for the PBX's default.
        type: raw
      call_group:
        description: Call group ID; V("") clears it.
        type: raw
      access:
        description: Access level, passed as given.
        type: raw
      nat_mode:
        description: Whether the phone is behind NAT.
        type: bool
      nat_ipaddr:
        description: NAT IP address type, passed as given.
        type: raw
      ntp:
        description: NTP server type, passed as given.
        type: raw
      codec_list:
        description: Preferred codecs, passed as given.
        type: raw
      barge:
        description:
          - Barge mode, V(0) to V(3), or a list of the flags V(can_barge) and V(can_be_barged).
          - Diffs show it the way it is given here, as the number or as the list of flags.
        type: raw
      ip_addr:
        description: Fixed IP address and mask; V("") clears it. All five C(ip_*) fields are sent together when one differs.
        type: raw
      ip_dns1:
        description: Fixed first DNS server; V("") clears it.
        type: raw
      ip_dns2:
        description: Fixed second DNS server; V("") clears it.
        type: raw
      ip_gateway:
        description: Fixed gateway; V("") clears it.
        type: raw
      ip_domain:
        description: Fixed DNS search domain; V("") clears it.
        type: raw
  state:
    description:
      - V(merged) creates or updates the listed phones and leaves the others alone.
      - V(overridden) does the same and also deletes the active phones of O(companies) that are not listed (within O(max_deletions),
        never those in O(protected)).
      - V(overridden) never deletes a device one of whose port rows belongs to a company outside O(companies), because the PBX deletes whole
        devices; it is reported instead (a warning, and a result with RV(results[].action=unchanged) saying why).
      - V(overridden) deletes every phone of a company of O(companies) for which O(phones) declares no phone only when that company is
        in O(empty_companies); otherwise the task fails before any write.
      - V(deleted) deletes the listed phones (a phone waiting to be provisioned is removed from that list).
    type: str
    choices: [merged, overridden, deleted]
    default: merged
  companies:
    description:
      - The companies whose phones this run looks at. Required with O(state=overridden), which deletes unlisted phones of these companies only.
      - With other states it narrows the listing of active phones. A declared phone that the listing does not show is read before it
        is planned, so a phone the PBX holds in another company is converged like any other, never created again.
    type: list
    elements: raw
  empty_companies:
    description:
      - Companies of O(companies) that are meant to have no phones at all.
      - With O(state=overridden), a company of O(companies) of which O(phones) declares no phone fails the task before any write, unless it
        is listed here; then every one of its phones is deleted (within O(max_deletions), never those in O(protected)).
      - A company listed here must be one of O(companies), and no entry of O(phones) may give it as its O(phones[].company).
    type: list
    elements: raw
    default: []
    version_added: 0.2.0
  max_deletions:
    description:
      - With O(state=overridden), fail before any write if more than this many unlisted phones would be deleted.
    type: int
    default: 5
  protected:
    description:
      - MACs that are never deleted, whatever O(state) says. Listing one for deletion fails before any write.
    type: list
    elements: raw
    default: []
  concurrency:
    description:
      - How many phones are converged at the same time, each over the shared keep-alive session.
    type: int
    default: 8
notes:
  - A run that changes nothing costs one listing plus one read per declared active device.
seealso:
  - module: ipcortex.pbx.dialplan_phone
    description: One phone per task, with the same options per phone.
'''

EXAMPLES = r'''
# The connection comes from module_defaults for group/ipcortex.pbx.dialplan or from the IPCORTEX_URL
# and IPCORTEX_API_KEY environment variables (or give url and api_key as options).
- name: Converge the sales floor
  ipcortex.pbx.dialplan_phones:
    phones:
      - {mac: "00:04:13:aa:bb:11", company: acme, phone_type: yealinkT46, name: Sales 1}
      - {mac: "00:04:13:aa:bb:12", company: acme, phone_type: yealinkT46, name: Sales 2, can_hotdesk: true}
      - {phoneid: 000e08aabb011, company: acme, phone_type: spa112, name: Fax}

- name: The inventory is the truth for acme; delete what it does not list, at most three phones
  ipcortex.pbx.dialplan_phones:
    phones: "{{ acme_phones }}"
    state: overridden
    companies: [acme]
    max_deletions: 3
    protected: ["00:04:13:aa:bb:01"]

- name: Retire phones
  ipcortex.pbx.dialplan_phones:
    phones:
      - mac: 000413aabb21
      - mac: 000413aabb22
    state: deleted
'''

RETURN = r'''
results:
  description: One entry per declared phone (in order), then one per phone deleted by O(state=overridden).
  returned: always
  type: list
  elements: dict
  contains:
    mac:
      description: The device's MAC, 12 lower-case hex digits.
      type: str
      sample: 000413aabb11
    port:
      description: The port row.
      type: int
      sample: 0
    phoneid:
      description: MAC and port.
      type: str
      sample: 000413aabb110
    action:
      description: What was done (or in check mode would be done) to this phone.
      type: str
      choices: [created, promoted, updated, deleted, demoted, unchanged, failed]
      sample: updated
    changed:
      description: Whether this phone changed; also true for a failed phone when a write for it had been applied before it failed.
      type: bool
      sample: true
    msg:
      description: Why the phone failed, or why a device that O(state=overridden) would delete was kept; empty otherwise.
      type: str
      sample: ''
    diff:
      description: The managed settings before and after, as in M(ipcortex.pbx.dialplan_phone). Only in diff mode.
      type: dict
      returned: when diff mode is on
      sample: {before: {state: present, name: Sales 1}, after: {state: present, name: Sales one}}
summary:
  description: How many phones took each action, and the total.
  returned: always
  type: dict
  sample: {created: 1, promoted: 0, updated: 2, deleted: 0, demoted: 0, unchanged: 997, failed: 0, total: 1000}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.validation import check_type_str

from ansible_collections.ipcortex.pbx.plugins.module_utils._client import PbxError, client_for_module, connection_argument_spec
from ansible_collections.ipcortex.pbx.plugins.module_utils._converge import TypeCatalog
from ansible_collections.ipcortex.pbx.plugins.module_utils._fleet import Fleet, FleetInputError, ansible_diffs, desired_fleet, summarize
from ansible_collections.ipcortex.pbx.plugins.module_utils._phone import InvalidInput, phone_argument_spec, shape_problems, single_values


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        phones=dict(type='list', elements='dict', default=[], options=phone_argument_spec()),
        state=dict(type='str', choices=['merged', 'overridden', 'deleted'], default='merged'),
        # raw elements: a list or mapping given as one of them fails naming it, rather than becoming its text.
        companies=dict(type='list', elements='raw'),
        max_deletions=dict(type='int', default=5),
        protected=dict(type='list', elements='raw', default=[]),
        concurrency=dict(type='int', default=8),
        empty_companies=dict(type='list', elements='raw', default=[]),
    )
    return spec


NAME_LISTS = ('companies', 'empty_companies', 'protected')


def shape_problems_of(params):
    """Entries and list elements given as lists or mappings where one value is allowed."""
    problems = []
    for index, entry in enumerate(params['phones']):
        problems += shape_problems(entry, 'phones[%d].' % index)
    for option in NAME_LISTS:
        for index, value in enumerate(params[option] or []):
            if isinstance(value, (dict, list)):
                problems.append('%s[%d]: %r is not allowed; give a single %s' % (option, index, value, 'MAC' if option == 'protected' else 'company name'))
    return problems


def single_values_of(params):
    """The options with each text value as text, as Ansible's str type makes them."""
    params['phones'] = [single_values(entry) for entry in params['phones']]
    for option in NAME_LISTS:
        if params[option] is not None:
            params[option] = [check_type_str(value) for value in params[option]]


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_if=[('state', 'overridden', ('companies',))],
        supports_check_mode=True,
    )
    params = module.params
    if params['concurrency'] < 1:
        module.fail_json(msg='concurrency must be 1 or more')
    if params['max_deletions'] < 0:
        module.fail_json(msg='max_deletions must be 0 or more')
    problems = shape_problems_of(params)
    if problems:
        module.fail_json(msg='nothing was changed: ' + '; '.join(problems), problems=problems, changed=False)
    single_values_of(params)

    with client_for_module(module, pool_size=params['concurrency']) as client:
        try:
            catalog = TypeCatalog(client)
            fleet, protected = desired_fleet(client, params['phones'], params['state'], params['protected'], catalog)
            run = Fleet(client, fleet, params['state'], params['companies'], protected, params['max_deletions'],
                        params['concurrency'], module.check_mode, params['empty_companies'], catalog)
            results = run.run()
        except FleetInputError as exc:
            module.fail_json(msg='nothing was changed: ' + str(exc), problems=exc.problems, changed=False)
        except PbxError as exc:
            module.fail_json(msg=str(exc), changed=client.may_have_written, call=exc.call, server_message=exc.server_message)
        except InvalidInput as exc:
            # Only the PBX's own listing can get here (a row whose phoneid is not a MAC and port).
            module.fail_json(msg='the PBX listed a phone this module cannot read: %s' % exc, changed=False)

    for warning in run.warnings + [warning for result in results for warning in result.warnings]:
        module.warn(warning)
    summary = summarize(results)
    output = dict(
        changed=any(result.changed for result in results) or client.may_have_written,
        results=[result.as_dict(module._diff) for result in results],
        summary=summary,
    )
    if module._diff:
        output['diff'] = ansible_diffs(results)
    if summary['failed']:
        failed = [result for result in results if result.action == 'failed']
        module.fail_json(msg='%d of %d phones failed: %s' % (len(failed), len(results), '; '.join(
            '%s: %s' % (result.as_dict(False)['phoneid'], result.msg) for result in failed)), **output)
    module.exit_json(**output)


if __name__ == '__main__':
    main()
