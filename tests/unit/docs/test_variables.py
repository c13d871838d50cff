"""docs/variables.md is generated from the roles' argument specs and must be up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from fixtures.repo import REPO
from smartermail_whmcs.docs_gen import markdown_text, render_variables


def option_names(options: dict[str, Any], prefix: str = "") -> list[str]:
    names = []
    for name, spec in (options or {}).items():
        names.append(f"{prefix}{name}")
        if (spec or {}).get("options"):
            separator = "[]." if spec.get("type") == "list" else "."
            names += option_names(spec["options"], f"{prefix}{name}{separator}")
    return names


def test_docs_variables_md_is_up_to_date() -> None:
    generated = render_variables(REPO)
    assert (REPO / "docs" / "variables.md").read_text() == generated, (
        "docs/variables.md is stale: run python -m smartermail_whmcs.docs_gen"
    )


def test_every_role_variable_has_a_row() -> None:
    text = (REPO / "docs" / "variables.md").read_text()
    specs = sorted(REPO.glob("roles/*/meta/argument_specs.yml"))
    assert len(specs) >= 6
    for path in specs:
        role = path.parent.parent.name
        assert f"## `astral360.smartermail.{role}`" in text
        for spec in (yaml.safe_load(path.read_text())["argument_specs"] or {}).values():
            for name in option_names(spec.get("options") or {}):
                assert f"| `{name}` |" in text, f"{role}: {name} missing from docs/variables.md"


def test_ansible_markup_becomes_markdown() -> None:
    assert markdown_text(
        ["Set O(whmcs_root) to C(/var/www)", "or V(none) | I(see) L(docs,https://x.y)."]
    ) == ("Set `whmcs_root` to `/var/www` or `none` | *see* [docs](https://x.y).")


def test_check_mode_of_the_cli_reports_a_stale_file(tmp_path: Path) -> None:
    (tmp_path / "roles" / "demo" / "meta").mkdir(parents=True)
    (tmp_path / "roles" / "demo" / "meta" / "argument_specs.yml").write_text(
        yaml.safe_dump(
            {"argument_specs": {"main": {"short_description": "Demo", "options": {"x": {"type": "int"}}}}}
        )
    )
    command = [sys.executable, "-m", "smartermail_whmcs.docs_gen", "--collection-root", str(tmp_path)]
    stale = subprocess.run([*command, "--check"], capture_output=True, text=True, check=False)
    assert stale.returncode == 1 and "is stale" in stale.stderr
    written = subprocess.run(command, capture_output=True, text=True, check=False)
    assert written.returncode == 0
    assert "| `x` | int | no |  |  |" in (tmp_path / "docs" / "variables.md").read_text()
    fresh = subprocess.run([*command, "--check"], capture_output=True, text=True, check=False)
    assert fresh.returncode == 0, fresh.stderr
