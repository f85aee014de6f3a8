# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP client of ipcortex.pbx: connection options, authentication, retries and errors.

Private to this collection: no stability promise for anything in this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os
import random
import re
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
# A read is sent again after any of these.
RETRY_STATUSES = frozenset((429, 502, 503, 504))
# Only these prove the PBX did not act, so only these send a write again; after a 502 or 504 a
# gateway may have passed the write on.
WRITE_RETRY_STATUSES = frozenset((429, 503))
# Error statuses that still prove the PBX did not act; after any other 5xx a write's outcome is unknown.
NOT_ACTED_STATUSES = frozenset((429, 501, 503))
# What the PBX refuses to a Company-Admin, said in its terms.
SYSTEM_ADMIN_HINTS = {
    'create': 'creating, deleting and assigning phones needs a System-Admin',
    'delete': 'creating, deleting and assigning phones needs a System-Admin',
    'assign': 'creating, deleting and assigning phones needs a System-Admin',
    'promote': 'activating phones that wait to be provisioned (and removing them) needs a System-Admin',
    'demote': 'activating phones that wait to be provisioned (and removing them) needs a System-Admin',
    'inactive': 'listing the phones that wait to be provisioned needs a System-Admin',
}
# Exceptions that prove the request never left: no connection was made.
_NOT_SENT_ERRORS = ('NewConnectionError', 'NameResolutionError', 'ConnectTimeoutError', 'ConnectionRefusedError', 'ProxyError', 'LocationParseError')
# The user information of a URL runs to the last @ before the path (a password may hold a raw @).
_URL_CREDENTIALS = re.compile(r'(?i)\b([a-z][a-z0-9+.-]*://)([^/?#\s]+)@')
MASK = '********'
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0


def connection_argument_spec():
    """The connection options every module takes; documented by the ipcortex.pbx.connection fragment."""
    return dict(
        # Required, checked by check_url so that the message can name IPCORTEX_URL.
        url=dict(type='str', fallback=(env_fallback, ['IPCORTEX_URL'])),
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
    ``outcome_unknown`` is true when a write may or may not have been applied (never for a read).
    Credentials written into a URL are masked in the message.
    """

    def __init__(self, message, call=None, scope=None, server_message=None, kind='rejected', status=None, outcome_unknown=False):
        super(PbxError, self).__init__(mask_url(message))
        self.call = call
        self.scope = scope
        self.server_message = server_message
        self.kind = kind
        self.status = status
        self.outcome_unknown = outcome_unknown


def mask_url(text):
    """``text`` with every credential written into a URL (``https://user:secret@host``) masked."""
    return _URL_CREDENTIALS.sub(lambda match: match.group(1) + MASK + '@', str(text))


def url_credentials(url):
    """The ``user:secret`` part of a URL, or None."""
    match = _URL_CREDENTIALS.match(str(url or '').strip())
    return match.group(2) if match else None


ENVIRONMENT = dict((name, option['fallback'][1][0]) for name, option in connection_argument_spec().items())


def _from_environment(params, name, environ):
    """Whether an option's value is the one its environment variable holds (how fallbacks fill it)."""
    value = params.get(name)
    return value is not None and environ.get(ENVIRONMENT[name]) == str(value)


def _and_list(words):
    return words[0] if len(words) == 1 else '%s and %s' % (', '.join(words[:-1]), words[-1])


def check_url(params, environ=None):
    """``url`` is given and usable; returns an error message or None. Nothing is sent before this holds."""
    environ = os.environ if environ is None else environ
    url = params.get('url')
    if not url or not str(url).strip():
        return 'url is required: set the url option (for example https://pbx.example.com) or the IPCORTEX_URL environment variable'
    where = ' (from the IPCORTEX_URL environment variable)' if _from_environment(params, 'url', environ) else ''
    scheme, _sep, rest = str(url).strip().partition('://')
    shown = mask_url(str(url).strip())
    if not _sep and '@' in scheme.split('/', 1)[0]:
        # user:secret@host without a scheme
        shown = MASK + '@' + scheme.rsplit('@', 1)[1]
    if not _sep or scheme.lower() not in ('http', 'https'):
        return 'url %r%s must start with https:// (or http://), for example https://%s' % (shown, where, shown.split('://')[-1] or 'pbx.example.com')
    host = rest.split('/', 1)[0].rpartition('@')[2]
    if not host:
        return 'url %r%s names no host; give the PBX\'s address, for example https://pbx.example.com' % (shown, where)
    return None


def check_auth_options(params, environ=None, where='the task'):
    """The connection options' rules: a usable url, exactly one way to authenticate, sane timeout and retries.

    Returns an error message or None. ``where`` names what set the options that did not come from
    the environment (the task, an inventory file), so a conflict says where each method came from.
    """
    environ = os.environ if environ is None else environ
    problem = check_url(params, environ)
    if problem:
        return problem
    has_key = bool(params.get('api_key'))
    has_user = bool(params.get('username')) or bool(params.get('password'))
    if has_key and has_user:
        given = [name for name in ('api_key', 'username', 'password') if params.get(name)]
        from_env = [ENVIRONMENT[name] for name in given if _from_environment(params, name, environ)]
        message = 'give either api_key or username and password, not both'
        if not from_env:
            return message
        set_here = [name for name in given if not _from_environment(params, name, environ)]
        parts = ['%s sets %s' % (where, _and_list(set_here))] if set_here else []
        parts.append('the environment sets %s' % _and_list(from_env))
        return '%s: %s' % (message, ' and '.join(parts))
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
    credentials = url_credentials(module.params.get('url'))
    if credentials:
        # Ansible masks these in everything the module returns, its invocation included.
        module.no_log_values.add(credentials)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    problem = check_auth_options(module.params)
    if problem:
        module.fail_json(msg=problem, changed=False)
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


class UnverifiedRequestsQuiet(object):
    """Silences urllib3's InsecureRequestWarning while a request to an unverified PBX is in flight.

    Warning filters are process-wide (the inventory plugin runs in the controller's process) and
    ``warnings.catch_warnings`` is not thread-safe (a fleet run's threads would restore each other's
    filters), so the first request in flight adds one filter and the last one to end removes it,
    leaving every other filter as it was.
    """

    _lock = threading.Lock()
    _in_flight = 0
    _added = None

    def __enter__(self):
        cls = type(self)
        with cls._lock:
            if cls._in_flight == 0:
                category = requests.packages.urllib3.exceptions.InsecureRequestWarning
                # A filter the same as ours that was there before is left alone, where it is.
                if not any(entry[0] == 'ignore' and entry[1] is None and entry[2] is category and entry[3] is None for entry in warnings.filters):
                    warnings.filterwarnings('ignore', category=category)
                    cls._added = warnings.filters[0]
            cls._in_flight += 1
        return self

    def __exit__(self, *exc_info):
        cls = type(self)
        with cls._lock:
            cls._in_flight -= 1
            if cls._in_flight == 0 and cls._added is not None:
                if cls._added in warnings.filters:
                    warnings.filters.remove(cls._added)
                cls._added = None


class PbxClient(object):
    """One keep-alive session to the PBX's REST API.

    With an API key every call is stateless. With username and password the client logs in
    once (cookie ``Red60urne``), logs in again once if the session expires, and logs out on
    ``close()``.
    """

    def __init__(self, url, api_key=None, username=None, password=None, validate_certs=True, ca_path=None,
                 timeout=30, retries=3, sleep=None, pool_size=10):
        self.base_url = url.strip().rstrip('/')
        # What messages show: never the credentials a URL may carry.
        self.shown_url = mask_url(self.base_url)
        self.api_key = api_key
        self.username = username
        self.password = password
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep or _sleep
        self.requests_sent = 0
        self.writes_applied = 0
        self.writes_unknown = 0
        self._logged_in = False
        self._session_generation = 0
        # Devices read port by port (a Company-Admin's share of a device): MAC -> ports.
        self._own_ports = {}
        # Threads of a fleet run share the session: one login at a time, counters under a lock.
        self._lock = threading.Lock()
        self._login_lock = threading.Lock()
        # requests rather than Ansible's open_url: open_url opens a new connection (and TLS handshake)
        # per request, while a fleet run sends thousands of calls over a pool of keep-alive
        # connections shared by its threads.
        self.session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=max(pool_size, 1))
        self.session.mount('http://', adapter)
        self.session.mount('https://', adapter)
        # Passed with every request: a session-wide verify loses to REQUESTS_CA_BUNDLE in requests.
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        # The modules warn once in their own words instead of urllib3 once per request.
        self._quiet = UnverifiedRequestsQuiet if self.verify is False else contextlib.nullcontext
        self.session.headers.update({'Accept': 'application/json'})
        self.proxy = environment_proxy(self.base_url)

    @classmethod
    def from_params(cls, params, pool_size=10):
        """A client from the connection options; ``pool_size`` keep-alive connections for parallel calls."""
        return cls(pool_size=pool_size, **dict((key, params.get(key)) for key in CONNECTION_OPTIONS))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def may_have_written(self):
        """Whether this client applied a write, or sent one whose outcome is unknown: what makes a task changed."""
        return bool(self.writes_applied or self.writes_unknown)

    # --- the API ---------------------------------------------------------------------------

    def call(self, verb, scope=None, values=None, section='dialplan'):
        """Send one ``section/verb`` call and return the reply; raise PbxError on any failure.

        A read is retried up to ``retries`` times on any transient failure. A write is sent again
        only when the PBX cannot have acted on it (429, 503, no connection made); after a 502 or
        504, a timeout or a cut connection its outcome is unknown: the PbxError says so
        (``outcome_unknown``) and the caller reads the phone and decides again.
        """
        body = {'type': 'phone'}
        if scope is not None:
            body['scope'] = scope
        if values is not None:
            body['values'] = values
        is_write = verb in WRITE_VERBS
        subject = scope or ({'mac': values.get('mac') or values.get('phoneid')} if isinstance(values, dict) and
                            (values.get('mac') or values.get('phoneid')) else None)
        try:
            reply = self._post('%s/%s' % (section, verb), body, is_write=is_write, scope=subject)
        except PbxError as exc:
            if exc.outcome_unknown:
                with self._lock:
                    self.writes_unknown += 1
            raise
        if is_write:
            with self._lock:
                self.writes_applied += 1
        return reply

    def read_phone(self, mac, port=None, ports=None, needed_port=None):
        """The port rows of a device (or of its port ``port``).

        The PBX refuses a Company-Admin a read by MAC alone when another company holds a port of
        the device, and lets it read its own ports by MAC and port. After that refusal the
        device's ports these credentials may see (``ports`` when the caller listed them, else
        from the ``active`` listing) are read one by one; the device is then read that way for
        the rest of the run. Other devices cost one read as ever. ``needed_port``, the port the
        caller is about to manage, is read too when it is not among those, so that the PBX's own
        refusal names it.
        """
        if port is not None:
            return self._read({'mac': mac, 'port': port})
        own = self._own_ports.get(mac)
        if own:
            try:
                return self._read_own_ports(mac, own, needed_port)
            except PbxError as exc:
                if exc.kind != 'permission':
                    raise
                self._own_ports.pop(mac, None)
        try:
            return self._read({'mac': mac})
        except PbxError as exc:
            if exc.kind != 'permission':
                raise
            own = sorted(ports) if ports else self._listed_ports(mac)
            if not own:
                raise
        self._own_ports[mac] = own
        return self._read_own_ports(mac, own, needed_port)

    def _read_own_ports(self, mac, own, needed_port):
        rows = []
        for port in own:
            rows.extend(self._read({'mac': mac, 'port': port}))
        if needed_port is not None and needed_port not in own:
            rows.extend(self._read({'mac': mac, 'port': needed_port}))
        return rows

    def _read(self, scope):
        return self.call('read', scope).get('values') or []

    def _listed_ports(self, mac):
        """The ports of ``mac`` in the active listing of the companies these credentials administer."""
        try:
            listed = self.call('active').get('values') or []
        except PbxError:
            return []
        ports = []
        for row in listed:
            pid = str(row.get('phoneid') or '')
            if pid[:12] == mac and pid[12:].isdigit():
                ports.append(int(pid[12:]))
        return sorted(set(ports))

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
                with self._quiet():
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
        retry_statuses = WRITE_RETRY_STATUSES if is_write else RETRY_STATUSES
        while True:
            try:
                response = self._request(path, body, is_write)
            except PbxError as exc:
                exc.call, exc.scope = call, scope
                if attempt >= self.retries or exc.outcome_unknown:
                    raise
                self.sleep(retry_delay(attempt))
                attempt += 1
                continue
            if response.status_code in retry_statuses and attempt < self.retries:
                self.sleep(retry_delay(attempt, response.headers.get('Retry-After')))
                attempt += 1
                continue
            return self._reply(call, scope, response, is_write)

    def _request(self, path, body, is_write):
        shown = '%s/rest/%s/' % (self.shown_url, path)
        with self._lock:
            self.requests_sent += 1
        unknown = ''
        if is_write:
            unknown = '; whether the PBX acted on %s is unknown' % path
        try:
            with self._quiet():
                return self.session.post(self._url(path), json=body, timeout=self.timeout, verify=self.verify, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            reason = _root_cause(exc)
            if 'CERTIFICATE_VERIFY_FAILED' in reason:
                reason = 'the PBX certificate could not be verified (%s)' % reason
            raise PbxError('TLS failed for %s%s: %s. Trust the PBX certificate with ca_path, or set validate_certs: false for a test system'
                           % (shown, self._via_proxy(), reason), kind='tls')
        except requests.exceptions.ConnectTimeout:
            raise PbxError('PBX unreachable at %s%s: connecting timed out after %s s' % (shown, self._via_proxy(), self.timeout), kind='transport')
        except requests.exceptions.Timeout:
            raise PbxError('PBX at %s%s did not answer within %s s (timeout)%s' % (shown, self._via_proxy(), self.timeout, unknown),
                           kind='transport', outcome_unknown=is_write)
        except requests.exceptions.ConnectionError as exc:
            reason = _root_cause(exc)
            not_sent = _never_sent(exc)
            raise PbxError('PBX unreachable at %s%s: %s%s' % (shown, self._via_proxy(exc), reason, '' if not_sent else unknown),
                           kind='transport', outcome_unknown=is_write and not not_sent)
        except requests.RequestException as exc:
            raise PbxError('request to %s failed: %s%s' % (shown, _root_cause(exc), unknown), kind='transport', outcome_unknown=is_write)

    def _via_proxy(self, exc=None):
        """Where a proxy from the environment stands between us and the PBX, say so: its refusal is not the PBX's."""
        if not self.proxy:
            return ''
        name, proxy = self.proxy
        refused = ' (the proxy refused or could not be reached)' if isinstance(exc, requests.exceptions.ProxyError) else ''
        return ' through the proxy %s from the environment variable %s%s' % (mask_url(proxy), name, refused)

    def _reply(self, call, scope, response, is_write):
        where = describe_scope(scope)
        if 300 <= response.status_code < 400:
            raise PbxError('%s%s: the PBX answered with a redirect to %s; set url to the address the API answers on'
                           % (call, where, response.headers.get('Location', '?')), call=call, scope=scope, kind='protocol', status=response.status_code)
        unknown = is_write and response.status_code >= 500 and response.status_code not in NOT_ACTED_STATUSES
        outcome = '; whether the PBX acted on it is unknown' if unknown else ''
        try:
            reply = response.json()
        except ValueError:
            reply = None
        if not isinstance(reply, dict) or 'result' not in reply:
            raise PbxError('%s%s: the PBX answered HTTP %s without a JSON result%s' % (call, where, response.status_code, outcome),
                           call=call, scope=scope, kind='protocol', status=response.status_code, outcome_unknown=unknown)
        if reply.get('result') == 'success':
            return reply
        message = str(reply.get('message') or 'no message')
        kind = _failure_kind(response.status_code, message)
        hint = ''
        if kind == 'auth':
            hint = ' (check api_key, or username and password)'
        elif kind == 'permission':
            hint = ' (%s)' % SYSTEM_ADMIN_HINTS.get(call.rpartition('/')[2], 'these credentials may not act on this phone or company')
        status = '' if response.status_code == 200 else ' (HTTP %d)' % response.status_code
        raise PbxError('%s%s failed%s: %s%s%s' % (call, where, status, message, hint, outcome), call=call, scope=scope, server_message=message,
                       kind=kind, status=response.status_code, outcome_unknown=unknown)


def environment_proxy(url):
    """(variable name, proxy URL) of the proxy requests takes from the environment for ``url``, or None."""
    try:
        proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
    except Exception:  # pylint: disable=broad-except
        return None
    if not proxy:
        return None
    scheme = url.partition('://')[0].lower()
    for name in ('%s_proxy' % scheme, '%s_PROXY' % scheme.upper(), 'all_proxy', 'ALL_PROXY'):
        if os.environ.get(name) == proxy:
            return name, proxy
    return 'ALL_PROXY', proxy


def _never_sent(exc):
    """Whether a connection error proves the request never reached the PBX (no connection was made)."""
    cause = exc
    seen = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if type(cause).__name__ in _NOT_SENT_ERRORS:
            return True
        cause = getattr(cause, 'reason', None) or cause.__cause__ or cause.__context__
        if not isinstance(cause, BaseException):
            return False
    return False


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
