"""The changelog fragments are valid and CHANGELOG.md is what antsibull-changelog generates.

CHANGELOG.md is never edited by hand: changelogs/changelog.yaml (released versions) generates it,
and changelogs/fragments/*.yml hold the changes not released yet (CONTRIBUTING.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixtures.repo import REPO

ANTSIBULL_CHANGELOG = str(Path(sys.executable).with_name("antsibull-changelog"))


def antsibull_changelog(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ANTSIBULL_CHANGELOG, *arguments], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )


def test_fragments_are_valid() -> None:
    fragments = sorted((REPO / "changelogs" / "fragments").glob("*.y*ml"))
    done = antsibull_changelog("lint")
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr
    # lint has nothing to say about no fragments at all: make sure it saw them.
    if fragments:
        done = antsibull_changelog("lint", *map(str, fragments))
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_a_bad_fragment_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "1-bad.yml"
    bad.write_text("new_features:\n  - a section antsibull-changelog does not know\n")
    done = antsibull_changelog("lint", str(bad))
    assert done.returncode != 0 and "invalid section: new_features" in done.stdout, done.stdout + done.stderr


def test_changelog_yaml_is_valid() -> None:
    done = antsibull_changelog("lint-changelog-yaml", "changelogs/changelog.yaml")
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_changelog_md_is_generated(tmp_path: Path) -> None:
    generated = tmp_path / "CHANGELOG.md"
    done = antsibull_changelog("generate", "--output", str(generated), "--output-format", "md")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (REPO / "CHANGELOG.md").read_text() == generated.read_text(), (
        "CHANGELOG.md differs from changelogs/changelog.yaml: run .venv/bin/antsibull-changelog generate"
    )
