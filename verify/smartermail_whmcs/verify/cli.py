"""``smartermail-whmcs verify``: prove the WHMCS → SmarterMail chain works, check by check.

Exit codes: 0 every check passed (warnings allowed, unless --strict), 1 a check failed, or with
--strict a check warned or TLS certificate checks were off (or --cleanup could not reach a
server), 2 usage or configuration error, 130 / 143 interrupted by SIGINT / SIGTERM
(after the canary domain and the test orders were removed).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import click
from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import scrub
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.tls_off import (
    server_label,
    tls_checks_off,
    tls_off_warning,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckResult, summarize
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import (
    build_registry,
    public_target,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.report import redact_results
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.strict import strict_findings

from smartermail_whmcs import __version__
from smartermail_whmcs.errors import ConfigError
from smartermail_whmcs.options import choice_option, file_option, number_option
from smartermail_whmcs.verify.cleanup import DurationType, cleanup_target
from smartermail_whmcs.verify.input import ENV_PASSWORD, VerifyOptions, resolve_targets
from smartermail_whmcs.verify.output import FORMATS, progress_line, render, write_atomically
from smartermail_whmcs.verify.run import (
    Interrupted,
    LateOutcomes,
    VerifyRun,
    cancel_on_signals,
    planned_checks,
    run_verify,
    stderr_notice,
)

EPILOG = f"""\b
Input precedence: flag > environment variable > --config file > default.
Environment: SMARTERMAIL_HOST, SMARTERMAIL_PORT, SMARTERMAIL_SECURE, SMARTERMAIL_USERNAME,
{ENV_PASSWORD}. Without a password, verify prompts (hidden) on a terminal and otherwise
exits 2. --password is visible to other users in `ps`: prefer {ENV_PASSWORD},
--password-stdin or the prompt.
\b
Exit codes: 0 all checks passed (warnings allowed), 1 a check failed (with --strict also:
a check warned, or TLS certificate checks were off), 2 usage or configuration error,
130/143 interrupted by SIGINT/SIGTERM (canary and test orders removed first).
--order places a real test order per product through WHMCS's localAPI, run by the host's
PHP as the web user (--web-user, whmcs_web_user), and removes it; --dry-run changes nothing.
See docs/verify.md for every check, message and fix."""


def _prompt_or_none() -> Callable[[str], str] | None:
    if not sys.stdin.isatty():
        return None
    return lambda text: click.prompt(text, hide_input=True, err=True)


def _secrets(targets: list[dict[str, Any]]) -> list[str]:
    return [target["password"] for target in targets if target.get("password")]


def _emit(text: str, output: str | None, output_format: str, results: list[CheckResult]) -> None:
    if output:
        try:
            write_atomically(output, text)
        except OSError as error:
            raise ConfigError(f"cannot write the report to {output}: {error.strerror or error}") from None
        counts = summarize(results)
        click.echo(
            f"wrote the {output_format} report to {output}: {counts['pass']} passed, {counts['warn']} "
            f"warnings, {counts['fail']} failed, {counts['skip']} skipped",
            err=True,
        )
    else:
        click.echo(text, nl=False)


def _report_interrupt(interrupt: Interrupted, run: VerifyRun, secrets: list[str]) -> None:
    finished = sum(len(context.results) for context in run.contexts)
    stderr_notice(f"interrupted by {interrupt.name}: cancelled after {finished} checks had finished")
    late = run.late.items
    for target, check_id, outcome in late:
        stderr_notice(scrub(f"cleanup: {target}/{check_id}: {outcome.summary}", secrets))
    if not late:
        stderr_notice("cleanup: nothing was left to clean up")


def _run_cleanup(targets: list[dict[str, Any]], older_than: float) -> None:
    seen: set[tuple[Any, ...]] = set()
    problems = 0
    secrets = _secrets(targets)
    for settings in targets:
        key = (settings["hostname"], settings["port"], settings["secure"], settings["username"])
        if key in seen:
            continue
        seen.add(key)
        name = settings["name"].split("@")[0]
        if settings["known_failures"]:  # a --from-whmcs row with no usable address or password
            problems += 1
            for summary, _hint in settings["known_failures"].values():
                click.echo(f"error: {name}: {summary}", err=True)
            continue
        report = cleanup_target(settings, older_than)
        if report.error:
            problems += 1
            click.echo(scrub(f"error: {name}: {report.error}", secrets), err=True)
            continue
        for domain in report.removed:
            click.echo(f"{name}: removed {domain}")
        if not report.removed:
            click.echo(
                f"{name}: no canary domain with prefix {settings['canary_prefix']} older than {older_than:.0f} s"
            )
    if problems:
        raise SystemExit(1)


@click.command("verify", epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", help="SmarterMail host name or IP address (env SMARTERMAIL_HOST).")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="API port (env SMARTERMAIL_PORT; default 443, or 9998 with --no-secure).",
)
@click.option(
    "--secure/--no-secure", default=None, help="HTTPS or plain HTTP (env SMARTERMAIL_SECURE; default HTTPS)."
)
@click.option("--username", help="SmarterMail system administrator (env SMARTERMAIL_USERNAME).")
@click.option(
    "--password", help="UNSAFE (shows in ps): prefer SMARTERMAIL_PASSWORD, --password-stdin or the prompt."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@file_option("--ca-file", help="PEM CA file to trust for the server certificate.")
@click.option(
    "--insecure", is_flag=True, help="Do not verify the TLS certificate (test servers only; warns on stderr)."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 also when a check warns or TLS certificate checks are off (as ansible-lint --strict).",
)
@click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds for TCP connect and TLS handshake (default 10).",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds per API answer (default 30)."
)
@click.option(
    "--whmcs-root",
    "whmcs_roots",
    multiple=True,
    help="WHMCS directory: adds the WHMCS-side checks (repeatable).",
)
@click.option("--php", help="PHP CLI binary for reading configuration.php (default php).")
@click.option(
    "--cron-user",
    help="Whose crontab holds the WHMCS cron line (config whmcs_cron.user; default whmcs_web_user).",
)
@click.option(
    "--web-user",
    help="The user the web server runs PHP as (config whmcs_web_user): --order runs WHMCS's PHP as this user.",
)
@click.option("--no-canary", is_flag=True, help="Read-only run: skip the canary domain.")
@click.option(
    "--order",
    is_flag=True,
    help="Also place a test order per product through WHMCS's localAPI (module Create, checks, "
    "terminate), then remove it (config smartermail_verify_order).",
)
@click.option(
    "--dry-run", is_flag=True, help="Change nothing: skip the canary; with --order, say what it would do."
)
@click.option("--canary-prefix", help="Name prefix of canary domains (default smw-canary-).")
@file_option("--config", "config_file", help="YAML file with smartermail_servers and whmcs_root(s).")
@click.option(
    "--from-whmcs",
    "from_whmcs",
    metavar="ROOT",
    help="Take the servers (and passwords) from this WHMCS's tblservers.",
)
@choice_option("--format", "output_format", choices=FORMATS, default="table", help="Report format.")
@file_option("--output", "-o", "output", help="Write the report to FILE (atomically) instead of stdout.")
# Checks wait on the network, not the CPU: 16 lets a canary per server of a 10-server fleet run at
# once (measured: 10 servers at 100 ms in 1.1x one server's time).
@number_option("--parallel", kind=click.IntRange(1, 64), default=16, help="Checks run at the same time.")
@click.option("-v", "--verbose", is_flag=True, help="Show each check's details and time.")
@click.option(
    "--cleanup", is_flag=True, help="Remove leftover canary domains older than --older-than, then exit."
)
@click.option(
    "--older-than",
    type=DurationType(),
    default="1h",
    show_default=True,
    help="With --cleanup: minimum age (30m, 1h, 2d).",
)
def verify_command(**params: Any) -> None:
    """Check every link from WHMCS to SmarterMail and name the broken one."""
    options = VerifyOptions(
        host=params["host"],
        port=params["port"],
        secure=params["secure"],
        username=params["username"],
        password=params["password"],
        password_stdin=params["password_stdin"],
        ca_file=params["ca_file"],
        insecure=params["insecure"],
        connect_timeout=params["connect_timeout"],
        timeout=params["timeout"],
        whmcs_roots=tuple(params["whmcs_roots"]) if not params["cleanup"] else (),
        php=params["php"],
        cron_user=params["cron_user"],
        no_canary=params["no_canary"],
        canary_prefix=params["canary_prefix"],
        config=params["config_file"],
        from_whmcs=params["from_whmcs"],
        web_user=params["web_user"],
        order=params["order"],
        dry_run=params["dry_run"],
    )
    if params["cleanup"] and options.from_whmcs:
        options.whmcs_roots = ()
    try:
        with cancel_on_signals(stderr_notice):
            targets = resolve_targets(options, prompt=_prompt_or_none())
            if params["cleanup"]:
                _run_cleanup(targets, params["older_than"])
                return
            _verify(targets, params)
    except Interrupted as interrupt:
        sys.exit(interrupt.exit_code)


def _tls_setting(params: dict[str, Any]) -> str:
    return "--insecure" if params["insecure"] else "validate_certs: false in the config file"


def _warn_tls_off(targets: list[dict[str, Any]], params: dict[str, Any]) -> None:
    """One stderr line per server whose certificate is not checked (said before any check runs)."""
    for target in targets:
        if tls_checks_off(target["secure"], target["verify_tls"]):
            server = (
                f"{target['name']} ({server_label(target['hostname'], target['port'], target['secure'])})"
            )
            stderr_notice("warning: " + tls_off_warning(server, _tls_setting(params)))


def _exit_strict(results: list[CheckResult], targets: list[dict[str, Any]], params: dict[str, Any]) -> None:
    """--strict: exit 1 when a check warned or certificate checks were off, naming each."""
    findings = strict_findings(results, targets, _tls_setting(params))
    if not params["strict"] or not findings:
        return
    stderr_notice(f"--strict: {len(findings)} warning(s) fail this run (without --strict they are advisory):")
    for line in findings:
        stderr_notice(scrub(f"  {line}", _secrets(targets)))
    sys.exit(1)


def _verify(targets: list[dict[str, Any]], params: dict[str, Any]) -> None:
    _warn_tls_off(targets, params)
    try:
        registry = build_registry(include_canary=not params["no_canary"])
    except ImportError as error:
        raise ConfigError(f"the verify checks cannot be loaded: {error}") from None
    secrets = _secrets(targets)
    run = VerifyRun([], LateOutcomes())
    run.contexts = [TargetContext(t["name"], t) for t in targets]
    total = planned_checks(run.contexts, registry)
    show_progress = sys.stderr.isatty()
    done = [0]

    def on_result(result: CheckResult) -> None:
        done[0] += 1
        if show_progress:
            (safe,) = redact_results([result], secrets)
            stderr_notice(progress_line(safe, done[0], total))

    started = time.time()
    try:
        run_verify(targets, registry, params["parallel"], on_result, run=run)
    except Interrupted as interrupt:
        _report_interrupt(interrupt, run, secrets)
        raise
    results = redact_results(run.results, secrets)
    generated_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))
    text = render(
        results,
        params["output_format"],
        [public_target(t) for t in targets],
        __version__,
        generated_at,
        verbose=params["verbose"],
    )
    if params["output_format"] == "table":  # JSON/JUnit: already redacted field by field
        text = scrub(text, secrets)
    _emit(text, params["output"], params["output_format"], results)
    if not summarize(results)["ok"]:
        sys.exit(1)
    _exit_strict(results, targets, params)
