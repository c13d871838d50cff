"""``smartermail-whmcs simulator``: serve the SmarterMail API simulator until SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from smartermail_whmcs.errors import StageError
from smartermail_whmcs.options import F, choice_option, folder_option, number_option
from smartermail_whmcs.simulator.config import (
    DEFAULT_VERSION,
    LOGIN_FAILURE_STYLES,
    STARTUP_FAULTS,
    ConfigValueError,
    SimulatorConfig,
    check_version,
    parse_account,
)
from smartermail_whmcs.simulator.server import Simulator


def _accounts(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    accounts: dict[str, str] = {}
    for text in values:
        try:
            user, password = parse_account(text)
        except ConfigValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
        if user.lower() in {known.lower() for known in accounts}:
            raise click.BadParameter(f"account {user!r} is given twice", ctx=ctx, param=param)
        accounts[user] = password
    return accounts


def _account_option(*decls: str, help: str, **attrs: Any) -> Callable[[F], F]:
    """A repeatable USER:PASS account option, read into {user: password}."""
    return click.option(*decls, multiple=True, callback=_accounts, metavar="USER:PASS", help=help, **attrs)


def _version(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        return check_version(value)
    except ConfigValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


@click.command("simulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@number_option("--port", kind=click.IntRange(0, 65535), default=0, help="0 picks a free port.")
@click.option("--tls", is_flag=True, help="Serve HTTPS with a throwaway CA (needs --cert-dir).")
@folder_option(
    "--cert-dir", help="Where --tls writes ca.pem, server.pem and server.key (created if missing)."
)
@_account_option(
    "--sysadmin",
    "sysadmins",
    envvar="SMARTERMAIL_SIMULATOR_SYSADMIN",
    help="System administrator account (repeatable; default admin:admin when no account is given). "
    "The environment variable keeps the password out of the process list (space-separated accounts).",
)
@_account_option(
    "--sysadmin-2fa",
    "two_factor_sysadmins",
    help="Sysadmin with two-factor authentication: login answers TWO_FACTOR_REQUIRED and a step token.",
)
@_account_option(
    "--sysadmin-password-change",
    "password_change_sysadmins",
    help="Sysadmin who must change the password: login answers changePasswordNeeded and a step token.",
)
@_account_option(
    "--user",
    "users",
    help="Non-sysadmin account: logs in, but every settings/sysadmin call answers 403 (repeatable).",
)
@click.option(
    "--version",
    "version",
    default=DEFAULT_VERSION,
    show_default=True,
    callback=_version,
    help="SmarterMail version to report.",
)
@number_option(
    "--latency-ms", kind=click.IntRange(min=0), default=0, help="Delay added to every /api request."
)
@number_option(
    "--token-ttl", kind=click.IntRange(min=1), default=900, help="Access-token lifetime in seconds."
)
@number_option(
    "--max-domains",
    kind=click.IntRange(min=0),
    default=None,
    help="Edition domain limit (default: unlimited).",
)
@choice_option(
    "--login-failure-style",
    choices=LOGIN_FAILURE_STYLES,
    default="401",
    help="Wrong password answers HTTP 401, or HTTP 200 with success:false.",
)
@click.option(
    "--fault",
    "faults",
    type=click.Choice(STARTUP_FAULTS),
    multiple=True,
    help="Break every /api request this way (repeatable; the first listed wins).",
)
@click.option("--log-requests", is_flag=True, help="Log each request to stderr.")
def simulator_command(
    host: str,
    port: int,
    tls: bool,
    cert_dir: Path | None,
    sysadmins: dict[str, str],
    two_factor_sysadmins: dict[str, str],
    password_change_sysadmins: dict[str, str],
    users: dict[str, str],
    version: str,
    latency_ms: int,
    token_ttl: int,
    max_domains: int | None,
    login_failure_style: str,
    faults: tuple[str, ...],
    log_requests: bool,
) -> None:
    """Serve the SmarterMail REST API v1 simulator.

    The first line on stdout is "listening on <url>". Runs until SIGINT or SIGTERM.
    A test-only control API lives under /__simulator/ (see docs/simulator.md).
    """
    if tls and cert_dir is None:
        raise click.UsageError("--tls needs --cert-dir (where ca.pem, server.pem and server.key are written)")
    if cert_dir is not None and not tls:
        raise click.UsageError("--cert-dir is only used with --tls")
    step_accounts = {**two_factor_sysadmins, **password_change_sysadmins}
    if {name.lower() for name in step_accounts} & {name.lower() for name in sysadmins}:
        raise click.UsageError(
            "an account is given both with --sysadmin and --sysadmin-2fa/--sysadmin-password-change"
        )
    if not sysadmins and not users and not step_accounts:
        sysadmins = {"admin": "admin"}
    sysadmins = {**sysadmins, **step_accounts}
    config = SimulatorConfig(
        host=host,
        port=port,
        tls=tls,
        cert_dir=cert_dir,
        sysadmins=sysadmins,
        users=users,
        two_factor_sysadmins=frozenset(name.lower() for name in two_factor_sysadmins),
        password_change_sysadmins=frozenset(name.lower() for name in password_change_sysadmins),
        version=version,
        latency_ms=latency_ms,
        token_ttl=token_ttl,
        max_domains=max_domains,
        login_failure_style=login_failure_style,
        faults=faults,
        log_requests=log_requests,
    )
    try:
        simulator = Simulator(config)
    except ConfigValueError as exc:
        raise click.UsageError(str(exc)) from None

    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        url = simulator.start()
    except OSError as exc:
        raise StageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    click.echo(f"listening on {url}")
    sys.stdout.flush()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        simulator.stop()
