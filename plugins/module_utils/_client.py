# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP client of ipcortex.pbx: connection options, authentication, retries and errors.

Private to this collection: no stability promise for anything in this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import threading
import time
import traceback
import warnings
from email.utils import parsedate_to_datetime

from ansible.module_utils.basic import env_fallback, missing_required_lib

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

SESSION_COOKIE = 'Red60urne'
WRITE_VERBS = frozenset(('create', 'update', 'delete', 'assign', 'promote', 'demote', 'reboot', 'newpass'))
# The server says these were not acted on, so any call may be sent again.
RETRY_STATUSES = frozenset((429, 502, 503, 504))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0


def connection_argument_spec():
    """The connection options every module takes; documented by the ipcortex.pbx.connection fragment."""
    return dict(
        url=dict(type='str', required=True, fallback=(env_fallback, ['IPCORTEX_URL'])),
        api_key=dict(type='str', no_log=True, fallback=(env_fallback, ['IPCORTEX_API_KEY'])),
        username=dict(type='str', fallback=(env_fallback, ['IPCORTEX_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['IPCORTEX_PASSWORD'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['IPCORTEX_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['IPCORTEX_CA_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['IPCORTEX_TIMEOUT'])),
        retries=dict(type='int', default=3, fallback=(env_fallback, ['IPCORTEX_RETRIES'])),
    )


CONNECTION_OPTIONS = tuple(connection_argument_spec())


class PbxError(Exception):
    """Any failure to get an answer from the PBX, phrased for a person.

    ``call`` is ``section/verb``, ``scope`` what it selected, ``server_message`` what the PBX
    said, ``kind`` one of auth, permission, rejected, transport, tls, protocol.
    ``outcome_unknown`` is true when a write may or may not have been applied.
    """

    def __init__(self, message, call=None, scope=None, server_message=None, kind='rejected', status=None, outcome_unknown=False):
        super(PbxError, self).__init__(message)
        self.call = call
        self.scope = scope
        self.server_message = server_message
        self.kind = kind
        self.status = status
        self.outcome_unknown = outcome_unknown


def check_auth_options(params):
    """Exactly one way to authenticate; returns an error message or None."""
    has_key = bool(params.get('api_key'))
    has_user = bool(params.get('username')) or bool(params.get('password'))
    if has_key and has_user:
        return 'give either api_key or username and password, not both'
    if not has_key and not has_user:
        return 'one of api_key or username and password is required (or IPCORTEX_API_KEY, or IPCORTEX_USERNAME and IPCORTEX_PASSWORD)'
    if has_user and not (params.get('username') and params.get('password')):
        return 'username and password must be given together'
    if params.get('timeout') is not None and params['timeout'] < 1:
        return 'timeout must be a whole number of seconds, 1 or more'
    if params.get('retries') is not None and params['retries'] < 0:
        return 'retries must be 0 or more'
    return None


def client_for_module(module, pool_size=10):
    """The client of a module run, after the checks every module makes before its first request."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    problem = check_auth_options(module.params)
    if problem:
        module.fail_json(msg=problem)
    for warning in connection_warnings(module.params):
        module.warn(warning)
    return PbxClient.from_params(module.params, pool_size)


def connection_warnings(params):
    """What a user should hear about the connection options they chose."""
    if params.get('validate_certs') is False and str(params.get('url', '')).lower().startswith('https'):
        return ['validate_certs is false: the PBX certificate is not verified, so anyone on the path can read the credentials']
    return []


def describe_scope(scope):
    if not scope:
        return ''
    mac = scope.get('mac') or scope.get('phoneid')
    if mac and scope.get('port') is not None and scope.get('mac'):
        return ' for phone %s port %s' % (mac, scope['port'])
    if mac:
        return ' for phone %s' % mac
    if scope.get('company'):
        return ' for company %s' % (scope['company'],)
    return ''


def _sleep(seconds):
    time.sleep(seconds)


def retry_delay(attempt, retry_after=None, jitter=random.random):
    """Exponential back-off with jitter; the server's Retry-After wins when it is longer."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt)) * (0.5 + jitter() / 2)
    wait = parse_retry_after(retry_after)
    if wait is not None:
        delay = max(delay, min(wait, BACKOFF_CAP * 2))
    return delay


def parse_retry_after(value):
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


class PbxClient(object):
    """One keep-alive session to the PBX's REST API.

    With an API key every call is stateless. With username and password the client logs in
    once (cookie ``Red60urne``), logs in again once if the session expires, and logs out on
    ``close()``.
    """

    def __init__(self, url, api_key=None, username=None, password=None, validate_certs=True, ca_path=None,
                 timeout=30, retries=3, sleep=None, pool_size=10):
        self.base_url = url.rstrip('/')
        self.api_key = api_key
        self.username = username
        self.password = password
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep or _sleep
        self.requests_sent = 0
        self.writes_applied = 0
        self._logged_in = False
        self._session_generation = 0
        # Threads of a fleet run share the session: one login at a time, counters under a lock.
        self._lock = threading.Lock()
        self._login_lock = threading.Lock()
        self.session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=max(pool_size, 1))
        self.session.mount('http://', adapter)
        self.session.mount('https://', adapter)
        # Passed with every request: a session-wide verify loses to REQUESTS_CA_BUNDLE in requests.
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        if not validate_certs:
            # The modules warn once in their own words instead of once per request.
            warnings.filterwarnings('ignore', category=requests.packages.urllib3.exceptions.InsecureRequestWarning)
        self.session.headers.update({'Accept': 'application/json'})

    @classmethod
    def from_params(cls, params, pool_size=10):
        """A client from the connection options; ``pool_size`` keep-alive connections for parallel calls."""
        return cls(pool_size=pool_size, **dict((key, params.get(key)) for key in CONNECTION_OPTIONS))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # --- the API ---------------------------------------------------------------------------

    def call(self, verb, scope=None, values=None, section='dialplan'):
        """Send one ``section/verb`` call and return the reply; raise PbxError on any failure.

        Reads, and calls the server refused to act on (429, 502, 503, 504, connection not
        made), are retried up to ``retries`` times. A write whose outcome is unknown (timeout,
        connection lost after sending) is never sent again here: the PbxError says so and the
        caller reads the phone and decides again.
        """
        body = {'type': 'phone'}
        if scope is not None:
            body['scope'] = scope
        if values is not None:
            body['values'] = values
        is_write = verb in WRITE_VERBS
        reply = self._post('%s/%s' % (section, verb), body, is_write=is_write, scope=scope)
        if is_write:
            with self._lock:
                self.writes_applied += 1
        return reply

    def read_phone(self, mac, port=None):
        scope = {'mac': mac}
        if port is not None:
            scope['port'] = port
        return self.call('read', scope).get('values') or []

    def waiting_phones(self):
        return self.call('inactive').get('values') or []

    def phone_types(self):
        return self.call('readtypes').get('values') or []

    def login(self, expired_generation=None):
        """Log in, unless another thread already did (or already renewed ``expired_generation``)."""
        with self._login_lock:
            if self._logged_in and self._session_generation != expired_generation:
                return
            self._send('auth', {'auth': {'type': 'auth', 'username': self.username, 'password': self.password}}, is_write=False, scope=None)
            self._logged_in = True
            self._session_generation += 1

    def close(self):
        """Log out a session (best effort: the session expires on the PBX anyway)."""
        if self._logged_in:
            self._logged_in = False
            try:
                self.session.post(self._url('auth/logout'), json={'auth': {'type': 'auth'}}, timeout=self.timeout, verify=self.verify,
                                  allow_redirects=False)
                self.requests_sent += 1
            except requests.RequestException:
                pass
        self.session.close()

    # --- transport -------------------------------------------------------------------------

    def _url(self, path):
        return '%s/rest/%s/' % (self.base_url, path)

    def _post(self, path, body, is_write, scope):
        if self.api_key:
            body['auth'] = {'type': 'auth', 'key': self.api_key}
            return self._send(path, body, is_write, scope)
        if not self._logged_in:
            self.login()
        generation = self._session_generation
        try:
            return self._send(path, body, is_write, scope)
        except PbxError as exc:
            if exc.kind != 'auth':
                raise
        # The session expired: the server refused the call before acting, so one new login
        # and one more try are safe.
        self.login(expired_generation=generation)
        return self._send(path, body, is_write, scope)

    def _send(self, path, body, is_write, scope):
        call = path
        attempt = 0
        while True:
            try:
                response = self._request(path, body)
            except PbxError as exc:
                exc.call, exc.scope = call, scope
                if attempt >= self.retries or (exc.outcome_unknown and is_write):
                    raise
                self.sleep(retry_delay(attempt))
                attempt += 1
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                self.sleep(retry_delay(attempt, response.headers.get('Retry-After')))
                attempt += 1
                continue
            return self._reply(call, scope, response, is_write)

    def _request(self, path, body):
        url = self._url(path)
        with self._lock:
            self.requests_sent += 1
        try:
            return self.session.post(url, json=body, timeout=self.timeout, verify=self.verify, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            reason = _root_cause(exc)
            if 'CERTIFICATE_VERIFY_FAILED' in reason:
                reason = 'the PBX certificate could not be verified (%s)' % reason
            raise PbxError('TLS failed for %s: %s. Trust the PBX certificate with ca_path, or set validate_certs: false for a test system'
                           % (url, reason), kind='tls')
        except requests.exceptions.ConnectTimeout:
            raise PbxError('PBX unreachable at %s: connecting timed out after %s s' % (url, self.timeout), kind='transport')
        except requests.exceptions.Timeout:
            raise PbxError('PBX at %s did not answer within %s s (timeout); whether it acted is unknown' % (url, self.timeout),
                           kind='transport', outcome_unknown=True)
        except requests.exceptions.ConnectionError as exc:
            reason = _root_cause(exc)
            not_sent = 'NewConnectionError' in reason or 'Connection refused' in reason or 'Name or service not known' in reason
            raise PbxError('PBX unreachable at %s: %s' % (url, reason), kind='transport', outcome_unknown=not not_sent)
        except requests.RequestException as exc:
            raise PbxError('request to %s failed: %s' % (url, _root_cause(exc)), kind='transport', outcome_unknown=True)

    def _reply(self, call, scope, response, is_write):
        where = describe_scope(scope)
        if 300 <= response.status_code < 400:
            raise PbxError('%s%s: the PBX answered with a redirect to %s; set url to the address the API answers on'
                           % (call, where, response.headers.get('Location', '?')), call=call, scope=scope, kind='protocol', status=response.status_code)
        try:
            reply = response.json()
        except ValueError:
            reply = None
        if not isinstance(reply, dict) or 'result' not in reply:
            raise PbxError('%s%s: the PBX answered HTTP %s without a JSON result' % (call, where, response.status_code),
                           call=call, scope=scope, kind='protocol', status=response.status_code,
                           outcome_unknown=is_write and response.status_code >= 500)
        if reply.get('result') == 'success':
            return reply
        message = str(reply.get('message') or 'no message')
        kind = _failure_kind(response.status_code, message)
        hint = {
            'auth': ' (check api_key, or username and password)',
            'permission': ' (these credentials may not act on this phone or company)',
        }.get(kind, '')
        status = '' if response.status_code == 200 else ' (HTTP %d)' % response.status_code
        raise PbxError('%s%s failed%s: %s%s' % (call, where, status, message, hint), call=call, scope=scope, server_message=message,
                       kind=kind, status=response.status_code, outcome_unknown=is_write and response.status_code in (500, 502, 504))


def _failure_kind(status, message):
    lowered = message.lower()
    if status == 401 or 'session' in lowered or 'credential' in lowered or 'authentication' in lowered or 'log in' in lowered:
        return 'auth'
    if status == 403 or 'permission' in lowered:
        return 'permission'
    return 'rejected'


def _root_cause(exc):
    """The innermost reason of a requests error (e.g. the certificate problem), not the wrapper chain."""
    cause = exc
    seen = set()
    while True:
        inner = getattr(cause, 'reason', None) or cause.__cause__ or cause.__context__
        if inner is None or id(inner) in seen or not isinstance(inner, BaseException):
            break
        seen.add(id(inner))
        cause = inner
    args = getattr(cause, 'args', ())
    text = str(args[0]) if args and isinstance(args[0], str) else str(cause)
    return text or type(cause).__name__
