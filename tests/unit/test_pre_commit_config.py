""".pre-commit-config.yaml is valid, downloads nothing and runs what `scripts/run.sh lint` runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from fixtures.repo import REPO

CONFIG = REPO / ".pre-commit-config.yaml"
# The lint step of scripts/run.sh, as run.sh spells each command -> as the hooks' entries spell it.
LINT_COMMANDS = {
    '"$VENV/bin/ruff" check .': ".venv/bin/ruff check .",
    '"$VENV/bin/ruff" format --check .': ".venv/bin/ruff format --check .",
    "bash scripts/typecheck.sh": "scripts/typecheck.sh",
    '"$VENV/bin/ansible-lint" --profile production': ".venv/bin/ansible-lint --profile production",
    "bash scripts/sanity.sh": "scripts/sanity.sh",
}


def hooks() -> list[dict[str, object]]:
    config = yaml.safe_load(CONFIG.read_text())
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_pre_commit_validates_the_config() -> None:
    pre_commit = str(Path(sys.executable).with_name("pre-commit"))
    done = subprocess.run(
        [pre_commit, "validate-config", str(CONFIG)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_hooks_are_local_commands() -> None:
    config = yaml.safe_load(CONFIG.read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"], "hook repositories would be downloaded"
    assert {hook["language"] for hook in hooks()} == {"system"}


def test_hooks_run_what_lint_runs() -> None:
    run_sh = (REPO / "scripts" / "run.sh").read_text()
    entries = " | ".join(str(hook["entry"]) for hook in hooks())
    for in_run_sh, in_hooks in LINT_COMMANDS.items():
        assert in_run_sh in run_sh, f"scripts/run.sh lint no longer runs {in_run_sh}: update this test"
        assert in_hooks in entries, f".pre-commit-config.yaml has no hook running {in_hooks}"
    assert ".venv/bin/antsibull-changelog lint" in entries
