"""oxido-sim: a stateful local emulator of the DigitalOcean API v2.

The wheel carries the ``oxido-sim`` binary (on PATH after install, and ``python -m oxido_sim``)
and a pytest plugin whose ``oxido_sim`` fixture starts a fresh emulator serving HTTPS.
"""

import os
import sys
import sysconfig

__all__ = ["find_binary"]

_EXE = "oxido-sim" + (".exe" if sys.platform == "win32" else "")


def find_binary():
    """The path of the ``oxido-sim`` binary this package installed.

    ``OXIDO_SIM_BINARY`` overrides it (e.g. a binary built with cargo). Otherwise the
    scripts directories of this interpreter's install schemes are searched, as ruff and
    uv do for their binaries, so a venv, ``--user`` and ``--target`` installs all work.
    """
    override = os.environ.get("OXIDO_SIM_BINARY")
    if override:
        if not os.path.isfile(override):
            raise FileNotFoundError("OXIDO_SIM_BINARY points at no file: %s" % override)
        return override
    candidates = [sysconfig.get_path("scripts")]
    user_scheme = {"posix": "posix_user", "nt": "nt_user"}.get(os.name)
    if user_scheme:
        try:
            candidates.append(sysconfig.get_path("scripts", scheme=user_scheme))
        except KeyError:
            pass
    # `pip install --target DIR`: the scripts land in DIR/bin next to the package.
    candidates.append(os.path.join(os.path.dirname(os.path.dirname(__file__)), "bin"))
    for directory in candidates:
        path = os.path.join(directory, _EXE)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "the oxido-sim binary was not found in %s; reinstall the oxido-sim wheel or set "
        "OXIDO_SIM_BINARY" % ", ".join(candidates)
    )
