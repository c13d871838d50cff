"""The changelog's release heading and the MetaData/changelog comparison."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_introspection import (
    changelog_release,
    version_mismatch,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## 1.2.0\n- x", "1.2.0"),
        ("# Changelog\n\n## [1.2.0] - 2026-05-01\n## [1.1.0] - 2026-01-01", "1.2.0"),
        ("Version 1.2.0\n", "1.2.0"),
        ("Version: 1.2.0 (2026-05-01)", "1.2.0"),
        ("# Changelog\n## [Unreleased]\n- wip\n## v1.3.0-beta.1\n", "1.3.0-beta.1"),
        ("# Changelog\nAll notable changes.\n", None),
        ("", None),
    ],
)
def test_changelog_release(text: str, expected: str | None) -> None:
    assert changelog_release(text) == expected


def test_mismatch_only_when_both_say_a_different_version() -> None:
    assert version_mismatch("1.2.0", "1.2.0") is None
    assert version_mismatch("1.2.0", "v1.2.0") is None
    assert version_mismatch(None, "1.2.0") is None
    assert version_mismatch("1.2.0", None) is None
    assert version_mismatch("1.2.0", "1.1.0") == (
        "the module's MetaData says version 1.2.0 but its CHANGELOG.md's latest release is 1.1.0: the release "
        "was packed from mixed files, or one of them was not updated"
    )
