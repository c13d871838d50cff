"""`smartermail-whmcs sandbox order`: refusals (the success path runs in the demo and verify tests)."""

from __future__ import annotations

from fixtures.sandbox import SandboxInfo, run_sandbox_cli


def test_order_before_the_install_is_refused_and_creates_nothing(whmcs_sandbox: SandboxInfo) -> None:
    done = run_sandbox_cli("order", "--dir", str(whmcs_sandbox.directory), "--domain", "early.test")
    assert done.returncode == 1
    assert "run the install playbook first" in done.stderr and "Traceback" not in done.stderr


def test_order_on_an_unknown_host_or_without_a_sandbox_is_a_usage_error(
    whmcs_sandbox: SandboxInfo, tmp_path
) -> None:
    unknown = run_sandbox_cli(
        "order", "--dir", str(whmcs_sandbox.directory), "--host", "whmcs9", "--domain", "a.test"
    )
    assert unknown.returncode == 2 and "no sandbox host 'whmcs9'" in unknown.stderr
    missing = run_sandbox_cli("order", "--dir", str(tmp_path), "--domain", "a.test")
    assert missing.returncode == 2 and "holds no sandbox" in missing.stderr
