"""WHMCS-side verify checks on fixtures: module tree, crontab text, cron times, option values, registry."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    scan_tree,
    tree_manifest,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.record import (
    record_installed_manifest,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import (
    FAIL,
    PASS,
    WARN,
    CheckFailed,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_checks import WHMCS_CHECKS
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_cron_checks import (
    _differs,
    _run_findings,
    find_cron_lines,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_files_checks import (
    check_module_files,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    resolve_options,
    stored_option_problems,
)

CRON_PHP = "/var/www/whmcs/crons/cron.php"


def make_tree(tmp_path: Path, record: bool = True) -> Path:
    root = tmp_path / "whmcs"
    module = root / "modules" / "servers" / "smartermail"
    (module / "lib").mkdir(parents=True)
    (root / "configuration.php").write_text("<?php\n")
    os.chmod(root / "configuration.php", 0o640)
    for name, text in {
        "smartermail.php": "<?php // entry\n",
        "hooks.php": "<?php\n",
        "lib/Api.php": "<?php\n",
    }.items():
        (module / name).write_text(text)
        os.chmod(module / name, 0o644)
    for folder in (module, module / "lib"):
        os.chmod(folder, 0o755)  # noqa: S103 - the mode the module_files step sets
    if record:
        backups = root / ".smartermail-backups"
        manifest = tree_manifest(scan_tree(str(module)))
        assert (
            record_installed_manifest(
                str(backups), manifest, lambda: (backups.mkdir(mode=0o700), str(backups))[1]
            )
            is None
        )
    return root


def context(root: Path, **settings: Any) -> TargetContext:
    return TargetContext("mail1", {"whmcs_root": str(root), **settings})


def outcome(root: Path, **settings: Any) -> Any:
    try:
        return check_module_files(context(root, **settings))
    except CheckFailed as failure:
        return failure.outcome


def module_dir(root: Path) -> Path:
    return root / "modules" / "servers" / "smartermail"


def test_an_untouched_install_passes(tmp_path: Path) -> None:
    result = outcome(make_tree(tmp_path))
    assert result.status == PASS, result
    assert "3 files" in result.summary and "matches the installed manifest (3 files)" in result.summary


def test_changed_missing_and_extra_files_are_named(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (module_dir(root) / "hooks.php").write_text("<?php // edited by hand\n")
    (module_dir(root) / "lib" / "Api.php").unlink()
    (module_dir(root) / "debug.php").write_text("<?php\n")
    os.chmod(module_dir(root) / "debug.php", 0o644)
    result = outcome(root)
    assert result.status == FAIL
    assert "1 path(s) missing: lib/Api.php" in result.summary
    assert "1 path(s) changed: hooks.php" in result.summary
    assert "1 path(s) not from the install (extra): debug.php" in result.summary
    assert "module_files step" in result.hint


def test_many_differences_show_a_few_names_and_the_count(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    for index in range(6):
        (module_dir(root) / f"extra{index}.php").write_text("x")
        os.chmod(module_dir(root) / f"extra{index}.php", 0o644)
    result = outcome(root)
    assert (
        "6 path(s) not from the install (extra): extra0.php, extra1.php, extra2.php and 3 more"
        in result.summary
    )


def test_world_writable_files_fail(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    os.chmod(module_dir(root) / "hooks.php", 0o666)  # noqa: S103 - the fault under test
    result = outcome(root)
    assert result.status == FAIL and "1 path(s) are world-writable: hooks.php" in result.summary
    assert "chmod o-w" in result.hint


def test_files_the_web_user_cannot_read_fail_naming_the_user(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    os.chmod(module_dir(root) / "lib" / "Api.php", 0o600)  # root only
    result = outcome(root, whmcs_web_user="nobody")
    assert result.status == FAIL
    assert "1 path(s) not readable by nobody: lib/Api.php" in result.summary
    assert "whmcs_web_user" in result.hint


def test_without_a_web_user_the_owner_of_configuration_php_reads(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    os.chmod(module_dir(root) / "lib" / "Api.php", 0o600)  # readable by its owner, who owns configuration.php
    result = outcome(root)
    assert result.status == PASS, result
    assert "readable by root/root" in result.summary


def test_an_unknown_web_user_is_named(tmp_path: Path) -> None:
    result = outcome(make_tree(tmp_path), whmcs_web_user="no-such-user-xyz")
    assert result.status == FAIL and "'no-such-user-xyz' is not a user on this host" in result.summary


def test_no_installed_manifest_is_a_warning(tmp_path: Path) -> None:
    result = outcome(make_tree(tmp_path, record=False))
    assert result.status == WARN and "no installed manifest" in result.summary


def test_a_missing_module_folder_or_entry_file_fails(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (module_dir(root) / "smartermail.php").unlink()
    assert "smartermail.php is missing" in outcome(root).summary
    empty = tmp_path / "empty"
    (empty / "modules" / "servers").mkdir(parents=True)
    assert "the module folder" in outcome(empty).summary and "is missing" in outcome(empty).summary


@pytest.mark.parametrize(
    ("crontab", "found"),
    [
        (f"*/5 * * * * php -q {CRON_PHP}\n", [("*/5 * * * *", f"php -q {CRON_PHP}")]),
        (
            f"#Ansible: WHMCS cron\n*/5 * * * * '/usr/bin/php' -q '{CRON_PHP}'\n",
            [("*/5 * * * *", f"'/usr/bin/php' -q '{CRON_PHP}'")],
        ),
        (f"@hourly php -q {CRON_PHP} all\n", [("@hourly", f"php -q {CRON_PHP} all")]),
        (f"# */5 * * * * php -q {CRON_PHP}\nMAILTO=root\n", []),
        ("*/5 * * * * php -q /var/www/other/crons/cron.php\n", []),
        ("", []),
    ],
)
def test_crontab_lines_that_run_this_trees_cron_are_found(crontab: str, found: list[tuple[str, str]]) -> None:
    assert find_cron_lines(crontab, CRON_PHP) == found


def cron_times(**values: Any) -> dict[str, Any]:
    times = {
        "last_invocation": "2026-11-24 07:00:00",
        "last_invocation_age_seconds": 120,
        "last_daily_invocation": "2026-11-24 06:00:00",
        "last_daily_invocation_age_seconds": 3600,
        "last_daily_end": "2026-11-24 06:01:00",
        "daily_hour": 9,
    }
    times.update(values)
    return times


def test_fresh_cron_times_have_no_findings() -> None:
    assert _run_findings(cron_times()) == ([], [], [])


def test_a_cron_that_never_ran_fails_with_the_next_step() -> None:
    failures, _warnings, hints = _run_findings(
        cron_times(last_invocation=None, last_invocation_age_seconds=None)
    )
    assert failures == ["the WHMCS cron has never run (no lastCronInvocationTime)"]
    assert hints == ["add the cron line (install playbook cron role) and wait 5 minutes"]


def test_an_old_run_and_an_old_daily_run_fail() -> None:
    failures, _warnings, _hints = _run_findings(
        cron_times(last_invocation_age_seconds=7200, last_daily_invocation_age_seconds=3 * 86400)
    )
    assert failures[0].startswith("the WHMCS cron last ran 2.0 h ago")
    assert failures[1].startswith("the WHMCS daily cron last ran 3 days ago")


def test_a_daily_run_not_reached_yet_only_warns() -> None:
    failures, warnings, _hints = _run_findings(
        cron_times(last_daily_invocation=None, last_daily_invocation_age_seconds=None, last_daily_end=None)
    )
    assert failures == [] and "has not run yet" in warnings[0] and "09:00" in warnings[0]


@pytest.mark.parametrize(
    ("whmcs_mb", "live_mb", "differs"),
    [
        (21504, 21504.0, False),
        (21504, 21503.4, False),
        (100, 120.0, True),
        (5000, 5049.0, False),
        (5000, 5051.0, True),
        (1, 1.9, False),
    ],
)
def test_usage_differs_beyond_50_mb_or_10_percent(whmcs_mb: int, live_mb: float, differs: bool) -> None:
    assert _differs(whmcs_mb, live_mb) is differs


def test_stored_options_must_be_what_whmcs_stores() -> None:
    stored = resolve_options({})
    assert stored_option_problems(stored) == []
    stored.update(configoption8="yes", configoption1="", configoption23="None", configoption7="")
    problems = stored_option_problems(stored)
    assert len(problems) == 3, problems  # an empty 0-or-more number is the module's 0, not a problem
    assert any("delete_data_on_terminate (configoption8) holds 'yes'" in problem for problem in problems)
    assert any("gb_per_tranche (configoption1)" in problem for problem in problems)
    assert any("dmarc_policy (configoption23) holds 'None'" in problem for problem in problems)


def test_registry_ids_dependencies_and_scope() -> None:
    specs = {spec.id: spec for spec in WHMCS_CHECKS}
    assert list(specs) == [
        "whmcs-version",
        "php-version",
        "module-files",
        "server",
        "product",
        "cron",
        "usage",
    ]
    assert specs["server"].requires == ("whmcs-version", "credentials")
    assert specs["usage"].requires == ("server",)
    assert all(
        "whmcs-version" in spec.requires
        for name, spec in specs.items()
        if name not in ("whmcs-version", "usage")
    )
    without_root = TargetContext("mail1", {"whmcs_root": None})
    assert not any(spec.applies(without_root) for spec in WHMCS_CHECKS)
    assert all(spec.applies(TargetContext("mail1", {"whmcs_root": "/srv/whmcs"})) for spec in WHMCS_CHECKS)
