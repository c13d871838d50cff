"""module_hooks: the ModuleHooks list arithmetic (what WHMCS loads, what the product step writes)."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_hooks import (
    HooksPlan,
    hooks_file_of,
    listed,
    with_module,
    without_module,
)

NAME = "smartermail"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "smartermail"),  # a fresh WHMCS: the row exists, empty
        (None, "smartermail"),  # no row at all
        ("cpanel", "cpanel,smartermail"),
        ("cpanel,plesk,directadmin", "cpanel,plesk,directadmin,smartermail"),  # order kept, ours last
        ("plesk,cpanel", "plesk,cpanel,smartermail"),  # never sorted
        ("cpanel,,plesk,", "cpanel,plesk,smartermail"),  # blank entries dropped
        (" , cpanel", " cpanel,smartermail"),  # whitespace-only dropped, others kept as written
        ("cpanel,cpanel,plesk", "cpanel,plesk,smartermail"),  # exact repeats dropped
        ("cpanel, smartermail", "cpanel,smartermail"),  # a spelling WHMCS cannot load is replaced
        ("smartermailx,cpanel", "smartermailx,cpanel,smartermail"),  # a longer name is another module
        ("SmarterMail", "SmarterMail,smartermail"),  # names are directory names: case matters
    ],
)
def test_recording_appends_the_name_once_and_keeps_the_others(value: str | None, expected: str) -> None:
    assert with_module(value, NAME) == expected
    assert listed(expected, NAME)
    assert with_module(expected, NAME) == expected  # a second run changes nothing


@pytest.mark.parametrize("value", ["smartermail", "cpanel,smartermail", "smartermail,,cpanel,cpanel"])
def test_a_list_that_already_holds_the_name_is_left_exactly_as_it_is(value: str) -> None:
    assert with_module(value, NAME) is value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("smartermail", ""),
        ("cpanel,smartermail,plesk", "cpanel,plesk"),
        ("smartermail,cpanel,smartermail", "cpanel"),  # every occurrence
        ("cpanel, smartermail ,,plesk", "cpanel,plesk"),  # other spellings too, blanks dropped
    ],
)
def test_removal_drops_the_name_and_keeps_the_others(value: str, expected: str) -> None:
    assert without_module(value, NAME) == expected
    assert not listed(expected, NAME)


@pytest.mark.parametrize("value", [None, "", "cpanel,,plesk", "smartermailx"])
def test_removal_leaves_a_list_without_the_name_untouched(value: str | None) -> None:
    assert without_module(value, NAME) is value


@pytest.mark.parametrize(
    ("value", "loads"),
    [
        ("smartermail", True),
        ("cpanel,smartermail", True),
        ("cpanel, smartermail", False),  # WHMCS splits on ',' and does not trim
        ("smartermailx", False),
        ("", False),
        (None, False),
    ],
)
def test_listed_is_what_whmcs_would_load(value: str | None, loads: bool) -> None:
    assert listed(value, NAME) is loads


def test_a_plan_changes_only_when_the_value_does_and_reports_both_sides() -> None:
    same = HooksPlan(NAME, True, "/w/hooks.php", True, "smartermail", "smartermail")
    assert not same.changed
    missing_row = HooksPlan(NAME, True, "/w/hooks.php", False, None, "smartermail")
    assert missing_row.changed
    assert missing_row.report() == {
        "setting": "ModuleHooks",
        "module": NAME,
        "hooks_file": "/w/hooks.php",
        "listed": True,
        "before": None,
        "after": "smartermail",
    }
    assert not HooksPlan(NAME, False, "/w/hooks.php", False, None, None).changed


def test_the_hooks_file_sits_beside_the_module_file() -> None:
    assert hooks_file_of("/var/www/whmcs/modules/servers/smartermail/smartermail.php") == (
        "/var/www/whmcs/modules/servers/smartermail/hooks.php"
    )
