r"""A WHMCS-like directory tree for one sandbox host.

Layout (what the install playbook and the verify checks look at in a real WHMCS root)::

    configuration.php        the 8.x installer's variable set, mode 0640
    init.php                 defines WHMCS, reads configuration.php, boots the stand-in
    includes/                encrypt()/decrypt(), and includes/sandbox/: boot, DNS containment,
                             hooks, logs, localAPI (copied from whmcs_php/)
    vendor/whmcs/whmcs-foundation/lib/
                             WHMCS\ classes: Database/Capsule.php (Illuminate's Capsule, with the
                             "Version:" header), Config, UsageBilling, the stand-in's own Sandbox\
    crons/cron.php           the cron stand-in; crons/config.php.new as WHMCS ships it
    sandbox/                 localapi.php and admin.php: command-line entries for tests and CI;
                             sessions/ holds the client area's PHP sessions
    clientarea.php, index.php, logout.php, oauth/singlesignon.php
                             the client area (served by the sandbox's web server, sandbox/web.py)
    templates/sandbox/       the client area's small theme (Smarty 3.1 templates); lang/english.php
    modules/servers/         empty: installing the module is the install playbook's job
    templates_c/             $templates_compiledir
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import jinja2

from smartermail_whmcs.errors import StageError

TEMPLATE_DIR = Path(__file__).with_name("templates")
# The stand-in's static PHP, copied into every host tree as it is laid out here.
STANDIN_DIR = Path(__file__).with_name("whmcs_php")
CONFIGURATION_MODE = 0o640
_VERSION_RE = re.compile(r"^(\d+\.\d+\.\d+)-(release|rc|beta|alpha)\.\d+$")


def php_string(value: object) -> str:
    """A PHP single-quoted literal for ``value`` (only \\ and ' need escaping there)."""
    text = "" if value is None else str(value)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def short_version(whmcs_version: str) -> str:
    """'8.13.0-release.1' -> '8.13.0'; raises ValueError on anything else."""
    match = _VERSION_RE.match(whmcs_version)
    if not match:
        raise ValueError(f"WHMCS version must look like 8.13.0-release.1, got {whmcs_version!r}")
    return match.group(1)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=False,  # noqa: S701 - output is PHP source; values go through the php filter
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["php"] = php_string
    return env


@dataclass
class HostTreeSpec:
    """Everything that differs from one sandbox host to the next."""

    host_name: str
    root: Path
    db_host: str
    db_port: int
    db_name: str
    db_username: str
    db_password: str
    cc_encryption_hash: str
    license: str
    whmcs_version: str
    ca_file: str = ""

    def __repr__(self) -> str:
        return f"HostTreeSpec(host_name={self.host_name!r}, root={str(self.root)!r})"


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, mode)


def build_host_tree(spec: HostTreeSpec) -> Path:
    """Create the tree under ``spec.root`` (which must not exist yet) and return it."""
    env = _environment()
    root = spec.root
    root.mkdir(parents=True)
    values = {
        "host_name": spec.host_name,
        "license": spec.license,
        "db_host": spec.db_host,
        "db_port": str(spec.db_port),
        "db_username": spec.db_username,
        "db_password": spec.db_password,
        "db_name": spec.db_name,
        "cc_encryption_hash": spec.cc_encryption_hash,
        "ca_file": spec.ca_file,
        "whmcs_version": spec.whmcs_version,
        "whmcs_short_version": short_version(spec.whmcs_version),
    }
    shutil.copytree(STANDIN_DIR, root, dirs_exist_ok=True)
    _write(
        root / "configuration.php",
        env.get_template("configuration.php.j2").render(values),
        CONFIGURATION_MODE,
    )
    _write(root / "init.php", env.get_template("init.php.j2").render(values))
    _write(
        root / "vendor" / "whmcs" / "whmcs-foundation" / "lib" / "Database" / "Capsule.php",
        env.get_template("capsule.php.j2").render(values),
    )
    _write(root / "crons" / "cron.php", (TEMPLATE_DIR / "cron.php").read_text(encoding="utf-8"))
    _write(
        root / "crons" / "config.php.new",
        (TEMPLATE_DIR / "crons_config.php.new").read_text(encoding="utf-8"),
    )
    (root / "modules" / "servers").mkdir(parents=True)
    (root / "templates_c").mkdir()
    # The client area's PHP sessions: inside the tree, never served (web_router.php refuses sandbox/).
    (root / "sandbox" / "sessions").mkdir(mode=0o700)
    return root


def run_cron(whmcs_root: Path, *args: str) -> None:
    """Run the tree's crons/cron.php with real php (e.g. ``all --force``, ``do --UpdateServerUsage``)."""
    cron_php = whmcs_root / "crons" / "cron.php"
    done = subprocess.run(
        ["php", "-q", str(cron_php), *args], capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise StageError(
            f"{cron_php} {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-500:]}"
        )
