"""verify's opcache check and the module_files handler's OPcache reset, against a real web PHP.

The web server is PHP's built-in server (the sandbox's kind) started with OPcache on, so the cache
lives in that server's memory as it would in php-fpm's: the CLI cannot see or reset it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_opcache_checks import (
    check_opcache,
)
from fixtures.ansible_runner import run_module, run_tasks
from fixtures.network import closed_port
from fixtures.repo import FIXTURE_MODULE

PAGE = """<?php
define('WHMCS', true);
require_once __DIR__ . '/modules/servers/smartermail/smartermail.php';
echo "page\\n";
"""

pytestmark = pytest.mark.skipif(
    subprocess.run(["php", "-m"], capture_output=True, text=True, check=False).stdout.find("Zend OPcache")
    < 0,
    reason="php has no OPcache (Debian: php8.2-opcache)",
)


@pytest.fixture
def whmcs_root(tmp_path: Path) -> Path:
    root = tmp_path / "whmcs"
    shutil.copytree(FIXTURE_MODULE, root / "modules" / "servers" / "smartermail")
    (root / "page.php").write_text(PAGE)
    return root


@contextlib.contextmanager
def web_php(root: Path, **opcache: str) -> Iterator[str]:
    """php -S serving ``root`` with OPcache on and the given opcache.* settings; yields its URL."""
    port = closed_port()
    settings = {"enable": "1", "file_update_protection": "0", **opcache}
    command = ["php", *(arg for name, value in settings.items() for arg in ("-d", f"opcache.{name}={value}"))]
    server = subprocess.Popen(
        [*command, "-S", f"127.0.0.1:{port}", "-t", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url + "page.php", timeout=5).read()  # noqa: S310 - our own server
                break
            time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def opcache_check(root: Path, url: str) -> tuple[str, str]:
    """(status, summary) of verify's opcache check; a failure is ('fail', summary)."""
    context = TargetContext("whmcs", {"whmcs_root": str(root), "whmcs_web_url": url})
    try:
        outcome = check_opcache(context)
    except CheckFailed as failed:
        return "fail", failed.outcome.summary
    return outcome.status, outcome.summary


def change_module_file(root: Path) -> None:
    """A new release's smartermail.php: written a second after the web server last used the old one."""
    time.sleep(1.1)
    module_file = root / "modules" / "servers" / "smartermail" / "smartermail.php"
    module_file.write_text(module_file.read_text() + "\n// release 1.2.0\n")


def no_one_shot_left(root: Path) -> bool:
    return not list(root.glob("smartermail-opcache-*.php"))


def test_stale_code_fails_until_the_handler_resets_the_web_opcache(whmcs_root: Path, tmp_path: Path) -> None:
    with web_php(whmcs_root, validate_timestamps="0") as url:
        status, summary = opcache_check(whmcs_root, url)
        assert status == "pass", summary
        assert "caches" in summary and "none older than the file on disk" in summary

        change_module_file(whmcs_root)
        status, summary = opcache_check(whmcs_root, url)
        assert status == "fail"
        assert "the web server runs older module code than the files on disk" in summary
        assert "smartermail.php" in summary and "validate_timestamps is off" in summary

        # What `php -r 'opcache_reset();'` would do from a shell: nothing to the web server's cache.
        subprocess.run(["php", "-d", "opcache.enable_cli=1", "-r", "opcache_reset();"], check=True)
        assert opcache_check(whmcs_root, url)[0] == "fail"

        done = run_module(
            tmp_path,
            "astral360.smartermail.whmcs_opcache_reset",
            {"whmcs_root": str(whmcs_root), "how": "one_shot", "web_url": url},
            register="reset",
            name="Reset the web server's OPcache",
        )
        assert not done.results.get("failed"), done.output
        assert done.results["reset"] is True and done.results["changed"] is True
        assert done.results["answer"]["sapi"] == "cli-server"

        status, summary = opcache_check(whmcs_root, url)
        assert status == "pass", summary
        assert "none of the module's files cached" in summary
    assert no_one_shot_left(whmcs_root)


def test_check_mode_predicts_the_reset_without_touching_the_web_server(
    whmcs_root: Path, tmp_path: Path
) -> None:
    with web_php(whmcs_root, validate_timestamps="0") as url:
        change_module_file(whmcs_root)
        done = run_module(
            tmp_path,
            "astral360.smartermail.whmcs_opcache_reset",
            {"whmcs_root": str(whmcs_root), "how": "one_shot", "web_url": url},
            register="reset",
            name="Reset the web server's OPcache",
            extra_args=["--check"],
        )
        assert done.results["changed"] is True and done.results["reset"] is False, done.output
        assert opcache_check(whmcs_root, url)[0] == "fail"
    assert no_one_shot_left(whmcs_root)


def test_validate_timestamps_on_passes_with_the_recheck_named(whmcs_root: Path) -> None:
    with web_php(whmcs_root, validate_timestamps="1", revalidate_freq="60") as url:
        change_module_file(whmcs_root)
        status, summary = opcache_check(whmcs_root, url)
    assert status == "pass"
    assert "validate_timestamps is on" in summary and "60 s" in summary


def test_opcache_off_passes(whmcs_root: Path) -> None:
    with web_php(whmcs_root, enable="0") as url:
        status, summary = opcache_check(whmcs_root, url)
    assert status == "pass"
    assert "OPcache is off" in summary and "cli-server" in summary


def test_unreachable_web_server_is_skipped_and_leaves_no_file(whmcs_root: Path) -> None:
    status, summary = opcache_check(whmcs_root, f"http://127.0.0.1:{closed_port()}/")
    assert status == "skip"
    assert summary.startswith("cannot tell whether the web server runs the module files on disk")
    assert no_one_shot_left(whmcs_root)


def test_a_url_that_does_not_run_php_is_skipped(whmcs_root: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "page.php").write_text("<?php echo 'x';")
    with web_php(other) as url:  # serves another folder: the one-shot file is not found there
        status, summary = opcache_check(whmcs_root, url)
    assert status == "skip"
    assert "HTTP 404" in summary
    assert no_one_shot_left(whmcs_root) and os.listdir(other) == ["page.php"]


def role_play(root: Path, src: Path, url: str, **variables: str) -> list[dict]:
    return [
        {
            "name": "Module files role",
            "ansible.builtin.include_role": {"name": "astral360.smartermail.module_files"},
            "vars": {
                "whmcs_root": str(root),
                "whmcs_web_user": "root",
                "whmcs_web_group": "root",
                "smartermail_module_src": str(src),
                "smartermail_opcache_web_url": url,
                **variables,
            },
        },
        {"name": "Keep the result", "ansible.builtin.set_fact": {"handled": "{{ module_files_result }}"}},
    ]


def test_the_role_handler_resets_the_web_opcache_only_after_a_change(
    whmcs_root: Path, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    shutil.copytree(whmcs_root / "modules", src / "modules")
    with web_php(whmcs_root, validate_timestamps="0") as url:
        change_module_file(src)  # the new release, one second newer than what the web server ran
        first = run_tasks(
            tmp_path,
            role_play(whmcs_root, src, url, smartermail_opcache_reset="one_shot"),
            register="handled",
        )
        assert first.returncode == 0, first.output
        assert (
            "RUNNING HANDLER [astral360.smartermail.module_files : Reset the web server's OPcache"
            in first.output
        )
        status, summary = opcache_check(whmcs_root, url)
        assert status == "pass" and "none of the module's files cached" in summary, summary

        urllib.request.urlopen(url + "page.php", timeout=5).read()  # noqa: S310 - caches the new code
        again = run_tasks(
            tmp_path,
            role_play(whmcs_root, src, url, smartermail_opcache_reset="one_shot"),
            register="handled",
        )
        assert again.returncode == 0, again.output
        assert "RUNNING HANDLER" not in again.output
        assert opcache_check(whmcs_root, url)[0] == "pass"
    assert no_one_shot_left(whmcs_root)


def fake_php_with_fpm(folder: Path, validate_timestamps: str) -> Path:
    """A php CLI (the real one, wrapped) with a php-fpm8.2 beside it whose -i says how OPcache is set."""
    folder.mkdir()
    real = shutil.which("php")
    assert real is not None
    php = folder / "php"
    php.write_text(f'#!/bin/sh\nexec {real} "$@"\n')
    version = subprocess.run(
        [real, "-r", "echo PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fpm = folder / f"php-fpm{version}"
    fpm.write_text(
        "#!/bin/sh\n"
        f"printf 'opcache.enable => On => On\\nopcache.validate_timestamps => {validate_timestamps} => On\\n'\n"
    )
    for script in (php, fpm):
        script.chmod(0o755)
    return php


@pytest.mark.parametrize(("validate", "warned"), [("Off", True), ("On", False)])
def test_the_no_op_warns_only_when_the_web_php_keeps_old_code(
    whmcs_root: Path, tmp_path: Path, validate: str, warned: bool
) -> None:
    php = fake_php_with_fpm(tmp_path / "bin", validate)
    done = run_module(
        tmp_path,
        "astral360.smartermail.whmcs_opcache_reset",
        {"whmcs_root": str(whmcs_root), "how": "none", "php_binary": str(php)},
        register="reset",
        name="No reset",
    )
    assert done.results["changed"] is False and done.results["reset"] is False, done.output
    assert done.results["configured"] == [
        {
            "label": done.results["configured"][0]["label"],
            "enabled": True,
            "validate_timestamps": validate == "On",
        }
    ]
    assert "PHP-FPM" in done.results["configured"][0]["label"]
    warning = "has OPcache on with opcache.validate_timestamps off: the web server keeps running the old module code"
    assert any(warning in text for text in done.results.get("warnings", [])) is warned, done.output
