"""Bad-input suite, the module's own PHP: reading a module's settings runs its code, so it must run
as the WHMCS web user, confined (issue 10, defect 2).

The hostile module (tests/fixtures/hostile_module.py) reports the uid it runs as and tries to write
a file outside its folder, to run a command and to read /etc/passwd, then answers settings that the
check refuses, quoting its report. The runs are as root (become is not needed: the tests run as
root) with ``nobody`` as the web user; the files live under a world-readable folder, as a WHMCS tree
does, and the folder the module tries to write to is world-writable, so only the confinement can
stop the write.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.ansible_runner import run_module, run_tasks
from fixtures.hostile_module import EXECUTED, WRITTEN, hostile_module, probe_report

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="switching to the web user needs root"),
]

WEB_USER = "nobody"


@pytest.fixture
def base() -> Iterator[Path]:
    """A folder every user can enter (pytest's tmp_path is private to root): whmcs/ and outside/."""
    path = Path(tempfile.mkdtemp(prefix="smw-module-php-"))
    path.chmod(0o755)
    (path / "whmcs" / "modules" / "servers").mkdir(parents=True)
    (path / "whmcs" / "configuration.php").write_text("<?php\n")
    (path / "outside").mkdir()
    (path / "outside").chmod(0o1777)
    try:
        yield path
    finally:
        shutil.rmtree(path)


def web_group() -> str:
    return grp.getgrgid(pwd.getpwnam(WEB_USER).pw_gid).gr_name


def tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def assert_confined(text: str, outside: Path) -> None:
    report = probe_report(text)
    assert report["uid"] == str(pwd.getpwnam(WEB_USER).pw_uid), report
    assert report["write"] == "refused" and report["exec"] == "refused", report
    assert report["read"] != "true", report  # /etc/passwd is outside the module folder
    assert list(outside.iterdir()) == []
    assert not (outside / WRITTEN).exists() and not (outside / EXECUTED).exists()


def test_module_files_role_reads_the_new_module_as_the_web_user_confined(base: Path, tmp_path: Path) -> None:
    src = hostile_module(base / "src" / "smartermail", base / "outside")
    root = base / "whmcs"
    before = tree(root)
    role = {
        "name": "Module files role",
        "ansible.builtin.include_role": {"name": "astral360.smartermail.module_files"},
        "vars": {
            "whmcs_root": str(root),
            "whmcs_web_user": WEB_USER,
            "whmcs_web_group": web_group(),
            "smartermail_module_src": str(src),
        },
    }
    run = run_tasks(tmp_path, [role], register="module_files_result")
    assert run.returncode != 0, run.output
    assert "smartermail_module_src" in run.output and "slot 23 (dmarc_policy" in run.output, run.output
    assert_confined(run.output, base / "outside")
    assert tree(root) == before  # no module folder, no staging folder left


def installed_hostile_module(base: Path) -> Path:
    target = hostile_module(base / "whmcs" / "modules" / "servers" / "smartermail", base / "outside")
    for path in [target, *target.rglob("*")]:
        os.chown(path, pwd.getpwnam(WEB_USER).pw_uid, pwd.getpwnam(WEB_USER).pw_gid)
    return target


def run_product(tmp_path: Path, base: Path, **args: str) -> dict[str, object]:
    run = run_module(
        tmp_path,
        "astral360.smartermail.whmcs_product",
        {"whmcs_root": str(base / "whmcs"), "name": "Mail", "group": "Email", "monthly_price": 5, **args},
        register="product",
        name="Manage the product",
    )
    assert run.results, run.output
    return run.results


def test_whmcs_product_reads_the_installed_module_as_the_web_user_confined(
    base: Path, tmp_path: Path
) -> None:
    installed_hostile_module(base)
    result = run_product(tmp_path, base, web_user=WEB_USER)
    assert result["failed"] is True
    assert "slot 23 (dmarc_policy" in str(result["msg"]), result
    assert_confined(str(result["msg"]), base / "outside")


def test_unknown_web_user_is_refused_without_running_the_module_as_root(base: Path, tmp_path: Path) -> None:
    installed_hostile_module(base)
    result = run_product(tmp_path, base, web_user="no-such-web-user-10")
    assert result["failed"] is True
    message = str(result["msg"])
    assert "'no-such-web-user-10'" in message and "does not exist on this host" in message, message
    assert "probe[" not in message  # the module never ran
    assert list((base / "outside").iterdir()) == []


def test_a_module_folder_the_web_user_cannot_read_is_named(base: Path, tmp_path: Path) -> None:
    installed_hostile_module(base)
    (base / "whmcs" / "modules").chmod(0o700)  # root's only: the web user cannot reach the module
    result = run_product(tmp_path, base, web_user=WEB_USER)
    assert result["failed"] is True
    message = str(result["msg"])
    assert f"php ran as the web user {WEB_USER}, who must be able to read the module folder" in message, (
        message
    )
    assert "probe[" not in message
    assert list((base / "outside").iterdir()) == []
