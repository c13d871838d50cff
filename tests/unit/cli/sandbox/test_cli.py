"""sandbox/cli.py: the api command's parameter words are checked before the sandbox is looked at."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from smartermail_whmcs.cli import cli


def test_api_parameters_that_are_not_key_value_are_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["sandbox", "api", "--dir", str(tmp_path), "GetInvoice", "invoiceid"])
    assert result.exit_code == 2 and "expected key=value or key[]=value, got 'invoiceid'" in result.output


def test_api_json_that_is_not_an_object_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["sandbox", "api", "--dir", str(tmp_path), "--json", "[1]", "GetInvoice"]
    )
    assert result.exit_code == 2 and "--json must be a JSON object" in result.output


def test_api_and_cron_without_a_sandbox_are_a_usage_error(tmp_path: Path) -> None:
    for args in (
        ["api", "--dir", str(tmp_path), "WhmcsDetails"],
        ["cron", "--dir", str(tmp_path), "do", "--UpdateServerUsage"],
    ):
        result = CliRunner().invoke(cli, ["sandbox", *args])
        assert result.exit_code == 2 and "holds no sandbox" in result.output, result.output
