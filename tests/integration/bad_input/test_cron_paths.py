"""Bad-input suite, paths and the cron line: what reaches a command or the crontab.

- A control character in a path (a newline in whmcs_root would start another cron job), a relative
  path or an unknown cron user is refused by preflight, naming the variable, before any change:
  run on a sandbox host that nothing has installed on, so a late failure would show as writes.
- A ``%`` in whmcs_root (a real sandbox whose folder is ``ab%cd``): the install works, the cron line
  is escaped (``\\%``) and, read the way cron reads it, runs that tree's cron.php; a line left
  unescaped fails the verify cron check.
- ``whmcs_cron.user`` other than ``whmcs_web_user``: the cron line goes to that user's crontab and
  the install's verify step, and ``verify --cron-user`` / the config's ``whmcs_cron.user``, read it.
- ``deploy --check`` shows the toolkit's own crontab lines only, never a neighbour's password.

Every cron line here goes to a throwaway user's crontab, never to the crontab of the user running
the tests, which sandboxes and other tests share.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.crontab import parse_crontab
from fixtures.ansible_runner import ansible_env
from fixtures.cli import run_cli
from fixtures.install import host_snapshot, run_playbook
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query, setting
from fixtures.users import local_user
from fixtures.verify_cli import run_verify
from fixtures.working_tree import use_working_tree_collection  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

INSTALL = "astral360.smartermail.install"
HOST = "whmcs1"
FOREIGN_SECRET = "Foreign-Backup-Secret-8842"  # a value no output may show


def group_vars(box: SandboxInfo) -> dict[str, Any]:
    return yaml.safe_load(box.inventory.read_text())["all"]["children"]["whmcs"]["vars"]


def cron_vars(box: SandboxInfo, user: str, **changes: str) -> dict[str, Any]:
    return {"whmcs_cron": {**group_vars(box)["whmcs_cron"], "user": user, **changes}}


def user_crontab(user: str) -> str:
    done = subprocess.run(["crontab", "-l", "-u", user], capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else ""


def set_user_crontab(user: str, text: str) -> None:
    subprocess.run(["crontab", "-u", user, "-"], input=text, text=True, check=True)


def verify_args(box: SandboxInfo, root: Path, *extra: str) -> tuple[list[str], dict[str, str]]:
    server = group_vars(box)["smartermail_servers"][0]
    args = [
        "--host", server["hostname"], "--port", str(server["port"]), "--no-secure",
        "--username", server["username"], "--no-canary", "--whmcs-root", str(root),
        "--format", "json", *extra,
    ]  # fmt: skip
    return args, {"SMARTERMAIL_PASSWORD": server["password"]}


def cron_check(box: SandboxInfo, root: Path, *extra: str) -> dict[str, Any]:
    args, env = verify_args(box, root, *extra)
    done = run_verify(*args, env=env)
    assert "Traceback" not in done.stderr, done.stderr
    return next(check for check in json.loads(done.stdout)["checks"] if check["id"] == "cron")


@pytest.fixture(scope="module")
def cron_user() -> Iterator[str]:
    """The cron user of the install on percent_box."""
    with local_user("smwcron") as name:
        yield name


@pytest.fixture(scope="module")
def fresh_cron_user() -> Iterator[str]:
    """The cron user of the refused runs on fresh_box (a line a refusal let through shows there)."""
    with local_user("smwcron") as name:
        yield name


# ---- refused before any change ------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh_box(use_working_tree_collection: None) -> Iterator[SandboxInfo]:  # noqa: F811 - fixture
    """A sandbox host nothing is installed on: a refusal that came late would show as writes."""
    with sandbox(hosts=1) as info:
        yield info


def links_to(root: Path, base: Path, name: str) -> str:
    """A real path to the WHMCS tree whose last name is NAME (which may hold a newline)."""
    link = base / name
    link.symlink_to(root)
    return str(link)


REFUSALS: list[tuple[str, Any, list[str]]] = [
    (
        "newline-in-whmcs_root",
        lambda box, base, user: {"whmcs_root": links_to(box.root(HOST), base, "whmcs\nroot")},
        ["whmcs_root", "contains a control character"],
    ),
    (
        "cron-job-injected-through-whmcs_root",
        lambda box, base, user: {"whmcs_root": links_to(box.root(HOST), base, "x\n* * * * * touch pwned #")},
        ["whmcs_root", "contains a control character"],
    ),
    (
        "newline-in-whmcs_cron.php",
        lambda box, base, user: cron_vars(box, user, php="/usr/bin/php\n* * * * * touch pwned"),
        ["whmcs_cron.php", "contains a control character"],
    ),
    (
        "tab-in-backup-dir",
        lambda box, base, user: {"smartermail_module_backup_dir": "/var/backups/smartermail\told"},
        ["smartermail_module_backup_dir", "contains a control character"],
    ),
    (
        "relative-whmcs_root",
        lambda box, base, user: {"whmcs_root": "hosts/whmcs1"},
        ["whmcs_root", "is not an absolute path"],
    ),
    (
        "relative-backup-dir",
        lambda box, base, user: {"smartermail_module_backup_dir": "backups"},
        ["smartermail_module_backup_dir", "is not an absolute path"],
    ),
    (
        "relative-php-binary",
        lambda box, base, user: {"whmcs_php_binary": "bin/php"},
        ["whmcs_php_binary", "is a relative path"],
    ),
    (
        "cron-user-with-a-space",
        lambda box, base, user: cron_vars(box, "www data"),
        ["whmcs_cron.user", "is not a user or group name"],
    ),
    (
        "unknown-cron-user",
        lambda box, base, user: cron_vars(box, "nosuchsmwuser"),
        ["whmcs_cron.user", "is not a user on this host"],
    ),
]


@pytest.mark.parametrize(("make", "phrases"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_bad_path_or_cron_user_is_refused_before_any_change(
    fresh_box: SandboxInfo, fresh_cron_user: str, tmp_path: Path, make: Any, phrases: list[str]
) -> None:
    cron_user = fresh_cron_user
    extra = {**cron_vars(fresh_box, cron_user), **make(fresh_box, tmp_path, cron_user)}
    before = (host_snapshot(fresh_box, HOST), user_crontab(cron_user))
    run = run_playbook(fresh_box, INSTALL, extra_vars=extra, tmp_path=tmp_path)
    assert run.returncode != 0 and run.failed(HOST) == 1, run.output[-3000:]
    assert "preflight : Refuse control characters" in run.output or "Require the crontab user" in run.output
    for phrase in phrases:
        assert phrase in run.output, run.output[-3000:]
    assert "Traceback" not in run.output
    assert (host_snapshot(fresh_box, HOST), user_crontab(cron_user)) == before
    assert not (Path.cwd() / "pwned").exists()


# ---- a % in whmcs_root, another cron user, deploy --check ------------------------------------------


@pytest.fixture(scope="module")
def percent_box(use_working_tree_collection: None) -> Iterator[SandboxInfo]:  # noqa: F811 - fixture
    base = Path(tempfile.mkdtemp(prefix="smw-cron-"))
    try:
        with sandbox(hosts=1, directory=base / "ab%cd") as info:
            yield info
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(percent_box: SandboxInfo, cron_user: str) -> tuple[Any, dict[str, Any]]:
    """The install playbook with whmcs_cron.user = a throwaway user, its verify report written."""
    reports = percent_box.directory / "reports"
    extra = {**cron_vars(percent_box, cron_user), "smartermail_verify_report_dir": str(reports)}
    run = run_playbook(percent_box, INSTALL, extra_vars=extra, tmp_path=percent_box.directory)
    report = json.loads((reports / f"{HOST}.json").read_text()) if run.returncode == 0 else {}
    return run, report


def test_install_with_a_percent_in_whmcs_root_and_another_cron_user_is_green(
    percent_box: SandboxInfo, cron_user: str, installed: tuple[Any, dict[str, Any]]
) -> None:
    run, report = installed
    root = percent_box.root(HOST)
    assert "%" in str(root)
    assert run.returncode == 0, run.output[-4000:]
    (cron,) = [check for check in report["checks"] if check["id"] == "cron"]
    assert cron["status"] == "pass", cron
    assert cron["summary"].startswith(f"crontab of {cron_user} runs it"), cron
    # The line went to the cron user's crontab, not to the web user's.
    assert str(root).replace("%", "\\%") in user_crontab(cron_user)
    assert str(root) not in subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout


def test_the_escaped_cron_line_runs_this_trees_cron(
    percent_box: SandboxInfo, cron_user: str, installed: tuple[Any, dict[str, Any]]
) -> None:
    root = percent_box.root(HOST)
    [job] = [entry for entry in parse_crontab(user_crontab(cron_user)) if "cron.php" in entry.text]
    assert "\\%" in job.text and job.stdin is None  # cron reads the whole path as the command
    assert job.words() == [group_vars(percent_box)["whmcs_cron"]["php"], "-q", f"{root}/crons/cron.php"]
    # Run the command cron would hand /bin/sh: the tree's cron stamps its run time.
    query(
        percent_box,
        "UPDATE tblconfiguration SET value = %s WHERE setting = %s",
        "2001-01-01 00:00:00",
        "lastCronInvocationTime",
    )
    done = subprocess.run(["/bin/sh", "-c", job.command], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert setting(percent_box, "lastCronInvocationTime") > "2001-01-01 00:00:00"


def test_verify_reads_the_crontab_of_the_cron_user_given_by_flag_or_config(
    percent_box: SandboxInfo, cron_user: str, installed: tuple[Any, dict[str, Any]], tmp_path: Path
) -> None:
    root = percent_box.root(HOST)
    by_flag = cron_check(percent_box, root, "--cron-user", cron_user)
    assert by_flag["status"] == "pass" and by_flag["summary"].startswith(f"crontab of {cron_user} "), by_flag

    config = tmp_path / "verify.yml"
    config.write_text(yaml.safe_dump({"whmcs_cron": {"user": cron_user, "schedule": "*/5 * * * *"}}))
    by_config = cron_check(percent_box, root, "--config", str(config))
    assert by_config["status"] == "pass" and f"crontab of {cron_user} " in by_config["summary"], by_config

    # Without it, verify reads the crontab of the user running it, which has no line.
    unnamed = cron_check(percent_box, root)
    assert unnamed["status"] == "fail" and "no crontab line of user root" in unnamed["summary"], unnamed


def test_a_cron_line_cut_by_an_unescaped_percent_fails_the_cron_check(
    percent_box: SandboxInfo, cron_user: str, installed: tuple[Any, dict[str, Any]]
) -> None:
    root = percent_box.root(HOST)
    written = user_crontab(cron_user)
    try:
        set_user_crontab(cron_user, written.replace("\\%", "%"))  # the line main used to write
        check = cron_check(percent_box, root, "--cron-user", cron_user)
    finally:
        set_user_crontab(cron_user, written)
    assert check["status"] == "fail", check
    assert f"names {root}/crons/cron.php but cron ends its command at an unescaped %" in check["summary"], (
        check
    )
    assert "\\%" in check["hint"]


def test_deploy_check_shows_only_the_toolkits_crontab_lines(
    percent_box: SandboxInfo, cron_user: str, installed: tuple[Any, dict[str, Any]], tmp_path: Path
) -> None:
    foreign = f"0 2 * * * /usr/local/bin/backup --user backup --password {FOREIGN_SECRET}"
    written = user_crontab(cron_user)
    marker = f"#Ansible: WHMCS cron for {percent_box.root(HOST)} (astral360.smartermail)"
    assert marker in written
    # The foreign job right above the toolkit's line: a diff's context lines would show it.
    neighbours = "MAILTO=ops\n" + written.replace(marker, f"{foreign}\n{marker}")
    set_user_crontab(cron_user, neighbours)
    vars_file = tmp_path / "vars.json"
    # A new schedule: the cron line has a diff to show.
    vars_file.write_text(json.dumps(cron_vars(percent_box, cron_user, schedule="*/10 * * * *")))
    try:
        runs = [
            run_cli("deploy", "-i", str(percent_box.inventory), "--check", "-e", f"@{vars_file}", *flag,
                    env=ansible_env(), timeout=600)
            for flag in ((), ("--json",))
        ]  # fmt: skip
        after = user_crontab(cron_user)
    finally:
        set_user_crontab(cron_user, written)
    for done in runs:
        assert done.returncode == 0, done.stdout + done.stderr[-3000:]
        assert FOREIGN_SECRET not in done.stdout + done.stderr
        assert "backup --user" not in done.stdout + done.stderr and "MAILTO" not in done.stderr
    assert "cron line: + */10 * * * * " in runs[0].stdout and "- */5 * * * * " in runs[0].stdout
    assert after == neighbours  # check mode wrote nothing
