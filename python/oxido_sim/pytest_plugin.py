"""The ``oxido_sim`` pytest fixture: a fresh emulator on a free port, HTTPS by default.

Options come from the ``oxido_sim`` marker on a test, else from ini options
(``oxido_sim_seed``, ``oxido_sim_action_duration``, ``oxido_sim_rate_limit_per_minute``,
``oxido_sim_rate_limit_per_hour``, ``oxido_sim_http``, ``oxido_sim_scope``)::

    @pytest.mark.oxido_sim(seed="empty", action_duration="100ms", http=False)
    def test_something(oxido_sim):
        client = pydo.Client(oxido_sim.token, endpoint=oxido_sim.url,
                             connection_verify=oxido_sim.ca_path)

``oxido_sim`` is function-scoped unless ``oxido_sim_scope = session``; ``oxido_sim_session``
is always session-scoped (ini options only, since markers belong to single tests).
"""

# Python 3.9 compatible: no `X | Y` annotations, no match statements.

import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from oxido_sim import find_binary

# How long the emulator may take to print its banner before the fixture gives up.
START_TIMEOUT = 20.0
# How much of the emulator's log a failure report shows (its end).
LOG_TAIL_BYTES = 16 * 1024

_OPTIONS = {
    # marker keyword: (ini name, help)
    "seed": ("oxido_sim_seed", "initial data: demo (default) or empty"),
    "action_duration": ("oxido_sim_action_duration", "how long actions run, e.g. 250ms (default 3s)"),
    "rate_limit_per_minute": ("oxido_sim_rate_limit_per_minute", "per-token burst limit per minute"),
    "rate_limit_per_hour": ("oxido_sim_rate_limit_per_hour", "per-token limit per hour"),
    "http": ("oxido_sim_http", "serve plain HTTP instead of HTTPS (true/false)"),
}


def pytest_addoption(parser):
    for ini, help_text in _OPTIONS.values():
        parser.addini(ini, help_text, default=None)
    parser.addini(
        "oxido_sim_scope", "scope of the oxido_sim fixture: function (default) or session", default="function"
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "oxido_sim(seed=, action_duration=, rate_limit_per_minute=, rate_limit_per_hour=, http=): "
        "options of the emulator the oxido_sim fixture starts for this test",
    )


def _truthy(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _settings(config, marker):
    settings = {}
    for key, (ini, _) in _OPTIONS.items():
        value = config.getini(ini)
        if value not in (None, ""):
            settings[key] = value
    if marker is not None:
        unknown = set(marker.kwargs) - set(_OPTIONS)
        if unknown:
            raise pytest.UsageError("oxido_sim marker: unknown option(s) %s" % ", ".join(sorted(unknown)))
        settings.update(marker.kwargs)
    return settings


class SimError(Exception):
    """The emulator did not start, or an admin call failed; the message says why."""


class Admin:
    """The emulator's ``/_sim/`` admin routes, called with its admin token."""

    def __init__(self, sim):
        self._sim = sim

    def _call(self, method, path, body=None, query=None, expect=(200, 201, 204)):
        url = self._sim.url + "/_sim" + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", "Bearer " + self._sim.admin_token)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._sim._open(request) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        if status not in expect:
            raise SimError(
                "%s /_sim%s answered %d: %s" % (method, path, status, payload.decode("utf-8", "replace"))
            )
        return json.loads(payload) if payload else None

    def inject_fault(self, effect, route=None, method=None, share=1.0, times=None):
        """Adds a fault rule and returns its id.

        ``effect`` is a dict such as ``{"kind": "status", "status": 429, "retry_after": 1}``,
        ``{"kind": "latency", "millis": 200}`` or ``{"kind": "drop_connection"}``; ``route`` an
        exact path or a pattern such as ``/v2/droplets/{droplet_id}``.
        """
        rule = {"effect": effect, "share": share}
        if route is not None:
            rule["route"] = route
        if method is not None:
            rule["method"] = method
        if times is not None:
            rule["times"] = times
        return self._call("POST", "/faults", rule)["id"]

    def fail_status(self, status, route=None, method=None, times=None, retry_after=None):
        """Shorthand: matching requests answer ``status`` (the API's JSON error) instead."""
        effect = {"kind": "status", "status": status}
        if retry_after is not None:
            effect["retry_after"] = retry_after
        return self.inject_fault(effect, route=route, method=method, times=times)

    def faults(self):
        return self._call("GET", "/faults")["faults"]

    def clear_faults(self):
        self._call("DELETE", "/faults")

    def fail_actions(self, action_type="any"):
        """Makes new actions of this type (or any) end ``errored``."""
        rule = {} if action_type == "any" else {"type": action_type}
        self._call("POST", "/action-failures", rule)

    def set_action_duration(self, duration):
        """How long new actions run, e.g. ``"250ms"`` or ``"2s"``."""
        self._call("PUT", "/action-duration", {"duration": duration})

    def reset(self, token=None):
        """Back to the seed: the whole emulator, or only the account of ``token``."""
        self._call("POST", "/reset", query={"token": token} if token else None)

    def export_state(self, token=None):
        """One account's state as a versioned document (the demo account's by default)."""
        return self._call("GET", "/state", query={"token": token} if token else None)

    def import_state(self, document, token=None):
        """Replaces one account's state with a document from :meth:`export_state`."""
        self._call("PUT", "/state", document, query={"token": token} if token else None)

    def requests(self):
        return self._call("GET", "/requests")["requests"]

    def clear_requests(self):
        self._call("DELETE", "/requests")


class OxidoSim:
    """A running emulator: ``url``, ``token``, ``ca_path`` (``None`` over HTTP), ``admin``."""

    def __init__(self, process, url, token, admin_token, ca_path, log_path, workdir):
        self.process = process
        self.url = url
        self.token = token
        self.admin_token = admin_token
        self.ca_path = ca_path
        self.log_path = log_path
        self._workdir = workdir
        self._ssl = ssl.create_default_context(cafile=ca_path) if ca_path else None
        # Admin calls go straight to 127.0.0.1, never through a proxy from the environment.
        handlers = [urllib.request.ProxyHandler({})]
        if self._ssl is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self._ssl))
        self._opener = urllib.request.build_opener(*handlers)
        self.admin = Admin(self)

    @property
    def verify(self):
        """What ``requests``/azure-core take as ``verify``/``connection_verify``."""
        return self.ca_path if self.ca_path else True

    def _open(self, request):
        return self._opener.open(request, timeout=30)

    def requests(self):
        """The API requests the emulator received, oldest first: dicts with ``method``,
        ``path`` (with the query), ``body`` (text, at most 4 KiB) and ``body_len``."""
        return self.admin.requests()

    def log(self):
        """The emulator's stdout and stderr so far."""
        with open(self.log_path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def close(self):
        self.stop()
        shutil.rmtree(self._workdir, ignore_errors=True)


def start(settings=None, binary=None):
    """Starts an emulator on a free 127.0.0.1 port and returns an :class:`OxidoSim` once it
    listens. ``settings`` takes the marker's keywords. Call ``close()`` when done."""
    settings = dict(settings or {})
    binary = binary or find_binary()
    workdir = tempfile.mkdtemp(prefix="oxido-sim-")
    log_path = os.path.join(workdir, "oxido-sim.log")
    admin_token = "sim-admin-" + secrets.token_hex(16)
    args = [binary, "--listen", "127.0.0.1:0", "--admin-token", admin_token]
    https = not _truthy(settings.pop("http", False))
    ca_path = None
    if https:
        ca_path = os.path.join(workdir, "ca.pem")
        args += ["--tls", "--ca-out", ca_path]
    for key in ("seed", "action_duration", "rate_limit_per_minute", "rate_limit_per_hour"):
        if key in settings:
            args += ["--" + key.replace("_", "-"), str(settings.pop(key))]
    if settings:
        raise SimError("unknown oxido-sim option(s): %s" % ", ".join(sorted(settings)))
    log = open(log_path, "wb")
    try:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()
    deadline = time.monotonic() + START_TIMEOUT
    banner = {}
    while True:
        with open(log_path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
        for line in text.splitlines():
            if line.startswith("oxido-sim listening on ") and "url" not in banner:
                banner["url"] = line.split(" on ", 1)[1].strip()
            elif line.startswith("demo token: "):
                banner["token"] = line.split(": ", 1)[1].strip()
        # The admin line is the banner's last: the CA file is written by then.
        if "url" in banner and "token" in banner and "admin routes:" in text:
            break
        code = process.poll()
        if code is not None or time.monotonic() > deadline:
            if code is None:
                process.kill()
                process.wait(timeout=5)
            shutil.rmtree(workdir, ignore_errors=True)
            why = "exited with status %s" % code if code is not None else "printed no banner in %ss" % START_TIMEOUT
            raise SimError("oxido-sim %s; its output:\n%s" % (why, text))
        time.sleep(0.002)
    return OxidoSim(process, banner["url"], banner["token"], admin_token, ca_path, log_path, workdir)


def _scope(fixture_name, config):
    scope = config.getini("oxido_sim_scope") or "function"
    if scope not in ("function", "class", "module", "package", "session"):
        raise pytest.UsageError("oxido_sim_scope must be function or session, not %r" % scope)
    return scope


def _fixture(request):
    marker = request.node.get_closest_marker("oxido_sim") if request.scope == "function" else None
    sim = start(_settings(request.config, marker))
    try:
        yield sim
    finally:
        sim.close()


@pytest.fixture(scope=_scope)
def oxido_sim(request):
    """A fresh oxido-sim serving HTTPS (see the module's docstring for options)."""
    for sim in _fixture(request):
        yield sim


@pytest.fixture(scope="session")
def oxido_sim_session(request):
    """One oxido-sim shared by the whole session (ini options only)."""
    for sim in _fixture(request):
        yield sim


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    funcargs = getattr(item, "funcargs", {}) or {}
    for name in ("oxido_sim", "oxido_sim_session"):
        sim = funcargs.get(name)
        if isinstance(sim, OxidoSim):
            try:
                text = sim.log()
            except OSError as error:
                text = "(the log could not be read: %s)" % error
            report.sections.append(("oxido-sim log (%s)" % sim.url, text[-LOG_TAIL_BYTES:]))
